/**
 * Would Azure OpenAI / Foundry, or the Foundry Local authentication sidecar, accept this access token, and
 * if not, why and what fixes it. The rules follow Microsoft Learn (see docs/troubleshooting.md); the same
 * function serves `npm run verify` (on tokens it just acquired) and `npm run token-doctor` (on any token).
 */
import { CLOCK_SKEW_MS } from "./constants";
import type { DecodedToken } from "./decode";
import { issuerTenant } from "./decode";
import { fail, info, pass, warn, type Finding } from "./finding";
import { azureOpenAiFindings } from "./azureOpenAiRules";
import { foundryLocalFindings } from "./foundryLocalRules";

/** Who would receive the token. */
export type Target = "azure-openai" | "foundry-local";
export const TARGETS: readonly Target[] = ["azure-openai", "foundry-local"];
export const TARGET_LABELS: Readonly<Record<Target, string>> = {
    "azure-openai": "Azure OpenAI / Foundry",
    "foundry-local": "Foundry Local sidecar",
};

/** What the token should say; anything left out is reported, not compared. */
export interface Expectations {
    /** The stack's `tenantId`. */
    readonly tenantId?: string;
    /** The caller's client id (`appid`/`azp`), e.g. `gateway.clientId`. */
    readonly clientId?: string;
    /** The Foundry Local API app: `foundryLocal.clientId`, its app role and delegated scope value. */
    readonly foundryLocal?: { readonly clientId?: string; readonly appRole?: string; readonly scopeValue?: string };
    readonly now: Date;
}

/** One target's verdict on a token, with every finding behind it. */
export interface Assessment {
    readonly target: Target;
    /** True when no finding failed. */
    readonly accepted: boolean;
    readonly findings: readonly Finding[];
}

/** Applies the common rules (expiry, tenant, caller) and the target's own rules. */
export function assessToken(token: DecodedToken, target: Target, expect: Expectations): Assessment {
    const findings = [
        ...integrityFindings(token),
        ...(target === "azure-openai" ? azureOpenAiFindings(token) : foundryLocalFindings(token, expect.foundryLocal)),
        ...(token.claims.exp !== undefined && !token.expiresAt ? [] : [expiryFinding(token, expect.now)]),
        ...tenantFindings(token, expect.tenantId),
        ...(expect.clientId ? [callerFinding(token, expect.clientId)] : []),
    ];
    return { target, accepted: !findings.some((f) => f.status === "fail"), findings };
}

const minutes = (ms: number) => `${Math.round(ms / 60_000)} min`;

const FORGED = "request a new token from Entra ID (a gateway's credential does this itself); never build or edit one by hand";

/**
 * What no service accepts, whatever the target: a token without a signature (`alg: none`, or the signature cut
 * off), one not signed with RS256 (the only algorithm Entra ID signs access tokens with), and claims of a type
 * or range Entra ID never issues. The signature itself is not checked: only the service receiving the token holds
 * the keys to (and this tool stays offline).
 */
function integrityFindings(token: DecodedToken): Finding[] {
    const out: Finding[] = [];
    const alg = token.header.alg;
    if (alg === undefined || alg.toLowerCase() === "none") {
        out.push(fail(`the token is unsigned (alg ${alg ?? "missing"})`, "Entra ID signs every access token with RS256; an unsigned token is forged, and every service refuses it", FORGED));
    } else if (token.signature === "") {
        out.push(fail(`the token has no signature (alg ${alg}, signature part empty)`, "the signature was cut off or never made; every service refuses the token", FORGED));
    } else if (alg !== "RS256") {
        out.push(fail(`the token is signed with ${alg}, not RS256`, "Entra ID signs access tokens with RS256 only; this one was not issued by Entra ID", FORGED));
    }
    for (const problem of token.claimProblems) {
        out.push(fail(problem, "Entra ID never issues such a claim: the token is malformed or was not issued by Entra ID", FORGED));
    }
    return out;
}
const NEW_TOKEN = "request a new token (a gateway's credential does this itself; access tokens live about an hour)";

function expiryFinding(token: DecodedToken, now: Date): Finding {
    const { expiresAt, notBefore } = token;
    if (!expiresAt) return fail("the token has no exp claim", "Entra ID access tokens always carry exp; this one was not issued by Entra ID", NEW_TOKEN);
    if (notBefore && notBefore.getTime() - CLOCK_SKEW_MS > now.getTime()) {
        return fail(`not valid before ${notBefore.toISOString()}`, "the clock of this machine or of the issuer is wrong", "synchronise the clock (NTP), then request a new token");
    }
    const left = expiresAt.getTime() - now.getTime();
    if (left <= 0) return fail(`expired at ${expiresAt.toISOString()} (${minutes(-left)} ago)`, "an expired token is refused with 401", NEW_TOKEN);
    if (left < CLOCK_SKEW_MS) return warn(`expires at ${expiresAt.toISOString()} (in ${minutes(left)})`, "it will be refused within minutes", NEW_TOKEN);
    return pass(`valid until ${expiresAt.toISOString()} (${minutes(left)} left)`);
}

function tenantFindings(token: DecodedToken, expected: string | undefined): Finding[] {
    const tid = token.tenantId?.toLowerCase();
    const fromIssuer = issuerTenant(token.issuer);
    const fixTenant = "request the token from https://login.microsoftonline.com/<tenantId>/ with the stack's `tenantId` output; Foundry Local's extension setting `entraAuth.tenantId` must name the same tenant";
    if (!tid) return [fail("the token has no tid claim", "Entra ID access tokens always carry tid", fixTenant)];
    const out: Finding[] = [];
    if (fromIssuer && fromIssuer !== tid) out.push(fail(`issuer tenant ${fromIssuer} differs from tid ${tid}`, "the token is malformed or not from Entra ID", fixTenant));
    if (!expected) out.push(info(`tenant ${tid} (not compared: pass --tenant or --outputs)`));
    else if (expected.toLowerCase() !== tid) out.push(fail(`issued by tenant ${tid}, expected ${expected}`, "the token comes from another tenant than the stack's", fixTenant));
    else out.push(pass(`tenant ${tid}`));
    return out;
}

function callerFinding(token: DecodedToken, expected: string): Finding {
    if (token.clientId?.toLowerCase() === expected.toLowerCase()) return pass(`issued to client ${token.clientId} (${token.claims.appid ? "appid" : "azp"})`);
    return fail(
        `issued to client ${token.clientId ?? "(no appid or azp)"}, expected ${expected}`,
        "the token was requested with another application's credentials",
        "use the stack's `gateway.clientId` with its certificate or client secret",
    );
}
