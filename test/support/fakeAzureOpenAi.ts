/**
 * A local Azure OpenAI account: verifies Entra bearer tokens (signature, issuer, audience, expiry), denies the
 * first N of them like unpropagated RBAC does (401 PermissionDenied, "lacks the required data action"), and
 * answers an `api-key` as an account with key-based auth disabled (403 AuthenticationTypeDisabled) or enabled
 * (401 "Access denied due to invalid subscription key"). Bodies as Azure returns them, see the README, "Troubleshooting".
 */
import { decodeJwt } from "jose";
import { json, LocalService, type Reply, type Request } from "./https";
import { verifyAccessToken, type SigningKey } from "./tokens";

export interface AccountCall {
    readonly method: string;
    readonly path: string;
    readonly auth: "bearer" | "api-key" | "none";
    readonly status: number;
    /** The caller's appid/azp, for bearer calls. */
    readonly clientId?: string;
}

const err = (status: number, code: string, message: string): Reply => json(status, { error: { code, message } });

export const AZURE_ANSWERS = {
    keyAuthDisabled: () => err(403, "AuthenticationTypeDisabled", "Key based authentication is disabled for this resource."),
    invalidKey: () => err(401, "401", "Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource."),
    badToken: () => err(401, "401", "Unauthorized. Access token is missing, invalid, audience is incorrect (https://cognitiveservices.azure.com), or have expired."),
    permissionDenied: (status: number, oid: string, action: string, operation: string) =>
        err(status, "PermissionDenied", `The principal \`${oid}\` lacks the required data action \`${action}\` to perform \`${operation}\` operation.`),
    deploymentNotFound: () => err(404, "DeploymentNotFound", "The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again."),
    notFound: () => err(404, "404", "Resource not found"),
};

export class FakeAzureOpenAI extends LocalService {
    /** How the account answers an api-key. */
    keyAuth: "disabled" | "enabled" = "disabled";
    /** Bearer calls denied (as unpropagated RBAC) before access is granted. */
    denyFirst = 0;
    /** Azure answers PermissionDenied with 401; 403 is accepted too. */
    denialStatus: 401 | 403 = 401;
    readonly calls: AccountCall[] = [];
    private bearerCalls = 0;

    constructor(readonly opts: { tenantId: string; signingKey: SigningKey; deployments: readonly string[] }) {
        super();
    }

    /** The account endpoint as the outputs spell it, with a trailing slash. */
    get endpoint(): string {
        return `${this.url}/`;
    }

    /** Forget calls and denials, e.g. between tests. */
    reset(settings: { keyAuth?: "disabled" | "enabled"; denyFirst?: number; denialStatus?: 401 | 403 } = {}): void {
        this.calls.length = 0;
        this.bearerCalls = 0;
        this.keyAuth = settings.keyAuth ?? "disabled";
        this.denyFirst = settings.denyFirst ?? 0;
        this.denialStatus = settings.denialStatus ?? 401;
    }

    protected async handle(req: Request): Promise<Reply> {
        const bearer = /^Bearer (.+)$/i.exec(String(req.headers.authorization ?? ""))?.[1];
        const apiKey = req.headers["api-key"];
        const auth: AccountCall["auth"] = bearer ? "bearer" : apiKey ? "api-key" : "none";
        let clientId: string | undefined;
        const reply = await (async (): Promise<Reply> => {
            const route = this.route(req);
            if (!route) return AZURE_ANSWERS.notFound();
            if (!bearer) return apiKey && this.keyAuth === "disabled" ? AZURE_ANSWERS.keyAuthDisabled() : AZURE_ANSWERS.invalidKey();
            let oid: string;
            try {
                const claims = await verifyAccessToken(this.opts.signingKey, bearer, { tenantId: this.opts.tenantId, audiences: ["https://cognitiveservices.azure.com"], versions: [1, 2] });
                oid = String(claims.oid);
                clientId = String(claims.appid ?? claims.azp);
            } catch {
                clientId = safeClientId(bearer);
                return AZURE_ANSWERS.badToken();
            }
            this.bearerCalls++;
            if (this.bearerCalls <= this.denyFirst) return AZURE_ANSWERS.permissionDenied(this.denialStatus, oid, route.action, route.operation);
            return route.answer();
        })();
        this.calls.push({ method: req.method, path: req.path, auth, status: reply.status, ...(clientId ? { clientId } : {}) });
        return reply;
    }

    private route(req: Request): { action: string; operation: string; answer: () => Reply } | undefined {
        if (!req.query.get("api-version")) return undefined;
        if (req.method === "GET" && req.path === "/openai/models") {
            return { action: "Microsoft.CognitiveServices/accounts/OpenAI/models/read", operation: "GET /openai/models", answer: () => json(200, { object: "list", data: [{ id: "gpt-4o-mini-2024-07-18", object: "model", created: 1721260800, owned_by: "system" }] }) };
        }
        const chat = /^\/openai\/deployments\/([^/]+)\/chat\/completions$/.exec(req.path);
        if (req.method === "POST" && chat) {
            const deployment = decodeURIComponent(chat[1] ?? "");
            return {
                action: "Microsoft.CognitiveServices/accounts/OpenAI/deployments/chat/completions/action",
                operation: "POST /openai/deployments/{deployment-id}/chat/completions",
                answer: () => (this.opts.deployments.includes(deployment) ? json(200, completion(deployment)) : AZURE_ANSWERS.deploymentNotFound()),
            };
        }
        return undefined;
    }
}

function safeClientId(token: string): string | undefined {
    try {
        const c = decodeJwt(token);
        return String(c.appid ?? c.azp);
    } catch {
        return undefined;
    }
}

export function completion(model: string): Record<string, unknown> {
    return {
        id: "chatcmpl-test", object: "chat.completion", created: Math.floor(Date.now() / 1000), model,
        choices: [{ index: 0, message: { role: "assistant", content: "OK" }, finish_reason: "length" }],
        usage: { prompt_tokens: 11, completion_tokens: 1, total_tokens: 12 },
    };
}
