/**
 * Logical resource names derived from config values. Names become URNs, and a changed URN makes Pulumi
 * replace the resource, so names are keyed on what identifies a thing (a UPN, a group name, an account
 * name), never on its position in a list.
 */

/** Lower-case, with every run of characters outside [a-z0-9] turned into one "-". */
export function slug(value: string): string {
    return value.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
}

export type PrincipalType = "User" | "Group" | "ServicePrincipal";

export type Principal =
    | { readonly kind: "user"; readonly upn: string }
    | { readonly kind: "group"; readonly displayName: string }
    | { readonly kind: "principalId"; readonly id: string; readonly principalType: PrincipalType };

export function principalSlug(p: Principal): string {
    switch (p.kind) {
        case "user":
            return `user-${slug(p.upn)}`;
        case "group":
            return `group-${slug(p.displayName)}`;
        case "principalId":
            return `${p.principalType === "ServicePrincipal" ? "sp" : slug(p.principalType)}-${p.id.toLowerCase()}`;
    }
}

export function principalLabel(p: Principal): string {
    switch (p.kind) {
        case "user":
            return `user ${p.upn}`;
        case "group":
            return `group "${p.displayName}"`;
        case "principalId":
            return `${p.principalType} ${p.id}`;
    }
}

/**
 * The logical names of the role assignments the program declares, shared by the components that declare them and by
 * adoption (`foundry-entra:adopt`), which must know which declared grant an existing assignment is before anything
 * is registered. The names are URNs: changing one re-creates the grant.
 */
export const GRANT_PREFIX = {
    /** Grants on cloud accounts (the InferenceAccess component). */
    accounts: "access",
    /** Grants at the Foundry Local cluster (the ArcCluster component). */
    foundryLocal: "arc-cluster",
    /** Grants of a managed identity (its ManagedIdentityAccess component). */
    managedIdentity: (name: string): string => `mi-${name}`,
} as const;

/** The principal key of the gateway's service principal in grant names. */
export const GATEWAY_PRINCIPAL_KEY = "gateway";
/** The principal key of a managed identity in its own grants' names. */
export const IDENTITY_PRINCIPAL_KEY = "identity";

/** `<prefix>-<principal>-<target>-<role slug>`: one role assignment's logical name. */
export const grantResourceName = (prefix: string, principalKey: string, target: string, roleSlug: string): string =>
    `${prefix}-${principalKey}-${target}-${roleSlug}`;

/** The Foundry Local cluster's own Arc identity's grant (it checks callers' role assignments). */
export const arcIdentityGrantName = (roleSlug: string): string => `${GRANT_PREFIX.foundryLocal}-arc-identity-${roleSlug}`;
