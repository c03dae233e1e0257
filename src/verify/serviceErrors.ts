/**
 * Reads an error the openai SDK threw (APIError with status and the service's `error` body, or a connection
 * error) into the facts the classifiers need.
 */
import { APIConnectionTimeoutError, APIError } from "openai";
import { networkCode, TLS_CODES } from "./aadErrors";

/** The facts of a failed call to Azure OpenAI or Foundry Local. */
export interface ServiceError {
    /** HTTP status, or undefined when no answer came back. */
    readonly status?: number;
    /** `error.code` of the body (or the body's `error` string). */
    readonly code?: string;
    /** The service's message, one line. */
    readonly message: string;
    /** ECONNREFUSED, ENOTFOUND, a TLS error, or `timeout`, when no answer came back. */
    readonly network?: string;
}

/** Reads an openai SDK error, or a network error and its causes, into a ServiceError. */
export function readServiceError(err: unknown): ServiceError {
    if (err instanceof APIConnectionTimeoutError) return { message: "the request timed out", network: "timeout" };
    if (err instanceof APIError && err.status !== undefined) {
        const body = err.error as unknown;
        const code = typeof err.code === "string" ? err.code
            : typeof body === "string" ? body
                : undefined;
        const message = typeof (body as { message?: unknown } | undefined)?.message === "string" ? (body as { message: string }).message : err.message;
        return { status: err.status, ...(code ? { code } : {}), message: oneLine(message) };
    }
    const chain = causeChain(err);
    const network = chain.map((m) => networkCode(m)).find((c) => c !== undefined);
    return { message: oneLine(chain.join(": ")), ...(network ? { network } : {}) };
}

/** Messages and codes of an error and its causes, outermost first. */
function causeChain(err: unknown): string[] {
    const out: string[] = [];
    for (let e: unknown = err, depth = 0; e && depth < 5; depth++) {
        if (e instanceof Error) {
            const code = (e as NodeJS.ErrnoException).code;
            out.push(code && !e.message.includes(code) ? `${e.message} (${code})` : e.message);
            e = e.cause;
        } else {
            out.push(String(e));
            break;
        }
    }
    return out;
}

const oneLine = (s: string) => s.replace(/\s+/g, " ").trim();

/** Cause and fix when no answer came back from `what` (whose address is config key `key`). */
export function networkAdvice(code: string | undefined, what: string, key: string): { cause: string; fix: string } {
    if (code && TLS_CODES.includes(code)) {
        return { cause: `this machine does not trust the TLS certificate of ${what} (${code})`, fix: "if a proxy inspects TLS, trust its CA with NODE_EXTRA_CA_CERTS=<ca.pem>; never turn TLS verification off" };
    }
    if (code === "ENOTFOUND" || code === "EAI_AGAIN") {
        return { cause: `the host name of ${what} does not resolve here (${code})`, fix: `check ${key}; a private endpoint needs its privatelink DNS zone on this network` };
    }
    return { cause: `${what} does not answer from here (${code ?? "no answer"})`, fix: `check ${key}, firewalls and proxies; with public network access disabled, run verify inside the network` };
}
