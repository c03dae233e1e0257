/**
 * Runs a tool's `main(argv, io)` in the test process, as its `tools/*.ts` does, with stdin given as text and
 * stdout and stderr captured: the hostile-input tests and the fuzzer drive every tool this way (no child process).
 */
import type { CommandIo, StdinIo } from "../../src/lib/cli";
import { capturedIo } from "./cli";

export interface ToolRun {
    readonly code: number;
    readonly stdout: string;
    readonly stderr: string;
}

/** Runs `main` with `argv` and the extra I/O fields a tool takes (env, cwd, now…). */
export async function runTool<I extends CommandIo>(main: (argv: readonly string[], io: I) => Promise<number>, argv: readonly string[],
    options: { stdin?: string; extra?: Omit<I, keyof StdinIo> & Pick<StdinIo, "env"> } = {}): Promise<ToolRun> {
    const { io, result } = capturedIo({ stdin: options.stdin ?? "" });
    return result(await main(argv, { ...io, ...options.extra } as unknown as I));
}
