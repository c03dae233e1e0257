/**
 * Loaded into the real Portkey gateway process (`node --import <this file> …/start-server.js`) by
 * test/support/portkeyGateway.ts, so the gateway runs unchanged but only ever talks to this machine:
 *
 * - Listening: @hono/node-server's `serve({ fetch, port })` (what @portkey-ai/gateway 1.15.2's start-server.js
 *   calls) passes no host, so Node would listen on every interface. A listen call without a host gets 127.0.0.1.
 * - Egress: every `fetch` to a host that is not 127.0.0.1 or localhost is refused (the test fails on it), except
 *   the Entra token endpoint that Portkey's `entra` mode hard-codes (`https://login.microsoftonline.com/<tenant>/
 *   oauth2/v2.0/token`, src/providers/azure-openai/utils.ts `getAccessTokenFromEntraId`), which is sent to the
 *   local token service named by FOUNDRY_ENTRA_TEST_LOGIN_HOST instead: the same request, to a local address.
 *
 * Every rewrite and refusal is written to stderr as one `portkey-preload: …` line, for the test to check.
 */
import net from "node:net";

const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
    if (typeof args[0] === "number" && (args.length === 1 || typeof args[1] === "function" || args[1] === undefined)) {
        if (args[1] === undefined && args.length > 1) args.splice(1, 1, "127.0.0.1");
        else args.splice(1, 0, "127.0.0.1");
    }
    return listen.apply(this, args);
};

const LOCAL = new Set(["127.0.0.1", "localhost", "[::1]"]);
const loginHost = process.env.FOUNDRY_ENTRA_TEST_LOGIN_HOST;
const realFetch = globalThis.fetch;

globalThis.fetch = function (input, init) {
    const url = new URL(typeof input === "string" || input instanceof URL ? input : input.url);
    if (LOCAL.has(url.hostname)) return realFetch(input, init);
    if (url.origin === "https://login.microsoftonline.com" && loginHost && /^\/[^/]+\/oauth2\/v2\.0\/token$/.test(url.pathname)) {
        const local = new URL(url.pathname, loginHost);
        process.stderr.write(`portkey-preload: rewrote ${url.origin}${url.pathname} to ${local.href}\n`);
        return realFetch(local, init);
    }
    process.stderr.write(`portkey-preload: refused ${url.origin}\n`);
    return Promise.reject(new TypeError("fetch failed (refused by the test: not a local address)"));
};
