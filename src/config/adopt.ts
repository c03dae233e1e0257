/**
 * `foundry-entra:adopt`: what already exists in the tenant and subscription (built by hand from the portal guides)
 * and which object the stack declares each one is. Written by `npm run adopt -- --write`, or by hand. Every adopted
 * object is declared with `import` set to its id and `retainOnDelete`, so it is taken over instead of created a second
 * time, and never deleted by the stack (docs/adoption.md).
 *
 * Validated here, at the edge, against what the stack declares: an entry that matches nothing the stack declares,
 * or is malformed, is one line naming its key. Role assignments are matched by scope, principal and role; a grant to a
 * user, a group or the cluster's Arc identity has an object id only a lookup knows, so those entries are matched once
 * the program has looked the principals up, still before anything is registered (`matchLookedUp`).
 */
import { z } from "zod";
import { excerpt } from "../lib/excerpt";
import {
    accountArmId, clusterExtensionArmId, connectedClusterArmId, deploymentArmId, parseArmResourceId, parseRoleAssignmentId,
    sameArmId,
} from "../lib/armIds";
import {
    arcIdentityGrantName, GATEWAY_PRINCIPAL_KEY, GRANT_PREFIX, grantResourceName, IDENTITY_PRINCIPAL_KEY, principalLabel, principalSlug, type Principal,
} from "../lib/names";
import { singleSite } from "./foundryLocal";
import { checkRoleSpec, FOUNDRY_LOCAL, GUID_PATTERN, resolveRole, ROLES, type BuiltInRole, type TargetKind } from "./roles";
import type { StackConfig } from "./types";

const objectId = (what: string) => z.string().regex(GUID_PATTERN, { error: (i) => `${excerpt(i.input)} is not an object id; expected the ${what}'s object id (a GUID)` });
const role = () => z.string().superRefine((v, ctx) => {
    const problem = checkRoleSpec(v);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
});

/** An existing credential of the adopted gateway app: not managed by the stack, listed by `expiry` as "not managed here". */
export const UnmanagedCredentialSchema = z.strictObject({
    type: z.enum(["certificate", "clientSecret"], { error: (i) => `${excerpt(i.input)} is not a credential type; allowed: certificate, clientSecret` }),
    /** Graph's keyId of the credential. */
    keyId: z.string().regex(GUID_PATTERN, { error: (i) => `${excerpt(i.input)} is not a key id (a GUID, Graph's keyId)` }),
    displayName: z.string().max(256).optional(),
    /** Graph's endDateTime. */
    endDate: z.iso.datetime({ offset: true, error: (i) => `${excerpt(i.input)} is not a date-time; expected ISO 8601, e.g. 2027-01-31T00:00:00Z` }),
    /** A certificate's SHA-1 thumbprint (Graph's customKeyIdentifier), to find it in the portal. */
    thumbprint: z.string().regex(/^[0-9A-Fa-f]{40}$/, { error: "is not a 40-digit hexadecimal SHA-1 thumbprint" }).optional(),
});

