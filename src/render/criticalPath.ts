/**
 * The dependency graph `pulumi up` walks: custom resources only (a component makes no cloud call), an edge
 * for every explicit and property dependency. Its longest chain, the critical path, is the number of cloud
 * round trips the engine must make one after another, however parallel everything else runs.
 */
import { childrenByParent, type RenderModel, type RenderResource } from "./model";

export interface CriticalPath {
    /** Resources on the longest chain, first created first. */
    readonly chain: readonly RenderResource[];
}

/**
 * For each custom resource, the custom resources it waits for directly. Waiting on a component means
 * waiting on every custom resource under it.
 */
export function waitsFor(model: Pick<RenderModel, "resources">): Map<string, readonly string[]> {
    const byUrn = new Map(model.resources.map((r) => [r.urn, r]));
    const children = childrenByParent(model.resources);
    const customUnder = (urn: string, out: Set<string>): void => {
        for (const child of children.get(urn) ?? []) {
            if (child.custom) out.add(child.urn);
            customUnder(child.urn, out);
        }
    };
    const graph = new Map<string, readonly string[]>();
    for (const r of model.resources) {
        if (!r.custom) continue;
        const deps = new Set<string>();
        for (const d of r.dependsOn) {
            const target = byUrn.get(d);
            if (!target) continue;
            if (target.custom) deps.add(d);
            else customUnder(d, deps);
        }
        deps.delete(r.urn);
        graph.set(r.urn, [...deps].sort());
    }
    return graph;
}

/** The longest chain of waiting custom resources; ties go to the chain met first in tree order. */
export function criticalPath(model: Pick<RenderModel, "resources">): CriticalPath {
    const graph = waitsFor(model);
    const byUrn = new Map(model.resources.map((r) => [r.urn, r]));
    // Longest chain ending at each resource, as [length, predecessor on the chain].
    const best = new Map<string, { length: number; previous?: string }>();
    const onStack = new Set<string>();
    const longestTo = (urn: string): number => {
        const known = best.get(urn);
        if (known) return known.length;
        if (onStack.has(urn)) throw new Error(`dependency cycle through ${urn}`);
        onStack.add(urn);
        let entry: { length: number; previous?: string } = { length: 1 };
        for (const d of graph.get(urn) ?? []) {
            const length = longestTo(d) + 1;
            if (length > entry.length) entry = { length, previous: d };
        }
        onStack.delete(urn);
        best.set(urn, entry);
        return entry.length;
    };
    let end: string | undefined;
    for (const urn of graph.keys()) {
        if (end === undefined || longestTo(urn) > longestTo(end)) end = urn;
    }
    const chain: RenderResource[] = [];
    for (let urn = end; urn !== undefined; urn = best.get(urn)?.previous) {
        const r = byUrn.get(urn);
        if (r) chain.unshift(r);
    }
    return { chain };
}

/** Every custom resource the given one waits for, directly or through others (`graph` from `waitsFor`). */
export function transitiveDependencies(graph: ReadonlyMap<string, readonly string[]>, urn: string): Set<string> {
    const seen = new Set<string>();
    const stack = [...(graph.get(urn) ?? [])];
    for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
        if (seen.has(next)) continue;
        seen.add(next);
        stack.push(...(graph.get(next) ?? []));
    }
    return seen;
}

/** `a → b → c`, by resource name. */
export function describeChain(path: CriticalPath): string {
    return path.chain.map((r) => r.name).join(" → ");
}
