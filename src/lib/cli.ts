/**
 * What every command-line tool of this repository shares: its I/O is passed in (so tests run it in-process),
 * commander prints `<tool>: <problem>` and exits 2 on bad usage, every failure is one line on stderr, ISO-date
 * options, input from a file or stdin, and running as the process with an early-closing reader tolerated.
 * Usage mistakes get a way out: a misspelt option is named as unknown with the nearest known one, and options
 * npm took for itself (`npm run render --stack prod`, the `--` forgotten) are named with the command to run.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { basename, dirname } from "node:path";
import { text } from "node:stream/consumers";
import { CommanderError, InvalidArgumentError, type Command, type Option, type OptionValues } from "commander";
import { nowFromEnvironment, requireDate } from "./dates";
import { excerpt } from "./excerpt";

/** A stream a command writes to: process.stdout or process.stderr, or a stand-in in tests. */
export interface OutputStream {
    readonly isTTY?: boolean;
    write(text: string): unknown;
}

/** The output every command is given instead of touching `process`. */
export interface CommandIo {
    readonly stdout: OutputStream;
    readonly stderr: OutputStream;
    /** The process environment: under `npm run`, tells which options npm took for itself. @default {} */
    readonly env?: NodeJS.ProcessEnv;
}

/** The I/O of a command that may read its input from stdin. */
export interface StdinIo extends CommandIo {
    /** Whether stdin is a terminal (then it is only read when asked for with `-`). */
    readonly stdinIsTTY: boolean;
    readStdin(): Promise<string>;
}

/** A problem the user can fix: printed as one line, `<tool>: <message>`, and the exit code (2). */
export class CliError extends Error {
    /** The process exit code for every user-fixable problem. */
    readonly exitCode: number = 2;

    constructor(message: string) {
        super(message);
        this.name = new.target.name;
    }
}

/** An error's message, whatever was thrown. */
export function messageOf(err: unknown): string {
    return err instanceof Error ? err.message : String(err);
}

/** What a command prints (one whole line) and exits with for an error that is not a CliError. */
export interface Failure {
    readonly code: number;
    readonly line: string;
}

/** A command for `runCli`: its name, its commander program, and what it does. */
export interface CliCommand<O extends OptionValues> {
    /** The tool's name: the prefix of every line it prints on failure. */
    readonly name: string;
    /** Options and arguments; `runCli` routes its output to the I/O and turns its errors into exit code 2. */
    readonly program: Command;
    /** Runs the parsed command line; returns the exit code. A CliError is printed as `<name>: <message>`. */
    run(options: O, args: readonly string[]): Promise<number>;
    /** @default `<name>: unexpected error: <message>`, exit code 1 */
    unexpected?(err: unknown): Failure;
}

/**
 * Parses `argv` (the user's arguments, without node and the script) and runs the command. Returns the exit
 * code: 0 after `--help`, 2 for bad usage (commander's message as `<name>: …`) or a CliError, else what `run`
 * returns or `unexpected` says.
 */
export async function runCli<O extends OptionValues>(argv: readonly string[], io: CommandIo, command: CliCommand<O>): Promise<number> {
    const { name, program } = command;
    const swallowed = npmSwallowed(program, argv, io.env ?? {});
    if (swallowed) {
        io.stderr.write(`${name}: ${swallowed}\n`);
        return 2;
    }
    program.exitOverride().configureOutput({
        writeOut: (s) => io.stdout.write(s),
        writeErr: (s) => io.stderr.write(s),
        // One line: commander puts its suggestion ("Did you mean --format?") on a line of its own, and quotes the
        // argument or option it refused: at most a short excerpt of it (src/lib/excerpt.ts).
        outputError: (s, write) => write(`${name}: ${s.replace(/^error: /, "")
            .replace(/argument '([^]*?)' is invalid/, (m, v: string) => (asTyped(v) ? m : `argument ${excerpt(v)} is invalid`))
            .replace(/unknown option '([^]*?)'(?=\n|$)/, (m, v: string) => (asTyped(v) ? m : `unknown option ${excerpt(v)}`))
            .replace(/\n\(Did you mean (.*)\)/, " (did you mean $1)").trimEnd()}${npmHint(argv, io.env ?? {})}\n`),
    });
    // An unknown option is named as such, with the nearest known one: commander would first report a required
    // option as missing (`--fromat truefoundry` said "required option '--format <format>' not specified").
    const unknown = firstUnknownOption(program, argv);
    if (unknown !== undefined) for (const option of program.options) option.mandatory = false;
    try {
        program.parse(unknown === undefined ? [...argv] : [unknown], { from: "user" });
    } catch (err) {
        if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
        throw err;
    }
    try {
        return await command.run(program.opts<O>(), program.args);
    } catch (err) {
        if (err instanceof CliError) {
            io.stderr.write(`${name}: ${err.message}\n`);
            return err.exitCode;
        }
        const failure = command.unexpected?.(err) ?? { code: 1, line: `${name}: unexpected error: ${messageOf(err)}` };
        io.stderr.write(`${failure.line}\n`);
        return failure.code;
    }
}