export const AdoptSchema = z.strictObject({
    /** The existing app registration the gateway signs in as (object id). */
    gatewayApplication: objectId("app registration").optional(),
    /** Its service principal (object id). */
    gatewayServicePrincipal: objectId("service principal").optional(),
    /** The existing Foundry Local API app registration (object id). */
    foundryLocalApplication: objectId("app registration").optional(),
    foundryLocalServicePrincipal: objectId("service principal").optional(),
    /** The live id of the adopted API's delegated scope: kept, so users' consent stays valid. */
    foundryLocalScopeId: z.string().regex(GUID_PATTERN, { error: (i) => `${excerpt(i.input)} is not a GUID (the scope's id in the app's manifest)` }).optional(),
    /** The live id of the adopted API's app role: kept, so existing app-role assignments stay valid. */
    foundryLocalAppRoleId: z.string().regex(GUID_PATTERN, { error: (i) => `${excerpt(i.input)} is not a GUID (the app role's id in the app's manifest)` }).optional(),
    /** The adopted API's Application ID URI (`api://<client id>`), taken over as its ApplicationIdentifierUri. */
    foundryLocalIdentifierUri: z.string().regex(/^api:\/\/\S+$/, { error: (i) => `${excerpt(i.input)} is not an api:// URI` }).optional(),
    /** The Azure CLI is already pre-authorised on the adopted API: taken over. */
    foundryLocalAzureCliPreAuthorized: z.boolean().optional(),
    /** The Foundry Local extension already installed on the cluster (ARM id). */
    foundryLocalExtension: z.string().min(1).optional(),
    roleAssignments: z.array(z.strictObject({
        /** Full ARM id: `<scope>/providers/Microsoft.Authorization/roleAssignments/<GUID>`. */
        id: z.string().min(1),
        principalId: objectId("principal"),
        role: role(),
    })).default([]),
    appRoleAssignments: z.array(z.strictObject({
        /** `/servicePrincipals/<resource service principal>/appRoleAssignedTo/<assignment id>`. */
        id: z.string().min(1),
        principalId: objectId("principal"),
    })).default([]),
    /** Model deployments that already exist on declared accounts (ARM ids). */
    deployments: z.array(z.string().min(1)).default([]),
    /** User-assigned identities that `managedIdentities[].create` declares and that already exist. */
    userAssignedIdentities: z.array(z.strictObject({ id: z.string().min(1), principalId: objectId("identity") })).default([]),
    /** The adopted gateway app's own credentials (made by hand): never managed, listed by `expiry`. */
    gatewayCredentials: z.array(UnmanagedCredentialSchema).default([]),
});

export type RawAdopt = z.output<typeof AdoptSchema>;
export type UnmanagedCredential = z.output<typeof UnmanagedCredentialSchema>;

/** Who a declared grant is for, as far as config knows it. */
export type GrantPrincipal =
    | { readonly kind: "gateway" }
    | { readonly kind: "config"; readonly principal: Principal }
    | { readonly kind: "managedIdentity"; readonly name: string; readonly principalId?: string }
    | { readonly kind: "arc" };

/** One role assignment the stack declares, in terms of config (before any lookup). */
export interface DeclaredGrant {
    /** Its logical name (the URN's name): how the components find their adoption. */
    readonly resource: string;
    readonly target: string;
    readonly targetKind: TargetKind;
    /** The ARM id of the target (its scope), from config and the pinned subscription. */
    readonly scope: string;
    readonly role: BuiltInRole;
    readonly principal: GrantPrincipal;
}

export interface AdoptedRoleAssignment {
    /** The config key path of the entry, for messages. */
    readonly key: string;
    readonly id: string;
    /** The assignment's existing name (the GUID at the end of its id), kept instead of the derived one. */
    readonly name: string;
    /** Its scope as Azure has it, sent as is (azure-native compares it as a string, and a changed scope replaces). */
    readonly scope: string;
    readonly principalId: string;
    readonly role: BuiltInRole;
    /** The declared grant it is; undefined until the principals that need a lookup are known. */
    readonly resource?: string;
    /** The declared grants it may be, whose principal only a lookup knows. */
    readonly candidates: readonly DeclaredGrant[];
}

/** What the program's components need to know about adopted objects. */
export interface AdoptionConfig {
    readonly gatewayApplication?: string;
    readonly gatewayServicePrincipal?: string;
    readonly foundryLocalApplication?: string;
    readonly foundryLocalServicePrincipal?: string;
    readonly foundryLocalScopeId?: string;
    readonly foundryLocalAppRoleId?: string;
    readonly foundryLocalIdentifierUri?: string;
    readonly foundryLocalAzureCliPreAuthorized: boolean;
    readonly foundryLocalExtension?: string;
    readonly roleAssignments: readonly AdoptedRoleAssignment[];
    /** Adopted app-role assignment ids, by holder: `gateway` or `mi:<name>`. */
    readonly appRoleAssignments: ReadonlyMap<string, string>;
    /** Adopted deployment ids, by `<account>/<deployment>`. */
    readonly deployments: ReadonlyMap<string, string>;
    /** Adopted user-assigned identities, by `managedIdentities[].name`. */
    readonly userAssignedIdentities: ReadonlyMap<string, { readonly id: string; readonly principalId: string }>;
    readonly gatewayCredentials: readonly UnmanagedCredential[];
}

