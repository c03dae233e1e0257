import { describe, expect, it, beforeAll } from "vitest";
import type { RunResult } from "../harness/run";
import { stableGuid } from "../src/lib/ids";
import { at, devConfig, devWith, named, ofType, render, RT } from "./helpers";
import { MICROSOFT } from "./support/builtInRoles";

const roleId = (r: RunResult, guid: string) => `/subscriptions/${r.mocks.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${guid}`;
const accountId = (r: RunResult, name: string) => `/subscriptions/${r.mocks.subscriptionId}/resourceGroups/rg-ai-dev/providers/Microsoft.CognitiveServices/accounts/${name}`;

describe("InferenceAccess", () => {
    let dev: RunResult;
    beforeAll(async () => {
        dev = await render(devConfig());
    });

    it("gives the gateway's service principal the inference role of each account's kind, at the account's scope", () => {
        const openai = named(dev, "access-gateway-aoai-dev-swc-openai-user");
        expect(openai.inputs).toMatchObject({
            principalType: "ServicePrincipal",
            roleDefinitionId: roleId(dev, MICROSOFT["Cognitive Services OpenAI User"]),
            scope: accountId(dev, "aoai-dev-swc"),
        });
        expect(openai.propertyDependencies.principalId).toEqual([named(dev, "gateway-sp").urn]);
        expect(openai.propertyDependencies.scope).toEqual([named(dev, "aoai-dev-swc-account").urn]);
        expect(openai.inputs.principalId).toBe(at(dev.outputs, "gateway.servicePrincipalObjectId"));
        const foundry = named(dev, "access-gateway-foundry-dev-swc-cs-user");
        expect(foundry.inputs.roleDefinitionId).toBe(roleId(dev, MICROSOFT["Cognitive Services User"]));
        expect(foundry.inputs.scope).toBe(accountId(dev, "foundry-dev-swc"));
    });

    it("looks users up by UPN and groups by display name, and always sets principalType", () => {
        const alice = named(dev, "access-user-alice-contoso-com-aoai-dev-swc-openai-user");
        expect(alice.inputs.principalType).toBe("User");
        expect(alice.inputs.principalId).toBe(stableGuid("mock", "objectId", "user", "alice@contoso.com"));
        const group = named(dev, "access-group-ai-engineers-aoai-dev-swc-cs-contributor");
        expect(group.inputs.principalType).toBe("Group");
        expect(group.inputs.principalId).toBe(stableGuid("mock", "objectId", "group", "AI Engineers"));
        for (const ra of ofType(dev, RT.roleAssignment)) expect(ra.inputs.principalType, ra.name).toMatch(/^(User|Group|ServicePrincipal)$/);
    });

    it("maps admin to Cognitive Services Contributor and limits entries to the accounts they name", () => {
        const group = named(dev, "access-group-ai-engineers-aoai-dev-swc-cs-contributor");
        expect(group.inputs.roleDefinitionId).toBe(roleId(dev, MICROSOFT["Cognitive Services Contributor"]));
        expect(dev.resources.some((r) => r.name.startsWith("access-group-ai-engineers-foundry-dev-swc"))).toBe(false);
    });

    it("defaults an entry to every account and to the cluster", () => {
        expect(named(dev, "access-user-alice-contoso-com-foundry-dev-swc-cs-user").inputs.roleDefinitionId).toBe(roleId(dev, MICROSOFT["Cognitive Services User"]));
        expect(named(dev, "arc-cluster-user-alice-contoso-com-foundry-local-openai-user").inputs.principalType).toBe("User");
    });

    it("accepts built-in role names, role GUIDs and raw principal ids", async () => {
        const sp = "3f2504e0-4f89-41d3-9a0c-0305e82c3301";
        const r = await render(devWith({ access: [
            { principalId: sp, principalType: "ServicePrincipal", role: "Cognitive Services OpenAI Contributor", accounts: ["aoai-dev-swc"] },
            { user: "bob@contoso.com", role: MICROSOFT["Azure AI User"], accounts: ["foundry-dev-swc"] },
            { group: "Readers", role: "reader", accounts: ["foundry-dev-swc"] },
        ] }));
        const raw = named(r, `access-sp-${sp}-aoai-dev-swc-openai-contributor`);
        expect(raw.inputs).toMatchObject({ principalId: sp, principalType: "ServicePrincipal", roleDefinitionId: roleId(r, MICROSOFT["Cognitive Services OpenAI Contributor"]) });
        expect(named(r, "access-user-bob-contoso-com-foundry-dev-swc-ai-user").inputs.roleDefinitionId).toBe(roleId(r, MICROSOFT["Azure AI User"]));
        expect(named(r, "access-group-readers-foundry-dev-swc-reader").inputs.roleDefinitionId).toBe(roleId(r, MICROSOFT["Reader"]));
    });

    it("derives role assignment names (GUIDs) from scope, principal and role", async () => {
        const again = await render(devConfig());
        for (const ra of ofType(dev, RT.roleAssignment)) {
            const name = String(ra.inputs.roleAssignmentName);
            expect(name).toBe(stableGuid("role-assignment", String(ra.inputs.scope).toLowerCase(), String(ra.inputs.principalId).toLowerCase(),
                String(ra.inputs.roleDefinitionId).split("/").pop() ?? ""));
            expect(named(again, ra.name).inputs.roleAssignmentName).toBe(name);
        }
    });

    it("never makes a role assignment wait for a credential", () => {
        const credentialUrns = new Set(dev.resources.filter((r) => [RT.key, RT.cert, RT.appCert, RT.password].includes(r.type as never)).map((r) => r.urn));
        for (const ra of ofType(dev, RT.roleAssignment)) {
            const deps = [...ra.dependencies, ...Object.values(ra.propertyDependencies).flat()];
            expect(deps.filter((d) => credentialUrns.has(d)), ra.name).toEqual([]);
        }
    });
});
