/**
 * Everything verify checks with one gateway credential: a token for Azure OpenAI (decoded and judged by the
 * shared token rules), an authenticated call per account, and, when configured, a Foundry Local token and call.
 */
import { getBearerTokenProvider, type TokenCredential } from "@azure/identity";
import { messageOf } from "../lib/cli";
import { decodeAccessToken, type DecodedToken } from "../token/decode";
import { expectationsFromOutputs } from "../token/doctor";
import { assessToken, type Assessment, type Expectations } from "../token/rules";
import { explainTokenError } from "./aadErrors";
import { callAccount } from "./azureOpenAi";
import type { Check, CheckGroup } from "./checklist";
import type { Finding } from "../token/finding";
import { acquireToken, CREDENTIAL_LABELS, createCredential, type CredentialKind } from "./credentials";
import { callFoundryLocal, PROBE_MODEL } from "./foundryLocal";
import type { StackOutputs } from "./outputs";
import { callWithRbacWait, type WaitContext } from "./waiting";

/** What a credential's checks need from the run. */
export interface CredentialCheckOptions {
    readonly outputs: StackOutputs;
    readonly accounts: readonly string[];
    readonly authorityHost: string;
    readonly apiVersion: string;
    /**
     * Foundry Local: one endpoint and the models its `/v1/models` listed (called here), or `"token"` for a fleet: only
     * the token is requested here, and the sites are called by `verifySites`. @default Foundry Local is not checked
     */
    readonly foundryLocal?: { readonly endpoint: string; readonly models: readonly string[] } | "token";
    readonly now: () => Date;
    readonly wait: WaitContext;
}

/** A Foundry Local token one credential got, and the token rules' findings on it (they explain an `invalid_token`). */
export interface FoundryLocalToken {
    readonly raw: string;
    readonly findings: readonly Finding[];
}

/**
 * The checklist group of one credential: tokens, account calls and the Foundry Local call; for a fleet, also the
 * Foundry Local token the sites are called with.
 */
export async function credentialGroup(kind: CredentialKind, o: CredentialCheckOptions): Promise<{ group: CheckGroup; foundryLocalToken?: FoundryLocalToken }> {
    const checks: Check[] = [];
    const title = kind === "certificate" ? `${CREDENTIAL_LABELS[kind]} (thumbprint ${o.outputs.gateway.certificate?.thumbprint})` : CREDENTIAL_LABELS[kind];
    const credential = createCredential(kind, o.outputs, o.authorityHost);
    const scope = o.outputs.gateway.tokenScope;
    const token = await tokenCheck(`${kind}.token`, kind, credential, scope, o, (t) => assessToken(t, "azure-openai", expectations(o)));
    checks.push(...token.checks);
    if (token.raw) {
        const getToken = getBearerTokenProvider(credential, scope);
        for (const name of o.accounts) {
            const account = o.outputs.accounts[name];
            if (!account) continue;
            checks.push(await callWithRbacWait(`${kind}.account.${name}`, name, () => callAccount({ name, account, apiVersion: o.apiVersion }, getToken), o.wait));
        }
    }
    const fl = o.outputs.foundryLocal;
    const target = o.foundryLocal;
    if (!fl || !target) return { group: { title, checks } };
    const flToken = await tokenCheck(`${kind}.foundryLocal.token`, kind, credential, fl.appScope, o, (t) => assessToken(t, "foundry-local", expectations(o)));
    checks.push(...flToken.checks);
    const raw = flToken.raw;
    if (!raw) return { group: { title, checks } };
    const findings = flToken.assessment?.findings ?? [];
    if (target === "token") return { group: { title, checks }, foundryLocalToken: { raw, findings } };
    const model = target.models[0] ?? PROBE_MODEL;
    checks.push(await callWithRbacWait(`${kind}.foundryLocal.call`, "Foundry Local", () => callFoundryLocal(target.endpoint, raw, model, findings), o.wait));
    return { group: { title, checks } };
}

/** The stack's tenant, the gateway as the caller, and the Foundry Local API app. */
function expectations(o: CredentialCheckOptions): Expectations {
    return { ...expectationsFromOutputs(o.outputs, o.now()), clientId: o.outputs.gateway.clientId };
}

interface TokenOutcome {
    readonly checks: Check[];
    /** The token when one was issued, even one the rules reject: the service's own answer is called for too. */
    readonly raw?: string;
    readonly assessment?: Assessment;
}

async function tokenCheck(id: string, kind: CredentialKind, credential: TokenCredential, scope: string, o: CredentialCheckOptions, assess: (t: DecodedToken) => Assessment): Promise<TokenOutcome> {
    const result = await acquireToken(credential, scope);
    if (!result.ok) {
        const x = explainTokenError(result.message, { credential: kind, clientId: o.outputs.gateway.clientId, tenantId: o.outputs.tenantId, authorityHost: o.authorityHost, scope, thumbprint: o.outputs.gateway.certificate?.thumbprint });
        return { checks: [{ id, status: "fail", title: `token for ${scope}: refused (${x.code})`, cause: x.cause, fix: x.fix }] };
    }
    let token: DecodedToken;
    try {
        token = decodeAccessToken(result.token);
    } catch (err) {
        return { checks: [{ id, status: "fail", title: `token for ${scope}: ${messageOf(err)}`, cause: "Entra ID access tokens are JWTs; something else answered at the authority host", fix: "check --authority-host" }] };
    }
    const assessment = assess(token);
    const summary = `v${token.version ?? "?"}, tid ${token.tenantId}, ${token.claims.appid ? "appid" : "azp"} ${token.clientId}${token.roles.length ? `, roles [${token.roles.join(", ")}]` : ""}`;
    const data = { version: token.version, issuer: token.issuer, audience: token.audiences, tenantId: token.tenantId, clientId: token.clientId, roles: token.roles, expiresAt: token.expiresAt?.toISOString() };
    const problems = assessment.findings.filter((f) => f.status === "fail" || f.status === "warn")
        .map((f, i): Check => ({ ...f, id: `${id}.${i + 1}`, title: `token for ${scope}: ${f.title}` }));
    const head: Check = { id, status: assessment.accepted ? "pass" : "info", title: `token for ${scope}${assessment.accepted ? "" : " issued"}: ${summary}`, data };
    return { raw: result.token, assessment, checks: [head, ...problems] };
}
