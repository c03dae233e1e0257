/**
 * A local Entra ID token service: the OpenID discovery document MSAL reads and the OAuth 2.0 client-credentials
 * endpoint (`/<tenant>/oauth2/v2.0/token`). It verifies what it receives (client assertion against the uploaded
 * certificates, or the client secret and its end date), answers with AADSTS errors like the real service, and
 * mints signed v1/v2 access tokens with realistic claims. @azure/identity reaches it through `authorityHost`.
 */
import { AAD } from "./aadErrors";
import { verifyClientAssertion, isReply, type AcceptedAssertion, type UploadedCertificate } from "./clientAssertion";
import { json, LocalService, type Reply, type Request } from "./https";
import { createSigningKey, mintAccessToken, type SigningKey } from "./tokens";

export const COGNITIVE_SERVICES = "https://cognitiveservices.azure.com";

export interface AppRegistration {
    readonly clientId: string;
    /** keyCredentials: certificates uploaded to the app. */
    certificates: UploadedCertificate[];
    /** passwordCredentials: client secret values and end dates. */
    secrets: { readonly value: string; readonly expiresOn: Date }[];
}

export interface ApiApp {
    readonly clientId: string;
    readonly identifierUri: string;
    /** `api.requestedAccessTokenVersion`: 2, or 1 (null in the manifest). */
    tokenVersion: 1 | 2;
    /** Caller client id → app roles assigned to it. */
    appRoleAssignments: Map<string, string[]>;
}

export interface TokenRequestLog {
    readonly clientId: string;
    readonly scope: string;
    readonly credential: "certificate" | "client-secret" | "none";
    readonly assertion?: AcceptedAssertion;
    readonly status: number;
    readonly error?: string;
}

export class TokenService extends LocalService {
    readonly signingKey: SigningKey = createSigningKey();
    readonly requests: TokenRequestLog[] = [];
    readonly apps = new Map<string, AppRegistration>();
    readonly apis = new Map<string, ApiApp>();

    /** `url` is the authority host to give @azure/identity (`--authority-host`). */
    constructor(readonly tenantId: string) {
        super();
    }

    protected handle(req: Request): Reply | Promise<Reply> {
        const [, tenant, ...rest] = req.path.split("/");
        const route = rest.join("/");
        if (tenant !== this.tenantId) return AAD.tenantNotFound(tenant ?? "");
        if (req.method === "GET" && (route === "v2.0/.well-known/openid-configuration" || route === ".well-known/openid-configuration")) return json(200, this.discovery());
        if (req.method === "GET" && route === "discovery/v2.0/keys") return json(200, { keys: [{ kty: "RSA", use: "sig", kid: this.signingKey.kid, ...this.signingKey.publicKey.export({ format: "jwk" }) }] });
        if (req.method === "POST" && route === "oauth2/v2.0/token") return this.token(new URLSearchParams(req.body));
        return json(404, { error: "not_found", error_description: `no route ${req.method} ${req.path}` });
    }

    private discovery(): Record<string, unknown> {
        const base = `${this.url}/${this.tenantId}`;
        return {
            issuer: `${base}/v2.0`,
            token_endpoint: `${base}/oauth2/v2.0/token`,
            authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
            end_session_endpoint: `${base}/oauth2/v2.0/logout`,
            jwks_uri: `${base}/discovery/v2.0/keys`,
            token_endpoint_auth_methods_supported: ["client_secret_post", "private_key_jwt", "client_secret_basic"],
            response_types_supported: ["code", "id_token", "code id_token", "id_token token"],
            id_token_signing_alg_values_supported: ["RS256"],
            tenant_region_scope: "EU",
            cloud_instance_name: "microsoftonline.com",
        };
    }

    private async token(form: URLSearchParams): Promise<Reply> {
        const clientId = form.get("client_id") ?? "";
        const scope = (form.get("scope") ?? "").split(" ").find((s) => s.endsWith("/.default")) ?? "";
        const log = (credential: TokenRequestLog["credential"], reply: Reply, assertion?: AcceptedAssertion): Reply => {
            const error = (reply.json as { error_description?: string } | undefined)?.error_description;
            this.requests.push({ clientId, scope, credential, status: reply.status, ...(assertion ? { assertion } : {}), ...(error ? { error } : {}) });
            return reply;
        };
        const app = this.apps.get(clientId);
        if (!app) return log("none", AAD.appNotFound(clientId, this.tenantId));

        const now = new Date();
        let credential: TokenRequestLog["credential"] = "none";
        let assertion: AcceptedAssertion | undefined;
        if (form.get("client_assertion")) {
            credential = "certificate";
            const verdict = await verifyClientAssertion(form.get("client_assertion") ?? "", {
                clientId, tokenEndpoint: `${this.url}/${this.tenantId}/oauth2/v2.0/token`, certificates: app.certificates, now,
            });
            if (isReply(verdict)) return log(credential, verdict);
            assertion = verdict;
        } else if (form.get("client_secret")) {
            credential = "client-secret";
            const secret = app.secrets.find((s) => s.value === form.get("client_secret"));
            if (!secret) return log(credential, AAD.invalidSecret(clientId));
            if (secret.expiresOn.getTime() <= now.getTime()) return log(credential, AAD.expiredSecret(clientId));
        } else {
            return log(credential, AAD.noCredential());
        }
        const accessToken = await this.mint(scope.replace(/\/\.default$/, ""), clientId, credential === "certificate" ? "2" : "1");
        if (typeof accessToken !== "string") return log(credential, accessToken, assertion);
        return log(credential, json(200, { token_type: "Bearer", expires_in: 3599, ext_expires_in: 3599, access_token: accessToken }), assertion);
    }

    private async mint(resource: string, clientId: string, credentialType: "1" | "2"): Promise<string | Reply> {
        const base = { tenantId: this.tenantId, clientId, credentialType };
        // Cognitive Services' own app registration issues v1 tokens, as in Azure.
        if (resource === COGNITIVE_SERVICES) return mintAccessToken(this.signingKey, { ...base, version: 1, audience: COGNITIVE_SERVICES });
        const api = [...this.apis.values()].find((a) => a.identifierUri === resource || a.clientId === resource);
        if (!api) return AAD.resourceNotFound(resource, this.tenantId);
        const roles = api.appRoleAssignments.get(clientId);
        return mintAccessToken(this.signingKey, {
            ...base,
            version: api.tokenVersion,
            // v2 tokens name the API by its client id; v1 tokens by the identifier URI requested.
            audience: api.tokenVersion === 2 ? api.clientId : api.identifierUri,
            ...(roles && roles.length ? { roles } : {}),
        });
    }
}
