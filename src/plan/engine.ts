/**
 * What `pulumi up` would do, offline: the next run (the real program under the offline providers) compared with a
 * previous state, resource by resource, the way the engine and the providers decide it (see providers.ts for the
 * sources). The result lists, for every cloud resource, create / update / replace / delete / same (or import) and
 * the inputs that cause it.
 */
import type { RenderModel, RenderResource } from "../render/model";
import { diffInputs, modelOf, type InputChange } from "./providers";
import { stateDate, type PriorState, type StateResource } from "./state";
import { urnName } from "./urns";

export type Op = "create" | "update" | "replace" | "delete" | "same" | "import";

export interface Change {
    readonly urn: string;
    readonly type: string;
    readonly name: string;
    readonly op: Op;
    /** The inputs (or the rule) that cause the op; empty for same. */
    readonly reasons: readonly string[];
    /** A replacement that deletes the old resource before the new one exists. */
    readonly deleteBeforeReplace?: boolean;
    /** The resource as it is in the previous state (absent for a create). */
    readonly prior?: StateResource;
    /** The resource as the next run declares it (absent for a delete). */
    readonly next?: RenderResource;
    /**
     * An import that fails or is refused: the object does not exist, or the program's inputs would replace it (Pulumi
     * refuses to replace a resource that still declares `import`).
     */
    readonly importFails?: string;
    /** Live settings an import's update would remove from the object (azure-native PUTs only what is declared). */
    readonly removes?: readonly string[];
}

/** What a provider's Read returns for an object that exists: what an `import` starts from. */
export interface LiveObject {
    readonly type: string;
    /** The id it is imported by. */
    readonly id: string;
    /** The inputs the Read derives from the live object (azure-native: ResponseToSdkInputs; the bridge: from its state). */
    readonly inputs: Record<string, unknown>;
    /** What the provider stores for it. */
    readonly outputs: Record<string, unknown>;
}

export interface PlanOptions {
    /** The clock of the next run. */
    readonly now: Date;
    /**
     * The objects that exist, as the providers would read them: imports are judged against them (the update that
     * follows an import, a replacement that refuses it, an object that is not there). @default unknown: imports unjudged
     */
    readonly live?: readonly LiveObject[];
}

/** A value that stands for a lookup's or a provider's answer, which a real export holds in its real form. */
const PLACEHOLDER = /<[^<>\s]+>/;

/**
 * Pulumi's replacement trigger rule (step_generator.go shouldTriggerReplace): a null on either side is "no trigger";
 * otherwise any difference replaces.
 */
function triggerChanged(next: unknown, old: unknown): boolean {
    if (next === undefined || next === null || old === undefined || old === null) return false;
    return JSON.stringify(next) !== JSON.stringify(old);
}

/** Copies the old values of `ignoreChanges` paths into the new inputs (the engine's processIgnoreChanges). */
function applyIgnoreChanges(inputs: Record<string, unknown>, old: Record<string, unknown>, paths: readonly string[]): Record<string, unknown> {
    const out: Record<string, unknown> = structuredClone(inputs);
    for (const path of paths) {
        const parts = path.split(".");
        let from: unknown = old;
        let to: Record<string, unknown> = out;
        for (let i = 0; i < parts.length; i++) {
            const key = parts[i]!;
            from = from && typeof from === "object" ? (from as Record<string, unknown>)[key] : undefined;
            if (i === parts.length - 1) {
                if (from === undefined) delete to[key];
                else to[key] = structuredClone(from);
            } else {
                const next = to[key];
                if (!next || typeof next !== "object") break;
                to = next as Record<string, unknown>;
            }
        }
    }
    return out;
}

