/**
 * The `render` command: reads a stack config file, validates it with the program's own parser, runs the
 * program offline and prints the render. Exit codes: 0 rendered; 2 bad option, unreadable file or a config
 * the program refuses (its error lines, nothing on stdout); 1 the program failed otherwise. The I/O is passed
 * in so tests can run the command in-process too.
 */
import { writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
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

function readConfig(file: string): ReturnType<typeof loadStackConfigFile> {
    try {
        return loadStackConfigFile(file);
    } catch (err) {
        if (err instanceof YAMLError) throw new CliError(`${file} is not valid YAML: ${firstLine(err)}`);
        if (err instanceof StackFileError) throw new CliError(err.message);
        const reason = (err as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : firstLine(err);
        throw new CliError(`cannot read ${file}: ${reason}`);
    }
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
    const { stack, config } = readConfig(file);
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
