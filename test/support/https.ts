/** A small HTTPS server on 127.0.0.1 (port 0) for the local fakes; `close()` also drops keep-alive sockets. */
import { createServer, type Server } from "node:https";
import type { IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import type { KeyAndCertificate } from "./tls";

export interface Request {
    readonly method: string;
    /** Path without the query string. */
    readonly path: string;
    readonly query: URLSearchParams;
    readonly headers: IncomingMessage["headers"];
    readonly body: string;
}

export interface Reply {
    readonly status: number;
    readonly json?: unknown;
    readonly headers?: Record<string, string>;
}

export interface LocalServer {
    /** `https://127.0.0.1:<port>` (no trailing slash). */
    readonly url: string;
    close(): Promise<void>;
}

export type Handler = (req: Request) => Reply | Promise<Reply>;

export async function startHttpsServer(tls: KeyAndCertificate, handler: Handler): Promise<LocalServer> {
    const server: Server = createServer({ key: tls.keyPem, cert: tls.certPem }, (req, res) => {
        const chunks: Buffer[] = [];
        req.on("data", (c: Buffer) => chunks.push(c));
        req.on("end", () => {
            const url = new URL(req.url ?? "/", "https://127.0.0.1");
            const request: Request = { method: req.method ?? "GET", path: url.pathname, query: url.searchParams, headers: req.headers, body: Buffer.concat(chunks).toString("utf8") };
            Promise.resolve()
                .then(() => handler(request))
                .catch((err: unknown): Reply => ({ status: 500, json: { error: { code: "TestServerError", message: err instanceof Error ? err.message : String(err) } } }))
                .then((reply) => {
                    res.writeHead(reply.status, { "content-type": "application/json", ...reply.headers });
                    res.end(reply.json === undefined ? "" : JSON.stringify(reply.json));
                });
        });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    return {
        url: `https://127.0.0.1:${port}`,
        close: () => new Promise<void>((resolve) => {
            server.close(() => resolve());
            server.closeAllConnections();
        }),
    };
}

export const json = (status: number, body: unknown, headers?: Record<string, string>): Reply => ({ status, json: body, ...(headers ? { headers } : {}) });

/** A fake service on its own local HTTPS server: subclasses answer requests in `handle`. */
export abstract class LocalService {
    private server?: LocalServer;

    /** `https://127.0.0.1:<port>` (no trailing slash). */
    get url(): string {
        if (!this.server) throw new Error(`${this.constructor.name} not started`);
        return this.server.url;
    }

    async start(tls: KeyAndCertificate): Promise<this> {
        this.server = await startHttpsServer(tls, (req) => this.handle(req));
        return this;
    }

    async close(): Promise<void> {
        await this.server?.close();
    }

    protected abstract handle(req: Request): Reply | Promise<Reply>;
}
