/**
 * One passing and at least one failing case per policy, each built from a real rendered resource: the pass is
 * the resource as the program declares it, the failure a copy with one input (or option) changed. Every
 * failing case also runs the whole pack over the whole graph and expects exactly that one violation.
 */
import { join } from "node:path";
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { beforeAll, describe, expect, it } from "vitest";
import { adoptedAccountRetained, type OfflinePolicy, type RenderedResource } from "./offline";
import { createPolicies } from "./policies";
import { TYPES } from "./policies/constants";
import { formatViolations, runPack, validate } from "./runner";
import { byName, clock, firstOfType, renderFile, replaced, ROOT, withInput, withOptions } from "./testing";

const policies = createPolicies({ now: clock });
const policy = (name: string): ResourceValidationPolicy => {
    const p = policies.find((x) => x.name === name);
    if (!p) throw new Error(`no policy ${name}`);
    return p;
};

let dev: readonly RenderedResource[];
let full: readonly RenderedResource[];
beforeAll(async () => {
    dev = await renderFile(join(ROOT, "test/fixtures/stacks/Pulumi.dev.yaml"));
    full = await renderFile(join(ROOT, "examples", "full.yaml"));
});

/** The policy passes the resource as rendered. */
async function expectPass(p: ResourceValidationPolicy, r: RenderedResource): Promise<void> {
    expect(await validate(p, r), `${p.name} on ${r.name}`).toEqual([]);
}

/**
 * The policy reports the changed resource (with a message matching `message`), and the whole pack over the
 * graph with that one resource changed reports exactly one violation: this policy's, on this resource.
 */
async function expectFail(graph: readonly RenderedResource[], p: ResourceValidationPolicy, bad: RenderedResource, message: RegExp): Promise<void> {
    const messages = await validate(p, bad);
    expect(messages, `${p.name} applies to ${bad.type}`).toBeDefined();
    expect(messages).toHaveLength(1);
    expect(messages?.[0]).toMatch(message);
    const { violations } = await runPack(replaced(graph, bad), { policies });
    expect(violations.map((v) => [v.policy, v.urn]), formatViolations(violations)).toEqual([[p.name, bad.urn]]);
}

describe("cognitive-services-key-auth-disabled", () => {
    const p = policy("cognitive-services-key-auth-disabled");
    it("passes an account with key auth disabled", async () => expectPass(p, byName(dev, "aoai-dev-swc-account")));
    it("refuses disableLocalAuth: false", async () =>
        expectFail(dev, p, withInput(byName(dev, "aoai-dev-swc-account"), "properties.disableLocalAuth", false), /aoai-dev-swc.*disableLocalAuth false.*foundry-entra:accounts/));
    it("refuses an account that does not set disableLocalAuth (Azure's default is keys on)", async () =>
        expectFail(dev, p, withInput(byName(dev, "foundry-dev-swc-account"), "properties.disableLocalAuth", undefined), /disableLocalAuth not set/));
    it("does not apply to other resource types", async () => expect(await validate(p, firstOfType(dev, TYPES.roleAssignment))).toBeUndefined());
});

describe("role-assignment-no-privileged-roles", () => {
    const p = policy("role-assignment-no-privileged-roles");
    const ra = () => byName(dev, "access-gateway-aoai-dev-swc-openai-user");
    it("passes Cognitive Services OpenAI User", async () => expectPass(p, ra()));
    it("refuses Owner as a full ARM id", async () =>
        expectFail(dev, p, withInput(ra(), "roleDefinitionId", "/subscriptions/00000000-0000-0000-0000-000000000001/providers/Microsoft.Authorization/roleDefinitions/8e3af657-a8ff-443c-a75c-2fe8c4bcb635"), /grants Owner/));
    it("refuses Contributor as an upper-case bare GUID", async () =>
        expectFail(dev, p, withInput(ra(), "roleDefinitionId", "B24988AC-6180-42A0-AB88-20F7382DD24C"), /grants Contributor/));
    it("refuses User Access Administrator as a tenant-level id", async () =>
        expectFail(dev, p, withInput(ra(), "roleDefinitionId", "/providers/Microsoft.Authorization/roleDefinitions/18d7d88d-d35e-4fb5-a5c3-7773c20a72d9"), /grants User Access Administrator/));
    it("refuses a role definition id it cannot parse", async () =>
        expectFail(dev, p, withInput(ra(), "roleDefinitionId", "Owner"), /neither a role definition GUID/));
});

