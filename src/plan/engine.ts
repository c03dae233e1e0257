/**
 * What `pulumi up` would do, offline: the next run (the real program under the offline providers) compared with a
 * previous state, resource by resource, the way the engine and the providers decide it (see providers.ts for the
 * sources). The result lists, for every cloud resource, create / update / replace / delete / same (or import) and
 * the inputs that cause it.
 */
import type { RenderModel, RenderResource } from "../render/model";
import { diffInputs, modelOf, type InputChange } from "./providers";
import type { PriorState, StateResource } from "./state";
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
}

export interface PlanOptions {
    /** The clock of the next run. */
    readonly now: Date;
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

/** terraform-provider-tls replaces a certificate once `validity_end_time - early_renewal_hours` has passed. */
function dueForRenewal(old: StateResource, now: Date): boolean {
    if (old.type !== "tls:index/selfSignedCert:SelfSignedCert") return false;
    const end = Date.parse(String(old.outputs.validityEndTime ?? ""));
    const early = Number(old.inputs.earlyRenewalHours ?? 0) * 3_600_000;
    return Number.isFinite(end) && now.getTime() >= end - early;
}

/** Plans the next run against the previous state. */
export function planChanges(prior: PriorState, next: RenderModel, options: PlanOptions): Change[] {
    const priorByUrn = new Map(prior.resources.map((r) => [r.urn, r]));
    const nextByUrn = new Map(next.resources.map((r) => [r.urn, r]));
    const decided = new Map<string, Change>();
    const matched = new Set<string>();
    const exportMode = prior.kind === "export";

    const decide = (r: RenderResource, visiting: Set<string>): Change => {
        const known = decided.get(r.urn);
        if (known) return known;
        visiting.add(r.urn);
        const deps = new Set([...r.dependsOn, ...Object.values(r.propertyDependencies ?? {}).flat()]);
        for (const dep of deps) {
            const d = nextByUrn.get(dep);
            if (d && !visiting.has(dep)) decide(d, visiting);
        }
        const old = priorByUrn.get(r.urn) ?? (r.options.aliases ?? []).map((a) => priorByUrn.get(a)).find((x) => x !== undefined);
        let change: Change;
        if (!old) {
            change = { urn: r.urn, type: r.type, name: r.name, op: r.options.import ? "import" : "create", reasons: [], next: r };
        } else {
            matched.add(old.urn);
            change = r.custom ? diffResource(r, old) : { urn: r.urn, type: r.type, name: r.name, op: "same", reasons: [], prior: old, next: r };
        }
        decided.set(r.urn, change);
        return change;
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