/**
 * Whether commander may quote a value of the command line as it is: when its excerpt is the value itself in quotes
 * (short, no secret shape, nothing to escape). A newline or a terminal escape in a short value is escaped too.
 */
const asTyped = (v: string): boolean => excerpt(v) === `"${v}"`;

/** The first argument before `--` that looks like an option the command does not have. */
function firstUnknownOption(program: Command, argv: readonly string[]): string | undefined {
    const byFlag = new Map<string, Option>();
    for (const o of program.options) for (const flag of [o.long, o.short]) if (flag) byFlag.set(flag, o);
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i]!;
        if (arg === "--") return undefined;
        if (!arg.startsWith("-") || arg === "-" || isNegativeNumber(program, arg)) continue;
        const flag = arg.startsWith("--") ? arg.split("=")[0]! : arg.slice(0, 2);
        if (flag === "--help" || flag === "-h") return undefined;
        const option = byFlag.get(flag);
        if (!option) return flag;
        // The value of `--opt value` is not an option, whatever it looks like.
        if (option.required && !arg.includes("=") && arg.length === flag.length) i++;
    }
    return undefined;
}

/**
 * Whether commander takes `arg` as an argument although it starts with `-`: a negative number, when no option of
 * the command is a digit (`negativeNumberArg` in commander 14's lib/command.js). Counted as an unknown option, it
 * once made the command run on that argument alone, every other option dropped (`token-doctor --json -1`).
 */
function isNegativeNumber(program: Command, arg: string): boolean {
    return /^-(\d+|\d*\.\d+)(e[+-]?\d+)?$/.test(arg) && !program.options.some((o) => o.short !== undefined && /^-\d$/.test(o.short));
}

/** The npm script running this command (`npm run <script>`), if any. */
const npmScript = (env: NodeJS.ProcessEnv) => (env.npm_lifecycle_event && (env.npm_command === "run" || env.npm_command === "run-script") ? env.npm_lifecycle_event : undefined);
const npmConfigKey = (o: Option) => `npm_config_${(o.long ?? "").replace(/^--/, "").replace(/-/g, "_")}`;

/**
 * Under `npm run <script>`, options given without `--` in front are npm's: `npm run render --stack prod` sets
 * npm_config_stack=true and passes `prod` alone. When the command's own options show up that way (and none
 * reached it), says so and how to run it; undefined otherwise.
 */
export function npmSwallowed(program: Command, argv: readonly string[], env: NodeJS.ProcessEnv): string | undefined {
    const script = npmScript(env);
    if (!script || argv.some((a) => a.startsWith("--"))) return undefined;
    const taken = program.options.filter((o) => o.long && env[npmConfigKey(o)] !== undefined);
    if (taken.length === 0) return undefined;
    // npm keeps `--opt=value` as the value and `--opt value` as "true" plus a stray argument: pair those in order.
    const rest = [...argv];
    const args = taken.flatMap((o) => {
        const value = env[npmConfigKey(o)]!;
        if (o.isBoolean()) return [o.long!];
        if (value !== "true") return [o.long!, value];
        return [o.long!, rest.shift() ?? "<value>"];
    });
    const words = [...args, ...rest].map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, "'\\''")}'`));
    return `npm took ${taken.map((o) => o.long).join(", ")} for itself: did you forget \`--\`? npm run ${script} -- ${words.join(" ")}`;
}

