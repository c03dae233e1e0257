/**
 * A tenant and subscription set up by hand exactly as the portal guides describe (shared/reference/seeds): the gateway's
 * app registration with a certificate and a client secret uploaded in the portal (vendor guides 000, 001), the
 * `Cognitive Services OpenAI User` role on the Azure OpenAI account made in the portal; the Foundry Local API app
 * (Microsoft Learn, "Configure Microsoft Entra ID for Foundry Local enabled by Azure Arc": `api://<client id>`, the
 * `foundry_access` scope for admins, v2 tokens, the `FoundryInferenceAccess` app role for applications, the Azure CLI
 * pre-authorised, RBAC for a user and for the cluster's Arc identity made with `az role assignment create`, the app role
 * assigned with `az rest`); an account with key access still on and a network rule. Plus what a real tenant has around
 * it: an inherited subscription-level assignment, another app, the portal's default `User.Read` permission.
 *
 * Objects as Graph and ARM return them (see fakeTenant.ts for the references); ids are fixed so tests can name them.
 */
import { createHash, X509Certificate } from "node:crypto";
import { selfSignedCertificate } from "./tls";
import type { TenantData } from "./fakeTenant";

export const TENANT_ID = "7a1c2e3f-4b5d-4e6f-8a7b-9c0d1e2f3a4b";
export const SUBSCRIPTION_ID = "6c1f3e2a-8b4d-4f5e-9a7b-1c2d3e4f5a60";
const SUB = `/subscriptions/${SUBSCRIPTION_ID}`;

export const IDS = {
    alice: "0a11ce00-1111-4aaa-8aaa-000000000001",
    bob: "0b0b0000-1111-4aaa-8aaa-000000000002",
    carol: "0ca20100-1111-4aaa-8aaa-000000000003",
    deployer: "5b8e1d3c-2f4a-4c6b-8e9d-1a3c5e7f9b20",
    breakGlass: "3f2b8c1d-6e4a-4f7b-9c2d-8a1e5b3c7d90",
    gatewayApp: "9a0f3c11-2b4d-4e6f-8a1b-3c5d7e9f1a01",
    gatewayAppId: "c1e2d3f4-5a6b-4c7d-8e9f-0a1b2c3d4e01",
    gatewaySp: "9a0f3c11-2b4d-4e6f-8a1b-3c5d7e9f1a02",
    apiApp: "9a0f3c11-2b4d-4e6f-8a1b-3c5d7e9f1a03",
    apiAppId: "c1e2d3f4-5a6b-4c7d-8e9f-0a1b2c3d4e03",
    apiSp: "9a0f3c11-2b4d-4e6f-8a1b-3c5d7e9f1a04",
    scope: "4e6f8a1b-3c5d-4e7f-9a1b-2c3d4e5f6a05",
    appRole: "4e6f8a1b-3c5d-4e7f-9a1b-2c3d4e5f6a06",
    secretKey: "4e6f8a1b-3c5d-4e7f-9a1b-2c3d4e5f6a07",
    certKey: "4e6f8a1b-3c5d-4e7f-9a1b-2c3d4e5f6a08",
    arcPrincipal: "7d1e2f3a-4b5c-4d6e-8f7a-9b0c1d2e3f09",
    otherApp: "9a0f3c11-2b4d-4e6f-8a1b-3c5d7e9f1a10",
    appRoleAssignment: "EfUzP3gCTkqXhR2cXhQ6ZoTq_vXvQ0VJiI6l0m6t2mQ",
    raGatewayAccount: "a1b2c3d4-0001-4000-8000-000000000011",
    raAliceCluster: "a1b2c3d4-0001-4000-8000-000000000012",
    raArcCluster: "a1b2c3d4-0001-4000-8000-000000000013",
    raInherited: "a1b2c3d4-0001-4000-8000-000000000014",
} as const;