describe("role-assignment-resource-scope", () => {
    const p = policy("role-assignment-resource-scope");
    const ra = () => byName(dev, "access-gateway-aoai-dev-swc-openai-user");
    const scope = () => String(ra().inputs.scope);
    it("passes an account scope and a connected-cluster scope", async () => {
        await expectPass(p, ra());
        await expectPass(p, byName(dev, "arc-cluster-gateway-foundry-local-openai-user"));
    });
    it("refuses a subscription scope", async () =>
        expectFail(dev, p, withInput(ra(), "scope", scope().split("/resourceGroups/")[0]), /a whole subscription/));
    it("refuses a resource group scope", async () =>
        expectFail(dev, p, withInput(ra(), "scope", scope().split("/providers/")[0]), /a whole resource group/));
    it("refuses a management group scope", async () =>
        expectFail(dev, p, withInput(ra(), "scope", "/providers/Microsoft.Management/managementGroups/contoso"), /a management group/));
    it("passes a Foundry Local fleet's grants at its resource groups, which the stack's config asks for (grantScope: resourceGroup)", async () => {
        const fleet = await renderFile(join(ROOT, "examples", "fleet.yaml"));
        const atGroups = fleet.filter((r) => r.type === TYPES.roleAssignment && /\/resourceGroups\/[^/]+$/.test(String(r.inputs.scope)));
        expect(atGroups.map((r) => r.name).sort()).toEqual([
            "fleet-rg-stores-north-gateway-foundry-local-openai-user", "fleet-rg-stores-north-group-store-platform-engineers-foundry-local-cs-contributor",
            "fleet-rg-stores-south-gateway-foundry-local-openai-user", "fleet-rg-stores-south-group-store-platform-engineers-foundry-local-cs-contributor",
            "mi-shelf-vision-identity-foundry-local/resourceGroups/rg-stores-north-openai-user", "mi-shelf-vision-identity-foundry-local/resourceGroups/rg-stores-south-openai-user",
        ]);
        for (const r of atGroups) await expectPass(p, r);
        // The mark opens resource groups only: a subscription scope with it is still refused.
        const marked = withInput(ra(), "description", String(atGroups[0]?.inputs.description));
        expect(await validate(p, withInput(marked, "scope", scope().split("/providers/")[0]))).toEqual([]);
        expect(await validate(p, withInput(marked, "scope", scope().split("/resourceGroups/")[0]))).toEqual([expect.stringMatching(/a whole subscription/)]);
    });
});

describe("role-assignment-principal-type", () => {
    const p = policy("role-assignment-principal-type");
    const ra = () => byName(dev, "access-user-alice-contoso-com-aoai-dev-swc-openai-user");
    it("passes an assignment with principalType", async () => expectPass(p, ra()));
    it("refuses an assignment without principalType", async () =>
        expectFail(dev, p, withInput(ra(), "principalType", undefined), /principalType not set/));
    it("refuses an empty principalType", async () => expectFail(dev, p, withInput(ra(), "principalType", ""), /principalType ""/));
});

describe("entra-app-single-tenant", () => {
    const p = policy("entra-app-single-tenant");
    it("passes the gateway and Foundry Local API app registrations", async () => {
        await expectPass(p, byName(dev, "gateway-app"));
        await expectPass(p, byName(dev, "foundry-local-api-app"));
    });
    it("refuses a multi-tenant audience", async () =>
        expectFail(dev, p, withInput(byName(dev, "gateway-app"), "signInAudience", "AzureADMultipleOrgs"), /ai-gateway-dev.*"AzureADMultipleOrgs"/));
    it("refuses an app registration that leaves the audience to the provider", async () =>
        expectFail(dev, p, withInput(byName(dev, "gateway-app"), "signInAudience", undefined), /signInAudience not set/));
});

describe("entra-api-app-v2-tokens", () => {
    const p = policy("entra-api-app-v2-tokens");
    const api = () => byName(dev, "foundry-local-api-app");
    it("passes the Foundry Local API app (v2) and the gateway app (exposes no API)", async () => {
        await expectPass(p, api());
        await expectPass(p, byName(dev, "gateway-app"));
    });
    it("refuses v1 tokens", async () => expectFail(dev, p, withInput(api(), "api.requestedAccessTokenVersion", 1), /requestedAccessTokenVersion 1/));
    it("refuses an API app that leaves the token version to the provider (v1)", async () =>
        expectFail(dev, p, withInput(api(), "api.requestedAccessTokenVersion", undefined), /requestedAccessTokenVersion not set/));
    it("treats an app with app roles only as an API app", async () =>
        expectFail(dev, p, withInput(byName(dev, "gateway-app"), "appRoles", api().inputs.appRoles), /API app registration "ai-gateway-dev"/));
});

describe("entra-api-scopes-admin-consent", () => {
    const p = policy("entra-api-scopes-admin-consent");
    const api = () => byName(dev, "foundry-local-api-app");
    it("passes admin-consent scopes", async () => expectPass(p, api()));
    it("refuses a user-consent scope", async () =>
        expectFail(dev, p, withInput(api(), "api.oauth2PermissionScopes.0.type", "User"), /"foundry_access" with type "User"/));
    it("refuses a scope that leaves the consent type to the provider (User)", async () => {
        const bad = withInput(api(), "api.oauth2PermissionScopes.0", { value: "foundry_access", id: "619fd607-5971-5755-bd29-abe88b1f282b", enabled: true });
        await expectFail(dev, p, bad, /type not set/);
    });
});

