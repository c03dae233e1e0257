/**
 * Logical resource names derived from config values. Names become URNs, and a changed URN makes Pulumi
 * replace the resource, so names are keyed on what identifies a thing (a UPN, a group name, an account
 * name), never on its position in a list.
 */
import { createHash } from "node:crypto";

/** Lower-case, with every run of characters outside [a-z0-9] turned into one "-". */
export function slug(value: string): string {
    return value.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
}

export type PrincipalType = "User" | "Group" | "ServicePrincipal";

export type Principal =
    | { readonly kind: "user"; readonly upn: string }
    | { readonly kind: "group"; readonly displayName: string }
    | { readonly kind: "principalId"; readonly id: string; readonly principalType: PrincipalType };

/** The characters of a plain name: letters, digits and the separators a slug turns into "-" (space . @ - _). */
const PLAIN = /^[A-Za-z0-9 .@_-]+$/;

/**
 * A name's slug, distinct for names that are different principals: a plain name (UPNs and group names of words)
 * keeps its slug as it always was (its resources' URNs do not move); any other name (`R&D`, `🚀`, `Équipe IA`)
 * gets a short hash of the name after its slug, so `R&D` and `R D`, or two emoji-only names, never share resource
 * names. The hash is of the lower-cased name: Entra compares UPNs and display names without regard to case, so
 * `R&D` and `r&d` are one group (and the same grant twice).
 */
export function distinctSlug(value: string): string {
    const s = slug(value);
    if (s !== "" && PLAIN.test(value)) return s;
    const hash = createHash("sha256").update(value.normalize("NFC").toLowerCase()).digest("hex").slice(0, 8);
    return s === "" ? hash : `${s}-${hash}`;
}

/** What identifies a principal in Entra: two config entries with the same identity name one principal. */
export function principalIdentity(p: Principal): string {
    switch (p.kind) {
        case "user":
            return `user:${p.upn.normalize("NFC").toLowerCase()}`;
        case "group":
            return `group:${p.displayName.normalize("NFC").toLowerCase()}`;
        case "principalId":
            return `${p.principalType}:${p.id.toLowerCase()}`;
    }
}

export function principalSlug(p: Principal): string {
    switch (p.kind) {
        case "user":
            return `user-${distinctSlug(p.upn)}`;
        case "group":
            return `group-${distinctSlug(p.displayName)}`;
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

/**
 * The grant of a Foundry Local cluster's own Arc identity (it checks callers' role assignments): `<component>-arc-identity-<role>`,
 * where the component is the cluster's ArcCluster; the single form's is named GRANT_PREFIX.foundryLocal, each fleet site's its own.
 */
export const arcIdentityGrantName = (roleSlug: string, component: string = GRANT_PREFIX.foundryLocal): string => `${component}-arc-identity-${roleSlug}`;

/** A list of names short enough for a message: the first five, then how many more there are. */
export function excerpt(names: readonly string[], max = 5): string {
    return names.length <= max ? names.join(", ") : `${names.slice(0, max).join(", ")} and ${names.length - max} more`;
}
