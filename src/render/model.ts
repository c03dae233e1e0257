/**
 * The neutral graph every render format prints: each resource with its parent, what it waits for, its inputs
 * and options, and the stack outputs, all passed through the Redactor (no secret, no mock value). Resources are
 * in tree order (parents before children, siblings by name), so every format is deterministic.
 */
import type { RunResult } from "../../harness/run";
import { engineIdentities, engineUrnMap } from "../plan/urns";
import { Redactor } from "./redact";

export interface RenderResource {
    readonly urn: string;
    /** The Pulumi type token, e.g. `azuread:index/application:Application`. */
    readonly type: string;
    readonly name: string;
    /** False for component resources: they group children and make no cloud call. */
    readonly custom: boolean;
    /** URN of the parent, or null at the top of the tree. */
    readonly parent: string | null;
    /** Every resource whose outputs flow into this one: explicit `dependsOn` and property dependencies, sorted. */
    readonly dependsOn: readonly string[];
    /** Inputs as registered, keys sorted (the same on every render), secrets as `[secret]`, assigned values as placeholders. */
    readonly inputs: Record<string, unknown>;
    /** The id the provider would answer with (mock ids shown as placeholders); empty for components. */
    readonly id?: string;
    /**
     * What the provider stores for the resource (inputs in its normalised form plus computed fields), redacted like the
     * inputs: the state `npm run plan` compares the next run with.
     */
    readonly outputs?: Record<string, unknown>;
    /** Per input, the resources whose outputs flow into it (what the engine records as propertyDependencies). */
    readonly propertyDependencies?: Readonly<Record<string, readonly string[]>>;
    readonly options: {
        readonly protect: boolean;
        readonly retainOnDelete: boolean;
        /** The id an adopted resource is imported by, or null. */
        readonly import: string | null;
        readonly ignoreChanges: readonly string[];
        /** Replaces the resource when it changes (credential rotation); absent when not set. */
        readonly replacementTrigger?: unknown;
        /** The engine URNs this resource answers to besides its own (a renamed resource keeps its state). */
        readonly aliases?: readonly string[];
    };
}

export interface RenderModel {
    readonly project: string;
    readonly stack: string;
    /** The clock the program computed credential dates from (ISO 8601). */
    readonly now: string;
    readonly resources: readonly RenderResource[];
    /** Stack outputs in the program's order, secrets as `[secret]`, assigned values as placeholders. */
    readonly outputs: Record<string, unknown>;
    /** What the program warned about (e.g. a stack that pins no subscription), as `pulumi up` would show it. */
    readonly warnings?: readonly string[];
}

/** Builds the render model of a finished run. */
export function buildModel(run: RunResult, now: Date): RenderModel {
    const redactor = new Redactor(run);
    // URNs as the engine writes them (ancestors' types chained), so a render is comparable with real state.
    const identities = engineIdentities(run.resources, run.stack, run.project);
    const engine = engineUrnMap(run.resources, run.stack, run.project, identities);
    const resources = run.resources.map((r, i): RenderResource => {
        const urn = engine(r.urn);
        const dependsOn = new Set([...r.dependencies, ...Object.values(r.propertyDependencies).flat()].map(engine));
        dependsOn.delete(urn);
        return {
            urn,
            type: r.type,
            name: r.name,
            custom: r.custom,
            parent: r.parent ? engine(r.parent) : null,
            dependsOn: [...dependsOn].sort(),
            inputs: redactor.value(r.inputs, new Set(r.secretInputPaths)) as Record<string, unknown>,
            id: r.custom ? redactor.text(r.id) : "",
            outputs: redactor.value(r.outputs, new Set(r.secretOutputPaths)) as Record<string, unknown>,
            propertyDependencies: Object.fromEntries(Object.entries(r.propertyDependencies).sort(([a], [b]) => (a < b ? -1 : 1))
                .map(([k, v]) => [k, [...new Set(v.map(engine))].filter((u) => u !== urn).sort()])),
            options: {
                protect: r.options.protect,
                retainOnDelete: r.options.retainOnDelete,
                import: r.options.import === undefined ? null : redactor.text(r.options.import),
                ignoreChanges: [...r.options.ignoreChanges].sort(),
                ...(r.options.replacementTrigger !== undefined ? { replacementTrigger: redactor.value(r.options.replacementTrigger) } : {}),
                aliases: identities[i]!.aliases,
            },
        };
    });
    return {
        project: run.project,
        stack: run.stack,
        now: now.toISOString(),
        resources: treeOrder(resources),
        outputs: redactor.value(run.outputs, new Set(run.secretOutputPaths), false) as Record<string, unknown>,
        warnings: run.warnings.map((w) => redactor.text(w)),
    };
}

/** Children of each resource (key: parent URN, null for the top), siblings sorted by name, then type. */
export function childrenByParent(resources: readonly RenderResource[]): Map<string | null, RenderResource[]> {
    const known = new Set(resources.map((r) => r.urn));
    const children = new Map<string | null, RenderResource[]>();
    for (const r of resources) {
        const parent = r.parent !== null && known.has(r.parent) ? r.parent : null;
        const siblings = children.get(parent);
        if (siblings) siblings.push(r);
        else children.set(parent, [r]);
    }
    for (const list of children.values()) list.sort((a, b) => compare(a.name, b.name) || compare(a.type, b.type));
    return children;
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Depth-first: each parent, then its children. */
function treeOrder(resources: readonly RenderResource[]): RenderResource[] {
    const children = childrenByParent(resources);
    const out: RenderResource[] = [];
    const visit = (parent: string | null) => {
        for (const r of children.get(parent) ?? []) {
            out.push(r);
            visit(r.urn);
        }
    };
    visit(null);
    return out;
}

/** The last segment of a type token: `azure-native:authorization:RoleAssignment` → `RoleAssignment`. */
export function shortType(type: string): string {
    return type.slice(type.lastIndexOf(":") + 1);
}
