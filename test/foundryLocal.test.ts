import { beforeAll, describe, expect, it } from "vitest";
import type { RunResult } from "../harness/run";
import { AZURE_CLI_CLIENT_ID, foundryLocalIds } from "../components/foundryLocalApi";
import { stableGuid } from "../src/lib/ids";
import { at, devConfig, devWith, named, ofType, render, RT, sharedRender } from "./helpers";
import { MICROSOFT } from "./support/builtInRoles";

const FL = { cluster: { name: "arc-edge-01", resourceGroupName: "rg-edge" }, endpoint: "https://foundry.edge.contoso.com" };
/** The base stack's render, read by the tests that need no other config. */
const devRun = () => sharedRender(devConfig());
const clusterId = (r: RunResult) => `/subscriptions/${r.mocks.subscriptionId}/resourceGroups/rg-edge/providers/Microsoft.Kubernetes/connectedClusters/arc-edge-01`;

describe("FoundryLocalApi", () => {
    let dev: RunResult;
    beforeAll(async () => {
        dev = await devRun();
    });

    it("exposes an admin-consent scope and an Applications app role, and asks for v2 tokens", () => {
        const app = named(dev, "foundry-local-api-app");
        const ids = foundryLocalIds({ project: "foundry-entra", stack: "dev" }, "foundry_access", "FoundryInferenceAccess");
        expect(app.inputs.signInAudience).toBe("AzureADMyOrg");
        expect(app.inputs.api).toMatchObject({
            requestedAccessTokenVersion: 2,
            oauth2PermissionScopes: [{ id: ids.scopeId, value: "foundry_access", type: "Admin", enabled: true }],
        });
        expect(app.inputs.appRoles).toEqual([expect.objectContaining({
            id: ids.appRoleId, value: "FoundryInferenceAccess", allowedMemberTypes: ["Application"], enabled: true,
        })]);
    });

    it("sets the Application ID URI api://<client-id> with its own resource, and ignores identifierUris on the app", () => {
        const app = named(dev, "foundry-local-api-app");
        expect(app.options.ignoreChanges).toEqual(["identifierUris"]);
        expect(app.inputs.identifierUris).toBeUndefined();
        const uri = named(dev, "foundry-local-api-uri");
        const clientId = String(at(dev.outputs, "foundryLocal.clientId"));
        expect(uri.inputs.identifierUri).toBe(`api://${clientId}`);
        expect(uri.propertyDependencies.applicationId).toEqual([app.urn]);
        expect(at(dev.outputs, "foundryLocal")).toMatchObject({
            identifierUri: `api://${clientId}`,
            userScope: `api://${clientId}/foundry_access`,
            appScope: `api://${clientId}/.default`,
            endpoint: "https://foundry.edge.contoso.com",
            clusterId: clusterId(dev),
        });
    });

    it("pre-authorises the Azure CLI for the scope and declares a service principal", () => {
        const pre = named(dev, "foundry-local-api-azure-cli");
        expect(pre.inputs.authorizedClientId).toBe(AZURE_CLI_CLIENT_ID);
        expect(AZURE_CLI_CLIENT_ID).toBe("04b07795-8ddb-461a-bbee-02f9e1bf7b46");
        expect(pre.inputs.permissionIds).toEqual([at(dev.outputs, "foundryLocal.scopeId")]);
        expect(named(dev, "foundry-local-api-sp").propertyDependencies.clientId).toEqual([named(dev, "foundry-local-api-app").urn]);
    });

    it("gives the gateway's service principal the app role, so its tokens carry roles", () => {
        const assignment = named(dev, "foundry-local-api-gateway-app-role");
        expect(assignment.inputs.appRoleId).toBe(at(dev.outputs, "foundryLocal.appRoleId"));
        expect(assignment.inputs.principalObjectId).toBe(at(dev.outputs, "gateway.servicePrincipalObjectId"));
        expect(assignment.propertyDependencies.resourceObjectId).toEqual([named(dev, "foundry-local-api-sp").urn]);
    });

    it("derives scope and app-role ids deterministically: same config, same GUIDs; other stack, other GUIDs", async () => {
        const again = await render(devConfig());
        expect(at(again.outputs, "foundryLocal.scopeId")).toBe(at(dev.outputs, "foundryLocal.scopeId"));
        expect(at(again.outputs, "foundryLocal.appRoleId")).toBe(at(dev.outputs, "foundryLocal.appRoleId"));
        expect(at(dev.outputs, "foundryLocal.scopeId")).toBe(stableGuid("foundry-entra", "dev", "foundry-local-api", "scope", "foundry_access"));
        const prod = await render(devConfig(), { stack: "prod" });
        expect(at(prod.outputs, "foundryLocal.scopeId")).not.toBe(at(dev.outputs, "foundryLocal.scopeId"));
    });

    it("declares nothing of Foundry Local when it is not configured", async () => {
        const r = await render(devWith({ foundryLocal: undefined, managedIdentities: undefined }));
        expect(r.resources.filter((x) => x.name.startsWith("foundry-local") || x.name.startsWith("arc-cluster"))).toEqual([]);
        expect(at(r.outputs, "foundryLocal")).toBeUndefined();
    });
});

