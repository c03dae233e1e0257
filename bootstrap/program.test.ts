import { beforeAll, describe, expect, it } from "vitest";
import type { RunResult } from "../harness/run";
import { GRAPH_APP_ROLE_IDS } from "../harness/mocks";
import { FORBIDDEN_ROLES } from "../src/config/roles";
import { GITHUB_ISSUER, TOKEN_EXCHANGE_AUDIENCE } from "./components";
import { childrenOf, config, DEV_RG, exampleConfig, mockClientId, mockObjectId, named, ofType, PROD_RG, render, roleGuidOf, RT, STATE, SUB } from "./helpers";
import { customRoleGuid } from "./rbac";
import { assignableRoleGuids, BOOTSTRAP_ROLES, KEY_VAULT_SECRET_WRITER, PROGRAM_ROLES, STATE_KEY_DECRYPTER } from "./roles";

const R = BOOTSTRAP_ROLES;
const PERMISSION_BY_ID = new Map(Object.entries(GRAPH_APP_ROLE_IDS).map(([value, id]) => [id, value]));
const FORBIDDEN_GRAPH = ["Directory.ReadWrite.All", "Application.ReadWrite.All", "RoleManagement.ReadWrite.Directory"];
const REPO = "contoso/foundry-entra";
const DEPLOYER_WRITE_ROLES = [R.reader, R.cognitiveServicesContributor, R.managedIdentityContributor, R.kubernetesExtensionContributor, R.rbacAdministrator]
    .map((r) => r.guid).sort();

/** Graph permissions granted to an identity (component name), by value, resolved through the mock Graph's app role ids. */
function graphPermissions(r: RunResult, identity: string): string[] {
    return childrenOf(r, identity, RT.appRoleAssignment).map((a) => {
        expect(a.inputs.resourceObjectId).toBe(mockObjectId("microsoft-graph"));
        expect(a.inputs.principalObjectId).toBe(mockObjectId(`${identity}-sp`));
        const value = PERMISSION_BY_ID.get(String(a.inputs.appRoleId));
        if (!value) throw new Error(`${a.name}: app role id ${String(a.inputs.appRoleId)} is not a known Graph permission`);
        return value;
    }).sort();
}

/** Role GUIDs per scope for an identity's ScopeAccess component. */
function rolesByScope(r: RunResult, component: string): Map<string, string[]> {
    const out = new Map<string, string[]>();
    for (const a of childrenOf(r, component, RT.roleAssignment)) {
        const scope = String(a.inputs.scope);
        out.set(scope, [...(out.get(scope) ?? []), roleGuidOf(a)].sort());
    }
    return out;
}

/** The two GUID lists of the RBAC Administrator condition: [write (request), delete (resource)]. */
function conditionLists(condition: string): [string[], string[]] {
    const lists = [...condition.matchAll(/@(Request|Resource)\[Microsoft\.Authorization\/roleAssignments:RoleDefinitionId\] ForAnyOfAnyValues:GuidEquals \{([^}]*)\}/g)]
        .map((m) => [m[1], (m[2] ?? "").split(",").map((g) => g.trim()).sort()] as const);
    expect(lists.map(([source]) => source)).toEqual(["Request", "Resource"]);
    return [lists[0]?.[1] ?? [], lists[1]?.[1] ?? []];
}

