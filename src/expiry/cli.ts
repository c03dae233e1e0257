/**
 * The `expiry` command: reads stack outputs (a file or stdin) and exits non-zero when a gateway credential
 * expires within the window, naming it, its date and the fix. Exit codes: 0 nothing expires within the
 * window, 1 a current credential expires within it (or has expired), 2 the input or an option is wrong.
 * The I/O is passed in so tests can run the command in-process too.
 */
import { readFileSync } from "node:fs";
import { Command, CommanderError, InvalidArgumentError } from "commander";
import { checkExpiry, ExpiryInputError, parseOutputsText } from "./check";
import { formatJson, formatText } from "./format";

export interface ExpiryIo {
    readonly stdout: { write(s: string): unknown };
    readonly stderr: { write(s: string): unknown };
    /** Whether stdin is a terminal (then it cannot be the input). */
    readonly stdinIsTTY: boolean;
    readStdin(): Promise<string>;
    /** The date to judge against unless --now is given. @default the current time */
    readonly now?: Date;
}

interface Options {
    outputs?: string;
    within: number;
    now?: Date;
    json: boolean;
}

const days = (v: string): number => {
    const n = Number(v);
    if (!/^\d+$/.test(v.trim()) || !Number.isSafeInteger(n)) throw new InvalidArgumentError(`"${v}" is not a whole number of days`);
    return n;
};

const instant = (v: string): Date => {
    const d = new Date(v);
    if (Number.isNaN(d.getTime())) throw new InvalidArgumentError(`"${v}" is not a date; expected ISO 8601, e.g. 2026-05-01T00:00:00Z`);
    return d;
};

function command(io: ExpiryIo): Command {
    return new Command("expiry")
        .description("Fail when a gateway credential of a foundry-entra stack expires within a window. Reads `pulumi stack output --json` (secrets not needed).")
        .option("--outputs <file>", "the stack outputs JSON; - for stdin (default: stdin)")
        .option("--within <days>", "the window in days", days, 30)
        .option("--now <date>", "judge as of this date (default: FOUNDRY_ENTRA_NOW, else now)", instant)
        .option("--json", "print the report as JSON", false)
        .exitOverride()
        .configureOutput({
            writeOut: (s) => io.stdout.write(s),
            writeErr: (s) => io.stderr.write(s),
            outputError: (s, write) => write(`expiry: ${s.replace(/^error: /, "")}`),
        });
}

async function readInput(source: string | undefined, io: ExpiryIo): Promise<{ text: string; name: string }> {
    if (source === undefined || source === "-") {
        if (io.stdinIsTTY && source === undefined) {
            throw new ExpiryInputError("no stack outputs: pipe pulumi stack output --json into this command, or pass --outputs FILE");
        }
        return { text: await io.readStdin(), name: "stdin" };
    }
    try {
        return { text: readFileSync(source, "utf8"), name: source };
    } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        throw new ExpiryInputError(`--outputs ${source}: ${code === "ENOENT" ? "no such file" : (err as Error).message}`);
    }
}

/** Runs the command; returns the exit code. */
export async function main(argv: readonly string[], io: ExpiryIo): Promise<number> {
    const program = command(io);
    try {
        program.parse([...argv], { from: "user" });
    } catch (err) {
        if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
        throw err;
    }
    const opts = program.opts<Options>();
    try {
        const input = await readInput(opts.outputs, io);
        const report = checkExpiry(parseOutputsText(input.text, input.name), { now: opts.now ?? io.now ?? new Date(), withinDays: opts.within });
        io.stdout.write(opts.json ? formatJson(report) : formatText(report));
        return report.failing.length > 0 ? 1 : 0;
    } catch (err) {
        io.stderr.write(`expiry: ${err instanceof ExpiryInputError ? "" : "unexpected error: "}${err instanceof Error ? err.message : String(err)}\n`);
        return 2;
    }
}
