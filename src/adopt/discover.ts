/**
 * Finds what a stack would create that already exists: the app registrations by display name (checking the API's
 * identifier URI, scope and app role), their service principals and owners, the gateway app's own credentials, role
 * assignments with the same scope, principal and role, the Foundry Local app-role assignments, accounts with their live
 * settings and deployments, user-assigned identities, the cluster and its extension. Two matches for one object are a
 * conflict (adopt refuses, listing both); what cannot be taken over as it is, is a problem.
 *
 * Reads only. The REST calls and the response fields they use (Microsoft Learn REST references):
 * Graph v1.0 "List applications" (`GET /applications?$filter=displayName eq '…'`), "List owners" of an application /
 * service principal, "List servicePrincipals" (`$filter=appId eq '…'`), "List appRoleAssignments granted for a service
 * principal" (`GET /servicePrincipals/{id}/appRoleAssignedTo`), "Get user", "List groups"; ARM "Accounts - Get" and
 * "Deployments - List" (Microsoft.CognitiveServices 2025-06-01, the version @pulumi/azure-native 3.28.0 uses), "Role
 * Assignments - List For Scope" (2022-04-01, `$filter=atScope()`), "Connected Cluster - Get" (Microsoft.Kubernetes
 * 2024-01-01), "Extensions - Get" (Microsoft.KubernetesConfiguration 2023-05-01), "User Assigned Identities - Get"
 * (Microsoft.ManagedIdentity 2023-01-31).
 */
import { AZURE_CLI_CLIENT_ID, identifierUriImportId, preAuthorizedImportId } from "../../components/foundryLocalApi";
import { declaredGrants, describeGrantPrincipal, foundryLocalAppRoleHolders, type GrantPrincipal } from "../config/adopt";
import { singleSite } from "../config/foundryLocal";
import { FOUNDRY_LOCAL } from "../config/roles";
import type { StackConfig } from "../config/types";
import {
    accountArmId, clusterExtensionArmId, connectedClusterArmId, sameArmId, userAssignedIdentityArmId,
} from "../lib/armIds";
import type { LiveObject } from "../plan/engine";
import {
    liveAccount, liveAppRoleAssignment, liveApplication, liveDeployment, liveExtension, liveIdentifierUri, livePreAuthorized,
    liveRoleAssignment, liveServicePrincipal, liveUserAssignedIdentity,
} from "./live";
import { odataString, type AzureRest, type Need } from "./rest";

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const obj = (v: unknown): Json => (isObject(v) ? v : {});
const list = (v: unknown): Json[] => (Array.isArray(v) ? v.filter(isObject) : []);
const str = (v: unknown): string => (typeof v === "string" ? v : "");
const lower = (v: unknown): string => str(v).toLowerCase();

export const API_VERSIONS = {
    cognitiveServices: "2025-06-01",
    roleAssignments: "2022-04-01",
    connectedClusters: "2024-01-01",
    extensions: "2023-05-01",
    managedIdentity: "2023-01-31",
} as const;

const PERMISSION = {
    apps: "the Microsoft Graph permission Application.Read.All (or Directory.Read.All; for a user, a directory role such as Directory Readers)",
    users: "the Microsoft Graph permission User.Read.All (or User.ReadBasic.All, Directory.Read.All)",
    groups: "the Microsoft Graph permission Group.Read.All (or Directory.Read.All)",
    arm: (scope: string) => `the Azure role Reader at ${scope}`,
};

/** An edit of one entry of a list key of the stack file (`foundry-entra:accounts[i]`, …). */
export interface EntryEdit {
    readonly key: "accounts" | "managedIdentities";
    readonly index: number;
    /** Dotted path inside the entry → value. */
    readonly set: Readonly<Record<string, unknown>>;
    /** Why, written as a comment next to the entry. */
    readonly why: string;
}

