/**
 * The `expiry` command: reads stack outputs (a file or stdin) and exits non-zero when a gateway credential
 * expires within the window, naming it, its date and the fix. Exit codes: 0 nothing expires within the
 * window, 1 a current credential expires within it (or has expired), 2 the input or an option is wrong.
 * The I/O is passed in so tests can run the command in-process too.
 */
import { Command, InvalidArgumentError } from "commander";
import { messageOf, nowFromEnv, parseIsoDate, runCli, type StdinIo } from "../lib/cli";
import { excerpt } from "../lib/excerpt";
import { parseJson, readOutputsText, type JsonWording } from "../outputs";
import { checkExpiry, ExpiryInputError, isObject } from "./check";
import { formatJson, formatText } from "./format";

/** The command's I/O. */
export interface ExpiryIo extends StdinIo {
    /** The date to judge against unless --now or FOUNDRY_ENTRA_NOW is given. @default the current time */
    readonly now?: Date;
    /** Read for FOUNDRY_ENTRA_NOW (refused when it is not a date). @default {} */
    readonly env?: NodeJS.ProcessEnv;
}

interface Options {
    outputs?: string;
    within: number;
    now?: Date;
    json: boolean;
}

/** Expiry reads plain `pulumi stack output --json` (secrets not needed), and its messages say so. */
const WORDING: JsonWording = {
    // Only the position: JSON.parse's own message can quote the input, which may hold secrets (--show-secrets outputs).
    notJson: (source, e) => `${source}: not JSON${e.position !== undefined ? ` (at character ${e.position})` : ""}; expected the output of pulumi stack output --json`,
};
const MISSING = "no stack outputs: pipe pulumi stack output --json into this command, or pass --outputs FILE";

const days = (v: string): number => {
    const n = Number(v);
    if (!/^\d+$/.test(v.trim()) || !Number.isSafeInteger(n)) throw new InvalidArgumentError(`${excerpt(v)} is not a whole number of days`);
    return n;
};

function command(): Command {
    return new Command("expiry")
        .description("Fail when a gateway credential of a foundry-entra stack expires within a window. Reads `pulumi stack output --json` (secrets not needed).")
        .option("--outputs <file>", "the stack outputs JSON; - for stdin (default: stdin)")
        .option("--within <days>", "the window in days", days, 30)
        .option("--now <date>", "judge as of this date (default: FOUNDRY_ENTRA_NOW, else now)", parseIsoDate)
        .option("--json", "print the report as JSON", false);
}

async function run(opts: Options, io: ExpiryIo): Promise<number> {
    const now = opts.now ?? nowFromEnv(io.env ?? {}).now ?? io.now ?? new Date();
    const input = await readOutputsText(opts.outputs, io, { missing: MISSING });
    const outputs = parseJson(input.text, input.name, WORDING);
    if (!isObject(outputs)) throw new ExpiryInputError(`${input.name}: expected a JSON object, the output of pulumi stack output --json`);
    const report = checkExpiry(outputs, { now, withinDays: opts.within });
    io.stdout.write(opts.json ? formatJson(report) : formatText(report));
    return report.failing.length > 0 ? 1 : 0;
}

/** Runs the command; returns the exit code. */
export function main(argv: readonly string[], io: ExpiryIo): Promise<number> {
    return runCli<Options>(argv, io, {
        name: "expiry",
        program: command(),
        run: (opts) => run(opts, io),
        // A failure expiry did not foresee is still most likely its input: exit 2, not 1 ("expires soon").
        unexpected: (err) => ({ code: 2, line: `expiry: unexpected error: ${messageOf(err)}` }),
    });
}
