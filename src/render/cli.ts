/**
 * The `render` command: reads a stack config file, validates it with the program's own parser, runs the
 * program offline and prints the render. Exit codes: 0 rendered; 2 bad option, unreadable file or a config
 * the program refuses (its error lines, nothing on stdout); 1 the program failed otherwise. The I/O is passed
 * in so tests can run the command in-process too.
 */
import { readdirSync, writeFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { Command, Option } from "commander";
import * as pulumi from "@pulumi/pulumi";
import { YAMLError } from "yaml";
import { loadStackConfigFile, ProgramFailed } from "../../harness/run";
import { StackFileError } from "../../harness/stackFile";
import { CliError, messageOf, parseIsoDate, runCli, type CommandIo, type Failure } from "../lib/cli";
import { clockFromEnv } from "../program";
import { utcDay } from "../lib/rotation";
import { FORMATS, formatModel, renderModel, type Format } from "./index";

/** The command's I/O and where it runs. */
export interface RenderIo extends CommandIo {
    /** Where relative `--config` and `--out` paths start (the user's working directory). */
    readonly cwd: string;
    /** The project directory, where `Pulumi.<stack>.yaml` files live. */
    readonly projectDir: string;
    /** Read for FOUNDRY_ENTRA_NOW, the clock unless `--now` is given (as for the program). @default {} */
    readonly env?: NodeJS.ProcessEnv;
}

interface Options {
    stack?: string;
    config?: string;
    format: Format;
    out?: string;
    now?: Date;
}

function command(): Command {
    return new Command("render")
        .description("Render a stack offline (no Azure credentials, no Pulumi CLI, no network): the resources `pulumi up` would declare, and the outputs.")
        .addOption(new Option("--stack <name>", "read Pulumi.<name>.yaml from the project directory (default: dev)"))
        .addOption(new Option("--config <file>", "read this stack config file instead").conflicts("stack"))
        .addOption(new Option("--format <format>", "what to print").choices(FORMATS).default("tree"))
        .option("--out <file>", "write the render to this file instead of stdout")
        .option("--now <date>", "compute credential dates as of this date (default: FOUNDRY_ENTRA_NOW, else the start of the current UTC day)", parseIsoDate);
}

/**
 * Reads a stack file (render's, plan's and adopt's reader); its problems as a CliError: each problem of its shape, the
 * stacks there are when `--stack` (`stackOption`) names none, a YAML error as one line. `stackOption`: the `--stack`
 * the file came from, undefined for `--config`.
 */
export function readConfig(file: string, stackOption: string | undefined, projectDir: string): ReturnType<typeof loadStackConfigFile> {
    try {
        return loadStackConfigFile(file);
    } catch (err) {
        if (err instanceof YAMLError) throw new CliError(`${file} is not valid YAML: ${yamlProblem(err)}`);
        if (err instanceof StackFileError) throw new CliError(err.message);
        const missing = (err as NodeJS.ErrnoException).code === "ENOENT";
        if (missing && stackOption !== undefined) throw new CliError(`--stack ${stackOption}: no ${basename(file)} in ${projectDir}; the stacks there: ${stacksIn(projectDir).join(", ") || "none"}`);
        throw new CliError(`cannot read ${file}: ${missing ? "no such file" : firstLine(err)}`);
    }
}

/** The stacks of a project directory: its `Pulumi.<stack>.yaml` files. */
function stacksIn(dir: string): string[] {
    try {
        return readdirSync(dir).map((f) => /^Pulumi\.(.+)\.ya?ml$/.exec(f)?.[1]).filter((s): s is string => s !== undefined).sort();
    } catch {
        return [];
    }
}

/**
 * A YAML error as one line, `line 3, column 1: <problem>`: the parser's message ends on "at line 3, column 1:"
 * followed by an excerpt of the file, which may hold values that belong in no log.
 */
function yamlProblem(err: YAMLError): string {
    const what = (err.message.split("\n")[0] ?? "").replace(/ at line \d+, column \d+:?\s*$/, "");
    const where = err.linePos?.[0];
    return where ? `line ${where.line}, column ${where.col}: ${what}` : what;
}

/** FOUNDRY_ENTRA_NOW when set (checked by the program's own reader), else the start of the current UTC day. */
function clock(env: NodeJS.ProcessEnv): Date {
    if (!env.FOUNDRY_ENTRA_NOW) return utcDay(new Date());
    try {
        return clockFromEnv(env);
    } catch (err) {
        throw new CliError(firstLine(err));
    }
}

const firstLine = (err: unknown) => messageOf(err).split("\n")[0] ?? "";

async function run(opts: Options, io: RenderIo): Promise<number> {
    const file = opts.config !== undefined ? resolve(io.cwd, opts.config) : join(io.projectDir, `Pulumi.${opts.stack ?? "dev"}.yaml`);
    const { stack, config } = readConfig(file, opts.config === undefined ? opts.stack : undefined, io.projectDir);
    const now = opts.now ?? clock(io.env ?? {});
    const model = await renderModel({ config, stack, now });
    for (const warning of model.warnings ?? []) io.stderr.write(`render: warning: ${warning}\n`);
    const text = formatModel(model, opts.format);
    if (opts.out === undefined) {
        io.stdout.write(text);
        return 0;
    }
    const out = resolve(io.cwd, opts.out);
    try {
        writeFileSync(out, text, { mode: 0o644 });
    } catch (err) {
        throw new CliError(`cannot write ${out}: ${firstLine(err)}`);
    }
    io.stderr.write(`render: wrote the ${opts.format} render of stack ${stack} to ${out}\n`);
    return 0;
}

/** The program refused the config: exactly its lines, as `pulumi up` would print them (exit 2); else it failed (1). */
function programFailure(err: unknown): Failure {
    if (err instanceof ProgramFailed && pulumi.RunError.isInstance(err.cause)) return { code: 2, line: err.message };
    return { code: 1, line: `render: the program failed: ${firstLine(err)}` };
}

/** Runs the command; returns the exit code. */
export function main(argv: readonly string[], io: RenderIo): Promise<number> {
    return runCli<Options>(argv, io, { name: "render", program: command(), run: (opts) => run(opts, io), unexpected: programFailure });
}
