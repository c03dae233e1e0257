/**
 * What the providers' Read returns when `pulumi up` imports an object `npm run adopt` found: the inputs and outputs the
 * engine diffs the program against right after the import (src/plan/engine.ts judges the import with them, and the
 * offline run answers the imported resources with them).
 *
 * - azuread (terraform-provider-azuread v3.8.0, bridged): each resource's read function fills the state from Graph,
 *   and the bridge derives the inputs from that state. Application: `applicationResourceRead`
 *   (application_resource.go: api, app_role, client_id, description, display_name, identifier_uris, notes, owners,
 *   required_resource_access, sign_in_audience, tags, …; `password` only for a key id already in state, so an app's
 *   own secrets are never read into the resource); ServicePrincipal: service_principal_resource.go read;
 *   AppRoleAssignment: app_role_assignment_resource.go read (app_role_id, principal_object_id, resource_object_id);
 *   ApplicationIdentifierUri and ApplicationPreAuthorized: their read functions (application_id, identifier_uri;
 *   application_id, authorized_client_id, permission_ids).
 * - azure-native (provider/pkg/provider/provider.go Read): with no previous inputs (an import) the inputs are
 *   `ResponseToSdkInputs` of the GET response: the path parameters from the id, and every writable body property in
 *   the SDK's shape (flattened `properties` for role assignments and extensions, as their SDK args are).
 */
import type { LiveObject } from "../plan/engine";
import { UNMANAGED_ACCOUNT_PROPERTIES, UNMANAGED_DEPLOYMENT_PROPERTIES } from "../lib/unmanaged";
import { parseArmResourceId } from "../lib/armIds";

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const obj = (v: unknown): Json => (isObject(v) ? v : {});
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string => (typeof v === "string" ? v : "");
/** Only the keys with a value (Graph's and ARM's nulls are "not set", as the providers read them). */
const defined = (o: Json): Json => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== null));
const pick = (o: Json, keys: readonly string[]): Json => defined(Object.fromEntries(keys.map((k) => [k, o[k]])));

const both = (type: string, id: string, inputs: Json, computed: Json = {}): LiveObject => ({ type, id, inputs, outputs: { ...inputs, ...computed } });

/** An app registration (Graph `application`) and its owners' object ids, as azuread's Application reads it. */
export function liveApplication(app: Json, owners: readonly string[]): LiveObject {
    const api = obj(app.api);
    const inputs = defined({
        displayName: app.displayName,
        description: app.description ?? "",
        notes: app.notes ?? "",
        signInAudience: app.signInAudience,
        identifierUris: list(app.identifierUris),
        tags: list(app.tags),
        owners: [...owners].sort(),
        api: defined({
            knownClientApplications: list(api.knownClientApplications),
            mappedClaimsEnabled: api.acceptMappedClaims ?? false,
            // terraform-provider-azuread flattens a missing token version as 1 (the default Graph applies).
            requestedAccessTokenVersion: typeof api.requestedAccessTokenVersion === "number" ? api.requestedAccessTokenVersion : 1,
            oauth2PermissionScopes: list(api.oauth2PermissionScopes).map((s) => {
                const o = obj(s);
                return defined({
                    id: o.id, value: o.value, type: o.type, enabled: o.isEnabled,
                    adminConsentDisplayName: o.adminConsentDisplayName, adminConsentDescription: o.adminConsentDescription,
                    userConsentDisplayName: o.userConsentDisplayName, userConsentDescription: o.userConsentDescription,
                });
            }),
        }),
        appRoles: list(app.appRoles).map((r) => {
            const o = obj(r);
            return defined({ id: o.id, value: o.value, allowedMemberTypes: list(o.allowedMemberTypes), displayName: o.displayName, description: o.description, enabled: o.isEnabled });
        }),
        requiredResourceAccesses: list(app.requiredResourceAccess).map((r) => {
            const o = obj(r);
            return { resourceAppId: o.resourceAppId, resourceAccesses: list(o.resourceAccess).map((a) => pick(obj(a), ["id", "type"])) };
        }),
        web: app.web === undefined ? undefined : pick(obj(app.web), ["homePageUrl", "logoutUrl", "redirectUris"]),
        templateId: app.applicationTemplateId,
    });
    return both("azuread:index/application:Application", `/applications/${str(app.id)}`, inputs, { objectId: str(app.id).toLowerCase(), clientId: str(app.appId).toLowerCase() });
}

/** A service principal and its owners, as azuread's ServicePrincipal reads it. */
export function liveServicePrincipal(sp: Json, owners: readonly string[]): LiveObject {
    const inputs = defined({
        clientId: str(sp.appId).toLowerCase(),
        owners: [...owners].sort(),
        accountEnabled: sp.accountEnabled ?? true,
        appRoleAssignmentRequired: sp.appRoleAssignmentRequired ?? false,
        tags: list(sp.tags),
        notes: sp.notes ?? "",
        description: sp.description ?? "",
    });
    return both("azuread:index/servicePrincipal:ServicePrincipal", `/servicePrincipals/${str(sp.id)}`, inputs, { objectId: str(sp.id).toLowerCase() });
}

/** An app-role assignment (Graph `appRoleAssignment`) on a resource service principal. */
export function liveAppRoleAssignment(a: Json): LiveObject {
    const id = `/servicePrincipals/${str(a.resourceId)}/appRoleAssignedTo/${str(a.id)}`;
    return both("azuread:index/appRoleAssignment:AppRoleAssignment", id, {
        appRoleId: str(a.appRoleId).toLowerCase(), principalObjectId: str(a.principalId).toLowerCase(), resourceObjectId: str(a.resourceId).toLowerCase(),
    }, { principalDisplayName: a.principalDisplayName, principalType: a.principalType, resourceDisplayName: a.resourceDisplayName });
}

