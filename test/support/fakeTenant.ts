/**
 * A local tenant and subscription as Microsoft Graph and Azure Resource Manager present them, on one HTTPS server on
 * 127.0.0.1: the reads `npm run adopt` makes, with bearer tokens from the local token service verified (signature,
 * issuer, audience = this server). Response shapes follow Microsoft's REST references:
 *
 * - Graph v1.0 (https://learn.microsoft.com/graph/api/…): `application-list` (GET /applications, `$filter=displayName eq
 *   '…'`, `$select`), `application-list-owners` / `serviceprincipal-list-owners` (directoryObjects with `@odata.type`),
 *   `serviceprincipal-list` (`$filter=appId eq '…'`), `serviceprincipal-list-approleassignedto` (appRoleAssignment:
 *   id, appRoleId, principalId, principalType, principalDisplayName, resourceId, resourceDisplayName, createdDateTime),
 *   `user-get`, `group-list`. Collections: `{ "@odata.context", value, "@odata.nextLink"? }` ("Paging Microsoft Graph
 *   data in your app"). Errors: `{ error: { code, message, innerError: { date, request-id, client-request-id } } }`
 *   ("Microsoft Graph error responses and resource types"): 403 Authorization_RequestDenied, 404
 *   Request_ResourceNotFound, 429 TooManyRequests with Retry-After ("Microsoft Graph throttling guidance").
 * - ARM (https://learn.microsoft.com/rest/api/…): `aiservices/accountmanagement/accounts/get` and `deployments/list`
 *   (2025-06-01), `authorization/role-assignments/list-for-scope` (2022-04-01, `$filter=atScope()`: assignments at
 *   and above the scope), `hybridkubernetes/connected-cluster/get`, `kubernetesconfiguration/extensions/get`,
 *   `managedidentity/user-assigned-identities/get`. Collections: `{ value, nextLink? }`. Errors: `{ error: { code,
 *   message } }`: 404 ResourceNotFound, 403 AuthorizationFailed naming the action and scope, 429 with Retry-After
 *   ("Understand how Azure Resource Manager throttles requests").
 *
 * Every collection is paged (`pageSize` items a page) so clients must follow the links.
 */
import { randomUUID } from "node:crypto";
import { json, LocalService, type Reply, type Request } from "./https";
import { verifyAccessToken, type SigningKey } from "./tokens";

type Json = Record<string, unknown>;

export interface TenantData {
    applications: Json[];
    servicePrincipals: Json[];
    /** Object id → owners' object ids (applications and service principals). */
    owners: Map<string, string[]>;
    users: Json[];
    groups: Json[];
    appRoleAssignments: Json[];
    /** ARM resources by id (any case). */
    resources: Json[];
    roleAssignments: Json[];
}

export interface FakeTenantOptions {
    readonly tenantId: string;
    readonly signingKey: SigningKey;
    /** @default 2 */
    readonly pageSize?: number;
}

const graphError = (status: number, code: string, message: string, headers?: Record<string, string>): Reply => json(status, {
    error: { code, message, innerError: { date: new Date().toISOString().replace(/\.\d+Z$/, ""), "request-id": randomUUID(), "client-request-id": randomUUID() } },
}, headers);
const armError = (status: number, code: string, message: string, headers?: Record<string, string>): Reply => json(status, { error: { code, message } }, headers);

export interface LoggedCall {
    readonly method: string;
    readonly path: string;
    readonly query: string;
    readonly status: number;
}

export class FakeTenant extends LocalService {
    readonly calls: LoggedCall[] = [];
    /** Path prefixes answered with 429 (Retry-After: the value) until the count runs out. */
    readonly throttle = new Map<string, { count: number; retryAfter: string }>();
    /** Path patterns answered with 403, as the service refuses a missing permission. */
    readonly deny = new Set<RegExp>();

    constructor(readonly opts: FakeTenantOptions, readonly data: TenantData) {
        super();
    }

    protected async handle(req: Request): Promise<Reply> {
        const reply = await this.answer(req);
        this.calls.push({ method: req.method, path: req.path, query: req.query.toString(), status: reply.status });
        return reply;
    }