export const ROLE = {
    openAiUser: "5e0bd9bd-7b93-4f28-af87-19fc36ad61bd",
    reader: "acdd72a7-3385-48ef-bd42-f606fba81ae7",
};
const roleDefinition = (guid: string) => `${SUB}/providers/Microsoft.Authorization/roleDefinitions/${guid}`;

export const ACCOUNT_ID = `${SUB}/resourceGroups/rg-ai-dev/providers/Microsoft.CognitiveServices/accounts/aoai-dev-swc`;
export const DEPLOYMENT_ID = `${ACCOUNT_ID}/deployments/gpt-4o-mini`;
export const CLUSTER_ID = `${SUB}/resourceGroups/rg-edge/providers/Microsoft.Kubernetes/connectedClusters/arc-edge-01`;
export const AZURE_CLI = "04b07795-8ddb-461a-bbee-02f9e1bf7b46";
const MICROSOFT_GRAPH = "00000003-0000-0000-c000-000000000000";
const USER_READ = "e1fe6dd8-ba31-4d61-89e7-88639da4683d";

/** The portal's certificate upload: Graph keeps the SHA-1 thumbprint as customKeyIdentifier (base64). */
const portalCertificate = selfSignedCertificate("CN=ai-gateway", { notBefore: new Date("2026-01-10T00:00:00Z"), notAfter: new Date("2027-01-10T00:00:00Z") });
export const PORTAL_CERT_THUMBPRINT = createHash("sha1").update(new X509Certificate(portalCertificate.certPem).raw).digest("hex").toUpperCase();

const roleAssignment = (name: string, scope: string, principalId: string, principalType: string, role: string, createdBy: string): Record<string, unknown> => ({
    id: `${scope}/providers/Microsoft.Authorization/roleAssignments/${name}`,
    name,
    type: "Microsoft.Authorization/roleAssignments",
    properties: {
        roleDefinitionId: roleDefinition(role), principalId, principalType, scope, condition: null, conditionVersion: null,
        createdOn: "2026-01-12T09:30:00.0000000Z", updatedOn: "2026-01-12T09:30:00.0000000Z", createdBy, updatedBy: createdBy,
        delegatedManagedIdentityResourceId: null, description: null,
    },
});

const portalApp = (id: string, appId: string, displayName: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
    id, appId, displayName, createdDateTime: "2026-01-10T08:00:00Z", signInAudience: "AzureADMyOrg", description: null, notes: null,
    identifierUris: [], tags: [], applicationTemplateId: null,
    api: { acceptMappedClaims: null, knownClientApplications: [], requestedAccessTokenVersion: null, oauth2PermissionScopes: [], preAuthorizedApplications: [] },
    appRoles: [], passwordCredentials: [], keyCredentials: [],
    // The portal's new registration asks for Microsoft Graph User.Read (delegated) by default.
    requiredResourceAccess: [{ resourceAppId: MICROSOFT_GRAPH, resourceAccess: [{ id: USER_READ, type: "Scope" }] }],
    web: { homePageUrl: null, logoutUrl: null, redirectUris: [], implicitGrantSettings: { enableAccessTokenIssuance: false, enableIdTokenIssuance: false } },
    ...extra,
});

const servicePrincipal = (id: string, appId: string, displayName: string): Record<string, unknown> => ({
    id, appId, displayName, accountEnabled: true, appRoleAssignmentRequired: false, servicePrincipalType: "Application", tags: ["WindowsAzureActiveDirectoryIntegratedApp"],
    notes: null, description: null, appOwnerOrganizationId: TENANT_ID,
});