describe("bootstrap: the example stack, rendered under mocks", () => {
    let r: RunResult;
    beforeAll(async () => {
        r = await render(exampleConfig());
    });

    it("federates the deployer with each deployment environment and the previewer with each <env>-preview", () => {
        for (const [identity, envs] of [["deployer", ["dev", "staging", "prod"]], ["previewer", ["dev-preview", "staging-preview", "prod-preview"]]] as const) {
            const fics = childrenOf(r, identity, RT.fic);
            expect(fics.map((f) => f.inputs.subject)).toEqual(envs.map((e) => `repo:${REPO}:environment:${e}`));
            for (const f of fics) {
                expect(f.inputs.issuer).toBe(GITHUB_ISSUER);
                expect(f.inputs.issuer).toBe("https://token.actions.githubusercontent.com");
                expect(f.inputs.audiences).toEqual([TOKEN_EXCHANGE_AUDIENCE]);
                expect(f.inputs.audiences).toEqual(["api://AzureADTokenExchange"]);
                expect(f.inputs.applicationId).toBe(`/applications/${mockObjectId(`${identity}-app`)}`);
            }
        }
    });

    it("makes exactly the configured owners own both app registrations and service principals, whoever runs it", async () => {
        for (const type of [RT.app, RT.sp]) {
            for (const x of ofType(r, type)) expect(x.inputs.owners).toEqual(["22222222-2222-2222-2222-222222222222"]);
        }
        // Another administrator's run declares the same owners (the provider compares them on every run).
        const other = await render(exampleConfig(), "99999999-8888-4777-8666-555555555555");
        for (const type of [RT.app, RT.sp]) {
            for (const x of ofType(other, type)) expect(x.inputs.owners).toEqual(["22222222-2222-2222-2222-222222222222"]);
        }
        expect(ofType(r, RT.app).map((a) => [a.inputs.displayName, a.inputs.signInAudience]).sort()).toEqual([
            ["foundry-entra-foundry-entra-deployer", "AzureADMyOrg"], ["foundry-entra-foundry-entra-previewer", "AzureADMyOrg"],
        ]);
    });

    it("grants the deployer and the previewer exactly their Graph permissions, resolved through Graph's app role ids", () => {
        expect(graphPermissions(r, "deployer")).toEqual(
            ["AppRoleAssignment.ReadWrite.All", "Application.Read.All", "Application.ReadWrite.OwnedBy", "Group.Read.All", "User.Read.All"]);
        expect(graphPermissions(r, "previewer")).toEqual(["Application.Read.All", "Group.Read.All", "User.Read.All"]);
    });

    it("lists the granted permissions on each app registration as required resource access", () => {
        for (const identity of ["deployer", "previewer"]) {
            const app = named(r, `${identity}-app`);
            const granted = childrenOf(r, identity, RT.appRoleAssignment).map((a) => a.inputs.appRoleId);
            expect(app.inputs.requiredResourceAccesses).toEqual([{
                resourceAppId: "00000003-0000-0000-c000-000000000000",
                resourceAccesses: granted.map((id) => ({ id, type: "Role" })),
            }]);
        }
    });

    it("never grants Directory.ReadWrite.All, Application.ReadWrite.All or RoleManagement.ReadWrite.Directory", () => {
        const granted = ofType(r, RT.appRoleAssignment).map((a) => PERMISSION_BY_ID.get(String(a.inputs.appRoleId)));
        expect(granted).toHaveLength(8);
        for (const forbidden of FORBIDDEN_GRAPH) expect(granted).not.toContain(forbidden);
        expect(graphPermissions(r, "previewer").filter((p) => /ReadWrite/.test(p))).toEqual([]);
    });

    it("gives the deployer its five roles at every scope, in the scope's subscription", () => {
        const byScope = rolesByScope(r, "deployer-access");
        expect([...byScope.keys()]).toEqual([DEV_RG, PROD_RG]);
        for (const roles of byScope.values()) expect(roles).toEqual(DEPLOYER_WRITE_ROLES);
        for (const a of childrenOf(r, "deployer-access", RT.roleAssignment)) {
            expect(a.inputs.roleDefinitionId).toBe(`/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/${roleGuidOf(a)}`);
            expect(a.inputs.principalId).toBe(mockObjectId("deployer-sp"));
        }
    });

    it("sets principalType ServicePrincipal and a GUID name on every role assignment", () => {
        const all = ofType(r, RT.roleAssignment);
        expect(all.length).toBeGreaterThan(10);
        for (const a of all) {
            expect(a.inputs.principalType).toBe("ServicePrincipal");
            expect(a.inputs.roleAssignmentName).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/);
        }
        expect(new Set(all.map((a) => a.inputs.roleAssignmentName)).size).toBe(all.length);
    });

    it("limits Role Based Access Control Administrator to exactly the program's roles, for writes and deletes", () => {
        const admins = childrenOf(r, "deployer-access", RT.roleAssignment).filter((a) => roleGuidOf(a) === R.rbacAdministrator.guid);
        expect(admins).toHaveLength(2);
        const expected = PROGRAM_ROLES.map((p) => p.guid).sort();
        for (const a of admins) {
            expect(a.inputs.conditionVersion).toBe("2.0");
            const condition = String(a.inputs.condition);
            expect(condition).toContain("!(ActionMatches{'Microsoft.Authorization/roleAssignments/write'})");
            expect(condition).toContain("!(ActionMatches{'Microsoft.Authorization/roleAssignments/delete'})");
            const [write, del] = conditionLists(condition);
            expect(write).toEqual(expected);
            expect(del).toEqual(expected);
            for (const refused of [...FORBIDDEN_ROLES.keys(), R.rbacAdministrator.guid]) expect(write).not.toContain(refused);
        }
        const others = ofType(r, RT.roleAssignment).filter((a) => roleGuidOf(a) !== R.rbacAdministrator.guid);
        for (const a of others) expect(a.inputs.condition).toBeUndefined();
    });

    it("gives the previewer no write role anywhere", () => {
        const previewer = mockObjectId("previewer-sp");
        const mine = ofType(r, RT.roleAssignment).filter((a) => a.inputs.principalId === previewer);
        const decrypter = customRoleGuid(STATE_KEY_DECRYPTER, REPO);
        expect(mine.map(roleGuidOf).sort()).toEqual([R.reader.guid, R.reader.guid, R.storageBlobDataReader.guid, decrypter].sort());
        for (const roles of rolesByScope(r, "previewer-access").values()) expect(roles).toEqual([R.reader.guid]);
        const definition = childrenOf(r, "state", RT.roleDefinition)[0];
        expect(definition?.inputs.permissions).toEqual([{
            actions: [], notActions: [], notDataActions: [],
            dataActions: ["Microsoft.KeyVault/vaults/keys/read", "Microsoft.KeyVault/vaults/keys/encrypt/action", "Microsoft.KeyVault/vaults/keys/decrypt/action"],
        }]);
    });

    it("hardens the state storage account, container, Key Vault and key, and protects them", () => {
        const account = named(r, "state-account");
        expect(account.inputs).toMatchObject({
            accountName: STATE.storageAccountName, resourceGroupName: STATE.resourceGroupName, location: STATE.location, kind: "StorageV2",
            sku: { name: "Standard_ZRS" }, allowBlobPublicAccess: false, allowSharedKeyAccess: false, minimumTlsVersion: "TLS1_2",
            enableHttpsTrafficOnly: true, defaultToOAuthAuthentication: true,
        });
        expect(named(r, "state-blob-service").inputs).toMatchObject({ isVersioningEnabled: true, deleteRetentionPolicy: { enabled: true, days: 30 } });
        expect(named(r, "state-container").inputs).toMatchObject({ containerName: "pulumi-state", publicAccess: "None", accountName: STATE.storageAccountName });
        expect(named(r, "state-vault").inputs).toMatchObject({
            vaultName: STATE.keyVaultName,
            properties: { enableRbacAuthorization: true, enablePurgeProtection: true, enableSoftDelete: true, tenantId: r.mocks.tenantId },
        });
        expect(named(r, "state-key").inputs).toMatchObject({ keyName: "pulumi-state", vaultName: STATE.keyVaultName, properties: { kty: "RSA" } });
        for (const n of ["state-account", "state-blob-service", "state-container", "state-vault", "state-key"]) expect(named(r, n).options.protect, n).toBe(true);
    });

    it("grants the state's data roles on the container and on the key", () => {
        const rg = `/subscriptions/${r.mocks.subscriptionId}/resourceGroups/${STATE.resourceGroupName}/providers`;
        const container = `${rg}/Microsoft.Storage/storageAccounts/${STATE.storageAccountName}/blobServices/default/containers/pulumi-state`;
        const key = `${rg}/Microsoft.KeyVault/vaults/${STATE.keyVaultName}/keys/pulumi-state`;
        const grants = childrenOf(r, "state", RT.roleAssignment).map((a) => [a.name, a.inputs.scope, roleGuidOf(a), a.inputs.principalId])
            .sort((a, b) => String(a[0]).localeCompare(String(b[0])));
        expect(grants).toEqual([
            ["state-deployer-blob-contributor", container, R.storageBlobDataContributor.guid, mockObjectId("deployer-sp")],
            ["state-deployer-crypto-user", key, R.keyVaultCryptoUser.guid, mockObjectId("deployer-sp")],
            ["state-previewer-blob-reader", container, R.storageBlobDataReader.guid, mockObjectId("previewer-sp")],
            ["state-previewer-key-reader", key, customRoleGuid(STATE_KEY_DECRYPTER, REPO), mockObjectId("previewer-sp")],
        ]);
        const definition = named(r, "state-key-reader-role");
        expect(definition.inputs.assignableScopes).toEqual([`/subscriptions/${r.mocks.subscriptionId}/resourceGroups/${STATE.resourceGroupName}`]);
        expect(named(r, "state-previewer-key-reader").inputs.roleDefinitionId)
            .toBe(`/subscriptions/${r.mocks.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${customRoleGuid(STATE_KEY_DECRYPTER, REPO)}`);
    });

    it("outputs what the pipeline needs, and the GitHub variables under their exact names, none secret", () => {
        expect(Object.keys(r.outputs).sort()).toEqual(
            ["backendUrl", "clientId", "deployerObjectId", "federatedSubjects", "githubVariables", "previewClientId", "secretsProvider", "subscriptionId", "tenantId"]);
        expect(r.outputs.tenantId).toBe(r.mocks.tenantId);
        // What each program stack lists in gateway.owners: the deployer's service principal.
        expect(r.outputs.deployerObjectId).toBe(mockObjectId("deployer-sp"));
        expect(r.outputs.clientId).toBe(mockClientId("deployer-app"));
        expect(r.outputs.previewClientId).toBe(mockClientId("previewer-app"));
        expect(r.outputs.githubVariables).toEqual({
            AZURE_TENANT_ID: r.mocks.tenantId,
            AZURE_CLIENT_ID: r.outputs.clientId,
            AZURE_SUBSCRIPTION_ID: SUB,
            AZURE_PREVIEW_CLIENT_ID: r.outputs.previewClientId,
            PULUMI_BACKEND_URL: "azblob://pulumi-state?storage_account=contosopulumistate",
            PULUMI_SECRETS_PROVIDER: "azurekeyvault://kv-contoso-pulumi.vault.azure.net/keys/pulumi-state",
        });
        expect(r.outputs.clientId).not.toBe(r.outputs.previewClientId);
        expect(r.outputs.subscriptionId).toBe(SUB);
        expect(r.outputs.federatedSubjects).toEqual({
            deployer: ["dev", "staging", "prod"].map((e) => `repo:${REPO}:environment:${e}`),
            previewer: ["dev", "staging", "prod"].map((e) => `repo:${REPO}:environment:${e}-preview`),
        });
        expect(r.secretOutputPaths).toEqual([]);
    });

    it("renders the same graph byte for byte twice", async () => {
        const again = await render(exampleConfig());
        const shape = (x: RunResult) => JSON.stringify([...x.resources].sort((a, b) => a.urn.localeCompare(b.urn))
            .map((res) => [res.urn, res.parent, res.inputs, res.options, res.propertyDependencies]));
        expect(shape(again)).toBe(shape(r));
        expect(JSON.stringify(again.outputs)).toBe(JSON.stringify(r.outputs));
    });
});

