/**
 * The Microsoft Graph and Azure Resource Manager reads `npm run adopt` makes: plain `fetch` with a bearer token from an
 * @azure/identity credential. What both services document and this client follows:
 *
 * - Paging: Graph answers a collection as `{ value: [...], "@odata.nextLink"?: <absolute URL> }` (Microsoft Learn,
 *   "Paging Microsoft Graph data in your app"); ARM as `{ value: [...], nextLink?: <absolute URL> }` (Azure REST API
 *   guidelines, "pageable" operations, e.g. "Role Assignments - List For Scope"). The next page is the link as given,
 *   followed only on the host the first request went to (a bearer token is never sent elsewhere).
 * - Throttling: `429 Too Many Requests` with a `Retry-After` header in seconds (Microsoft Learn, "Microsoft Graph
 *   throttling guidance"; "Understand how Azure Resource Manager throttles requests"): wait that long, then retry.
 * - Errors: `{ error: { code, message } }`. Graph refuses a missing permission with 403 `Authorization_RequestDenied`
 *   ("Insufficient privileges to complete the operation"); ARM with 403 `AuthorizationFailed` naming the action
 *   ("does not have authorization to perform action '<action>' over scope '<scope>'").
 */
import type { TokenCredential } from "@azure/identity";
import { messageOf } from "../lib/cli";

export type Service = "Graph" | "ARM";

/** The signed-in identity lacks a permission: which one, and for what. */
export class PermissionError extends Error {
    constructor(readonly service: Service, readonly what: string, readonly permission: string, readonly detail: string) {
        super(`${service} refused to ${what} (403${detail ? `: ${detail}` : ""}); the identity adopt signs in as needs ${permission}`);
        this.name = "PermissionError";
    }
}

/** Any other failed call: the service's own error code and message. */
export class ServiceError extends Error {
    constructor(readonly service: Service, readonly status: number, message: string) {
        super(message);
        this.name = "ServiceError";
    }
}

export interface RestOptions {
    readonly credential: TokenCredential;
    /** @default https://graph.microsoft.com */
    readonly graphEndpoint?: string;
    /** @default https://management.azure.com */
    readonly armEndpoint?: string;
    /** Where progress lines go (long waits, throttling). */
    readonly progress: (line: string) => void;
    /** Retries of one request after 429 (and 503 with Retry-After). @default 6 */
    readonly maxRetries?: number;
    /** The longest single wait a Retry-After may ask for, in seconds. @default 300 */
    readonly maxWaitSeconds?: number;
    /** @default setTimeout */
    readonly sleep?: (ms: number) => Promise<void>;
}

/** What a read needs, to name it when it is refused. */
export interface Need {
    /** "list app registrations named …", for messages. */
    readonly what: string;
    /** The permission to name on a 403 (ARM's own action is named when its message carries one). */
    readonly permission: string;
}

interface ErrorBody {
    readonly error?: { readonly code?: string; readonly message?: string };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Retry-After: delay-seconds, or an HTTP-date (RFC 9110 §10.2.3). */
export function retryAfterSeconds(header: string | null, now: Date = new Date()): number | undefined {
    if (!header) return undefined;
    if (/^\d+$/.test(header.trim())) return Number(header.trim());
    const at = Date.parse(header);
    return Number.isFinite(at) ? Math.max(0, Math.ceil((at - now.getTime()) / 1000)) : undefined;
}

export class AzureRest {
    readonly graphEndpoint: string;
    readonly armEndpoint: string;
    private readonly tokens = new Map<string, { token: string; expires: number }>();

    constructor(private readonly options: RestOptions) {
        this.graphEndpoint = (options.graphEndpoint ?? "https://graph.microsoft.com").replace(/\/+$/, "");
        this.armEndpoint = (options.armEndpoint ?? "https://management.azure.com").replace(/\/+$/, "");
    }

    /** GET a Graph object (`/v1.0/...`); undefined when it does not exist (404). */
    graph(path: string, need: Need): Promise<Record<string, unknown> | undefined> {
        return this.getObject("Graph", `${this.graphEndpoint}${path}`, need);
    }

    /** Every item of a Graph collection, following `@odata.nextLink`. */
    graphList(path: string, need: Need): Promise<Record<string, unknown>[]> {
        return this.list("Graph", `${this.graphEndpoint}${path}`, "@odata.nextLink", need);
    }

    /** GET an ARM resource; undefined when it does not exist (404). */
    arm(path: string, apiVersion: string, need: Need): Promise<Record<string, unknown> | undefined> {
        return this.getObject("ARM", this.armUrl(path, apiVersion), need);
    }

    /** Every item of an ARM collection, following `nextLink`. */
    armList(path: string, apiVersion: string, need: Need, query: Record<string, string> = {}): Promise<Record<string, unknown>[]> {
        return this.list("ARM", this.armUrl(path, apiVersion, query), "nextLink", need);
    }

