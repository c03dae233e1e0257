import { describe, expect, it, beforeAll } from "vitest";
import type { RunResult } from "../harness/run";
import { stableGuid } from "../src/lib/ids";
import { at, devConfig, devWith, named, ofType, render, RT, refuse, sharedRender } from "./helpers";
import { MICROSOFT } from "./support/builtInRoles";

const roleId = (r: RunResult, guid: string) => `/subscriptions/${r.mocks.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${guid}`;
const accountId = (r: RunResult, name: string) => `/subscriptions/${r.mocks.subscriptionId}/resourceGroups/rg-ai-dev/providers/Microsoft.CognitiveServices/accounts/${name}`;

describe("InferenceAccess", () => {
    let dev: RunResult;
    beforeAll(async () => {
        dev = await sharedRender(devConfig());
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
        // On a Foundry (AIServices) account "inference" is Cognitive Services OpenAI User by default (no listkeys).
        const foundry = named(dev, "access-gateway-foundry-dev-swc-openai-user");
        expect(foundry.inputs.roleDefinitionId).toBe(roleId(dev, MICROSOFT["Cognitive Services OpenAI User"]));
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
        expect(named(dev, "access-user-alice-contoso-com-foundry-dev-swc-openai-user").inputs.roleDefinitionId).toBe(roleId(dev, MICROSOFT["Cognitive Services OpenAI User"]));
        expect(named(dev, "arc-cluster-user-alice-contoso-com-foundry-local-openai-user").inputs.principalType).toBe("User");
    });

    it("takes the seed guide's Cognitive Services User, or the keyless Data Contributor, for AIServices inference when config says so", async () => {
        const seed = await render(devWith({ aiServicesInferenceRole: "Cognitive Services User" }));
        expect(named(seed, "access-gateway-foundry-dev-swc-cs-user").inputs.roleDefinitionId).toBe(roleId(seed, "a97b65f3-24c7-4388-baec-2e87135dc908"));
        // OpenAI accounts keep OpenAI User whatever the switch says.
        expect(named(seed, "access-gateway-aoai-dev-swc-openai-user").inputs.roleDefinitionId).toBe(roleId(seed, "5e0bd9bd-7b93-4f28-af87-19fc36ad61bd"));
        const keyless = await render(devWith({ aiServicesInferenceRole: "Cognitive Services Data Contributor (Preview)" }));
        expect(named(keyless, "access-gateway-foundry-dev-swc-cs-data-contributor").inputs.roleDefinitionId)
            .toBe(roleId(keyless, "19c28022-e58e-450d-a464-0b2a53034789"));
    });

    it("refuses a non-OpenAI model on an AIServices account under the default role, which cannot call /models", async () => {
        const accounts = [{ name: "foundry-dev-swc", resourceGroupName: "rg-ai-dev", kind: "AIServices",
            deployments: [{ name: "llama", model: "Llama-3.3-70B-Instruct", version: "1", format: "Meta" }] }];
        const { lines, registered } = await refuse(devWith({ accounts, access: [], managedIdentities: [] }));
        expect(registered).toBe(0);
        expect(lines.some((l) => l.startsWith("foundry-entra:accounts[0].deployments[0].format: \"Meta\" models are served by the /models surface"))).toBe(true);
        const ok = await render(devWith({ accounts, access: [], managedIdentities: [], aiServicesInferenceRole: "Cognitive Services Data Contributor (Preview)" }));
        expect(ok.resources.some((r) => r.name === "access-gateway-foundry-dev-swc-cs-data-contributor")).toBe(true);
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