/** An Application ID URI of an app, as azuread's ApplicationIdentifierUri reads it. */
export function liveIdentifierUri(importId: string, applicationObjectId: string, uri: string): LiveObject {
    return both("azuread:index/applicationIdentifierUri:ApplicationIdentifierUri", importId, { applicationId: `/applications/${applicationObjectId}`, identifierUri: uri });
}

/** A pre-authorised client of an app's API, as azuread's ApplicationPreAuthorized reads it. */
export function livePreAuthorized(importId: string, applicationObjectId: string, pre: Json): LiveObject {
    return both("azuread:index/applicationPreAuthorized:ApplicationPreAuthorized", importId, {
        applicationId: `/applications/${applicationObjectId}`,
        authorizedClientId: str(pre.appId).toLowerCase(),
        permissionIds: list(pre.delegatedPermissionIds).map((p) => str(p).toLowerCase()).sort(),
    });
}

function pathParams(id: string): { resourceGroupName: string; names: readonly string[] } {
    const parsed = parseArmResourceId(id);
    return typeof parsed === "string" ? { resourceGroupName: "", names: [] } : { resourceGroupName: parsed.resourceGroupName, names: parsed.path.map(([, n]) => n) };
}

/** A managed identity block as an input: the type and the user-assigned identities' ids (principal and tenant ids are read-only). */
function identityInput(v: unknown): Json | undefined {
    if (!isObject(v)) return undefined;
    return defined({ type: v.type, userAssignedIdentities: isObject(v.userAssignedIdentities) ? Object.keys(v.userAssignedIdentities) : undefined });
}

/** A Cognitive Services account (ARM "Accounts - Get"), as azure-native's Account reads it. */
export function liveAccount(account: Json): LiveObject {
    const id = str(account.id);
    const { resourceGroupName } = pathParams(id);
    const properties = obj(account.properties);
    const inputs = defined({
        accountName: account.name,
        resourceGroupName,
        location: account.location,
        kind: account.kind,
        sku: isObject(account.sku) ? pick(account.sku, ["name", "capacity", "family", "size", "tier"]) : undefined,
        identity: identityInput(account.identity),
        tags: account.tags,
        properties: pick(properties, ["customSubDomainName", "disableLocalAuth", "publicNetworkAccess", ...UNMANAGED_ACCOUNT_PROPERTIES]),
    });
    return { type: "azure-native:cognitiveservices:Account", id, inputs, outputs: { ...inputs, id, name: account.name, properties, ...(account.identity ? { identity: account.identity } : {}) } };
}

/** A model deployment (ARM "Deployments - List" item). */
export function liveDeployment(deployment: Json): LiveObject {
    const id = str(deployment.id);
    const { resourceGroupName, names } = pathParams(id);
    const properties = obj(deployment.properties);
    const inputs = defined({
        accountName: names[0],
        resourceGroupName,
        deploymentName: deployment.name,
        sku: isObject(deployment.sku) ? pick(deployment.sku, ["name", "capacity"]) : undefined,
        tags: deployment.tags,
        properties: defined({
            model: isObject(properties.model) ? pick(properties.model, ["format", "name", "version"]) : undefined,
            ...pick(properties, UNMANAGED_DEPLOYMENT_PROPERTIES),
        }),
    });
    return { type: "azure-native:cognitiveservices:Deployment", id, inputs, outputs: { ...inputs, id, name: deployment.name, properties } };
}

/** A role assignment (ARM "Role Assignments - List For Scope" item): its body properties are flattened in the SDK. */
export function liveRoleAssignment(ra: Json): LiveObject {
    const id = str(ra.id);
    const p = obj(ra.properties);
    const inputs = defined({
        scope: p.scope,
        roleAssignmentName: ra.name,
        principalId: str(p.principalId).toLowerCase(),
        principalType: p.principalType,
        roleDefinitionId: p.roleDefinitionId,
        description: p.description,
        condition: p.condition,
        conditionVersion: p.conditionVersion,
        delegatedManagedIdentityResourceId: p.delegatedManagedIdentityResourceId,
    });
    return both("azure-native:authorization:RoleAssignment", id, inputs, { name: ra.name });
}

/** A user-assigned identity (ARM "User Assigned Identities - Get"). */
export function liveUserAssignedIdentity(identity: Json): LiveObject {
    const id = str(identity.id);
    const { resourceGroupName } = pathParams(id);
    const p = obj(identity.properties);
    const inputs = defined({ resourceGroupName, resourceName: identity.name, location: identity.location, tags: identity.tags });
    return both("azure-native:managedidentity:UserAssignedIdentity", id, inputs, {
        name: identity.name, principalId: str(p.principalId).toLowerCase(), clientId: str(p.clientId).toLowerCase(), tenantId: p.tenantId,
    });
}

/** A cluster extension (ARM "Extensions - Get"): flattened properties. */
export function liveExtension(extension: Json): LiveObject {
    const id = str(extension.id);
    const { resourceGroupName, names } = pathParams(id);
    const p = obj(extension.properties);
    const inputs = defined({
        resourceGroupName,
        clusterRp: "Microsoft.Kubernetes",
        clusterResourceName: "connectedClusters",
        clusterName: names[0],
        extensionName: extension.name,
        extensionType: p.extensionType,
        releaseTrain: p.releaseTrain,
        version: p.version,
        autoUpgradeMinorVersion: p.autoUpgradeMinorVersion,
        scope: p.scope,
        configurationSettings: p.configurationSettings,
        identity: identityInput(extension.identity),
        plan: extension.plan,
        aksAssignedIdentity: p.aksAssignedIdentity,
    });
    return both("azure-native:kubernetesconfiguration:Extension", id, inputs, { name: extension.name });
}

