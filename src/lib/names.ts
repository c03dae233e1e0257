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

/** A list of names short enough for a message: the first five, then how many more there are. */
export function excerpt(names: readonly string[], max = 5): string {
    return names.length <= max ? names.join(", ") : `${names.slice(0, max).join(", ")} and ${names.length - max} more`;
}