/** Every role assignment a (validated) config declares, named as the components name them. */
export function declaredGrants(config: Pick<StackConfig, "accounts" | "access" | "managedIdentities" | "foundryLocal" | "aiServicesInferenceRole">,
    subscriptionId: string, adoptedIdentities: ReadonlyMap<string, { readonly principalId: string }> = new Map()): DeclaredGrant[] {
    const scopes = new Map<string, { kind: TargetKind; scope: string }>(config.accounts.map((a) => [a.name, { kind: a.kind, scope: accountArmId(subscriptionId, a.resourceGroupName, a.name) }]));
    const fl = config.foundryLocal;
    const site = fl && singleSite(fl);
    if (site) scopes.set(FOUNDRY_LOCAL, { kind: "FoundryLocal", scope: connectedClusterArmId(subscriptionId, site.resourceGroupName, site.name) });
    const grants: DeclaredGrant[] = [];
    const add = (prefix: string, key: string, target: string, roleSpec: string, principal: GrantPrincipal) => {
        const t = scopes.get(target);
        if (!t) return;
        const role = resolveRole(roleSpec, t.kind, config.aiServicesInferenceRole);
        grants.push({ resource: grantResourceName(prefix, key, target, role.slug), target, targetKind: t.kind, scope: t.scope, role, principal });
    };
    const prefixFor = (target: string) => (target === FOUNDRY_LOCAL ? GRANT_PREFIX.foundryLocal : GRANT_PREFIX.accounts);
    for (const target of scopes.keys()) add(prefixFor(target), GATEWAY_PRINCIPAL_KEY, target, "inference", { kind: "gateway" });
    for (const e of config.access) for (const target of e.targets) add(prefixFor(target), principalSlug(e.principal), target, e.role, { kind: "config", principal: e.principal });
    for (const m of config.managedIdentities) {
        const principalId = m.principalId ?? adoptedIdentities.get(m.name)?.principalId;
        for (const target of m.targets) {
            add(GRANT_PREFIX.managedIdentity(m.name), IDENTITY_PRINCIPAL_KEY, target, m.role, { kind: "managedIdentity", name: m.name, ...(principalId ? { principalId } : {}) });
        }
    }
    if (fl) {
        const t = scopes.get(FOUNDRY_LOCAL)!;
        grants.push({ resource: arcIdentityGrantName(ROLES.openAiUser.slug), target: FOUNDRY_LOCAL, targetKind: "FoundryLocal", scope: t.scope, role: ROLES.openAiUser, principal: { kind: "arc" } });
    }
    return grants;
}

/** One principal the stack gives the Foundry Local app role to, keyed as AdoptionConfig.appRoleAssignments keys it. */
export interface AppRoleHolder {
    /** `gateway` or `mi:<managedIdentities[].name>`. */
    readonly key: string;
    readonly principalId: string;
    /** How messages name it. */
    readonly label: string;
}

/**
 * Who the stack gives the Foundry Local app role to, as far as their object ids are known: the gateway's service
 * principal (when its id is), then each managed identity that targets Foundry Local, by its configured principal id or
 * its adopted identity's.
 */
export function foundryLocalAppRoleHolders(config: Pick<StackConfig, "managedIdentities">, gatewayServicePrincipalId: string | undefined,
    adoptedIdentities: ReadonlyMap<string, { readonly principalId: string }>): AppRoleHolder[] {
    return [
        ...(gatewayServicePrincipalId ? [{ key: "gateway", principalId: gatewayServicePrincipalId, label: "the gateway's service principal" }] : []),
        ...config.managedIdentities.filter((m) => m.targets.includes(FOUNDRY_LOCAL)).flatMap((m) => {
            const principalId = m.principalId ?? adoptedIdentities.get(m.name)?.principalId;
            return principalId ? [{ key: `mi:${m.name}`, principalId, label: `managed identity ${m.name}` }] : [];
        }),
    ];
}

/** The object id config knows for a grant's principal, or undefined when only a lookup knows it. */
function knownPrincipalId(p: GrantPrincipal, adopt: RawAdopt): string | undefined {
    switch (p.kind) {
        case "gateway":
            return adopt.gatewayServicePrincipal?.toLowerCase();
        case "config":
            return p.principal.kind === "principalId" ? p.principal.id : undefined;
        case "managedIdentity":
            return p.principalId?.toLowerCase();
        case "arc":
            return undefined;
    }
}

