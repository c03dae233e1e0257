/**
 * Reads `pulumi preview --json`: Pulumi's PreviewDigest (pulumi/pulumi v3.248.0 pkg/display/json.go,
 * written by pkg/backend/display/json.go ShowPreviewDigest): `{ config, steps: [{ op, urn, provider, oldState,
 * newState, diffReasons, replaceReasons, detailedDiff }], diagnostics, duration, changeSummary }`, where the states
 * are apitype.ResourceV3 with secrets shown as "[secret]" and unknown values as Pulumi's computed placeholder. Step ops
 * are pkg/resource/deploy/step.go's (same, create, update, delete, replace, create-replacement, delete-replaced,
 * read, refresh, import, …); `same` steps appear only with --show-sames and the replacement halves only with
 * --show-replacement-steps, so each URN's strongest op is taken.
 */
import type { JudgedChange } from "./dangers";
import type { Op } from "./engine";
import { fromResourceV3, StateFormatError } from "./state";
import { qualifiedType, urnName } from "./urns";

export interface PreviewPlan {
    readonly changes: readonly (JudgedChange & { readonly reasons: readonly string[] })[];
    /** The stack's outputs before the preview (the root stack step's old state). */
    readonly priorOutputs: Record<string, unknown>;
}

const OPS: Readonly<Record<string, Op>> = {
    "same": "same",
    "create": "create",
    "update": "update",
    "replace": "replace",
    "create-replacement": "replace",
    "delete-replaced": "replace",
    "delete": "delete",
    "import": "import",
    "import-replacement": "replace",
};
const STRENGTH: Readonly<Record<Op, number>> = { same: 0, import: 1, create: 2, update: 3, delete: 4, replace: 5 };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Reads a parsed `pulumi preview --json` document into the changes the danger rules judge. */
export function readPreview(doc: unknown): PreviewPlan {
    if (!isObject(doc) || !Array.isArray(doc.steps)) {
        throw new StateFormatError("not `pulumi preview --json` output: it has no steps (a preview with no changes still lists the stack; run it with --json)");
    }
    const byUrn = new Map<string, JudgedChange & { reasons: string[] }>();
    let priorOutputs: Record<string, unknown> = {};
    doc.steps.forEach((raw, i) => {
        if (!isObject(raw) || typeof raw.urn !== "string" || typeof raw.op !== "string") throw new StateFormatError(`steps[${i}] has no urn or op`);
        const old = isObject(raw.oldState) ? fromResourceV3(raw.oldState) : undefined;
        const type = qualifiedType(raw.urn).split("$").pop() ?? "";
        if (type === "pulumi:pulumi:Stack") {
            if (old) priorOutputs = old.outputs;
            return;
        }
        const op = OPS[raw.op];
        if (!op || type.startsWith("pulumi:providers:")) return;
        const reasons = [...(Array.isArray(raw.replaceReasons) ? raw.replaceReasons : []), ...(Array.isArray(raw.diffReasons) ? raw.diffReasons : [])]
            .filter((r): r is string => typeof r === "string");
        const next = isObject(raw.newState) && isObject(raw.newState.inputs) ? raw.newState.inputs : undefined;
        const known = byUrn.get(raw.urn);
        const change = {
            urn: raw.urn, type, name: urnName(raw.urn), op,
            reasons: [...new Set([...(known?.reasons ?? []), ...reasons])],
            ...(old ?? known?.prior ? { prior: (old ?? known?.prior)! } : {}),
            ...(next ?? known?.nextInputs ? { nextInputs: (next ?? known?.nextInputs)! } : {}),
            ...(raw.op === "delete-replaced" || known?.deleteBeforeReplace ? { deleteBeforeReplace: known?.deleteBeforeReplace ?? false } : {}),
        };
        if (!known || STRENGTH[op] >= STRENGTH[known.op]) byUrn.set(raw.urn, change);
    });
    return { changes: [...byUrn.values()], priorOutputs };
}