describe("entra-client-secret-max-730-days", () => {
    const p = policy("entra-client-secret-max-730-days");
    const secret = () => byName(dev, "gateway-secret-password");
    const days = (n: number) => new Date(clock().getTime() + n * 86_400_000).toISOString();
    it("passes the dev stack's 180-day secret and a 730-day one", async () => {
        await expectPass(p, secret());
        await expectPass(p, withInput(secret(), "endDate", days(730)));
    });
    it("refuses an 800-day secret", async () => expectFail(dev, p, withInput(secret(), "endDate", days(800)), /lives 800 days.*maximum is 730/));
    it("measures from startDate when set", async () => {
        const started = withInput(secret(), "startDate", "2027-01-01T00:00:00Z");
        await expectPass(p, withInput(started, "endDate", "2028-12-31T00:00:00Z"));
        await expectFail(dev, p, withInput(started, "endDate", "2029-01-02T00:00:00Z"), /lives 732 days \(startDate 2027/);
    });
    it("reads the deprecated endDateRelative", async () => {
        await expectPass(p, withInput(secret(), "endDateRelative", "17520h"));
        await expectFail(dev, p, withInput(secret(), "endDateRelative", "17520h30m"), /730\.0 days/);
    });
    it("refuses a secret without an end date", async () => expectFail(dev, p, withInput(secret(), "endDate", undefined), /sets no endDate/));
    it("checks the rotating slots of the full example", async () => {
        const slots = full.filter((r) => r.type === TYPES.applicationPassword);
        expect(slots.length).toBeGreaterThanOrEqual(1);
        for (const s of slots) await expectPass(p, s);
    });
});

describe("tls-private-key-rsa-2048", () => {
    const p = policy("tls-private-key-rsa-2048");
    const key = () => byName(dev, "gateway-certificate-key");
    it("passes 2048-bit RSA, and RSA without rsaBits (the provider's default is 2048)", async () => {
        await expectPass(p, key());
        await expectPass(p, withInput(key(), "rsaBits", undefined));
    });
    it("refuses a 1024-bit key", async () => expectFail(dev, p, withInput(key(), "rsaBits", 1024), /rsaBits 1024; the minimum is 2048/));
    it("refuses an ECDSA key", async () => expectFail(dev, p, withInput(key(), "algorithm", "ECDSA"), /algorithm "ECDSA"/));
});

describe("tls-certificate-max-3-years", () => {
    const p = policy("tls-certificate-max-3-years");
    const cert = () => byName(dev, "gateway-certificate-cert");
    it("passes the dev stack's 1-year certificate and a 3-year one", async () => {
        await expectPass(p, cert());
        await expectPass(p, withInput(cert(), "validityPeriodHours", 3 * 365 * 24));
    });
    it("refuses a 4-year certificate", async () =>
        expectFail(dev, p, withInput(cert(), "validityPeriodHours", 4 * 365 * 24), /validityPeriodHours 35040 \(1460 days\)/));
});

describe("entra-app-certificate-max-3-years", () => {
    const p = policy("entra-app-certificate-max-3-years");
    const upload = () => byName(dev, "gateway-certificate-upload");
    it("passes the uploaded 1-year certificate", async () => expectPass(p, upload()));
    it("refuses an upload valid for 4 years", async () =>
        expectFail(dev, p, withInput(upload(), "endDate", "2030-01-01T00:00:00Z"), /valid for 1461 days/));
    it("refuses an end date that is not RFC 3339", async () =>
        expectFail(dev, p, withInput(upload(), "endDate", "next year"), /"next year" is not an RFC 3339 date/));
});

describe("cognitive-services-adopted-account-retained (offline runner only)", () => {
    const p: OfflinePolicy = adoptedAccountRetained;
    const adopted = () => byName(full, "aoai-legacy-weu-account");
    const check = (r: RenderedResource) => {
        const messages: string[] = [];
        p.validate(r, (m) => messages.push(m));
        return messages;
    };
    it("passes an adopted account with retainOnDelete, and created accounts", () => {
        expect(adopted().options.import).toMatch(/\/providers\/Microsoft\.CognitiveServices\/accounts\/aoai-legacy-weu$/);
        expect(check(adopted())).toEqual([]);
        expect(check(byName(full, "aoai-full-swc-account"))).toEqual([]);
    });
    it("refuses an adopted account without retainOnDelete", async () => {
        const bad = withOptions(adopted(), { retainOnDelete: false });
        expect(check(bad)).toEqual([expect.stringMatching(/"aoai-legacy-weu" is adopted .* without retainOnDelete/)]);
        const { violations } = await runPack(replaced(full, bad), { policies });
        expect(violations.map((v) => [v.policy, v.urn, v.offlineOnly])).toEqual([[p.name, bad.urn, true]]);
    });
});
