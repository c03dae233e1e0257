/**
 * Parsing of Azure Resource Manager ids as role assignments use them: role definition ids and scopes.
 * ARM ids are case-insensitive; so is everything here.
 */

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The GUID of a role definition given as a bare GUID or as an ARM id ending in
 * `/providers/Microsoft.Authorization/roleDefinitions/<GUID>` (at subscription, management group or tenant
 * level), lower-cased. Undefined when the value is neither.
 */
export function roleDefinitionGuid(value: string): string | undefined {
    const v = value.trim();
    if (GUID.test(v)) return v.toLowerCase();
    const m = /\/providers\/microsoft\.authorization\/roledefinitions\/([^/]+)\/?$/i.exec(v);
    return m?.[1] && GUID.test(m[1]) ? m[1].toLowerCase() : undefined;
}

/** What an ARM id used as a role assignment scope points at. */
export type ScopeKind = "resource" | "resource-group" | "subscription" | "management-group" | "tenant" | "other";

/**
 * Classifies a scope. `resource` means `/subscriptions/<s>/resourceGroups/<rg>/providers/<Namespace>/<type>/<name>`,
 * optionally followed by child types and names or extension providers (e.g. a Key Vault secret,
 * `.../vaults/<v>/secrets/<name>`). Subscription-level resources without a resource group are `other`.
 */
export function classifyScope(scope: string): ScopeKind {
    const trimmed = scope.trim();
    if (trimmed === "" || trimmed === "/") return "tenant";
    if (!trimmed.startsWith("/")) return "other";
    const parts = trimmed.replace(/\/$/, "").slice(1).split("/");
    if (parts.some((p) => p === "")) return "other";
    const at = (i: number) => parts[i]?.toLowerCase();
    if (at(0) === "providers" && at(1) === "microsoft.management" && at(2) === "managementgroups") return "management-group";
    if (at(0) !== "subscriptions" || parts.length < 2) return "other";
    if (parts.length === 2) return "subscription";
    if (at(2) !== "resourcegroups" || parts.length < 4) return "other";
    if (parts.length === 4) return "resource-group";
    // providers/<Namespace>, then one or more <type>/<name> pairs (nested providers/<Namespace> count as a pair).
    const rest = parts.slice(4);
    return at(4) === "providers" && rest.length >= 4 && rest.length % 2 === 0 ? "resource" : "other";
}

/** A phrase for a scope kind, for violation messages. */
export const SCOPE_WORDS: Readonly<Record<ScopeKind, string>> = {
    resource: "a resource",
    "resource-group": "a whole resource group",
    subscription: "a whole subscription",
    "management-group": "a management group",
    tenant: "the tenant root",
    other: "not a resource id",
};
