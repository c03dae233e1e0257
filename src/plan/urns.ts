/**
 * Engine URNs. The SDK's mock monitor names a child `<parent's last type>$<type>`; the Pulumi engine chains every
 * ancestor's type (`pkg/resource/urn.go` in pulumi/pulumi: a child's qualified type is its parent's qualified type,
 * `$`, its own type). State files (`pulumi stack export`) and `pulumi preview --json` use the engine's form, so the
 * render and the plan convert to it.
 */

/** The fields of a registered resource these functions read. */
export interface UrnSource {
    readonly urn: string;
    readonly type: string;
    readonly name: string;
    readonly parent?: string | null;
    readonly options?: { readonly aliases?: readonly AliasSource[] };
}

/** An alias as the recorder captures it: the old URN, or a spec whose empty fields mean "as now". */
export interface AliasSource {
    readonly urn?: string;
    readonly spec?: { name?: string; type?: string; stack?: string; project?: string; parenturn?: string; noparent?: boolean };
}

/** `urn:pulumi:<stack>::<project>::<qualified type>::<name>` → the qualified type. */
export const qualifiedType = (urn: string): string => urn.split("::")[2] ?? "";
/** The resource name at the end of a URN. */
export const urnName = (urn: string): string => urn.slice(urn.lastIndexOf("::") + 2);

export const urnOf = (stack: string, project: string, type: string, name: string, parentUrn?: string): string =>
    `urn:pulumi:${stack}::${project}::${parentUrn ? `${qualifiedType(parentUrn)}$` : ""}${type}::${name}`;

/** The stack resource is not part of a child's qualified type. */
const isStack = (urn: string | undefined) => urn !== undefined && qualifiedType(urn) === "pulumi:pulumi:Stack";

/**
 * Maps each resource's mock URN to the engine's, and lists the engine URNs its aliases stand for (a parent's
 * aliases are inherited by its children, as the engine does).
 */
export function engineIdentities(resources: readonly UrnSource[], stack: string, project: string): { urn: string; aliases: string[] }[] {
    const byMockUrn = new Map(resources.map((r) => [r.urn, r]));
    const urns = new Map<string, string>();
    const engineUrn = (r: UrnSource): string => {
        const known = urns.get(r.urn);
        if (known) return known;
        const parent = r.parent ? byMockUrn.get(r.parent) : undefined;
        const urn = urnOf(stack, project, r.type, r.name, parent ? engineUrn(parent) : undefined);
        urns.set(r.urn, urn);
        return urn;
    };
    const aliasCache = new Map<string, string[]>();
    const aliasUrns = (r: UrnSource): string[] => {
        const cached = aliasCache.get(r.urn);
        if (cached) return cached;
        const parent = r.parent ? byMockUrn.get(r.parent) : undefined;
        const own = (r.options?.aliases ?? []).map((a) => {
            if (a.urn) return a.urn;
            const s = a.spec ?? {};
            const parentUrn = s.noparent ? undefined
                : s.parenturn ? (byMockUrn.has(s.parenturn) ? engineUrn(byMockUrn.get(s.parenturn)!) : isStack(s.parenturn) ? undefined : s.parenturn)
                    : parent ? engineUrn(parent) : undefined;
            return urnOf(s.stack || stack, s.project || project, s.type || r.type, s.name || r.name, parentUrn);
        });
        const inherited = parent ? aliasUrns(parent).map((p) => urnOf(stack, project, r.type, r.name, p)) : [];
        // A parent renamed by name only leaves its children's URNs as they were: drop such self-aliases.
        const all = [...new Set([...own, ...inherited])].filter((u) => u !== engineUrn(r));
        aliasCache.set(r.urn, all);
        return all;
    };
    return resources.map((r) => ({ urn: engineUrn(r), aliases: aliasUrns(r) }));
}

/**
 * A function from a mock URN to the engine URN, for every resource of a run (URNs not in it pass through). `ids`:
 * the run's `engineIdentities`, when the caller has them already.
 */
export function engineUrnMap(resources: readonly UrnSource[], stack: string, project: string,
    ids: readonly { readonly urn: string }[] = engineIdentities(resources, stack, project)): (urn: string) => string {
    const map = new Map(resources.map((r, i) => [r.urn, ids[i]!.urn]));
    return (urn) => map.get(urn) ?? urn;
}
