/**
 * Runs the real Portkey gateway (@portkey-ai/gateway, its `bin`: build/start-server.js) as a child process on
 * 127.0.0.1 and a free port, with portkeyPreload.mjs loaded first (listen on 127.0.0.1 only; no request leaves
 * the machine). Version 1.15.2 reads its port from `--port=<n>` (default 8787) and skips the web UI with
 * `--headless`; it answers `GET /` with "AI Gateway says hey!" once listening.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { createServer, type AddressInfo } from "node:net";
import { join } from "node:path";

const ROOT = join(__dirname, "..", "..");
const START_SERVER = join(ROOT, "node_modules", "@portkey-ai", "gateway", "build", "start-server.js");
const PRELOAD = join(__dirname, "portkeyPreload.mjs");

/** A free TCP port on 127.0.0.1 (taken and released; the gateway binds it right after). */
export async function freePort(): Promise<number> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    return port;
}

export interface PortkeyGateway {
    readonly url: string;
    readonly port: number;
    /** What the gateway wrote to stderr so far (the preload's `portkey-preload: …` lines among it). */
    stderr(): string;
    stop(): Promise<void>;
}

/** Starts the gateway with `env` (and nothing else of this process's environment) in `cwd`. */
export async function startPortkeyGateway(env: NodeJS.ProcessEnv, cwd = ROOT, timeoutMs = 20_000): Promise<PortkeyGateway> {
    const port = await freePort();
    const child: ChildProcess = spawn(process.execPath, ["--import", PRELOAD, START_SERVER, `--port=${port}`, "--headless"], {
        cwd,
        // Only what the gateway needs: no proxies, no Redis, nothing of the test runner's own.
        env: { PATH: process.env.PATH, NODE_ENV: "test", NO_COLOR: "1", ...env },
        stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    const url = `http://127.0.0.1:${port}`;
    const stop = async (): Promise<void> => {
        if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
        await exited;
    };
    const deadline = Date.now() + timeoutMs;
    for (;;) {
        if (child.exitCode !== null) throw new Error(`the Portkey gateway exited with code ${child.exitCode}: ${stderr.slice(0, 2000)}`);
        try {
            const r = await fetch(`${url}/`);
            if ((await r.text()).includes("AI Gateway says hey")) break;
        } catch {
            // not listening yet
        }
        if (Date.now() > deadline) {
            await stop();
            throw new Error(`the Portkey gateway did not answer on ${url} within ${timeoutMs} ms: ${stderr.slice(0, 2000)}`);
        }
        await new Promise((r) => setTimeout(r, 100));
    }
    return { url, port, stderr: () => stderr, stop };
}

/** The local addresses a process listens on for `port`, from /proc/net/tcp and tcp6 (Linux), as hex `addr:port`. */
export function listeners(port: number): string[] {
    const hexPort = port.toString(16).toUpperCase().padStart(4, "0");
    return ["/proc/net/tcp", "/proc/net/tcp6"].filter((f) => existsSync(f)).flatMap((f) => readFileSync(f, "utf8").split("\n").slice(1)
        .map((line) => line.trim().split(/\s+/))
        // state 0A = LISTEN
        .filter((cols) => cols[1]?.endsWith(`:${hexPort}`) && cols[3] === "0A")
        .map((cols) => cols[1] as string));
}
