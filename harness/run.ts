/**
 * Runs the real program (`runStack`, the function `index.ts` exports) under the SDK's mock runtime with a
 * given stack config, and returns every registered resource and the resolved stack outputs. Used by the
 * tests, `npm run render` and `npm run bench`. No Pulumi CLI, no cloud credentials, no network.
 */
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { parse as parseYaml } from "yaml";
import { NAMESPACE } from "../src/config/parse";
import { messageOf } from "../src/lib/cli";
import { runStack } from "../src/program";
import { ProviderMocks, type MockAnswers } from "./mocks";
import { StackFileError, stackFileProblems } from "./stackFile";
import { outputValue, Recorder, waitForRegistrations, type RecordedResource } from "./recorder";

export const PROJECT = NAMESPACE;
/** The clock tests and renders use unless told otherwise, so every run declares the same credentials. */
export const DEFAULT_NOW = new Date("2026-01-01T00:00:00Z");

export interface HarnessOptions {
    /** Stack config as `pulumi.runtime.allConfig()` holds it: `"<namespace>:<key>"` → string (objects as JSON). */
    readonly config: Readonly<Record<string, string>>;
    /** @default "dev" */
    readonly stack?: string;
    /** @default DEFAULT_NOW */
    readonly now?: Date;
    /** Replaces mock answers to invokes, by token. @default none */
    readonly invokes?: MockAnswers["invokes"];
    /** What exists: the outputs a provider's Read returns, by import id (lower-cased). @default none */
    readonly live?: MockAnswers["live"];
    /** The program to run, given the clock; returns the stack outputs. @default `runStack` (the foundry-entra program) */
    readonly program?: (options: { now: Date }) => Promise<Record<string, unknown>>;
    /** The project name config keys are read under (`<project>:<key>`). @default PROJECT (`foundry-entra`) */
    readonly project?: string;
    /**
     * Object id of the identity running the program (the providers' client config). @default the first of
     * `gateway.owners` (a render stands for the pipeline's run), else a derived mock id
     */
    readonly as?: string;
}

export interface HarnessResource extends RecordedResource {
    /** Inputs with secret wrappers removed. */
    readonly inputs: Record<string, unknown>;
    /** Dotted paths (e.g. `privateKeyPem`, `properties.value`) of inputs that are Pulumi secrets. */
    readonly secretInputPaths: readonly string[];
    /** The state the mock provider answered with (what the real one would store), secret wrappers removed. */
    readonly outputs: Record<string, unknown>;
    /** Dotted paths of outputs that are Pulumi secrets. */
    readonly secretOutputPaths: readonly string[];
}

export interface RunResult {
    readonly project: string;
    readonly stack: string;
    readonly resources: readonly HarnessResource[];
    /** The stack outputs, resolved to plain values. */
    readonly outputs: Record<string, unknown>;
    /** Dotted paths of outputs that are Pulumi secrets (e.g. `gateway.clientSecret.value`). */
    readonly secretOutputPaths: readonly string[];
    /** What the program logged as warnings (`pulumi.log.warn`), as `pulumi up` would show them; not printed. */
    readonly warnings: readonly string[];
    /** The outputs as the program returned them (Outputs), for `pulumi.isSecret` checks. */
    readonly rawOutputs: Record<string, unknown>;
    readonly mocks: ProviderMocks;
}

/** The program refused to run (e.g. invalid config); carries what was registered before it stopped. */
export class ProgramFailed extends Error {
    constructor(override readonly cause: unknown, readonly resources: readonly RecordedResource[]) {
        super(messageOf(cause));
        this.name = "ProgramFailed";
    }
}

/** The end of the last run: runs are queued, because the SDK's runtime state is global to the process. */
let previousRun: Promise<unknown> = Promise.resolve();

/**
 * Runs the program once under mocks. Calls made while another run is in flight wait for it: the SDK keeps
 * one global runtime per process, so two programs at once would register into each other's results.
 */
export function runProgram(options: HarnessOptions): Promise<RunResult> {
    const run = previousRun.then(() => runOnce(options));
    previousRun = run.catch(() => undefined);
    return run;
}

async function runOnce(options: HarnessOptions): Promise<RunResult> {
    const stack = options.stack ?? "dev";
    const project = options.project ?? PROJECT;
    const program = options.program ?? runStack;
    const mocks = new ProviderMocks({
        now: options.now ?? DEFAULT_NOW,
        identity: identityOf(options.config, project, options.as),
        ...(options.invokes ? { invokes: options.invokes } : {}),
        ...(options.live ? { live: options.live } : {}),
    });
    await pulumi.runtime.setMocks(mocks, project, stack, false);
    // setAllConfig replaces all config (and would leak into the next run otherwise).
    pulumi.runtime.setAllConfig({ ...options.config });
    const recorder = new Recorder();
    recorder.attach();

    // Without an engine (the mock runtime) the SDK prints pulumi.log warnings with console.warn: collect them instead.
    const warnings: string[] = [];
    const consoleWarn = console.warn;
    console.warn = (...args: unknown[]) => {
        const line = args.map(String).join(" ");
        if (line.startsWith("warning: [runtime] ")) warnings.push(line.slice("warning: [runtime] ".length));
        else consoleWarn(...args);
    };
    let rawOutputs: Record<string, unknown>;
    const secretOutputPaths: string[] = [];
    let outputs: Record<string, unknown>;
    // The SDK stamps every promise it makes with `new Error().stack` (debuggablePromise in
    // @pulumi/pulumi/runtime/debuggable.js, printed only for PULUMI_DEBUG_PROMISE_LEAKS): formatting those stacks was
    // over half of a run's time (npm run bench). No stack frames while the program runs; our own errors carry their
    // meaning in the message. FOUNDRY_ENTRA_STACKS=1 keeps them, for debugging the program.
    const stackTraceLimit = Error.stackTraceLimit;
    if (!process.env.PULUMI_DEBUG_PROMISE_LEAKS && process.env.FOUNDRY_ENTRA_STACKS !== "1") Error.stackTraceLimit = 0;
    try {
        try {
            rawOutputs = await program({ now: options.now ?? DEFAULT_NOW });
        } catch (err) {
            await waitForRegistrations();
            throw new ProgramFailed(err, [...recorder.resources]);
        }
        outputs = (await resolveDeep(rawOutputs, "", secretOutputPaths)) as Record<string, unknown>;
        await waitForRegistrations();
    } finally {
        console.warn = consoleWarn;
        Error.stackTraceLimit = stackTraceLimit;
    }

    const resources = recorder.resources.map((r) => {
        const secretInputPaths: string[] = [];
        const inputs = stripSecrets(r.rawInputs, "", secretInputPaths) as Record<string, unknown>;
        const secretOutputPaths: string[] = [];
        const outputs = stripSecrets(r.rawOutputs, "", secretOutputPaths) as Record<string, unknown>;
        return { ...r, inputs, secretInputPaths, outputs, secretOutputPaths };
    });
    return { project, stack, resources, outputs, secretOutputPaths, rawOutputs, mocks, warnings };
}