    private armUrl(path: string, apiVersion: string, query: Record<string, string> = {}): string {
        const url = new URL(`${this.armEndpoint}${path}`);
        url.searchParams.set("api-version", apiVersion);
        for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
        return url.toString();
    }

    private async getObject(service: Service, url: string, need: Need): Promise<Record<string, unknown> | undefined> {
        const body = await this.get(service, url, need, true);
        if (body === undefined) return undefined;
        if (!isObject(body)) throw new ServiceError(service, 200, `${service} answered ${need.what} with something that is not a JSON object`);
        return body;
    }

    private async list(service: Service, first: string, linkKey: string, need: Need): Promise<Record<string, unknown>[]> {
        const origin = new URL(first).origin;
        const items: Record<string, unknown>[] = [];
        let url: string | undefined = first;
        for (let page = 1; url; page++) {
            if (page > 1000) throw new ServiceError(service, 200, `${service} kept paging past 1000 pages to ${need.what}; stopped`);
            const body = await this.get(service, url, need, false);
            if (!isObject(body) || !Array.isArray(body.value)) throw new ServiceError(service, 200, `${service} answered ${need.what} without a value list`);
            items.push(...body.value.filter(isObject));
            const next: unknown = body[linkKey];
            if (typeof next !== "string" || next === "") break;
            if (new URL(next, url).origin !== origin) throw new ServiceError(service, 200, `${service} sent a next page on another host (${new URL(next, url).origin}); not followed`);
            url = new URL(next, url).toString();
            if (page % 10 === 0) this.options.progress(`${service}: read ${page} pages (${items.length} items) to ${need.what}…`);
        }
        return items;
    }

    private async token(service: Service): Promise<string> {
        const scope = `${service === "Graph" ? this.graphEndpoint : this.armEndpoint}/.default`;
        const cached = this.tokens.get(scope);
        if (cached && cached.expires - 120_000 > Date.now()) return cached.token;
        const t = await this.options.credential.getToken(scope);
        if (!t) throw new ServiceError(service, 0, `no token for ${scope}`);
        this.tokens.set(scope, { token: t.token, expires: t.expiresOnTimestamp });
        return t.token;
    }

    private async get(service: Service, url: string, need: Need, notFoundIsUndefined: boolean): Promise<unknown> {
        const maxRetries = this.options.maxRetries ?? 6;
        const sleep = this.options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
        for (let attempt = 0; ; attempt++) {
            // Outside the try: a failed sign-in is the credential's error, not an unreachable service.
            const token = await this.token(service);
            let response: Response;
            try {
                response = await fetch(url, { headers: { authorization: `Bearer ${token}`, accept: "application/json" } });
            } catch (err) {
                const cause = (err as { cause?: { code?: string; message?: string } }).cause;
                throw new ServiceError(service, 0, `cannot reach ${new URL(url).origin} to ${need.what}: ${cause?.code ?? cause?.message ?? messageOf(err)}`);
            }
            const text = await response.text();
            const body = parseJson(text);
            if (response.ok) return body;
            const error = (body as ErrorBody | undefined)?.error;
            const code = error?.code ?? "";
            const message = (error?.message ?? text).slice(0, 300);
            if (response.status === 404 && notFoundIsUndefined) return undefined;
            const wait = retryAfterSeconds(response.headers.get("retry-after"));
            if ((response.status === 429 || (response.status === 503 && wait !== undefined)) && attempt < maxRetries) {
                const seconds = Math.min(wait ?? 2 ** attempt, this.options.maxWaitSeconds ?? 300);
                this.options.progress(`${service} is throttling (${response.status}${code ? ` ${code}` : ""}); waiting ${seconds} s as Retry-After asks, then retrying to ${need.what} (${attempt + 1} of ${maxRetries})`);
                await sleep(seconds * 1000);
                continue;
            }
            if (response.status === 403) {
                const action = /perform action '([^']+)'/.exec(message)?.[1];
                throw new PermissionError(service, need.what, action ? `${action} (${need.permission})` : need.permission, [code, service === "Graph" ? message : ""].filter(Boolean).join(": "));
            }
            throw new ServiceError(service, response.status, `${service} answered ${response.status}${code ? ` ${code}` : ""} to ${need.what}: ${message}`);
        }
    }
}

function parseJson(text: string): unknown {
    if (text === "") return undefined;
    try {
        return JSON.parse(text);
    } catch {
        return undefined;
    }
}

/** A string for an OData `$filter` literal: single quotes doubled (OData 4.01 URL conventions, §5.1.1.6.1). */
export const odataString = (value: string): string => `'${value.replace(/'/g, "''")}'`;
