import { describe, expect, it } from "vitest";
import { parseStackConfig } from "../src/config/parse";
import { config, devConfig, devWith, refuse } from "./helpers";

const ACCOUNT = { name: "aoai-dev-swc", resourceGroupName: "rg-ai-dev", kind: "OpenAI" };
const GUID = "3f2504e0-4f89-41d3-9a0c-0305e82c3301";
const FL = { cluster: { name: "arc-edge-01", resourceGroupName: "rg-edge" }, endpoint: "https://foundry.edge.contoso.com" };

/** [what is wrong, config overrides on the dev stack, text the message must contain (key path first)]. */
const MALFORMED: readonly [string, Record<string, unknown>, string][] = [
    ["unknown top-level key", { "foundry-entra:gatway": {} }, "foundry-entra:gatway: unknown key"],
    ["unknown nested key", { gateway: { displayNam: "x" } }, "foundry-entra:gateway.displayNam: unknown key; allowed here: displayName"],
    ["accounts is not a list", { accounts: { name: "x" } }, "foundry-entra:accounts: expected array"],
    ["account without kind", { accounts: [{ name: "aoai-x", resourceGroupName: "rg" }], access: undefined, managedIdentities: undefined }, "foundry-entra:accounts[0].kind: is required"],
    ["unknown account kind", { accounts: [{ ...ACCOUNT, kind: "Speech" }] }, "foundry-entra:accounts[0].kind: \"Speech\" is not an account kind; allowed: OpenAI, AIServices"],
    ["upper-case account name", { accounts: [{ ...ACCOUNT, name: "AOAI-Dev" }] }, "foundry-entra:accounts[0].name: \"AOAI-Dev\" is not a valid account name"],
    ["account named foundry-local", { accounts: [{ ...ACCOUNT, name: "foundry-local" }] }, "foundry-entra:accounts[0].name: \"foundry-local\" is reserved"],
    ["existing is not a boolean", { accounts: [{ ...ACCOUNT, existing: "yes" }] }, "foundry-entra:accounts[0].existing: expected boolean"],
    ["duplicate account names", { accounts: [ACCOUNT, ACCOUNT] }, "foundry-entra:accounts[1].name: \"aoai-dev-swc\" is already used by foundry-entra:accounts[0]"],
    ["duplicate deployment names", { accounts: [{ ...ACCOUNT, deployments: [{ name: "d", model: "m", version: "1" }, { name: "d", model: "m", version: "2" }] }], access: undefined, managedIdentities: undefined }, "foundry-entra:accounts[0].deployments[1].name"],
    ["deployment capacity zero", { accounts: [{ ...ACCOUNT, deployments: [{ name: "d", model: "m", version: "1", capacity: 0 }] }] }, "foundry-entra:accounts[0].deployments[0].capacity: 0 is below the minimum"],
    ["certificate validity too long", { gateway: { certificate: { validityDays: 4000 } } }, "foundry-entra:gateway.certificate.validityDays: 4000 is above the maximum of 1095 days"],
    ["RSA key below 2048 bits", { gateway: { certificate: { rsaBits: 1024 } } }, "foundry-entra:gateway.certificate.rsaBits: 1024 is not an allowed RSA key size; allowed: 2048, 3072, 4096"],
    ["secret validity beyond 24 months", { gateway: { clientSecret: { validityDays: 731 } } }, "foundry-entra:gateway.clientSecret.validityDays: 731 is above the maximum of 730 days"],
    ["fractional validity", { gateway: { clientSecret: { validityDays: 30.5 } } }, "foundry-entra:gateway.clientSecret.validityDays: expected a whole number of days"],
    ["rotation without enough overlap", { gateway: { clientSecret: { validityDays: 60, rotateEveryDays: 45, graceDays: 30 } } }, "foundry-entra:gateway.clientSecret.validityDays: 60 is shorter than rotateEveryDays + graceDays + 1"],
    ["secret rotation without the spare day", { gateway: { clientSecret: { validityDays: 120, rotateEveryDays: 90, graceDays: 30 } } }, "foundry-entra:gateway.clientSecret.validityDays: 120 is shorter than rotateEveryDays + graceDays + 1 (90 + 30 + 1)"],
    ["rotation with no grace at all", { gateway: { certificate: { rotateEveryDays: 90, graceDays: 0 } } }, "foundry-entra:gateway.certificate.graceDays: 0 is below the minimum of 1 days"],
    ["no way to sign in", { gateway: { certificate: false, clientSecret: false } }, "foundry-entra:gateway: certificate and clientSecret are both off"],
    ["federated issuer not https", { gateway: { federatedCredentials: [{ name: "k8s", issuer: "http://oidc.example.com", subject: "system:serviceaccount:a:b" }] } }, "foundry-entra:gateway.federatedCredentials[0].issuer: \"http://oidc.example.com\" is not an https:// URL"],
    ["federated subject empty", { gateway: { federatedCredentials: [{ name: "k8s", issuer: "https://oidc.example.com", subject: "" }] } }, "foundry-entra:gateway.federatedCredentials[0].subject: must not be empty"],
    ["malformed owner GUID", { gateway: { owners: ["not-a-guid"] } }, "foundry-entra:gateway.owners[0]: \"not-a-guid\" is not a GUID"],
    ["no owners", { gateway: { owners: [] } }, "foundry-entra:gateway.owners: is empty; list the object id of the identity that runs `pulumi up`"],
    ["renewOn not a calendar day", { gateway: { certificate: { rotateEveryDays: 90, validityDays: 180, renewOn: "2026-02-30" } } }, "foundry-entra:gateway.certificate.renewOn: \"2026-02-30\" is not a day; expected YYYY-MM-DD"],
    ["renewOn without rotation", { gateway: { certificate: { renewOn: "2026-12-01" } } }, "foundry-entra:gateway.certificate.renewOn: needs rotateEveryDays"],
    ["renewOn inside the grace period of a rotation", { gateway: { clientSecret: { rotateEveryDays: 90, validityDays: 181, renewOn: "2026-12-20" } } },
        "foundry-entra:gateway.clientSecret.renewOn: 2026-12-20 is 4 days after the scheduled rotation of 2026-12-16; gateways still holding the credential before it would lose it before graceDays (30) have passed; choose 2027-01-15 or later"],
    ["AIServices inference role that grants no inference", { aiServicesInferenceRole: "Reader" }, "foundry-entra:aiServicesInferenceRole: \"Reader\" grants no inference on Foundry accounts"],
    ["malformed UPN", { access: [{ user: "alice" }] }, "foundry-entra:access[0].user: \"alice\" is not a user principal name"],
    ["malformed principal id", { access: [{ principalId: "1234", principalType: "User" }] }, "foundry-entra:access[0].principalId: \"1234\" is not a GUID"],
    ["nil GUID placeholder", { access: [{ principalId: "00000000-0000-0000-0000-000000000000", principalType: "User" }] }, "foundry-entra:access[0].principalId: the nil GUID"],
    ["both user and group", { access: [{ user: "alice@contoso.com", group: "AI Engineers" }] }, "foundry-entra:access[0]: sets user and group; set exactly one"],
    ["neither user, group nor principalId", { access: [{ role: "inference" }] }, "foundry-entra:access[0]: names no principal"],
    ["principalId without principalType", { access: [{ principalId: GUID }] }, "foundry-entra:access[0].principalType: is required with principalId"],
    ["principalType contradicting user", { access: [{ user: "alice@contoso.com", principalType: "Group" }] }, "foundry-entra:access[0].principalType: \"Group\" contradicts user"],
    ["unknown role", { access: [{ user: "alice@contoso.com", role: "Superuser" }] }, "foundry-entra:access[0].role: \"Superuser\" is not a known role"],
    ["Owner role by GUID", { access: [{ user: "alice@contoso.com", role: "8e3af657-a8ff-443c-a75c-2fe8c4bcb635" }] }, "foundry-entra:access[0].role: \"8e3af657-a8ff-443c-a75c-2fe8c4bcb635\" is the Owner role"],
    ["access naming an undeclared account", { access: [{ user: "alice@contoso.com", accounts: ["aoai-prod"] }] }, "foundry-entra:access[0].accounts[0]: \"aoai-prod\" is not a declared account"],
    ["foundry-local without foundryLocal", { foundryLocal: undefined, access: [{ user: "alice@contoso.com", accounts: ["foundry-local"] }], managedIdentities: undefined }, "foundry-entra:access[0].accounts[0]: \"foundry-local\" needs foundry-entra:foundryLocal"],
    ["empty accounts list", { access: [{ user: "alice@contoso.com", accounts: [] }] }, "foundry-entra:access[0].accounts: must name at least one account"],
    ["same grant twice", { access: [{ user: "alice@contoso.com" }, { user: "alice@contoso.com", role: "Cognitive Services OpenAI User", accounts: ["aoai-dev-swc"] }] }, "foundry-entra:access[1]: gives user alice@contoso.com the role \"Cognitive Services OpenAI User\" on \"aoai-dev-swc\" again"],
    ["identity with principalId and create", { managedIdentities: [{ name: "mi-one", principalId: GUID, create: { resourceGroupName: "rg" } }] }, "foundry-entra:managedIdentities[0]: sets both principalId and create"],
    ["duplicate identity names", { managedIdentities: [{ name: "mi-one", principalId: GUID }, { name: "mi-one", create: { resourceGroupName: "rg" } }] }, "foundry-entra:managedIdentities[1].name: \"mi-one\" is already used"],
    ["created identity without a location", { "azure-native:location": undefined, accounts: undefined, access: undefined, managedIdentities: [{ name: "mi-one", create: { resourceGroupName: "rg" } }] }, "foundry-entra:managedIdentities[0].create.location: is required because azure-native:location is not set"],
    ["scope value equals app role value", { foundryLocal: { ...FL, scopeValue: "FoundryInferenceAccess" } }, "foundry-entra:foundryLocal.appRoleValue: \"FoundryInferenceAccess\" equals scopeValue"],
    ["Foundry Local endpoint not a URL", { foundryLocal: { ...FL, endpoint: "foundry.edge" } }, "foundry-entra:foundryLocal.endpoint: \"foundry.edge\" is not an https:// URL"],
    ["protect not a boolean", { protect: "maybe" }, "foundry-entra:protect: expected true or false, got \"maybe\""],
    ["envoy delivery without a client secret", { gateway: { clientSecret: false }, gatewayDelivery: { kubernetes: { namespace: "ai-gateway", format: "envoy" } } }, "foundry-entra:gatewayDelivery.kubernetes.format: envoy needs gateway.clientSecret"],
];