export interface Discovery {
    /** The `foundry-entra:adopt` map to write (plain JSON). */
    readonly adopt: Json;
    readonly edits: readonly EntryEdit[];
    /** What exists, as the providers would read it on import. */
    readonly live: readonly LiveObject[];
    /** Lookups answered with what was found (for the offline plan). */
    readonly lookups: { readonly users: ReadonlyMap<string, string>; readonly groups: ReadonlyMap<string, string>; readonly cluster?: Json };
    /** What will be taken over, one line each. */
    readonly found: readonly string[];
    /** What does not exist: the stack creates it. */
    readonly missing: readonly string[];
    /** Things to know or do by hand (owners to add, roles the stack does not manage, …). */
    readonly notes: readonly string[];
    /** Two or more matches for one object: adopt refuses. */
    readonly conflicts: readonly string[];
    /** What cannot be taken over as it is. */
    readonly problems: readonly string[];
}

export interface DiscoverContext {
    readonly subscriptionId: string;
    readonly progress: (line: string) => void;
}

const thumbprintOf = (customKeyIdentifier: unknown): string | undefined => {
    const bytes = typeof customKeyIdentifier === "string" ? Buffer.from(customKeyIdentifier, "base64") : undefined;
    return bytes && bytes.length === 20 ? bytes.toString("hex").toUpperCase() : undefined;
};

const describeApp = (a: Json) => `client id ${lower(a.appId)}, object id ${lower(a.id)}${a.createdDateTime ? `, created ${str(a.createdDateTime).slice(0, 10)}` : ""}`;

