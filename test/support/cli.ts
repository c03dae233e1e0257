/**
 * Runs a CLI of this repository in-process (its `main(argv, io)`, output captured) or as a real child process
 * (`node --import tsx tools/<name>.ts`, asynchronously so the local servers in the test process keep answering).
 * Both trust the test CA: the global setup put it in NODE_EXTRA_CA_CERTS before the test workers started.
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import type { StdinIo } from "../../src/lib/cli";
import type { Clock } from "../../src/verify/retry";

export const ROOT = join(__dirname, "..", "..");

export interface CliResult {
    readonly code: number | null;
    readonly stdout: string;
    readonly stderr: string;
}

/**
 * The environment for a command run as a child process: this one's, without what `npm test` added that tells a
 * command it runs under `npm run` (src/lib/cli.ts reads npm's variables for options it took), and with `extra`.
 */
export function childEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
    const env = { ...process.env };
    for (const key of Object.keys(env)) if (key.startsWith("npm_")) delete env[key];
    return { ...env, ...extra };
}

/** The tools tests run as child processes: each keeps at least one test that runs the real process. */
export type Tool = "verify" | "token-doctor" | "expiry" | "gateway-config" | "render" | "adopt";

export function runCli(tool: Tool, args: readonly string[], options: { stdin?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> {
    const env = childEnv({ NO_PROXY: "127.0.0.1,localhost", NO_COLOR: "1", ...options.env });
    return runNode(["--import", "tsx", join(ROOT, "tools", `${tool}.ts`), ...args], { env, stdin: options.stdin });
}

/** Runs `node <args>` as a child process, asynchronously, with what it prints; stdin holds `stdin` (default empty). */
export function runNode(args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; stdin?: string } = {}): Promise<CliResult> {
    return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, args, { cwd: options.cwd ?? ROOT, env: options.env, stdio: ["pipe", "pipe", "pipe"] });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
        child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
        child.on("error", reject);
        child.on("close", (code) => resolve({ code, stdout, stderr }));
        child.stdin.end(options.stdin ?? "");
    });
}

/** An I/O for a command's `main` that captures what it prints; stdin is a pipe holding `stdin`, or a terminal. */
export function capturedIo(options: { stdin?: string; stdinIsTTY?: boolean; stdoutIsTTY?: boolean } = {}): { io: StdinIo; result(code: number): CliResult & { readonly code: number } } {
    let stdout = "";
    let stderr = "";
    const io: StdinIo = {
        stdout: { isTTY: options.stdoutIsTTY ?? false, write: (s: string) => (stdout += s) },
        stderr: { write: (s: string) => (stderr += s) },
        stdinIsTTY: options.stdinIsTTY ?? false,
        readStdin: () => Promise.resolve(options.stdin ?? ""),
    };
    return { io, result: (code) => ({ code, stdout, stderr }) };
}

/**
 * A clock whose sleeps return at once and move its time on by what they slept: waits (verify's backoff, its
 * --wait budget) are measured in this time, so tests count attempts and never wait or depend on the machine's speed.
 */
export function virtualClock(): Clock {
    let now = 0;
    return {
        now: () => now,
        sleep: async (ms) => {
            now += ms;
            await new Promise((resolve) => setImmediate(resolve));
        },
        random: () => 0.5,
    };
}

/** The JSON checklist verify prints with --json. */
export interface VerifyJson {
    readonly ok: boolean;
    readonly failed: number;
    readonly warnings: number;
    readonly groups: { title: string; checks: { id: string; status: string; title: string; cause?: string; fix?: string; data?: Record<string, unknown> }[] }[];
}

export function parseVerifyJson(r: CliResult): VerifyJson {
    try {
        return JSON.parse(r.stdout) as VerifyJson;
    } catch {
        throw new Error(`verify did not print JSON (exit ${r.code}); stderr: ${r.stderr.slice(0, 2000)}`);
    }
}

/** Every check of a verify JSON, flattened. */
export const checksOf = (j: VerifyJson) => j.groups.flatMap((g) => g.checks);
