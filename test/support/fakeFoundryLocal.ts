/**
 * A local Foundry Local endpoint behind its authentication sidecar: `/healthz`, `/readyz` and `/v1/models` need
 * no token; everything else needs a v2 Entra token for the API app with `scp` (users) or `roles` (apps), then an
 * RBAC check that can be set to deny (403 insufficient_permissions) or fail (500/503 rbac_check_unavailable).
 * Error codes as Microsoft Learn documents them; the `{ error: { code, message } }` body shape is this fake's.
 */
import { decodeJwt } from "jose";
import { completion } from "./fakeAzureOpenAi";
import { json, LocalService, type Reply, type Request } from "./https";
import { verifyAccessToken, type SigningKey } from "./tokens";

export type RbacMode = "allow" | "deny" | "unavailable-500" | "unavailable-503";

export interface SidecarCall {
    readonly method: string;
    readonly path: string;
    readonly status: number;
    readonly code?: string;
}

const err = (status: number, code: string, message: string): Reply => json(status, { error: { code, message } });

export class FakeFoundryLocal extends LocalService {
    models: string[] = ["phi-4-mini"];
    rbac: RbacMode = "allow";
    /** Authorised calls answered 403 insufficient_permissions before RBAC "propagates". */
    denyFirst = 0;
    readonly calls: SidecarCall[] = [];
    private authorised = 0;

    constructor(readonly opts: { tenantId: string; apiClientId: string; appRole: string; scopeValue: string; signingKey: SigningKey }) {
        super();
    }

    reset(settings: { rbac?: RbacMode; denyFirst?: number; models?: string[] } = {}): void {
        this.calls.length = 0;
        this.authorised = 0;
        this.rbac = settings.rbac ?? "allow";
        this.denyFirst = settings.denyFirst ?? 0;
        this.models = settings.models ?? ["phi-4-mini"];
    }

    protected async handle(req: Request): Promise<Reply> {
        const reply = await this.answer(req);
        const code = (reply.json as { error?: { code?: string } } | undefined)?.error?.code;
        this.calls.push({ method: req.method, path: req.path, status: reply.status, ...(code ? { code } : {}) });
        return reply;
    }

    private async answer(req: Request): Promise<Reply> {
        if (req.method === "GET" && (req.path === "/healthz" || req.path === "/readyz")) return json(200, { status: "ok" });
        if (req.method === "GET" && req.path === "/v1/models") return json(200, { object: "list", data: this.models.map((id) => ({ id, object: "model", owned_by: "foundry-local" })) });
        const authorization = req.headers.authorization;
        const apiKey = req.headers["api-key"];
        if (authorization && apiKey) return err(400, "ambiguous_auth", "Send either an Authorization header or an api-key header, not both.");
        if (apiKey) return err(401, "invalid_api_key", "The API key is not valid.");
        const bearer = /^Bearer (.+)$/i.exec(String(authorization ?? ""))?.[1];
        if (!bearer) return err(401, "missing_credentials", "No credentials were provided.");
        const invalid = await this.tokenProblem(bearer);
        if (invalid) return err(401, "invalid_token", invalid);
        if (this.rbac === "unavailable-500") return err(500, "rbac_check_unavailable", "The RBAC check could not be completed.");
        if (this.rbac === "unavailable-503") return err(503, "rbac_check_unavailable", "The RBAC check could not be completed.");
        this.authorised++;
        if (this.rbac === "deny" || this.authorised <= this.denyFirst) return err(403, "insufficient_permissions", "The caller does not have the required role on the connected cluster.");
        if (req.method === "POST" && req.path === "/v1/chat/completions") {
            const model = String((JSON.parse(req.body || "{}") as { model?: unknown }).model);
            return this.models.includes(model) ? json(200, completion(model)) : err(404, "model_not_found", `Model ${model} is not deployed.`);
        }
        return err(404, "not_found", `No route ${req.method} ${req.path}.`);
    }

    /** Why the sidecar refuses a token, or undefined when it accepts it. */
    private async tokenProblem(token: string): Promise<string | undefined> {
        const { tenantId, apiClientId, appRole, scopeValue, signingKey } = this.opts;
        let iss: unknown;
        try {
            iss = decodeJwt(token).iss;
        } catch {
            return "The token is not a valid JWT.";
        }
        if (typeof iss === "string" && iss.startsWith("https://sts.windows.net/")) return `Token issuer ${iss} is not accepted; v2.0 tokens are required.`;
        let claims: Record<string, unknown>;
        try {
            claims = await verifyAccessToken(signingKey, token, { tenantId, audiences: [apiClientId, `api://${apiClientId}`], versions: [2] });
        } catch (e) {
            return `The token failed validation: ${e instanceof Error ? e.message : String(e)}.`;
        }
        const scp = typeof claims.scp === "string" ? claims.scp.split(" ") : [];
        const roles = Array.isArray(claims.roles) ? claims.roles : [];
        if (scp.length === 0 && roles.length === 0) return "The token has no scope claim (scp or roles).";
        if (scp.length > 0 ? !scp.includes(scopeValue) : !roles.includes(appRole)) return `The token does not carry ${scp.length > 0 ? `the ${scopeValue} scope` : `the ${appRole} role`}.`;
        return undefined;
    }
}