export async function discover(rest: AzureRest, config: StackConfig, ctx: DiscoverContext): Promise<Discovery> {
    const sub = ctx.subscriptionId.toLowerCase();
    const found: string[] = [];
    const missing: string[] = [];
    const notes: string[] = [];
    const conflicts: string[] = [];
    const problems: string[] = [];
    const live: LiveObject[] = [];
    const edits: EntryEdit[] = [];
    const adopt: Json = {};
    const fl = config.foundryLocal;
    const graphNeed = (what: string): Need => ({ what, permission: PERMISSION.apps });

    const appsNamed = async (displayName: string) => rest.graphList(
        `/v1.0/applications?$filter=${encodeURIComponent(`displayName eq ${odataString(displayName)}`)}&$select=${[
            "id", "appId", "displayName", "identifierUris", "api", "appRoles", "passwordCredentials", "keyCredentials", "signInAudience", "notes",
            "description", "requiredResourceAccess", "tags", "web", "createdDateTime", "applicationTemplateId"].join(",")}`,
        graphNeed(`list app registrations named "${displayName}"`));
    const ownersOf = async (kind: "applications" | "servicePrincipals", id: string) =>
        (await rest.graphList(`/v1.0/${kind}/${id}/owners?$select=id`, graphNeed(`list the owners of ${kind === "applications" ? "app registration" : "service principal"} ${id}`)))
            .map((o) => lower(o.id));
    const servicePrincipalOf = async (app: Json, label: string): Promise<Json | undefined> => {
        const sps = await rest.graphList(`/v1.0/servicePrincipals?$filter=${encodeURIComponent(`appId eq ${odataString(str(app.appId))}`)}`,
            graphNeed(`find the service principal of ${label}`));
        if (sps.length > 1) {
            conflicts.push(`${label}: ${sps.length} service principals for client id ${lower(app.appId)} (${sps.map((s) => lower(s.id)).join(", ")})`);
            return undefined;
        }
        return sps[0];
    };
    /** Owners the stack sets that are missing: with Application.ReadWrite.OwnedBy the pipeline can only update what it owns. */
    const checkOwners = (label: string, owners: readonly string[], command: string) => {
        const lacking = config.gateway.owners.filter((o) => !owners.includes(o));
        if (lacking.length > 0) {
            notes.push(`${label} is owned by ${owners.join(", ") || "nobody"}; the first pulumi up sets its owners to gateway.owners. ` +
                `A deployer with Application.ReadWrite.OwnedBy can only do that once it is an owner: ${lacking.map((o) => `${command} --owner-object-id ${o}`).join("; ")}`);
        }
    };
    /** Exactly one app named so: adopt; none: created; more: refuse, listing them. */
    const oneApp = async (displayName: string, label: string, configKey: string): Promise<Json | undefined> => {
        ctx.progress(`reading ${label} "${displayName}" from Microsoft Graph…`);
        const apps = await appsNamed(displayName);
        if (apps.length > 1) {
            conflicts.push(`${label} "${displayName}": ${apps.length} app registrations have this name (${apps.map(describeApp).join("; ")}); ` +
                "rename or delete the ones the gateway does not use, then run adopt again");
            return undefined;
        }
        if (apps.length === 0) missing.push(`${label} "${displayName}" (if yours has another name, set ${configKey} to it)`);
        return apps[0];
    };

    // The gateway's app registration, its service principal, its own credentials.
    const gatewayApp = await oneApp(config.gateway.displayName, "gateway app registration", "foundry-entra:gateway.displayName");
    let gatewaySpId: string | undefined;
    if (gatewayApp) {
        const appId = lower(gatewayApp.id);
        const owners = await ownersOf("applications", appId);
        live.push(liveApplication(gatewayApp, owners));
        adopt.gatewayApplication = appId;
        found.push(`gateway app registration "${config.gateway.displayName}" (${describeApp(gatewayApp)})`);
        checkOwners(`app registration "${config.gateway.displayName}"`, owners, `az ad app owner add --id ${lower(gatewayApp.appId)}`);
        const credentials = [
            ...list(gatewayApp.passwordCredentials).map((c) => ({ type: "clientSecret", keyId: lower(c.keyId), ...(c.displayName ? { displayName: str(c.displayName) } : {}), endDate: str(c.endDateTime) })),
            ...list(gatewayApp.keyCredentials).map((c) => {
                const thumbprint = thumbprintOf(c.customKeyIdentifier);
                return { type: "certificate", keyId: lower(c.keyId), ...(c.displayName ? { displayName: str(c.displayName) } : {}), endDate: str(c.endDateTime), ...(thumbprint ? { thumbprint } : {}) };
            }),
        ];
        if (credentials.length > 0) {
            adopt.gatewayCredentials = credentials;
            notes.push(`the gateway app's own credentials stay as they are (the stack adds its own next to them and never deletes these): ` +
                `${credentials.map((c) => `${c.type === "certificate" ? "certificate" : "client secret"}${c.displayName ? ` "${c.displayName}"` : ""} until ${c.endDate.slice(0, 10)}`).join(", ")}; ` +
                "npm run expiry lists them as not managed here; retire them once the gateway uses the stack's credential");
        }
        const sp = await servicePrincipalOf(gatewayApp, `gateway app registration "${config.gateway.displayName}"`);
        if (sp) {
            gatewaySpId = lower(sp.id);
            const spOwners = await ownersOf("servicePrincipals", gatewaySpId);
            live.push(liveServicePrincipal(sp, spOwners));
            adopt.gatewayServicePrincipal = gatewaySpId;
            found.push(`its service principal (object id ${gatewaySpId})`);
        } else if (!conflicts.some((c) => c.startsWith("gateway app registration"))) {
            missing.push("the gateway app's service principal");
        }
    }

    // The Foundry Local API app registration: identifier URI, scope, app role, the Azure CLI's pre-authorisation.
    let flSpId: string | undefined;
    let flAppRoleId: string | undefined;
    if (fl) {
        const app = await oneApp(fl.apiDisplayName, "Foundry Local API app registration", "foundry-entra:foundryLocal.apiDisplayName");
        if (app) {
            const oid = lower(app.id);
            const label = `Foundry Local API "${fl.apiDisplayName}"`;
            const api = obj(app.api);
            const scope = list(api.oauth2PermissionScopes).find((s) => s.value === fl.scopeValue);
            const role = list(app.appRoles).find((r) => r.value === fl.appRoleValue);
            if (!scope) problems.push(`${label} exposes no scope "${fl.scopeValue}" (it has: ${list(api.oauth2PermissionScopes).map((s) => str(s.value)).join(", ") || "none"}); set foundryLocal.scopeValue to the one it has`);
            if (!role) problems.push(`${label} has no app role "${fl.appRoleValue}" (it has: ${list(app.appRoles).map((r) => str(r.value)).join(", ") || "none"}); set foundryLocal.appRoleValue to the one it has`);
            if (role && !(Array.isArray(role.allowedMemberTypes) && role.allowedMemberTypes.includes("Application"))) problems.push(`${label}: app role "${fl.appRoleValue}" is not assignable to applications; the stack declares it for applications (the update changes that)`);
            const owners = await ownersOf("applications", oid);
            live.push(liveApplication(app, owners));
            checkOwners(`app registration "${fl.apiDisplayName}"`, owners, `az ad app owner add --id ${lower(app.appId)}`);
            adopt.foundryLocalApplication = oid;
            if (scope) adopt.foundryLocalScopeId = lower(scope.id);
            if (role) adopt.foundryLocalAppRoleId = flAppRoleId = lower(role.id);
            const expectedUri = `api://${lower(app.appId)}`;
            const uris = (Array.isArray(app.identifierUris) ? app.identifierUris : []).map(str);
            const uri = uris.find((u) => u.toLowerCase() === expectedUri);
            if (uri) {
                adopt.foundryLocalIdentifierUri = uri;
                live.push(liveIdentifierUri(identifierUriImportId(oid, uri), oid, uri));
            } else {
                missing.push(`${label}'s Application ID URI ${expectedUri}${uris.length ? ` (it has ${uris.join(", ")}, which the stack leaves as they are)` : ""}`);
            }
            if (api.requestedAccessTokenVersion !== 2) notes.push(`${label} issues v1 tokens; the first pulumi up sets requestedAccessTokenVersion to 2, which Foundry Local needs`);
            const cli = list(api.preAuthorizedApplications).find((p) => lower(p.appId) === AZURE_CLI_CLIENT_ID);
            if (cli && fl.preAuthorizeAzureCli) {
                adopt.foundryLocalAzureCliPreAuthorized = true;
                live.push(livePreAuthorized(preAuthorizedImportId(oid, AZURE_CLI_CLIENT_ID), oid, cli));
            }
            found.push(`${label} (${describeApp(app)}${scope ? `, scope ${fl.scopeValue} ${lower(scope.id)}` : ""}${role ? `, app role ${fl.appRoleValue} ${lower(role.id)}` : ""}` +
                `${uri ? `, ${uri}` : ""}${cli ? ", Azure CLI pre-authorised" : ""})`);
            const sp = await servicePrincipalOf(app, label);
            if (sp) {
                flSpId = lower(sp.id);
                live.push(liveServicePrincipal(sp, await ownersOf("servicePrincipals", flSpId)));
                adopt.foundryLocalServicePrincipal = flSpId;
                found.push(`its service principal (object id ${flSpId})`);
            }
        }
    }

    // Principals the stack grants roles to, by the object id a lookup would give.
    const users = new Map<string, string>();
    const groups = new Map<string, string>();
    for (const e of config.access) {
        const p = e.principal;
        if (p.kind === "user" && !users.has(p.upn)) {
            const user = await rest.graph(`/v1.0/users/${encodeURIComponent(p.upn)}?$select=id,userPrincipalName`, { what: `look up user ${p.upn}`, permission: PERMISSION.users });
            if (user) users.set(p.upn, lower(user.id));
            else problems.push(`user ${p.upn} (foundry-entra:access) does not exist in the tenant: the program's lookup would fail`);
        }
        if (p.kind === "group" && !groups.has(p.displayName)) {
            const matches = (await rest.graphList(`/v1.0/groups?$filter=${encodeURIComponent(`displayName eq ${odataString(p.displayName)}`)}&$select=id,displayName,securityEnabled`,
                { what: `look up group "${p.displayName}"`, permission: PERMISSION.groups })).filter((g) => g.securityEnabled === true);
            if (matches.length === 1) groups.set(p.displayName, lower(matches[0]!.id));
            else if (matches.length === 0) problems.push(`security group "${p.displayName}" (foundry-entra:access) does not exist: the program's lookup would fail`);
            else conflicts.push(`security group "${p.displayName}": ${matches.length} groups have this name (${matches.map((g) => lower(g.id)).join(", ")})`);
        }
    }

    // Accounts and their deployments: exist, and as what.
    const deployments: string[] = [];
    const accountExists = new Map<string, boolean>();
    for (const [i, a] of config.accounts.entries()) {
        const id = accountArmId(sub, a.resourceGroupName, a.name);
        ctx.progress(`reading account ${a.name} from Azure Resource Manager…`);
        const account = await rest.arm(id, API_VERSIONS.cognitiveServices, { what: `read account ${a.name}`, permission: PERMISSION.arm(`resource group ${a.resourceGroupName}`) });
        accountExists.set(a.name, account !== undefined);
        if (!account) {
            if (a.existing) problems.push(`account ${a.name} (accounts[${i}]) is marked existing: true but does not exist in ${a.resourceGroupName}`);
            else missing.push(`account ${a.name}`);
            continue;
        }
        const l = liveAccount(account);
        live.push(l);
        const props = obj(account.properties);
        const rules = list(obj(props.networkAcls).ipRules).length + list(obj(props.networkAcls).virtualNetworkRules).length;
        const keysOn = props.disableLocalAuth !== true;
        found.push(`account ${a.name} (${str(account.kind)}, key access ${keysOn ? "on" : "off"}, public network access ${str(props.publicNetworkAccess) || "Enabled"}` +
            `${rules ? `, ${rules} network rule${rules === 1 ? "" : "s"}` : ""}${account.identity ? `, identity ${str(obj(account.identity).type)}` : ""}` +
            `${isObject(account.tags) && Object.keys(account.tags).length ? `, ${Object.keys(account.tags).length} tag${Object.keys(account.tags).length === 1 ? "" : "s"}` : ""}): kept as it is`);
        if (str(account.kind) !== a.kind) problems.push(`account ${a.name} is of kind ${str(account.kind)}, but accounts[${i}].kind says ${a.kind}; an account's kind cannot change`);
        const subdomain = str(props.customSubDomainName);
        if (subdomain.toLowerCase() !== a.name) {
            problems.push(`account ${a.name} ${subdomain ? `has the custom subdomain ${subdomain}` : "has no custom subdomain"}; Entra ID sign-in needs the subdomain ${a.name}, ` +
                `which the stack declares${subdomain ? "" : ` (set it first: az cognitiveservices account update -n ${a.name} -g ${a.resourceGroupName} --custom-domain ${a.name})`}`);
        }
        const set: Record<string, unknown> = {};
        const liveLocal = props.disableLocalAuth === true;
        if (!a.existing) {
            // Taken over as it is: key access, network access, SKU and location as they are now. Keys go off in a later step.
            set.existing = true;
            set.disableLocalAuth = liveLocal;
            if (str(props.publicNetworkAccess || "Enabled") !== a.publicNetworkAccess) set.publicNetworkAccess = str(props.publicNetworkAccess || "Enabled");
            if (str(obj(account.sku).name) && str(obj(account.sku).name) !== a.sku) set.sku = str(obj(account.sku).name);
            if (str(account.location).toLowerCase().replace(/ /g, "") !== a.location.toLowerCase().replace(/ /g, "")) set.location = str(account.location);
            edits.push({ key: "accounts", index: i, set, why: `taken over as it is by npm run adopt${keysOn ? "; turn key access off in a later step (docs/adoption.md)" : ""}` });
        } else if (a.disableLocalAuth !== liveLocal) {
            notes.push(`account ${a.name}: key access is ${keysOn ? "on" : "off"}, and accounts[${i}].disableLocalAuth is ${a.disableLocalAuth}: the next pulumi up turns it ${a.disableLocalAuth ? "off" : "on"}`);
        }
        if (a.deployments.length > 0) {
            const liveDeployments = await rest.armList(`${id}/deployments`, API_VERSIONS.cognitiveServices, { what: `list the deployments of ${a.name}`, permission: PERMISSION.arm(`account ${a.name}`) });
            for (const d of a.deployments) {
                const match = liveDeployments.find((x) => str(x.name) === d.name);
                if (!match) {
                    missing.push(`deployment ${d.name} on ${a.name}`);
                    continue;
                }
                live.push(liveDeployment(match));
                deployments.push(str(match.id));
                const model = obj(obj(match.properties).model);
                const sku = obj(match.sku);
                const differs = [
                    str(model.name) !== d.model && `model ${str(model.name)} → ${d.model}`,
                    str(model.version) !== d.version && `version ${str(model.version)} → ${d.version}`,
                    str(sku.name) !== d.sku && `SKU ${str(sku.name)} → ${d.sku}`,
                    Number(sku.capacity) !== d.capacity && `capacity ${String(sku.capacity)} → ${d.capacity}`,
                ].filter(Boolean);
                found.push(`deployment ${d.name} on ${a.name}${differs.length ? ` (the first pulumi up changes ${differs.join(", ")})` : ""}`);
            }
        }
    }
    if (deployments.length > 0) adopt.deployments = deployments;

    // User-assigned identities the stack creates.
    const identities = new Map<string, { id: string; principalId: string }>();
    for (const [i, m] of config.managedIdentities.entries()) {
        if (!m.create) continue;
        const id = userAssignedIdentityArmId(sub, m.create.resourceGroupName, m.name);
        const identity = await rest.arm(id, API_VERSIONS.managedIdentity, { what: `read managed identity ${m.name}`, permission: PERMISSION.arm(`resource group ${m.create.resourceGroupName}`) });
        if (!identity) {
            missing.push(`managed identity ${m.name}`);
            continue;
        }
        const l = liveUserAssignedIdentity(identity);
        live.push(l);
        identities.set(m.name, { id: str(identity.id), principalId: str(l.outputs.principalId) });
        found.push(`managed identity ${m.name} (principal id ${str(l.outputs.principalId)})`);
        if (str(identity.location).toLowerCase().replace(/ /g, "") !== m.create.location.toLowerCase().replace(/ /g, "")) {
            edits.push({ key: "managedIdentities", index: i, set: { "create.location": str(identity.location) }, why: "its location as it is (a location change would replace it)" });
        }
    }
    if (identities.size > 0) adopt.userAssignedIdentities = [...identities.values()];

    // The Arc cluster (looked up by the program) and the Foundry Local extension.
    let cluster: Json | undefined;
    const site = fl && singleSite(fl);
    if (fl && !site) problems.push("foundryLocal is a fleet (clusters): adopt takes over Foundry Local objects at a single cluster only; its sites' grants and extensions are not searched");
    if (fl && site) {
        const clusterId = connectedClusterArmId(sub, site.resourceGroupName, site.name);
        cluster = await rest.arm(clusterId, API_VERSIONS.connectedClusters, { what: `read connected cluster ${site.name}`, permission: PERMISSION.arm(`resource group ${site.resourceGroupName}`) });
        if (!cluster) problems.push(`the Arc cluster ${site.name} does not exist in ${site.resourceGroupName}: the program looks it up and would fail`);
        if (cluster && fl.installExtension) {
            const extension = await rest.arm(clusterExtensionArmId(clusterId, fl.extension.name), API_VERSIONS.extensions,
                { what: `read the extension ${fl.extension.name}`, permission: PERMISSION.arm(`cluster ${site.name}`) });
            if (extension) {
                live.push(liveExtension(extension));
                adopt.foundryLocalExtension = str(extension.id);
                const settings = Object.keys(obj(obj(extension.properties).configurationSettings)).filter((k) => !k.startsWith("entraAuth."));
                found.push(`the Foundry Local extension ${fl.extension.name}${settings.length ? `; the first pulumi up sets its configuration settings to the entraAuth ones, dropping ${settings.join(", ")}` : ""}`);
            } else {
                missing.push(`the Foundry Local extension ${fl.extension.name}`);
            }
        }
    }

    // Role assignments with the same scope, principal and role as a declared grant.
    const arcPrincipal = cluster ? lower(obj(cluster.identity).principalId) : undefined;
    const principalIdOf = (p: GrantPrincipal): string | undefined => {
        switch (p.kind) {
            case "gateway": return gatewaySpId;
            case "arc": return arcPrincipal || undefined;
            case "managedIdentity": return p.principalId;
            case "config": return p.principal.kind === "user" ? users.get(p.principal.upn) : p.principal.kind === "group" ? groups.get(p.principal.displayName) : p.principal.id;
        }
    };
    const grants = declaredGrants(config, sub, identities).filter((g) => g.target === FOUNDRY_LOCAL ? cluster !== undefined : accountExists.get(g.target) === true);
    const byScope = new Map<string, Json[]>();
    const roleAssignments: Json[] = [];
    for (const scope of [...new Set(grants.map((g) => g.scope))]) {
        const assignments = (await rest.armList(`${scope}/providers/Microsoft.Authorization/roleAssignments`, API_VERSIONS.roleAssignments,
            { what: `list the role assignments at ${scope}`, permission: PERMISSION.arm(scope) }, { $filter: "atScope()" }))
            .filter((r) => sameArmId(str(obj(r.properties).scope), scope));
        byScope.set(scope.toLowerCase(), assignments);
    }
    for (const g of grants) {
        const principalId = principalIdOf(g.principal);
        if (!principalId) continue;
        const matches = (byScope.get(g.scope.toLowerCase()) ?? []).filter((r) => lower(obj(r.properties).principalId) === principalId &&
            lower(obj(r.properties).roleDefinitionId).endsWith(`/${g.role.guid}`));
        if (matches.length > 1) {
            conflicts.push(`"${g.role.name}" for ${describeGrantPrincipal(g.principal)} on ${g.target}: ${matches.length} assignments (${matches.map((m) => str(m.id)).join(", ")})`);
        } else if (matches.length === 1) {
            const ra = matches[0]!;
            live.push(liveRoleAssignment(ra));
            roleAssignments.push({ id: str(ra.id), principalId, role: g.role.name });
            found.push(`role assignment "${g.role.name}" for ${describeGrantPrincipal(g.principal)} on ${g.target} (${str(ra.name)})`);
        }
    }
    if (roleAssignments.length > 0) adopt.roleAssignments = roleAssignments;
    // Roles the gateway holds at a declared scope that the stack does not declare: left alone, worth knowing.
    if (gatewaySpId) {
        for (const [scope, assignments] of byScope) {
            for (const r of assignments.filter((x) => lower(obj(x.properties).principalId) === gatewaySpId)) {
                if (roleAssignments.some((x) => sameArmId(str(x.id), str(r.id)))) continue;
                notes.push(`the gateway also holds role definition ${lower(obj(r.properties).roleDefinitionId).split("/").pop()} at ${scope}, assigned by hand: ` +
                    "not managed by the stack and left as it is; remove it once the stack's grant is in place if it is more than the gateway needs");
            }
        }
    }

    // App-role assignments of the Foundry Local app role.
    if (fl && flSpId && flAppRoleId) {
        const holders = new Map(foundryLocalAppRoleHolders(config, gatewaySpId, identities).map((h) => [h.principalId, h.label]));
        const assigned = await rest.graphList(`/v1.0/servicePrincipals/${flSpId}/appRoleAssignedTo`, graphNeed("list the app-role assignments of the Foundry Local API"));
        const appRoleAssignments: Json[] = [];
        for (const a of assigned.filter((x) => lower(x.appRoleId) === flAppRoleId && holders.has(lower(x.principalId)))) {
            const l = liveAppRoleAssignment(a);
            live.push(l);
            appRoleAssignments.push({ id: l.id, principalId: lower(a.principalId) });
            found.push(`app-role assignment ${fl.appRoleValue} for ${holders.get(lower(a.principalId))}`);
        }
        if (appRoleAssignments.length > 0) adopt.appRoleAssignments = appRoleAssignments;
    }

    return { adopt, edits, live, lookups: { users, groups, ...(cluster ? { cluster } : {}) }, found, missing, notes, conflicts, problems };
}