/** The tenant as the guides leave it. */
export function guideTenant(): TenantData {
    const gatewayApp = portalApp(IDS.gatewayApp, IDS.gatewayAppId, "ai-gateway-dev", {
        passwordCredentials: [{ customKeyIdentifier: null, displayName: "truefoundry", endDateTime: "2026-07-09T08:05:00Z", hint: "Xy7", keyId: IDS.secretKey, secretText: null, startDateTime: "2026-01-10T08:05:00Z" }],
        keyCredentials: [{
            customKeyIdentifier: Buffer.from(PORTAL_CERT_THUMBPRINT, "hex").toString("base64"), displayName: "CN=ai-gateway", endDateTime: "2027-01-10T00:00:00Z",
            key: null, keyId: IDS.certKey, startDateTime: "2026-01-10T00:00:00Z", type: "AsymmetricX509Cert", usage: "Verify",
        }],
    });
    const apiApp = portalApp(IDS.apiApp, IDS.apiAppId, "FoundryLocal-Production", {
        identifierUris: [`api://${IDS.apiAppId}`],
        api: {
            acceptMappedClaims: null, knownClientApplications: [], requestedAccessTokenVersion: 2,
            oauth2PermissionScopes: [{
                adminConsentDescription: "Allows the application to access Foundry Local inference endpoints on behalf of the signed-in user",
                adminConsentDisplayName: "Access Foundry Local inference endpoints", id: IDS.scope, isEnabled: true, type: "Admin",
                userConsentDescription: null, userConsentDisplayName: null, value: "foundry_access",
            }],
            preAuthorizedApplications: [{ appId: AZURE_CLI, delegatedPermissionIds: [IDS.scope] }],
        },
        appRoles: [{
            allowedMemberTypes: ["Application"], description: "Access Foundry Local inference endpoints", displayName: "FoundryInferenceAccess",
            id: IDS.appRole, isEnabled: true, origin: "Application", value: "FoundryInferenceAccess",
        }],
    });
    return {
        // Paged two at a time by the fake: the other app makes the name filter matter.
        applications: [portalApp(IDS.otherApp, "c1e2d3f4-5a6b-4c7d-8e9f-0a1b2c3d4e10", "ai-gateway-staging"), gatewayApp, apiApp],
        servicePrincipals: [servicePrincipal(IDS.gatewaySp, IDS.gatewayAppId, "ai-gateway-dev"), servicePrincipal(IDS.apiSp, IDS.apiAppId, "FoundryLocal-Production")],
        // Whoever registered an app in the portal owns it; nobody added the pipeline. Alice added two colleagues to the
        // gateway's: three owners, two pages of Graph's "List owners".
        owners: new Map([[IDS.gatewayApp, [IDS.alice, IDS.bob, IDS.carol]], [IDS.apiApp, [IDS.alice]], [IDS.gatewaySp, []], [IDS.apiSp, []], [IDS.otherApp, [IDS.alice]]]),
        users: [
            { id: IDS.alice, userPrincipalName: "alice@contoso.com", displayName: "Alice" },
            { id: IDS.bob, userPrincipalName: "bob@contoso.com", displayName: "Bob" },
            { id: IDS.carol, userPrincipalName: "carol@contoso.com", displayName: "Carol" },
        ],
        groups: [],
        appRoleAssignments: [{
            id: IDS.appRoleAssignment, appRoleId: IDS.appRole, createdDateTime: "2026-01-12T10:00:00Z", deletedDateTime: null,
            principalDisplayName: "ai-gateway-dev", principalId: IDS.gatewaySp, principalType: "ServicePrincipal",
            resourceDisplayName: "FoundryLocal-Production", resourceId: IDS.apiSp,
        }],
        resources: [
            {
                id: ACCOUNT_ID, name: "aoai-dev-swc", type: "Microsoft.CognitiveServices/accounts", etag: "\"0a00a1b2-0000-0d00-0000-65a0b0c00000\"",
                location: "swedencentral", kind: "OpenAI", sku: { name: "S0" },
                identity: { type: "SystemAssigned", principalId: "7d1e2f3a-4b5c-4d6e-8f7a-9b0c1d2e3f20", tenantId: TENANT_ID },
                tags: { costCenter: "ai-platform" },
                properties: {
                    endpoint: "https://aoai-dev-swc.openai.azure.com/", internalId: "5f1e0d2c3b4a49f8a7b6c5d4e3f2a1b0", dateCreated: "2026-01-09T17:00:00.000Z",
                    callRateLimit: { rules: [] }, isMigrated: false, customSubDomainName: "aoai-dev-swc",
                    networkAcls: { defaultAction: "Deny", virtualNetworkRules: [], ipRules: [{ value: "203.0.113.0/24" }] },
                    privateEndpointConnections: [], publicNetworkAccess: "Enabled", disableLocalAuth: false, provisioningState: "Succeeded",
                    capabilities: [{ name: "VirtualNetworks" }], endpoints: { "OpenAI Language Model Instance API": "https://aoai-dev-swc.openai.azure.com/" },
                },
                systemData: { createdBy: "alice@contoso.com", createdByType: "User", createdAt: "2026-01-09T17:00:00.000Z" },
            },
            {
                id: DEPLOYMENT_ID, name: "gpt-4o-mini", type: "Microsoft.CognitiveServices/accounts/deployments", sku: { name: "GlobalStandard", capacity: 10 },
                properties: {
                    model: { format: "OpenAI", name: "gpt-4o-mini", version: "2024-07-18" }, versionUpgradeOption: "OnceNewDefaultVersionAvailable",
                    currentCapacity: 10, raiPolicyName: "Microsoft.DefaultV2", provisioningState: "Succeeded", rateLimits: [],
                },
            },
            {
                id: CLUSTER_ID, name: "arc-edge-01", type: "Microsoft.Kubernetes/connectedClusters", location: "westeurope",
                identity: { type: "SystemAssigned", principalId: IDS.arcPrincipal, tenantId: TENANT_ID },
                properties: { agentPublicKeyCertificate: "MIIC…", kubernetesVersion: "1.30.4", totalNodeCount: 3, connectivityStatus: "Connected", provisioningState: "Succeeded" },
            },
        ],
        roleAssignments: [
            // Vendor guide: "Assign Cognitive Services OpenAI User role to your app registration" (portal, IAM).
            roleAssignment(IDS.raGatewayAccount, ACCOUNT_ID, IDS.gatewaySp, "ServicePrincipal", ROLE.openAiUser, IDS.alice),
            // Foundry Local guide, step 6 and step 7: `az role assignment create` at the connected cluster.
            roleAssignment(IDS.raAliceCluster, CLUSTER_ID, IDS.alice, "User", ROLE.openAiUser, IDS.alice),
            roleAssignment(IDS.raArcCluster, CLUSTER_ID, IDS.arcPrincipal, "ServicePrincipal", ROLE.openAiUser, IDS.alice),
            // Inherited from the subscription: listed by atScope() at every scope below it, not the stack's.
            roleAssignment(IDS.raInherited, SUB, IDS.alice, "User", ROLE.reader, IDS.alice),
        ],
    };
}