describe("config validation", () => {
    it("has a table of at least 25 malformed configs", () => {
        expect(MALFORMED.length).toBeGreaterThanOrEqual(25);
    });

    it.each(MALFORMED)("refuses %s, naming the key, before any resource exists", async (_what, overrides, expected) => {
        const { lines, registered } = await refuse(devWith(overrides));
        expect(lines[0]).toMatch(/^Invalid stack configuration \(\d+ problems?\):$/);
        expect(lines.slice(1).some((l) => l.includes(expected)), `${expected}\n  not in:\n${lines.join("\n")}`).toBe(true);
        expect(registered).toBe(0);
        // One line per problem, no stack trace.
        expect(lines.join("\n")).not.toMatch(/\n\s*at .+:\d+:\d+/);
    });

    it("reports every problem at once, one line each", async () => {
        const { lines } = await refuse(devWith({
            gateway: { certificate: { rsaBits: 1024 }, clientSecret: { validityDays: 9999 } },
            access: [{ user: "alice" }, { principalId: "x", principalType: "User" }],
        }));
        expect(lines.slice(1)).toEqual([
            expect.stringContaining("gateway.certificate.rsaBits"),
            expect.stringContaining("gateway.clientSecret.validityDays"),
            expect.stringContaining("access[0].user"),
            expect.stringContaining("access[1].principalId"),
        ]);
    });

    it("accepts the dev stack and fills in defaults", () => {
        const parsed = parseStackConfig(devConfig(), { stack: "dev" });
        if (!parsed.ok) throw new Error(parsed.problems.join("\n"));
        expect(parsed.config.gateway.certificate).toEqual({ validityDays: 365, rsaBits: 2048, subject: "ai-gateway-dev" });
        expect(parsed.config.accounts[0]).toMatchObject({ existing: false, disableLocalAuth: true, sku: "S0", location: "swedencentral" });
        expect(parsed.config.access[0]).toEqual({ principal: { kind: "user", upn: "alice@contoso.com" }, role: "inference", targets: ["aoai-dev-swc", "foundry-dev-swc", "foundry-local"] });
        expect(parsed.config.foundryLocal).toMatchObject({ scopeValue: "foundry_access", appRoleValue: "FoundryInferenceAccess", preAuthorizeAzureCli: true, installExtension: false });
    });

    it("accepts `certificate: false` and `clientSecret: true`", () => {
        const parsed = parseStackConfig(config({ "foundry-entra:gateway": { owners: [GUID], certificate: false, clientSecret: true } }), { stack: "dev" });
        expect(parsed.ok && parsed.config.gateway).toMatchObject({ certificate: false, clientSecret: { validityDays: 180 } });
    });

    it("ignores other namespaces' keys", () => {
        expect(parseStackConfig(config({ "foundry-entra:gateway": { owners: [GUID] }, "azuread:tenantId": GUID, "pulumi:tags": { a: "b" } }), { stack: "dev" }).ok).toBe(true);
    });
});

describe("renewOn in a credential's options (a secret position)", () => {
    it("refuses a client secret pasted as renewOn without quoting any of it", () => {
        const secret = "abc8Q~Zp3sVt9kLm2Nq4Rw6Yx8Bd0Fh2Jk4Ln6Pq";
        const parsed = parseStackConfig(devWith({ gateway: { certificate: { rotateEveryDays: 90, validityDays: 180, renewOn: secret } } }), { stack: "dev" });
        const lines = parsed.ok ? [] : parsed.problems;
        expect(lines).toContainEqual(expect.stringMatching(/^foundry-entra:gateway\.certificate\.renewOn: .* is not a day; expected YYYY-MM-DD/));
        for (const l of lines) expect(l).not.toContain(secret.slice(6, 16));
    });
});