/** A principal whose object id only a lookup knows: a user, a group, the cluster's Arc identity. */
const needsLookup = (p: GrantPrincipal): boolean => p.kind === "arc" || (p.kind === "config" && p.principal.kind !== "principalId");

export function describeGrantPrincipal(p: GrantPrincipal): string {
    switch (p.kind) {
        case "gateway":
            return "the gateway's service principal";
        case "config":
            return principalLabel(p.principal);
        case "managedIdentity":
            return `managed identity ${p.name}`;
        case "arc":
            return "the cluster's Arc identity";
    }
}

type Problem = (path: readonly PropertyKey[], text: string) => void;

/**
 * Checks `foundry-entra:adopt` against the rest of a validated config; reports one line per problem and returns what
 * the components need. `subscriptionId` is the subscription the stack pins (`azure-native:subscriptionId`).
 */
export function checkAdoption(raw: RawAdopt, config: StackConfig, subscriptionId: string | undefined, problem: Problem, keyPath: (p: readonly PropertyKey[]) => string): AdoptionConfig {
    const at = (...p: PropertyKey[]) => ["adopt", ...p];
    const fl = config.foundryLocal;
    const lower = (v: string | undefined) => v?.toLowerCase();

    if (raw.gatewayServicePrincipal && !raw.gatewayApplication) {
        problem(at("gatewayServicePrincipal"), "needs gatewayApplication: the stack creates the gateway's app registration, whose service principal cannot exist yet");
    }
    if (raw.gatewayCredentials.length > 0 && !raw.gatewayApplication) {
        problem(at("gatewayCredentials"), "needs gatewayApplication: these are the credentials of an adopted app registration");
    }
    const flKeys = ["foundryLocalApplication", "foundryLocalServicePrincipal", "foundryLocalScopeId", "foundryLocalAppRoleId", "foundryLocalIdentifierUri",
        "foundryLocalAzureCliPreAuthorized", "foundryLocalExtension"] as const;
    if (!fl) {
        for (const k of flKeys) if (raw[k] !== undefined) problem(at(k), "matches nothing this stack declares: foundry-entra:foundryLocal is not configured");
    } else {
        if (!raw.foundryLocalApplication) {
            for (const k of flKeys.slice(1, 6)) if (raw[k] !== undefined) problem(at(k), "needs foundryLocalApplication: the stack creates the Foundry Local API app registration, so this cannot exist yet");
        } else {
            if (!raw.foundryLocalScopeId) {
                problem(at("foundryLocalScopeId"), `is required with foundryLocalApplication: the id of the adopted API's "${fl.scopeValue}" scope (npm run adopt writes it); a new id would disable the scope users consented to`);
            }
            if (!raw.foundryLocalAppRoleId) {
                problem(at("foundryLocalAppRoleId"), `is required with foundryLocalApplication: the id of the adopted API's "${fl.appRoleValue}" app role (npm run adopt writes it); a new id would void every assignment of it`);
            }
        }
        if (raw.foundryLocalAzureCliPreAuthorized && !fl.preAuthorizeAzureCli) {
            problem(at("foundryLocalAzureCliPreAuthorized"), "matches nothing this stack declares: foundryLocal.preAuthorizeAzureCli is false");
        }
    }

    const needsPin = raw.roleAssignments.length + raw.deployments.length + raw.userAssignedIdentities.length > 0 || raw.foundryLocalExtension !== undefined;
    if (needsPin && !subscriptionId) {
        problem(["adopt"], "Azure resource ids need the subscription they are compared with: pin azure-native:subscriptionId in the stack file");
    }
    const sub = subscriptionId?.toLowerCase() ?? "";
    const inPinnedSubscription = (id: string, path: readonly PropertyKey[], idSub: string | undefined): boolean => {
        if (!subscriptionId) return false;
        if (idSub === sub) return true;
        problem(path, `is in subscription ${idSub ?? "(none)"}, not in ${sub}, which the stack pins (azure-native:subscriptionId)`);
        return false;
    };

    // User-assigned identities first: an adopted identity's object id lets its grants be matched now.
    const identities = new Map<string, { id: string; principalId: string }>();
    raw.userAssignedIdentities.forEach((u, i) => {
        const parsed = parseArmResourceId(u.id);
        if (typeof parsed === "string") return problem(at("userAssignedIdentities", i, "id"), parsed);
        if (!inPinnedSubscription(u.id, at("userAssignedIdentities", i, "id"), parsed.subscriptionId)) return;
        const [type, name] = parsed.path[0] ?? ["", ""];
        const m = config.managedIdentities.find((x) => x.create && x.name === name && sameArmId(x.create.resourceGroupName, parsed.resourceGroupName));
        if (!sameArmId(parsed.provider, "Microsoft.ManagedIdentity") || !sameArmId(type, "userAssignedIdentities") || parsed.path.length !== 1 || !m) {
            const created = config.managedIdentities.filter((x) => x.create).map((x) => `${x.name} in ${x.create!.resourceGroupName}`);
            return problem(at("userAssignedIdentities", i, "id"), `matches no identity this stack creates (managedIdentities[].create); it creates: ${created.join(", ") || "(none)"}`);
        }
        if (identities.has(m.name)) return problem(at("userAssignedIdentities", i, "id"), `adopts managed identity ${m.name} a second time`);
        identities.set(m.name, { id: u.id, principalId: u.principalId.toLowerCase() });
    });

    const grants = subscriptionId ? declaredGrants(config, sub, identities) : [];
    const roleAssignments: AdoptedRoleAssignment[] = [];
    const seen = new Map<string, string>();
    raw.roleAssignments.forEach((e, i) => {
        const key = keyPath(at("roleAssignments", i));
        const parsed = parseRoleAssignmentId(e.id);
        if (typeof parsed === "string") return problem(at("roleAssignments", i, "id"), parsed);
        if (!inPinnedSubscription(e.id, at("roleAssignments", i, "id"), parsed.subscriptionId)) return;
        const atScope = grants.filter((g) => sameArmId(g.scope, parsed.scope));
        if (atScope.length === 0) {
            const scopes = [...new Set(grants.map((g) => `${g.target} (${g.scope})`))];
            return problem(at("roleAssignments", i, "id"), `its scope ${parsed.scope} is not one this stack grants roles at; it grants at: ${scopes.join(", ") || "(nothing)"}`);
        }
        const account = config.accounts.find((a) => a.name === atScope[0]!.target);
        if (account && !account.existing) {
            return problem(at("roleAssignments", i, "id"), `is on account ${account.name}, which this stack creates (accounts[].existing is false), so no assignment on it can exist yet; ` +
                "set existing: true to adopt the account too");
        }
        const r = resolveRole(e.role, atScope[0]!.targetKind, config.aiServicesInferenceRole);
        const candidates = atScope.filter((g) => g.role.guid === r.guid);
        if (candidates.length === 0) {
            const roles = [...new Set(atScope.map((g) => `"${g.role.name}"`))];
            return problem(at("roleAssignments", i, "role"), `"${r.name}" is not a role this stack grants on ${atScope[0]!.target}; it grants there: ${roles.join(", ")}`);
        }
        const principalId = e.principalId.toLowerCase();
        const exact = candidates.find((g) => knownPrincipalId(g.principal, raw) === principalId);
        const lookedUp = candidates.filter((g) => needsLookup(g.principal));
        if (!exact && lookedUp.length === 0) {
            return problem(at("roleAssignments", i, "principalId"), `${principalId} is not a principal this stack grants "${r.name}" on ${atScope[0]!.target}; ` +
                `it grants it to: ${candidates.map((g) => `${describeGrantPrincipal(g.principal)} (${knownPrincipalId(g.principal, raw) ?? "created by this stack, so it has no assignment yet"})`).join(", ")}`);
        }
        const again = seen.get(parsed.name) ?? (exact ? seen.get(exact.resource) : undefined);
        if (again) return problem(at("roleAssignments", i), `adopts the same role assignment as ${again}`);
        seen.set(parsed.name, key);
        if (exact) seen.set(exact.resource, key);
        roleAssignments.push({
            key, id: e.id, name: parsed.name, scope: parsed.scope, principalId, role: r,
            ...(exact ? { resource: exact.resource } : {}), candidates: exact ? [] : lookedUp,
        });
    });

    const appRoleAssignments = new Map<string, string>();
    raw.appRoleAssignments.forEach((e, i) => {
        const m = /^\/servicePrincipals\/([^/]+)\/appRoleAssignedTo\/([^/]+)$/.exec(e.id);
        if (!m || !GUID_PATTERN.test(m[1]!)) {
            return problem(at("appRoleAssignments", i, "id"), "is not an app-role assignment id; expected /servicePrincipals/<resource service principal object id>/appRoleAssignedTo/<assignment id>");
        }
        if (!fl) return problem(at("appRoleAssignments", i, "id"), "matches nothing this stack declares: only Foundry Local's app role is assigned, and foundry-entra:foundryLocal is not configured");
        if (!raw.foundryLocalServicePrincipal || !sameArmId(m[1]!, raw.foundryLocalServicePrincipal)) {
            return problem(at("appRoleAssignments", i, "id"), `is an assignment on service principal ${m[1]}, but this stack assigns app roles only on the Foundry Local API's ` +
                `(adopt.foundryLocalServicePrincipal: ${raw.foundryLocalServicePrincipal ?? "not set, so the stack creates it and no assignment on it can exist yet"})`);
        }
        const principalId = e.principalId.toLowerCase();
        const holders = foundryLocalAppRoleHolders(config, raw.gatewayServicePrincipal?.toLowerCase(), identities);
        const holder = holders.find((h) => h.principalId === principalId);
        if (!holder) {
            return problem(at("appRoleAssignments", i, "principalId"), `${principalId} is not a principal this stack gives the Foundry Local app role to; it gives it to: ` +
                `${holders.map((h) => `${h.label} (${h.principalId})`).join(", ") || "(no principal whose object id is known: adopt the gateway's service principal first)"}`);
        }
        if (appRoleAssignments.has(holder.key)) return problem(at("appRoleAssignments", i), `adopts a second app-role assignment for ${holder.label}`);
        appRoleAssignments.set(holder.key, e.id);
    });

    const deployments = new Map<string, string>();
    raw.deployments.forEach((id, i) => {
        const parsed = parseArmResourceId(id);
        if (typeof parsed === "string") return problem(at("deployments", i), parsed);
        if (!inPinnedSubscription(id, at("deployments", i), parsed.subscriptionId)) return;
        const [[t1, accountName] = ["", ""], [t2, deploymentName] = ["", ""]] = parsed.path;
        const account = config.accounts.find((a) => a.name === accountName && sameArmId(a.resourceGroupName, parsed.resourceGroupName));
        const deployment = account?.deployments.find((d) => d.name === deploymentName);
        if (!sameArmId(parsed.provider, "Microsoft.CognitiveServices") || !sameArmId(t1, "accounts") || !sameArmId(t2, "deployments") || parsed.path.length !== 2 || !deployment) {
            const declared = config.accounts.flatMap((a) => a.deployments.map((d) => deploymentArmId(accountArmId(sub, a.resourceGroupName, a.name), d.name)));
            return problem(at("deployments", i), `matches no deployment this stack declares; it declares: ${declared.join(", ") || "(none)"}`);
        }
        if (!account!.existing) {
            return problem(at("deployments", i), `is a deployment of account ${account!.name}, which this stack creates (accounts[].existing is false); set existing: true to adopt the account too`);
        }
        const k = `${account!.name}/${deployment.name}`;
        if (deployments.has(k)) return problem(at("deployments", i), `adopts deployment ${k} a second time`);
        deployments.set(k, id);
    });

    if (raw.foundryLocalExtension !== undefined && fl) {
        const parsed = parseArmResourceId(raw.foundryLocalExtension);
        if (typeof parsed === "string") {
            problem(at("foundryLocalExtension"), parsed);
        } else if (inPinnedSubscription(raw.foundryLocalExtension, at("foundryLocalExtension"), parsed.subscriptionId)) {
            const site = singleSite(fl);
            const expected = site && clusterExtensionArmId(connectedClusterArmId(sub, site.resourceGroupName, site.name), fl.extension.name);
            if (!expected) problem(at("foundryLocalExtension"), "is adopted for the single cluster form only; foundryLocal is a fleet (clusters)");
            else if (!fl.installExtension) problem(at("foundryLocalExtension"), "matches nothing this stack declares: foundryLocal.installExtension is false");
            else if (!sameArmId(raw.foundryLocalExtension, expected)) problem(at("foundryLocalExtension"), `is not the extension this stack installs (${expected})`);
        }
    }

    return {
        ...(raw.gatewayApplication ? { gatewayApplication: lower(raw.gatewayApplication)! } : {}),
        ...(raw.gatewayServicePrincipal ? { gatewayServicePrincipal: lower(raw.gatewayServicePrincipal)! } : {}),
        ...(raw.foundryLocalApplication ? { foundryLocalApplication: lower(raw.foundryLocalApplication)! } : {}),
        ...(raw.foundryLocalServicePrincipal ? { foundryLocalServicePrincipal: lower(raw.foundryLocalServicePrincipal)! } : {}),
        ...(raw.foundryLocalScopeId ? { foundryLocalScopeId: lower(raw.foundryLocalScopeId)! } : {}),
        ...(raw.foundryLocalAppRoleId ? { foundryLocalAppRoleId: lower(raw.foundryLocalAppRoleId)! } : {}),
        ...(raw.foundryLocalIdentifierUri ? { foundryLocalIdentifierUri: raw.foundryLocalIdentifierUri } : {}),
        foundryLocalAzureCliPreAuthorized: raw.foundryLocalAzureCliPreAuthorized ?? false,
        ...(raw.foundryLocalExtension ? { foundryLocalExtension: raw.foundryLocalExtension } : {}),
        roleAssignments,
        appRoleAssignments,
        deployments,
        userAssignedIdentities: identities,
        gatewayCredentials: raw.gatewayCredentials,
    };
}

