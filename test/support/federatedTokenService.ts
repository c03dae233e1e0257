/**
 * The local token service (tokenService.ts) plus what workload identity needs: a client assertion that is not
 * signed by an uploaded certificate but is a token of an external issuer (a Kubernetes service-account token),
 * accepted when it matches a federated credential of the app the way Entra ID matches one: issuer and subject
 * equal, audience `api://AzureADTokenExchange`, signed by the issuer's key, within its lifetime. It also keeps
 * every access token it issued, so a test can check that a gateway forwarded exactly that token.
 */
import type { KeyObject } from "node:crypto";
import { decodeProtectedHeader, jwtVerify } from "jose";
import { AAD } from "./aadErrors";
import { json, type Reply, type Request } from "./https";
import { COGNITIVE_SERVICES, TokenService } from "./tokenService";
import { mintAccessToken } from "./tokens";

/** The audience Entra ID expects on a federated token (the default of a federated identity credential). */
export const TOKEN_EXCHANGE_AUDIENCE = "api://AzureADTokenExchange";

export interface FederatedCredential {
    readonly issuer: string;
    readonly subject: string;
}

export class FederatedTokenService extends TokenService {
    /** Client id → the federated credentials on that app. */
    readonly federated = new Map<string, FederatedCredential[]>();
    /** Issuer → the public key its tokens are signed with (Entra ID fetches it from the issuer's JWKS). */
    readonly issuerKeys = new Map<string, KeyObject>();
    /** Every access token issued, in order, with how the client signed in. */
    readonly issued: { clientId: string; credential: "federated" | "client-secret" | "certificate"; token: string }[] = [];

    protected override async handle(req: Request): Promise<Reply> {
        const form = new URLSearchParams(req.body);
        const isToken = req.method === "POST" && req.path === `/${this.tenantId}/oauth2/v2.0/token`;
        const assertion = form.get("client_assertion");
        if (isToken && assertion && !this.hasThumbprint(assertion)) return this.federatedToken(form.get("client_id") ?? "", assertion, form.get("scope") ?? "");
        const reply = await super.handle(req);
        const token = (reply.json as { access_token?: string } | undefined)?.access_token;
        if (isToken && reply.status === 200 && token) {
            this.issued.push({ clientId: form.get("client_id") ?? "", credential: assertion ? "certificate" : "client-secret", token });
        }
        return reply;
    }

    private hasThumbprint(assertion: string): boolean {
        try {
            const header = decodeProtectedHeader(assertion);
            return typeof header.x5t === "string" || typeof header["x5t#S256"] === "string";
        } catch {
            return false;
        }
    }

    private async federatedToken(clientId: string, assertion: string, scope: string): Promise<Reply> {
        const credentials = this.federated.get(clientId);
        if (!credentials) return AAD.appNotFound(clientId, this.tenantId);
        let claims: { iss?: string; sub?: string };
        try {
            const unverified = JSON.parse(Buffer.from(assertion.split(".")[1] ?? "", "base64url").toString("utf8")) as { iss?: string };
            const key = this.issuerKeys.get(unverified.iss ?? "");
            if (!key) return AAD.assertionInvalid(`no federated credential issuer ${unverified.iss ?? "(none)"} is known`);
            ({ payload: claims } = await jwtVerify(assertion, key, { audience: TOKEN_EXCHANGE_AUDIENCE, issuer: unverified.iss ?? "" }));
        } catch (err) {
            return AAD.assertionInvalid(err instanceof Error ? err.message : String(err));
        }
        if (!credentials.some((c) => c.issuer === claims.iss && c.subject === claims.sub)) {
            // AADSTS70021: No matching federated identity record found for presented assertion.
            return json(400, { error: "invalid_request", error_description: `AADSTS70021: No matching federated identity record found for presented assertion. Assertion Issuer: '${claims.iss}'. Assertion Subject: '${claims.sub}'.` });
        }
        if (scope.split(" ").find((s) => s.endsWith("/.default"))?.replace(/\/\.default$/, "") !== COGNITIVE_SERVICES) {
            return AAD.resourceNotFound(scope, this.tenantId);
        }
        const token = await mintAccessToken(this.signingKey, { version: 1, tenantId: this.tenantId, audience: COGNITIVE_SERVICES, clientId, credentialType: "2" });
        this.issued.push({ clientId, credential: "federated", token });
        return json(200, { token_type: "Bearer", expires_in: 3599, ext_expires_in: 3599, access_token: token });
    }
}
