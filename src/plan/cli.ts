/**
 * The `plan` command: what `pulumi up` would do to a stack, offline, and whether any of it would cut a gateway off.
 *
 *   plan (--stack S | --config F) --state FILE [--now ISO] [--as OBJECT_ID] [--format text|json]
 *   plan --preview FILE [--stack S | --config F] [--now ISO] [--format text|json]
 *
 * `--state` is a previous render (`npm run render -- --format json`) or a real `pulumi stack export`; the next run is
 * the real program under the offline providers. `--preview` judges a real `pulumi preview --json` instead (the
 * pipeline's guard between preview and up). Exit codes: 0 no danger, 1 dangers, 2 bad input.
 */
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { Command, InvalidArgumentError, Option } from "commander";
import * as pulumi from "@pulumi/pulumi";
import { ProgramFailed, runProgram, type HarnessOptions } from "../../harness/run";
import { NAMESPACE, parseStackConfig } from "../config/parse";
import type { StackConfig } from "../config/types";
import { CliError, messageOf, nowFromEnv, parseIsoDate, runCli, type Failure } from "../lib/cli";
import { excerpt } from "../lib/excerpt";
import { readConfig, type RenderIo } from "../render/cli";
import { buildModel, shortType } from "../render/model";
import { findDangers, type Danger, type JudgedChange } from "./dangers";
import { planChanges, type Change, type LiveObject } from "./engine";
import { readPreview } from "./preview";
import { readPriorState, StateFormatError, type PriorState } from "./state";
import { urnName } from "./urns";

/** The command's I/O and where it runs: the same as render's (working directory, project directory, environment). */
export type PlanIo = RenderIo;