    private async answer(req: Request): Promise<Reply> {
        const graph = req.path.startsWith("/v1.0/");
        const bearer = /^Bearer (.+)$/i.exec(String(req.headers.authorization ?? ""))?.[1];
        let caller = "";
        try {
            const claims = await verifyAccessToken(this.opts.signingKey, bearer ?? "", { tenantId: this.opts.tenantId, audiences: [this.url], versions: [1, 2] });
            caller = String(claims.oid);
        } catch {
            return graph ? graphError(401, "InvalidAuthenticationToken", "Access token validation failure. Invalid audience.")
                : armError(401, "InvalidAuthenticationToken", "The access token is invalid.");
        }
        for (const [prefix, t] of this.throttle) {
            if (req.path.startsWith(prefix) && t.count > 0) {
                t.count--;
                return graph ? graphError(429, "TooManyRequests", "Too many requests.", { "retry-after": t.retryAfter })
                    : armError(429, "TooManyRequests", "The request is being throttled.", { "retry-after": t.retryAfter });
            }
        }
        if ([...this.deny].some((re) => re.test(req.path))) {
            if (graph) return graphError(403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.");
            const action = /roleAssignments$/i.test(req.path) ? "Microsoft.Authorization/roleAssignments/read" : "Microsoft.CognitiveServices/accounts/read";
            return armError(403, "AuthorizationFailed", `The client '${caller}' with object id '${caller}' does not have authorization to perform action '${action}' over scope '${req.path}' or the scope is invalid. If access was recently granted, please refresh your credentials.`);
        }
        if (req.method !== "GET") return graph ? graphError(405, "Request_BadRequest", "Only GET is served here") : armError(405, "MethodNotAllowed", "Only GET is served here");
        return graph ? this.graph(req) : this.arm(req);
    }

    private page(req: Request, items: readonly Json[], linkKey: "@odata.nextLink" | "nextLink", tokenParam: string, extra: Json = {}): Reply {
        const size = this.opts.pageSize ?? 2;
        const offset = Number(req.query.get(tokenParam) ?? "0");
        const slice = items.slice(offset, offset + size);
        const next = new URLSearchParams(req.query);
        next.set(tokenParam, String(offset + size));
        return json(200, { ...extra, value: slice, ...(offset + size < items.length ? { [linkKey]: `${this.url}${req.path}?${next.toString()}` } : {}) });
    }

    /** `$filter` as the reads use it: `<property> eq '<value>'`. */
    private filtered(req: Request, items: readonly Json[], allowed: readonly string[]): Json[] | Reply {
        const filter = req.query.get("$filter");
        if (!filter) return [...items];
        const m = /^(\w+) eq '((?:[^']|'')*)'$/.exec(filter);
        if (!m || !allowed.includes(m[1]!)) return graphError(400, "Request_UnsupportedQuery", `Unsupported or invalid query filter clause specified for property '${filter}'.`);
        const value = m[2]!.replace(/''/g, "'");
        return items.filter((i) => String(i[m[1]!]).toLowerCase() === value.toLowerCase());
    }

    private selected(req: Request, item: Json): Json {
        const select = req.query.get("$select");
        if (!select) return item;
        const keys = select.split(",");
        return Object.fromEntries(Object.entries(item).filter(([k]) => keys.includes(k) || k.startsWith("@odata")));
    }

    private graph(req: Request): Reply {
        const base = `${this.url}/v1.0/$metadata`;
        const d = this.data;
        const collection = (context: string, items: Json[] | Reply) =>
            Array.isArray(items) ? this.page(req, items.map((i) => this.selected(req, i)), "@odata.nextLink", "$skiptoken", { "@odata.context": `${base}#${context}` }) : items;
        const notFound = (id: string) => graphError(404, "Request_ResourceNotFound", `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`);
        let m: RegExpExecArray | null;
        if (req.path === "/v1.0/applications") return collection("applications", this.filtered(req, d.applications, ["displayName", "appId"]));
        if (req.path === "/v1.0/servicePrincipals") return collection("servicePrincipals", this.filtered(req, d.servicePrincipals, ["appId", "displayName"]));
        if (req.path === "/v1.0/groups") return collection("groups", this.filtered(req, d.groups, ["displayName"]));
        if ((m = /^\/v1\.0\/(applications|servicePrincipals)\/([^/]+)\/owners$/.exec(req.path))) {
            const owners = d.owners.get(m[2]!.toLowerCase());
            if (!owners) return notFound(m[2]!);
            return collection("directoryObjects", owners.map((id) => ({ "@odata.type": d.users.some((u) => u.id === id) ? "#microsoft.graph.user" : "#microsoft.graph.servicePrincipal", id })));
        }
        if ((m = /^\/v1\.0\/servicePrincipals\/([^/]+)\/appRoleAssignedTo$/.exec(req.path))) {
            if (!d.servicePrincipals.some((s) => s.id === m![1])) return notFound(m[1]!);
            return collection(`servicePrincipals('${m[1]}')/appRoleAssignedTo`, d.appRoleAssignments.filter((a) => a.resourceId === m![1]));
        }
        if ((m = /^\/v1\.0\/users\/([^/]+)$/.exec(req.path))) {
            const key = decodeURIComponent(m[1]!).toLowerCase();
            const user = d.users.find((u) => String(u.userPrincipalName).toLowerCase() === key || u.id === key);
            return user ? json(200, { "@odata.context": `${base}#users/$entity`, ...this.selected(req, user) }) : notFound(decodeURIComponent(m[1]!));
        }
        return graphError(400, "BadRequest", `Resource not found for the segment '${req.path.split("/")[2]}'.`);
    }

    private arm(req: Request): Reply {
        if (!req.query.get("api-version")) return armError(400, "MissingApiVersionParameter", "The api-version query parameter (?api-version=) is required for all requests.");
        const path = req.path.toLowerCase();
        const ra = /^(.*)\/providers\/microsoft\.authorization\/roleassignments$/.exec(path);
        if (ra) {
            const scope = ra[1]!;
            if (req.query.get("$filter") !== "atScope()") return armError(400, "UnsupportedQuery", "this fake serves $filter=atScope() only");
            // At and above the scope: every assignment whose scope is the requested scope or an ancestor of it.
            const items = this.data.roleAssignments.filter((r) => {
                const s = String((r.properties as Json).scope).toLowerCase();
                return scope === s || scope.startsWith(`${s}/`);
            });
            return this.page(req, items, "nextLink", "$skipToken");
        }
        const deployments = /^(.*\/providers\/microsoft\.cognitiveservices\/accounts\/[^/]+)\/deployments$/.exec(path);
        if (deployments) {
            if (!this.data.resources.some((r) => String(r.id).toLowerCase() === deployments[1])) return this.notFoundArm(req.path);
            return this.page(req, this.data.resources.filter((r) => String(r.id).toLowerCase().startsWith(`${deployments[1]}/deployments/`)), "nextLink", "$skipToken");
        }
        const resource = this.data.resources.find((r) => String(r.id).toLowerCase() === path);
        return resource ? json(200, resource) : this.notFoundArm(req.path);
    }

    private notFoundArm(path: string): Reply {
        const parts = path.split("/");
        return armError(404, "ResourceNotFound", `The Resource '${parts.slice(-4).join("/")}' under resource group '${parts[4] ?? ""}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`);
    }
}