/** The dotted paths, up to `depth` levels, where two plain values differ (for the reasons of an import's update). */
function differingPaths(a: unknown, b: unknown, path: string, depth: number): string[] {
    const isObj = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
    if (depth > 0 && isObj(a) && isObj(b)) {
        return [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()
            .flatMap((k) => differingPaths(a[k], b[k], `${path}.${k}`, depth - 1));
    }
    return JSON.stringify(a) === JSON.stringify(b) ? [] : [path];
}

/** Paths present in the live inputs and absent from the new ones, up to two levels (`properties.networkAcls`). */
function removedPaths(live: Record<string, unknown>, news: Record<string, unknown>): string[] {
    const isObj = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
    const out: string[] = [];
    for (const [k, v] of Object.entries(live)) {
        if (v === null || v === undefined) continue;
        const n = news[k];
        if (n === undefined || n === null) out.push(k);
        else if (isObj(v) && isObj(n)) for (const [k2, v2] of Object.entries(v)) if (v2 !== null && v2 !== undefined && (n[k2] === undefined || n[k2] === null)) out.push(`${k}.${k2}`);
    }
    return out.sort();
}

/** terraform-provider-tls replaces a certificate once `validity_end_time - early_renewal_hours` has passed. */
function dueForRenewal(old: StateResource, now: Date): boolean {
    if (old.type !== "tls:index/selfSignedCert:SelfSignedCert") return false;
    const end = stateDate(old.outputs.validityEndTime);
    const early = Number(old.inputs.earlyRenewalHours ?? 0) * 3_600_000;
    return end !== undefined && now.getTime() >= end.getTime() - early;
}

/** Plans the next run against the previous state. */
export function planChanges(prior: PriorState, next: RenderModel, options: PlanOptions): Change[] {
    const priorByUrn = new Map(prior.resources.map((r) => [r.urn, r]));
    const nextByUrn = new Map(next.resources.map((r) => [r.urn, r]));
    const decided = new Map<string, Change>();
    const matched = new Set<string>();
    const exportMode = prior.kind === "export";
    const liveById = options.live ? new Map(options.live.map((l) => [l.id.toLowerCase(), l])) : undefined;

    const decide = (r: RenderResource, visiting: Set<string>): Change => {
        const known = decided.get(r.urn);
        if (known) return known;
        visiting.add(r.urn);
        // dependsOn holds the property dependencies too (render/model.ts).
        for (const dep of r.dependsOn) {
            const d = nextByUrn.get(dep);
            if (d && !visiting.has(dep)) decide(d, visiting);
        }
        const old = priorByUrn.get(r.urn) ?? (r.options.aliases ?? []).map((a) => priorByUrn.get(a)).find((x) => x !== undefined);
        let change: Change;
        if (!old) {
            change = r.options.import ? importChange(r, r.options.import) : { urn: r.urn, type: r.type, name: r.name, op: "create", reasons: [], next: r };
        } else {
            matched.add(old.urn);
            change = r.custom ? diffResource(r, old) : { urn: r.urn, type: r.type, name: r.name, op: "same", reasons: [], prior: old, next: r };
        }
        decided.set(r.urn, change);
        return change;
    };

    /**
     * An import (pulumi/pulumi v3.248.0 step_generator.go): the engine reads the object, then diffs the program's inputs
     * against what the Read returned, with ignoreChanges taking the live values: no diff is a plain import, a diff is an
     * update right after it, and a replacement is refused ("previously-imported resources that still specify an ID may
     * not be replaced"), as is an import of an object that does not exist ("resource '<id>' does not exist").
     */
    const importChange = (r: RenderResource, importId: string): Change => {
        const base = { urn: r.urn, type: r.type, name: r.name, op: "import" as const, next: r };
        if (!liveById) return { ...base, reasons: [] };
        const live = liveById.get(importId.toLowerCase());
        if (!live) return { ...base, reasons: ["does not exist"], importFails: `${importId} does not exist: the import step fails` };
        const model = modelOf(r.type);
        const prior: StateResource = {
            urn: r.urn, type: r.type, custom: true, id: live.id, inputs: live.inputs, outputs: live.outputs, protect: false, retainOnDelete: false, propertyDependencies: {},
        };
        const news = applyIgnoreChanges(r.inputs, live.inputs, r.options.ignoreChanges);
        const against = model.diffAgainst === "state" ? live.outputs : live.inputs;
        const changes = diffInputs(r.type, news, against);
        const reasons = changes.flatMap((c) => differingPaths(news[c.key], against[c.key], c.key, 2));
        // azure-native counts an input the program does not send as a change, and its update PUTs only what is declared.
        const removes = model.provider === "azure-native" ? removedPaths(live.inputs, news) : [];
        const replaces = changes.filter((c) => c.replaces).map((c) => c.key);
        return {
            ...base, prior,
            reasons: [...reasons, ...removes.filter((p) => !reasons.includes(p)).map((p) => `${p} (removed)`)],
            ...(removes.length > 0 ? { removes } : {}),
            ...(replaces.length > 0 ? { importFails: `the declared ${replaces.join(", ")} differ${replaces.length === 1 ? "s" : ""} from the live object's, which would replace it: Pulumi refuses to replace a resource that declares import` } : {}),
        };
    };

    const diffResource = (r: RenderResource, old: StateResource): Change => {
        const model = modelOf(r.type);
        const news = applyIgnoreChanges(r.inputs, old.inputs, r.options.ignoreChanges);
        // An input fed by another resource carries that resource's stored output as long as it is not replaced:
        // the engine resolves it from state, so it is the same value as last time.
        // Ignored inputs take their old values (the engine's processIgnoreChanges) and the engine passes the list to
        // the provider's Diff too, which leaves them out (the bridge diffs config against state, where an ignored
        // value may sit in the provider's normalised form).
        const skip = new Set<string>(r.options.ignoreChanges.filter((p) => !p.includes(".")));
        const becauseOf: InputChange[] = [];
        for (const [key, from] of Object.entries(r.propertyDependencies ?? {})) {
            if (r.options.ignoreChanges.includes(key) || from.length === 0) continue;
            const renewed = from.map((u) => decided.get(u)).find((c) => c && (c.op === "replace" || c.op === "create"));
            skip.add(key);
            if (renewed) {
                const replaces = model.replaceOn === "*" || model.replaceOn.includes(key);
                becauseOf.push({ key, replaces, because: `${renewed.name} is ${renewed.op === "create" ? "new" : "replaced"}` });
            }
        }
        const against = model.diffAgainst === "state" ? old.outputs : old.inputs;
        const changes = [
            ...diffInputs(r.type, news, against, { skip, ...(exportMode ? { wildcard: (v) => typeof v === "string" && PLACEHOLDER.test(v) } : {}) }),
            ...becauseOf,
        ];
        const reasons = changes.map((c) => (c.because ? `${c.key} (${c.because})` : c.key));
        const base = { urn: r.urn, type: r.type, name: r.name, prior: old, next: r };
        if (triggerChanged(r.options.replacementTrigger, old.replacementTrigger)) {
            return { ...base, op: "replace", reasons: ["replacementTrigger", ...reasons], deleteBeforeReplace: false };
        }
        if (dueForRenewal(old, options.now)) {
            return { ...base, op: "replace", reasons: ["validityEndTime (the certificate has reached its end: the tls provider renews it)", ...reasons], deleteBeforeReplace: false };
        }
        if (changes.some((c) => c.replaces)) {
            return { ...base, op: "replace", reasons: changes.filter((c) => c.replaces).map((c) => (c.because ? `${c.key} (${c.because})` : c.key)), deleteBeforeReplace: model.deleteBeforeReplace };
        }
        return changes.length > 0 ? { ...base, op: "update", reasons } : { ...base, op: "same", reasons: [] };
    };

    const ordered = next.resources.map((r) => decide(r, new Set()));
    const deletes = prior.resources
        .filter((r) => !matched.has(r.urn))
        .sort((a, b) => (a.urn < b.urn ? -1 : 1))
        .map((r): Change => ({
            urn: r.urn, type: r.type, name: urnName(r.urn), op: "delete", prior: r,
            reasons: [r.retainOnDelete ? "no longer declared (retainOnDelete: removed from the stack, left in Azure)" : "no longer declared"],
        }));
    return [...ordered, ...deletes].filter((c) => c.prior?.custom ?? c.next?.custom ?? true);
}