interface Options {
    stack?: string;
    config?: string;
    state?: string;
    preview?: string;
    now?: Date;
    as?: string;
    format: "text" | "json";
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function command(): Command {
    return new Command("plan")
        .description("What `pulumi up` would do to a stack, offline, and the changes that would cut a gateway off (exit 1).")
        .addOption(new Option("--stack <name>", "the stack: read Pulumi.<name>.yaml from the project directory"))
        .addOption(new Option("--config <file>", "read this stack config file instead").conflicts("stack"))
        .addOption(new Option("--state <file>", "the previous state: a `npm run render -- --format json` or a `pulumi stack export`"))
        .addOption(new Option("--preview <file>", "judge this `pulumi preview --json` output instead of planning").conflicts(["state", "as"]))
        .option("--now <date>", "plan as of this date (default: FOUNDRY_ENTRA_NOW, else now)", parseIsoDate)
        .option("--as <objectId>", "the object id of the identity that would run `pulumi up` (default: the first configured owner)", (v: string) => {
            if (!GUID.test(v)) throw new InvalidArgumentError(`${excerpt(v)} is not an object id (a GUID)`);
            return v.toLowerCase();
        })
        .addOption(new Option("--format <format>", "what to print").choices(["text", "json"]).default("text"));
}

const firstLine = (err: unknown) => messageOf(err).split("\n")[0] ?? "";

function readJson(io: PlanIo, file: string, flag: string): unknown {
    const path = resolve(io.cwd, file);
    let text: string;
    try {
        text = readFileSync(path, "utf8");
    } catch (err) {
        throw new CliError(`${flag}: cannot read ${path}: ${(err as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : firstLine(err)}`);
    }
    try {
        return JSON.parse(text);
    } catch (err) {
        throw new CliError(`${flag}: ${path} is not JSON (${firstLine(err)})`);
    }
}

/** The stack file `--stack NAME` (in the project directory) or `--config FILE` (from the working directory) names. */
export function stackFile(io: Pick<PlanIo, "cwd" | "projectDir">, opts: { stack?: string; config?: string }): string | undefined {
    if (opts.config !== undefined) return resolve(io.cwd, opts.config);
    if (opts.stack !== undefined) return join(io.projectDir, `Pulumi.${opts.stack}.yaml`);
    return undefined;
}

/** Reads the stack file `stackFile` found for these options, with render's reader (its problems as a CliError). */
export function readStack(file: string, io: Pick<PlanIo, "projectDir">, opts: { stack?: string; config?: string }): { stack: string; config: Record<string, string> } {
    return readConfig(file, opts.config === undefined ? opts.stack : undefined, io.projectDir);
}

/** A stack's config as the program reads it; its problems as one CliError, a line each. */
export function parsed(config: Record<string, string>, stack: string): StackConfig {
    const result = parseStackConfig(config, { project: NAMESPACE, stack });
    if (!result.ok) throw new CliError(`the stack config is invalid:\n${result.problems.map((p) => `  ${p}`).join("\n")}`);
    return result.config;
}

const graceOf = (c: StackConfig | undefined) => ({
    certificate: (c?.gateway.certificate && c.gateway.certificate.rotation?.graceDays) || 30,
    clientSecret: (c?.gateway.clientSecret && c.gateway.clientSecret.rotation?.graceDays) || 30,
});

/**
 * The next run's config: the stack file's, with the previous state's subscription and tenant when the file pins
 * none (a real export holds them in its outputs), so the offline providers answer as the real ones did.
 */
function withStateIdentity(config: Record<string, string>, prior: PriorState): Record<string, string> {
    if (prior.kind !== "export") return config;
    const out = { ...config };
    const { tenantId, subscriptionId } = prior.outputs;
    if (!out["azure-native:subscriptionId"] && typeof subscriptionId === "string") out["azure-native:subscriptionId"] = subscriptionId;
    if (!out["azuread:tenantId"] && typeof tenantId === "string") out["azuread:tenantId"] = tenantId;
    return out;
}

export interface PlanReport {
    readonly changes: readonly { urn: string; type: string; name: string; op: string; reasons: readonly string[]; importFails?: string }[];
    readonly dangers: readonly Danger[];
}

function judged(changes: readonly Change[]): JudgedChange[] {
    return changes.map((c) => ({ ...c, ...(c.next ? { nextInputs: c.next.inputs } : {}) }));
}

/** What a plan of a stack is given besides its config and previous state. */
export interface PlanStackOptions {
    readonly config: Record<string, string>;
    readonly stack: string;
    readonly prior: PriorState;
    readonly now: Date;
    /** The deployer's object id. @default the first configured owner */
    readonly as?: string;
    /** What exists, as the providers read it: imports are judged against it, and imported objects answer with it. */
    readonly live?: readonly LiveObject[];
    /** Answers to lookups (by invoke token) the offline providers give instead of their mock ones. */
    readonly invokes?: HarnessOptions["invokes"];
}

/** Plans a stack config against a previous state: the changes and the dangers. */
export async function planStack(options: PlanStackOptions): Promise<PlanReport> {
    const config = withStateIdentity(options.config, options.prior);
    const stackConfig = parsed(config, options.stack);
    const live = options.live ? new Map(options.live.map((l) => [l.id.toLowerCase(), l.outputs])) : undefined;
    const run = await runProgram({
        config, stack: options.stack, now: options.now, ...(options.as ? { as: options.as } : {}),
        ...(live ? { live } : {}), ...(options.invokes ? { invokes: options.invokes } : {}),
    });
    const changes = planChanges(options.prior, buildModel(run, options.now), { now: options.now, ...(options.live ? { live: options.live } : {}) });
    const dangers = findDangers(judged(changes), { now: options.now, graceDays: graceOf(stackConfig), priorOutputs: options.prior.outputs });
    return { changes: changes.map((c) => ({ urn: c.urn, type: c.type, name: c.name, op: c.op, reasons: c.reasons, ...(c.importFails ? { importFails: c.importFails } : {}) })), dangers };
}

const ORDER = ["create", "import", "update", "replace", "delete", "same"];

export function formatText(report: PlanReport, heading: string): string {
    const count = (op: string) => report.changes.filter((c) => c.op === op).length;
    const lines = [heading, `  ${ORDER.map((op) => `${count(op)} ${op}`).join(", ")}`];
    const shown = report.changes.filter((c) => c.op !== "same");
    if (shown.length > 0) lines.push("", "Changes:");
    for (const op of ORDER.slice(0, -1)) {
        for (const c of shown.filter((x) => x.op === op)) {
            // An import's reasons are what the update right after it changes on the live object.
            const why = c.reasons.length === 0 ? "" : op === "import" && !c.importFails ? `, then updated: ${c.reasons.join(", ")}` : `: ${c.reasons.join(", ")}`;
            lines.push(`  ${op.padEnd(7)} ${c.name} (${shortType(c.type)})${why}`);
        }
    }
    if (report.dangers.length > 0) {
        lines.push("", `DANGER (${report.dangers.length}): a gateway or a principal would lose access; do not run \`pulumi up\` unattended:`);
        for (const d of report.dangers) lines.push(`  - ${urnName(d.urn)}: ${d.why}`);
    } else {
        lines.push("", "No danger: no credential in use, grant or adopted account is lost.");
    }
    return `${lines.join("\n")}\n`;
}

export const formatJson = (report: PlanReport): string => `${JSON.stringify({
    changes: report.changes.map((c) => ({ urn: c.urn, type: c.type, name: c.name, op: c.op, reasons: c.reasons })),
    dangers: report.dangers.map((d) => ({ urn: d.urn, why: d.why })),
}, null, 2)}\n`;

async function run(opts: Options, io: PlanIo): Promise<number> {
    const now = opts.now ?? nowFromEnv(io.env ?? {}).now ?? new Date();
    const file = stackFile(io, opts);
    let report: PlanReport;
    let heading: string;
    if (opts.preview !== undefined) {
        const preview = readPreview(readJson(io, opts.preview, "--preview"));
        const stackFileConfig = file ? readStack(file, io, opts) : undefined;
        const stackConfig = stackFileConfig ? parsed(stackFileConfig.config, stackFileConfig.stack) : undefined;
        const dangers = findDangers(preview.changes, { now, graceDays: graceOf(stackConfig), priorOutputs: preview.priorOutputs });
        report = { changes: preview.changes.map((c) => ({ urn: c.urn, type: c.type, name: c.name, op: c.op, reasons: c.reasons })), dangers };
        heading = `pulumi preview (${opts.preview}), judged as of ${now.toISOString()}${stackConfig ? "" : " (no --stack: graceDays 30)"}:`;
    } else {
        if (opts.state === undefined) throw new CliError("--state FILE is required (a `npm run render -- --format json` or a `pulumi stack export`), or --preview FILE");
        if (!file) throw new CliError("--stack NAME or --config FILE is required with --state");
        const { stack, config } = readStack(file, io, opts);
        const prior = readPriorState(readJson(io, opts.state, "--state"));
        report = await planStack({ config, stack, prior, now, ...(opts.as ? { as: opts.as } : {}) });
        heading = `pulumi up on stack ${stack} as of ${now.toISOString()}, against ${prior.kind === "export" ? "a stack export" : "a render"}${prior.time ? ` of ${prior.time.toISOString()}` : ""}:`;
    }
    io.stdout.write(opts.format === "json" ? formatJson(report) : formatText(report, heading));
    return report.dangers.length > 0 ? 1 : 0;
}

function unexpected(err: unknown): Failure {
    if (err instanceof StateFormatError) return { code: 2, line: `plan: ${err.message}` };
    if (err instanceof ProgramFailed && pulumi.RunError.isInstance(err.cause)) return { code: 2, line: err.message };
    return { code: 1, line: `plan: the program failed: ${firstLine(err)}` };
}

/** Runs the command; returns the exit code. */
export function main(argv: readonly string[], io: PlanIo): Promise<number> {
    return runCli<Options>(argv, io, { name: "plan", program: command(), run: (opts) => run(opts, io), unexpected });
}
