/**
 * Where stack outputs come from: a file, stdin (`-`, or piped when no file is given), or
 * `pulumi stack output --json --show-secrets [--stack <stack>]` run in the current directory.
 */
import { execFile } from "node:child_process";
import { readInput, type Input, type StdinIo } from "../lib/cli";
import { OutputsError } from "./errors";
import { SHOW_SECRETS_COMMAND } from "./messages";

/** Where to look when no `--outputs` is given, and what to say when there is nothing. */
export interface ReadOutputsOptions {
    /** "stdin": piped stdin (the default); "pulumi": run `pulumi stack output`. */
    readonly whenAbsent?: "stdin" | "pulumi";
    /** The stack `pulumi stack output` reads (with "pulumi"). */
    readonly stack?: string;
    /** The message when no `--outputs` is given and stdin is a terminal (with "stdin"). */
    readonly missing?: string;
}

const MISSING = `no stack outputs: pass --outputs outputs.json, or pipe ${SHOW_SECRETS_COMMAND} into this command`;

/** Reads the outputs' text from `--outputs <source>` (a file, or `-` for stdin) or as `options` say. */
export async function readOutputsText(source: string | undefined, io: StdinIo, options: ReadOutputsOptions = {}): Promise<Input> {
    if (source === undefined && options.whenAbsent === "pulumi") return { text: await pulumiStackOutput(options.stack), name: "pulumi stack output" };
    return readInput(source, io, { flag: "--outputs", missing: options.missing ?? MISSING });
}

/** Runs `pulumi stack output --json --show-secrets [--stack <stack>]` in the current directory; its stdout. */
function pulumiStackOutput(stack?: string): Promise<string> {
    const args = ["stack", "output", "--json", "--show-secrets", ...(stack ? ["--stack", stack] : [])];
    return new Promise((resolve, reject) => {
        execFile("pulumi", args, { maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
            if (!err) return resolve(stdout);
            if ((err as NodeJS.ErrnoException).code === "ENOENT") {
                return reject(new OutputsError("the pulumi CLI is not installed or not on PATH; pass --outputs FILE (or - for stdin)"));
            }
            const line = String(stderr).trim().split("\n").pop() ?? err.message;
            reject(new OutputsError(`pulumi ${args.join(" ")} failed: ${line}`));
        });
    });
}