/** Object ids the program looked up: users by UPN, groups by display name, the cluster's Arc identity. */
export interface LookedUpPrincipals {
    readonly users: ReadonlyMap<string, string>;
    readonly groups: ReadonlyMap<string, string>;
    readonly arc?: string;
}

/** The principals an adoption's unmatched role assignments wait for (what the program must look up first). */
export function principalsToLookUp(adoption: AdoptionConfig): { users: string[]; groups: string[]; arc: boolean } {
    const pending = adoption.roleAssignments.filter((r) => r.resource === undefined).flatMap((r) => r.candidates.map((c) => c.principal));
    const users = new Set<string>();
    const groups = new Set<string>();
    let arc = false;
    for (const p of pending) {
        if (p.kind === "arc") arc = true;
        if (p.kind === "config" && p.principal.kind === "user") users.add(p.principal.upn);
        if (p.kind === "config" && p.principal.kind === "group") groups.add(p.principal.displayName);
    }
    return { users: [...users], groups: [...groups], arc };
}

/**
 * Matches the role assignments that waited for a lookup, now that the principals' object ids are known. Returns the
 * adopted assignments by the declared grant they are, or one line per entry that matches none.
 */
export function matchLookedUp(adoption: AdoptionConfig, ids: LookedUpPrincipals): { byResource: ReadonlyMap<string, AdoptedRoleAssignment>; problems: string[] } {
    const byResource = new Map<string, AdoptedRoleAssignment>();
    const problems: string[] = [];
    const idOf = (p: GrantPrincipal): string | undefined => {
        if (p.kind === "arc") return ids.arc?.toLowerCase();
        if (p.kind === "config" && p.principal.kind === "user") return ids.users.get(p.principal.upn)?.toLowerCase();
        if (p.kind === "config" && p.principal.kind === "group") return ids.groups.get(p.principal.displayName)?.toLowerCase();
        return undefined;
    };
    for (const r of adoption.roleAssignments) {
        const resource = r.resource ?? r.candidates.find((c) => idOf(c.principal) === r.principalId)?.resource;
        if (!resource) {
            problems.push(`${r.key}.principalId: ${r.principalId} is none of the principals this stack grants "${r.role.name}" at its scope: ` +
                `${r.candidates.map((c) => `${describeGrantPrincipal(c.principal)} is ${idOf(c.principal) ?? "(not found)"}`).join(", ")}`);
            continue;
        }
        const first = byResource.get(resource);
        if (first) {
            problems.push(`${r.key}: adopts the same grant as ${first.key}`);
            continue;
        }
        byResource.set(resource, { ...r, resource });
    }
    return { byResource, problems };
}
