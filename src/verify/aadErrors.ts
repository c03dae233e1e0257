/**
 * Turns a failed token request (an @azure/identity error, which carries Entra ID's AADSTS code in its message)
 * into one cause and the config key or command that fixes it.
 */
import type { CredentialKind } from "./credentials";
import { networkAdvice } from "./serviceErrors";

/** A failed token request in one cause and one fix. */
export interface Explained {
    /** e.g. `AADSTS7000222`, or `network`. */
    readonly code: string;
    readonly cause: string;
    readonly fix: string;
}

/** What the token request was, so the explanation can name values from the outputs. */
export interface TokenErrorContext {
    readonly credential: CredentialKind;
    readonly clientId: string;
    readonly tenantId: string;
    readonly authorityHost: string;
    readonly scope: string;
    /** The certificate's thumbprint from the outputs (certificate credential only). */
    readonly thumbprint?: string;
}

const UP = "run `pulumi up` for this stack";
const FRESH = "read the outputs of the same stack again (`pulumi stack output --json --show-secrets`)";

/** Explains a token error; `message` is the credential's error message. */
export function explainTokenError(message: string, ctx: TokenErrorContext): Explained {
    const code = /AADSTS(\d+)/.exec(message)?.[1];
    const net = networkCode(message);
    if (!code && net) {
        const advice = networkAdvice(net, `the token endpoint at ${ctx.authorityHost}`, "--authority-host (sovereign clouds: https://login.microsoftonline.us, https://login.chinacloudapi.cn)");
        return { code: "network", cause: `cannot reach the token endpoint: ${advice.cause}`, fix: advice.fix };
    }
    if (!code && /\bnetwork_error\b/.test(message)) {
        // MSAL reduces a request that got no answer (DNS, firewall, proxy, no route) to this code, with no cause attached.
        const advice = networkAdvice(undefined, `the token endpoint at ${ctx.authorityHost}`, "--authority-host (sovereign clouds: https://login.microsoftonline.us, https://login.chinacloudapi.cn)");
        return { code: "network", cause: `cannot reach the token endpoint: ${advice.cause} (MSAL network_error)`, fix: advice.fix };
    }
    if (!code && /endpoints_resolution_error/.test(message)) {
        return {
            code: "endpoints_resolution_error",
            cause: `MSAL could not read the OpenID configuration of tenant ${ctx.tenantId} at ${ctx.authorityHost}: the host is unreachable or its TLS certificate is not trusted, the tenant does not exist, or it lives in another cloud`,
            fix: "check `tenantId` and --authority-host; check network and proxy (a TLS-inspecting proxy's CA goes in NODE_EXTRA_CA_CERTS)",
        };
    }
    const c = (cause: string, fix: string): Explained => ({ code: code ? `AADSTS${code}` : "unknown", cause: `${code ? `AADSTS${code}: ` : ""}${cause}`, fix });
    switch (code) {
        case "700027":
            if (/expired/i.test(message)) return c("the certificate uploaded to the app registration has expired", `rotate it: \`foundry-entra:gateway.certificate.rotateEveryDays\` (or a new validityDays), ${UP}, then deliver the new certificate to the gateway`);
            if (/not registered|key was not found/i.test(message)) {
                return c(`the certificate in the outputs (thumbprint ${ctx.thumbprint ?? "?"}) is not registered on app ${ctx.clientId}: the app registration holds another certificate (rotated, or outputs of another stack)`,
                    `${UP} so ApplicationCertificate uploads \`gateway.certificate.certificatePem\`, and ${FRESH}; compare the thumbprint with the app registration's Certificates & secrets`);
            }
            return c("the client assertion's signature does not verify with the uploaded certificate: the private key does not belong to it", `use \`gateway.certificate.privateKeyPem\` together with \`gateway.certificate.certificatePem\` of the same stack; ${FRESH}`);
        case "700024":
            return c("the client assertion is outside its valid time range: this machine's clock is wrong", "synchronise the clock (NTP) and retry");
        case "700021":
        case "50027":
            return c("the token service refused the client assertion (wrong client id or audience)", "check `gateway.clientId` and --authority-host (the assertion's audience is <authority-host>/<tenant>/oauth2/v2.0/token)");
        case "7000215":
            return c(`\`gateway.clientSecret.value\` is not a valid secret of app ${ctx.clientId} (a wrong or rotated value, or the secret's id instead of its value)`, `${FRESH} and deliver \`gateway.clientSecret.value\` to the gateway again`);
        case "7000222":
            return c(`the client secret of app ${ctx.clientId} has expired`, `issue a new one: set \`foundry-entra:gateway.clientSecret.rotateEveryDays\` (or replace the secret), ${UP}, and deliver the new \`gateway.clientSecret.value\`; or use the certificate`);
        case "700016":
            return c(`app ${ctx.clientId} does not exist in tenant ${ctx.tenantId} (deleted, another tenant's outputs, or replication delay right after creation)`, `check \`tenantId\` and \`gateway.clientId\`; ${UP} if the app registration was deleted`);
        case "90002":
            return c(`tenant ${ctx.tenantId} does not exist at ${ctx.authorityHost}`, "check `tenantId`; for a sovereign cloud pass --authority-host");
        case "500011":
            return c(`the resource of scope ${ctx.scope} does not exist in tenant ${ctx.tenantId}`, /^api:\/\//.test(ctx.scope)
                ? `the Foundry Local API app or its service principal is missing: FoundryLocalApi declares both; ${UP}`
                : "request `gateway.tokenScope` (https://cognitiveservices.azure.com/.default)");
        case "501051":
            return c(`app ${ctx.clientId} is not assigned to a role of the resource of ${ctx.scope}`, `assign the app role (FoundryLocalApi assigns FoundryInferenceAccess to the gateway; ${UP})`);
        case "7000218":
            return c("the request carried neither a client assertion nor a client secret", "configure the gateway's certificate or client secret");
        default:
            return c(firstSentence(message), "see docs/troubleshooting.md");
    }
}

/** A network-level failure code (ECONNREFUSED, ENOTFOUND, a TLS verification error) in an error message. */
export function networkCode(message: string): string | undefined {
    return NETWORK_CODE.exec(message)?.[1];
}

/** TLS verification failures: this machine does not trust what answered. */
export const TLS_CODES: readonly string[] = ["UNABLE_TO_VERIFY_LEAF_SIGNATURE", "SELF_SIGNED_CERT_IN_CHAIN", "DEPTH_ZERO_SELF_SIGNED_CERT", "CERT_HAS_EXPIRED", "ERR_TLS_CERT_ALTNAME_INVALID"];
const SOCKET_CODES = ["ECONNREFUSED", "ECONNRESET", "ENOTFOUND", "EAI_AGAIN", "ETIMEDOUT"];
const NETWORK_CODE = new RegExp(`\\b(${[...SOCKET_CODES, ...TLS_CODES].join("|")})\\b`);

/** The first line of an error message without Entra's trace, correlation and timestamp tail. */
export function firstSentence(message: string): string {
    const line = message.split("\n")[0] ?? message;
    return line.replace(/\s*(Trace ID|Correlation ID|Timestamp):.*$/i, "").replace(/^.*Description:\s*/, "").trim();
}