/**
 * Who the offline providers say is signed in: the tenant and subscription the stack file pins (so a render answers
 * with the stack's own ids, and the program's check against the pins passes), and the deployer (`as`, else the first
 * configured owner).
 */
function identityOf(config: Readonly<Record<string, string>>, project: string, as: string | undefined): NonNullable<MockAnswers["identity"]> {
    const tenantId = config["azuread:tenantId"];
    const subscriptionId = config["azure-native:subscriptionId"];
    let owner: string | undefined;
    try {
        const gateway = JSON.parse(config[`${project}:gateway`] ?? "{}") as { owners?: unknown };
        if (Array.isArray(gateway.owners) && typeof gateway.owners[0] === "string") owner = gateway.owners[0].toLowerCase();
    } catch {
        // Not JSON: the program's own config check reports it.
    }
    const deployerObjectId = as ?? owner;
    return {
        ...(tenantId ? { tenantId: tenantId.toLowerCase() } : {}),
        ...(subscriptionId ? { subscriptionId: subscriptionId.toLowerCase() } : {}),
        ...(deployerObjectId ? { deployerObjectId } : {}),
    };
}

const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const SIG_KEY = "4dabf18193072939515e22adb298388d";
/** The dotted path of a child value, as secret paths are written (`gateway.clientSecret.value`, `slots.0`). */
export const childPath = (base: string, key: string | number): string => (base === "" ? String(key) : `${base}.${key}`);

function stripSecrets(v: unknown, path: string, secrets: string[]): unknown {
    if (Array.isArray(v)) return v.map((x, i) => stripSecrets(x, childPath(path, i), secrets));
    if (v && typeof v === "object") {
        const o = v as Record<string, unknown>;
        if (o[SIG_KEY] === SECRET_SIG) {
            secrets.push(path);
            return stripSecrets(o.value, path, []);
        }
        return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, stripSecrets(x, childPath(path, k), secrets)]));
    }
    return v;
}

async function resolveDeep(v: unknown, path: string, secrets: string[]): Promise<unknown> {
    if (pulumi.Output.isInstance(v)) {
        const output = v as pulumi.Output<unknown>;
        const [value, secret] = await Promise.all([outputValue(output), pulumi.isSecret(output)]);
        if (secret) secrets.push(path);
        return resolveDeep(value, path, secret ? [] : secrets);
    }
    if (Array.isArray(v)) return Promise.all(v.map((x, i) => resolveDeep(x, childPath(path, i), secrets)));
    if (v && typeof v === "object" && Object.getPrototypeOf(v) === Object.prototype) {
        const entries = await Promise.all(Object.entries(v).map(async ([k, x]) => [k, await resolveDeep(x, childPath(path, k), secrets)] as const));
        return Object.fromEntries(entries.filter(([, x]) => x !== undefined));
    }
    return v;
}

/**
 * Reads a stack config file (`Pulumi.<stack>.yaml`) into the form the runtime holds: object values as JSON,
 * scalars as strings. Encrypted (`secure:`) values cannot be read offline and become "[secret]".
 */
export function loadStackConfigFile(path: string): { stack: string; config: Record<string, string> } {
    let parsed: unknown;
    try {
        parsed = parseYaml(readFileSync(path, "utf8"));
    } catch (err) {
        // The yaml library recurses into nested collections and reports running out of stack as a YAML error.
        if (err instanceof Error && /Maximum call stack/.test(err.message)) throw new StackFileError(path, ["values are nested deeper than a stack config can be"]);
        throw err;
    }
    // The file's shape first (harness/stackFile.ts): a typo there would otherwise render the default stack.
    const problems = stackFileProblems(parsed);
    if (problems.length > 0) throw new StackFileError(path, problems);
    const doc = parsed as { config?: Record<string, unknown> } | null;
    const config: Record<string, string> = {};
    for (const [key, value] of Object.entries(doc?.config ?? {})) {
        if (value && typeof value === "object" && "secure" in value) config[key] = "[secret]";
        else config[key] = typeof value === "string" ? value : JSON.stringify(value);
    }
    const match = /^Pulumi\.(.+)\.ya?ml$/.exec(basename(path));
    return { stack: match?.[1] ?? basename(path).replace(/\.ya?ml$/, ""), config };
}