describe("bootstrap: switches", () => {
    it("without previews and state: no previewer, no state, three GitHub variables", async () => {
        const r = await render(config({ previews: false }));
        expect(ofType(r, RT.app).map((a) => a.name)).toEqual(["deployer-app"]);
        expect(ofType(r, RT.storageAccount)).toEqual([]);
        expect(r.outputs.githubVariables).toEqual({ AZURE_TENANT_ID: r.mocks.tenantId, AZURE_CLIENT_ID: r.outputs.clientId, AZURE_SUBSCRIPTION_ID: SUB });
        expect(Object.keys(r.outputs).sort()).toEqual(["clientId", "deployerObjectId", "federatedSubjects", "githubVariables", "subscriptionId", "tenantId"]);
    });

    it("appRoleAssignments: false drops AppRoleAssignment.ReadWrite.All and Application.Read.All from the deployer", async () => {
        const r = await render(config({ appRoleAssignments: false }));
        expect(graphPermissions(r, "deployer")).toEqual(["Application.ReadWrite.OwnedBy", "Group.Read.All", "User.Read.All"]);
    });

    it("keyVaultDelivery: true defines the secret-writer role, assignable at the scopes, and assigns it at each", async () => {
        const r = await render(config({ keyVaultDelivery: true }));
        const definition = childrenOf(r, "deployer-access", RT.roleDefinition);
        expect(definition).toHaveLength(1);
        expect(definition[0]?.inputs).toMatchObject({
            roleName: `foundry-entra Key Vault secret writer (${REPO})`,
            roleType: "CustomRole",
            scope: `/subscriptions/${SUB}`,
            assignableScopes: [DEV_RG, PROD_RG],
            permissions: [{ actions: [...KEY_VAULT_SECRET_WRITER.actions], dataActions: [] }],
        });
        const writer = customRoleGuid(KEY_VAULT_SECRET_WRITER, REPO);
        for (const roles of rolesByScope(r, "deployer-access").values()) expect(roles).toEqual([...DEPLOYER_WRITE_ROLES, writer].sort());
    });

    it("adds configured assignable roles to the condition", async () => {
        const extra = "33333333-3333-3333-3333-333333333333";
        const r = await render(config({ assignableRoles: [extra.toUpperCase()] }));
        const admin = childrenOf(r, "deployer-access", RT.roleAssignment).find((a) => roleGuidOf(a) === R.rbacAdministrator.guid);
        const [write, del] = conditionLists(String(admin?.inputs.condition));
        expect(write).toEqual(assignableRoleGuids([extra]));
        expect(write).toContain(extra);
        expect(del).toEqual(write);
    });

    it("uses each scope's own subscription for role definitions", async () => {
        const other = "55555555-5555-5555-5555-555555555555";
        const r = await render(config({ scopes: [DEV_RG, `/subscriptions/${other}`] }));
        const there = childrenOf(r, "deployer-access", RT.roleAssignment).filter((a) => a.inputs.scope === `/subscriptions/${other}`);
        expect(there).toHaveLength(5);
        for (const a of there) expect(String(a.inputs.roleDefinitionId)).toMatch(new RegExp(`^/subscriptions/${other}/providers/`));
        expect(r.outputs.subscriptionId).toBe(SUB);
    });
});
