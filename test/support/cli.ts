/**
 * Runs a CLI of this repository as a real child process (`node --import tsx tools/<name>.ts`), asynchronously
 * so the local servers in the test process keep answering, with the test CA trusted via NODE_EXTRA_CA_CERTS.
 */
import { spawn } from "node:child_process";
import { join } from "node:path";

export const ROOT = join(__dirname, "..", "..");

export interface CliResult {
    readonly code: number | null;
    readonly stdout: string;
    readonly stderr: string;
}

export function runCli(tool: "verify" | "token-doctor" | "adopt", args: readonly string[], options: { caFile?: string; stdin?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> {
    return new Promise((resolve, reject) => {
        const env: NodeJS.ProcessEnv = { ...process.env, NO_PROXY: "127.0.0.1,localhost", NO_COLOR: "1", ...options.env };
        if (options.caFile) env.NODE_EXTRA_CA_CERTS = options.caFile;
        const child = spawn(process.execPath, ["--import", "tsx", join(ROOT, "tools", `${tool}.ts`), ...args], { cwd: ROOT, env, stdio: ["pipe", "pipe", "pipe"] });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
        child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
        child.on("error", reject);
        child.on("close", (code) => resolve({ code, stdout, stderr }));
        child.stdin.end(options.stdin ?? "");
    });
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
