/**
 * The previous state `npm run plan` compares a run with, read from either of two files:
 *
 * - a render (`npm run render -- --format json`): every resource's inputs, id and the outputs the offline providers
 *   stored, with mock values as placeholders. It stands for the state right after that render's `pulumi up`.
 * - a real `pulumi stack export` (apitype.UntypedDeployment, version 3: `{ version, deployment: { manifest,
 *   secrets_providers, resources: [ResourceV3] } }`, pulumi/pulumi v3.248.0 sdk/go/common/apitype/core.go). Secrets
 *   are `{ "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", "ciphertext": … }` (or
 *   `plaintext` with --show-secrets): read as "[secret]", never decrypted or printed.
 */
import { parseDate } from "../lib/dates";

/** One resource of the previous state. */
export interface StateResource {
    readonly urn: string;
    readonly type: string;
    readonly custom: boolean;
    readonly id: string;
    readonly parent?: string;
    readonly inputs: Record<string, unknown>;
    readonly outputs: Record<string, unknown>;
    readonly protect: boolean;
    readonly retainOnDelete: boolean;
    readonly importId?: string;
    readonly replacementTrigger?: unknown;
    /** When the resource was created (ResourceV3.created); unknown in a render. */
    readonly created?: Date;
    readonly propertyDependencies: Readonly<Record<string, readonly string[]>>;
}

export interface PriorState {
    /** "render": values are the offline render's placeholders; "export": real values from Pulumi's state. */
    readonly kind: "render" | "export";
    readonly project?: string;
    readonly stack?: string;
    /** The render's clock (a render file) or the checkpoint's time (an export). */
    readonly time?: Date;
    readonly resources: readonly StateResource[];
    /** The stack outputs, if the file has them (a render's `outputs`, the Stack resource's outputs in an export). */
    readonly outputs: Record<string, unknown>;
}

/** A file that is not a state this tool reads: one line saying why. */
export class StateFormatError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "StateFormatError";
    }
}

const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Pulumi's serialized secrets (and a render's) as the one marker the plan compares: "[secret]". */
export function unwrapStateSecrets(v: unknown, depth = 0): unknown {
    if (depth > 64) throw new StateFormatError("values nested more than 64 levels deep; not a Pulumi state");
    if (Array.isArray(v)) return v.map((x) => unwrapStateSecrets(x, depth + 1));
    if (isObject(v)) {
        if (v[SECRET_SIG_KEY] === SECRET_SIG) return "[secret]";
        return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, unwrapStateSecrets(x, depth + 1)]));
    }
    return v;
}

/**
 * A date a state, a preview or stack outputs hold (created, endDate, notAfter, validityEndTime): ISO 8601, read by
 * src/lib/dates.ts; anything else is unknown (`new Date` reads "1" or "June 5" as 2001).
 */
export function stateDate(v: unknown): Date | undefined {
    const parsed = typeof v === "string" ? parseDate(v) : undefined;
    return parsed?.ok ? parsed.date : undefined;
}

const record = (v: unknown): Record<string, unknown> => (isObject(v) ? v : {});
const deps = (v: unknown): Record<string, string[]> =>
    isObject(v) ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, Array.isArray(x) ? x.filter((u): u is string => typeof u === "string") : []])) : {};

/** Reads a render (`--format json`). */
function fromRender(doc: Record<string, unknown>): PriorState {
    const time = stateDate(doc.now);
    const resources = (doc.resources as unknown[]).map((raw, i): StateResource => {
        if (!isObject(raw) || typeof raw.urn !== "string" || typeof raw.type !== "string") throw new StateFormatError(`resources[${i}] has no urn or type`);
        const options = record(raw.options);
        // The fields of a stack export's resource, with the options kept apart, `custom` only when false, and no
        // `created`: a render does not know when each resource was created (only when it was rendered).
        return fromResourceV3({
            ...raw, custom: raw.custom !== false, protect: options.protect, retainOnDelete: options.retainOnDelete,
            importID: options.import, replacementTrigger: options.replacementTrigger, created: undefined,
        });
    });
    return {
        kind: "render",
        ...(typeof doc.project === "string" ? { project: doc.project } : {}),
        ...(typeof doc.stack === "string" ? { stack: doc.stack } : {}),
        ...(time ? { time } : {}),
        resources,
        outputs: record(unwrapStateSecrets(doc.outputs)),
    };
}

/** One apitype.ResourceV3 (a stack export's resource, or a preview step's old state) as the plan reads it. */
export function fromResourceV3(raw: Record<string, unknown>): StateResource {
    const created = stateDate(raw.created);
    return {
        urn: String(raw.urn),
        type: String(raw.type),
        custom: raw.custom === true,
        id: typeof raw.id === "string" ? raw.id : "",
        ...(typeof raw.parent === "string" ? { parent: raw.parent } : {}),
        inputs: record(unwrapStateSecrets(raw.inputs)),
        outputs: record(unwrapStateSecrets(raw.outputs)),
        protect: raw.protect === true,
        retainOnDelete: raw.retainOnDelete === true,
        ...(typeof raw.importID === "string" && raw.importID ? { importId: raw.importID } : {}),
        ...(raw.replacementTrigger !== undefined ? { replacementTrigger: raw.replacementTrigger } : {}),
        ...(created ? { created } : {}),
        propertyDependencies: deps(raw.propertyDependencies),
    };
}

/** Reads `pulumi stack export` (version 3 deployments). */
function fromExport(doc: Record<string, unknown>): PriorState {
    if (doc.version !== 3) throw new StateFormatError(`a stack export of version ${String(doc.version)}; this tool reads version 3 (Pulumi CLI 3.x)`);
    const deployment = record(doc.deployment);
    const raws = Array.isArray(deployment.resources) ? deployment.resources : [];
    const time = stateDate(record(deployment.manifest).time);
    let outputs: Record<string, unknown> = {};
    let project: string | undefined;
    let stack: string | undefined;
    const resources: StateResource[] = [];
    raws.forEach((raw, i) => {
        if (!isObject(raw) || typeof raw.urn !== "string" || typeof raw.type !== "string") throw new StateFormatError(`deployment.resources[${i}] has no urn or type`);
        if (raw.type === "pulumi:pulumi:Stack") {
            outputs = record(unwrapStateSecrets(raw.outputs));
            const parts = raw.urn.split("::");
            stack = parts[0]?.replace(/^urn:pulumi:/, "");
            project = parts[1];
            return;
        }
        // Providers and resources pending deletion are not what the program declares.
        if (raw.type.startsWith("pulumi:providers:") || raw.delete === true) return;
        resources.push(fromResourceV3(raw));
    });
    return { kind: "export", ...(project ? { project } : {}), ...(stack ? { stack } : {}), ...(time ? { time } : {}), resources, outputs };
}

/** Reads a previous state from a parsed JSON document: a render or a `pulumi stack export`. */
export function readPriorState(doc: unknown): PriorState {
    if (!isObject(doc)) throw new StateFormatError("not a JSON object; expected `npm run render -- --format json` output or `pulumi stack export`");
    if ("deployment" in doc) return fromExport(doc);
    if (Array.isArray(doc.resources)) return fromRender(doc);
    if (Array.isArray(doc.steps)) throw new StateFormatError("this is `pulumi preview --json` output; pass it with --preview, not --state");
    throw new StateFormatError("neither a render (`npm run render -- --format json`) nor a `pulumi stack export`: it has no resources or deployment");
}