describe("ArcCluster", () => {
    it("gives the cluster's Arc identity Cognitive Services OpenAI User at the cluster scope", async () => {
        const r = await devRun();
        const ra = named(r, "arc-cluster-arc-identity-openai-user");
        expect(ra.inputs).toMatchObject({
            principalId: stableGuid("mock", "principalId", "arc", "arc-edge-01"),
            principalType: "ServicePrincipal",
            scope: clusterId(r),
            roleDefinitionId: `/subscriptions/${r.mocks.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${MICROSOFT["Cognitive Services OpenAI User"]}`,
        });
    });

    it("assigns users, groups and the gateway at the cluster scope; admin means Cognitive Services Contributor there", async () => {
        const r = await render(devWith({ access: [{ group: "Edge Admins", role: "admin", accounts: ["foundry-local"] }] }));
        const admins = named(r, "arc-cluster-group-edge-admins-foundry-local-cs-contributor");
        expect(admins.inputs).toMatchObject({ principalType: "Group", scope: clusterId(r) });
        expect(named(r, "arc-cluster-gateway-foundry-local-openai-user").inputs.principalId).toBe(at(r.outputs, "gateway.servicePrincipalObjectId"));
    });

    it("installs the Foundry Local extension with the API's tenant and client id only when asked", async () => {
        expect(ofType(await devRun(), RT.extension)).toHaveLength(0);
        const r = await render(devWith({ foundryLocal: { ...FL, installExtension: true } }));
        const [ext] = ofType(r, RT.extension);
        expect(ext?.inputs).toMatchObject({
            clusterName: "arc-edge-01", resourceGroupName: "rg-edge", clusterRp: "Microsoft.Kubernetes", clusterResourceName: "connectedClusters",
            extensionName: "inference-operator", extensionType: "Microsoft.Foundry", releaseTrain: "stable",
            scope: { cluster: { releaseNamespace: "foundry-local-operator" } },
            configurationSettings: {
                "entraAuth.enabled": "true", "entraAuth.tenantId": r.mocks.tenantId, "entraAuth.clientId": at(r.outputs, "foundryLocal.clientId"),
            },
        });
    });
});

describe("ManagedIdentityAccess", () => {
    it("creates a user-assigned identity, assigns it the app role and RBAC on the targets it names", async () => {
        const r = await devRun();
        const uai = named(r, "mi-batch-worker-identity");
        expect(uai.inputs).toMatchObject({ resourceName: "batch-worker", resourceGroupName: "rg-ai-dev", location: "swedencentral" });
        const appRole = named(r, "mi-batch-worker-app-role");
        expect(appRole.inputs.appRoleId).toBe(at(r.outputs, "foundryLocal.appRoleId"));
        expect(appRole.propertyDependencies.principalObjectId).toEqual([uai.urn]);
        expect(named(r, "mi-batch-worker-identity-aoai-dev-swc-openai-user").inputs.principalType).toBe("ServicePrincipal");
        expect(named(r, "mi-batch-worker-identity-foundry-local-openai-user").inputs.scope).toBe(clusterId(r));
        expect(r.resources.some((x) => x.name.startsWith("mi-batch-worker-identity-foundry-dev-swc"))).toBe(false);
        expect(at(r.outputs, "managedIdentities.batch-worker.clientId")).toBe(stableGuid("mock", "clientId", "mi-batch-worker-identity"));
    });

    it("uses an existing identity by principal id and defaults its targets to every account and the cluster", async () => {
        const id = "7d2a1f4e-2c3b-4a5d-9e8f-0a1b2c3d4e5f";
        const r = await render(devWith({ managedIdentities: [{ name: "chat-backend", principalId: id }] }));
        expect(ofType(r, RT.uai)).toHaveLength(0);
        expect(named(r, "mi-chat-backend-app-role").inputs.principalObjectId).toBe(id);
        for (const t of ["aoai-dev-swc-openai-user", "foundry-dev-swc-openai-user", "foundry-local-openai-user"]) {
            expect(named(r, `mi-chat-backend-identity-${t}`).inputs.principalId).toBe(id);
        }
    });

    it("gives the Foundry Local app role only to identities that target foundry-local", async () => {
        const r = await render(devWith({ managedIdentities: [
            { name: "batch-worker", create: { resourceGroupName: "rg-ai-dev" }, accounts: ["aoai-dev-swc", "foundry-local"] },
            { name: "rag-indexer", create: { resourceGroupName: "rg-ai-dev" }, accounts: ["aoai-dev-swc"] },
        ] }));
        expect(r.resources.some((x) => x.name === "mi-batch-worker-app-role")).toBe(true);
        expect(r.resources.some((x) => x.name === "mi-rag-indexer-app-role")).toBe(false);
    });

    it("skips the app role when Foundry Local is not configured", async () => {
        const r = await render(devWith({ foundryLocal: undefined, managedIdentities: [{ name: "chat-backend", create: { resourceGroupName: "rg" } }] }));
        expect(ofType(r, RT.appRoleAssignment)).toHaveLength(0);
        expect(named(r, "mi-chat-backend-identity-aoai-dev-swc-openai-user").propertyDependencies.principalId).toEqual([named(r, "mi-chat-backend-identity").urn]);
    });
});