/** The stack the tenant's owner writes for it, with comments adopt must keep. */
export const GUIDE_STACK_YAML = `# The dev stack, taken over from the setup the portal guides built by hand.
config:
  # Pinned: adopt reads this tenant and subscription.
  azure-native:subscriptionId: ${SUBSCRIPTION_ID}
  azuread:tenantId: ${TENANT_ID}
  azure-native:location: swedencentral
  foundry-entra:gateway:
    displayName: ai-gateway-dev # the app registration the gateway uses today
    owners: [${IDS.deployer}, ${IDS.breakGlass}]
    certificate: { validityDays: 180, rotateEveryDays: 90, graceDays: 30 }
    clientSecret: { validityDays: 180, rotateEveryDays: 90, graceDays: 30 }
  foundry-entra:accounts:
    - name: aoai-dev-swc
      resourceGroupName: rg-ai-dev
      kind: OpenAI
      deployments:
        - { name: gpt-4o-mini, model: gpt-4o-mini, version: "2024-07-18", sku: GlobalStandard, capacity: 10 }
  foundry-entra:access:
    - { user: alice@contoso.com, role: inference, accounts: [foundry-local] }
  foundry-entra:foundryLocal:
    cluster: { name: arc-edge-01, resourceGroupName: rg-edge }
    endpoint: https://foundry.edge.contoso.com
    apiDisplayName: FoundryLocal-Production
`;