/** Under `npm run` with no option in the arguments: a reminder that npm keeps the options given before `--`. */
function npmHint(argv: readonly string[], env: NodeJS.ProcessEnv): string {
    const script = npmScript(env);
    if (!script || argv.some((a) => a.startsWith("-") && a !== "-")) return "";
    return ` (under npm, options go after \`--\`: npm run ${script} -- --option value)`;
}

/** Commander argument parser for a date option such as `--now`: strict ISO 8601 (src/lib/dates.ts), or refused with an example. */
export function parseIsoDate(value: string): Date {
    return requireDate(value, (message) => new InvalidArgumentError(message));
}

/** Commander argument parser for an https:// URL option (`--authority-host` and the like): trailing slashes dropped. */
export function parseHttpsUrl(value: string): string {
    try {
        if (new URL(value).protocol === "https:") return value.replace(/\/+$/, "");
    } catch { /* reported below */ }
    throw new InvalidArgumentError("expected an https:// URL");
}

/** FOUNDRY_ENTRA_NOW, as for the program, as `{ now }`; `{}` when unset; a CliError when it is not a date. */
export function nowFromEnv(env: NodeJS.ProcessEnv): { now?: Date } {
    const now = nowFromEnvironment(env, (message) => new CliError(message));
    return now ? { now } : {};
}

/** Text a command read, and what to call its source in messages (`stdin` or the file). */
export interface Input {
    readonly text: string;
    readonly name: string;
    /** The file read, when it was one. */
    readonly file?: string;
}

/** How `readInput` names the option and what it says when there is no input. */
export interface InputOptions {
    /** The option that names the file, e.g. `--outputs`. */
    readonly flag: string;
    /** The message when no file is given and stdin is a terminal. */
    readonly missing: string;
}

/** Reads stdin for `-`, or when no file is given and stdin is piped; otherwise the file. */
export async function readInput(source: string | undefined, io: StdinIo, options: InputOptions): Promise<Input> {
    if (source === undefined && io.stdinIsTTY) throw new CliError(options.missing);
    if (source === undefined || source === "-") return { text: await io.readStdin(), name: "stdin" };
    try {
        return { text: readFileSync(source, "utf8"), name: source, file: source };
    } catch (err) {
        throw new CliError(`${options.flag} ${source}: ${(err as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : messageOf(err)}`);
    }
}

/**
 * Whether git tracks this file (false outside a work tree, or without git). Git keeps no file mode but the
 * executable bit, so a tracked file is as readable as the checkout made it: a note asking for `chmod 600` could
 * not stick (the repository's example outputs, which hold only mock values, are such a file).
 */
export function trackedByGit(file: string): boolean {
    const r = spawnSync("git", ["ls-files", "--error-unmatch", "--", basename(file)], { cwd: dirname(file), stdio: "ignore" });
    return r.status === 0;
}

/** The process's own streams, as a command's I/O. */
export function processIo(): StdinIo {
    return {
        stdout: process.stdout,
        stderr: process.stderr,
        env: process.env,
        stdinIsTTY: Boolean(process.stdin.isTTY),
        readStdin: () => text(process.stdin),
    };
}

/** Ends the process quietly when the reader of `stream` goes away (`… | head`): EPIPE is not an error. */
export function exitQuietlyOnEpipe(stream: NodeJS.WriteStream): void {
    stream.on("error", (err: NodeJS.ErrnoException) => {
        if (err.code !== "EPIPE") throw err;
        process.exit(process.exitCode ?? 0);
    });
}

/**
 * Runs a command as the process (the body of every `tools/*.ts`): sets the exit code, tolerates a reader of
 * stdout that stops early, and turns an error escaping `main` into one line and `unexpectedCode`.
 */
export function runAsProcess(name: string, main: () => Promise<number>, unexpectedCode = 1): void {
    exitQuietlyOnEpipe(process.stdout);
    // Promise.resolve().then: a CliError thrown while building the I/O (FOUNDRY_ENTRA_NOW) is one line too.
    Promise.resolve().then(main).then((code) => {
        process.exitCode = code;
    }, (err: unknown) => {
        const usage = err instanceof CliError;
        process.stderr.write(`${name}: ${usage ? "" : "unexpected error: "}${messageOf(err)}\n`);
        process.exitCode = err instanceof CliError ? err.exitCode : unexpectedCode;
    });
}
