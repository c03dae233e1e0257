/**
 * Decodes an Entra ID access token into the facts the acceptance rules need. Decoding only: the signature is
 * not checked (only the service that receives a token can do that), which is what a diagnostic tool wants.
 * Parsing is jose's `decodeJwt` / `decodeProtectedHeader`; nothing here splits or base64-decodes by hand.
 */
import { decodeJwt, decodeProtectedHeader, type JWTPayload } from "jose";
import { messageOf } from "../lib/cli";

/** `v1`: issuer `https://sts.windows.net/<tenant>/`; `v2`: issuer `https://login.microsoftonline.com/<tenant>/v2.0`. */
export type IssuerKind = "v1" | "v2" | "other" | "missing";

/** The facts of an access token the acceptance rules use, with every claim kept in `claims`. */
export interface DecodedToken {
    /** The compact JWT, as given (without a `Bearer ` prefix). */
    readonly raw: string;
    readonly header: { readonly alg?: string; readonly kid?: string; readonly typ?: string };
    /** Every claim, untouched. */
    readonly claims: JWTPayload & Record<string, unknown>;
    /** The `ver` claim (`"1.0"` or `"2.0"`), or undefined when absent. */
    readonly version?: string;
    readonly issuer?: string;
    readonly issuerKind: IssuerKind;
    /** `tid`. */
    readonly tenantId?: string;
    /** The calling application: `appid` (v1) or `azp` (v2). */
    readonly clientId?: string;
    readonly audiences: readonly string[];
    /** `scp`, split on spaces: present on user (delegated) tokens only. */
    readonly scopes: readonly string[];
    /** `roles`: app roles assigned to the caller. */
    readonly roles: readonly string[];
    /** `user` when the token carries `scp` (delegated), else `application`. */
    readonly callerKind: "user" | "application";
    readonly expiresAt?: Date;
    readonly notBefore?: Date;
    readonly issuedAt?: Date;
    /** The third part of the compact JWS: empty for an unsigned token. */
    readonly signature: string;
    /** Claims of a type or range no Entra ID token has (a number `aud`, an `exp` in the year 318857), as lines. */
    readonly claimProblems: readonly string[];
}

/** The input is not a compact JWS (three base64url parts with JSON header and payload). */
export class NotAJwtError extends Error {
    constructor(reason: string) {
        super(`not a JWT: ${reason}`);
        this.name = "NotAJwtError";
    }
}

const GUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
/**
 * The hosts Entra ID issues tokens from, per cloud (Microsoft Learn, "National clouds: Microsoft Entra
 * authentication endpoints", https://learn.microsoft.com/entra/identity-platform/authentication-national-cloud):
 * v1 tokens name the STS (`sts.windows.net`, `sts.chinacloudapi.cn`), v2 tokens the login endpoint. Exact hosts,
 * never a pattern: `https://sts.attacker.net/<tenant>/` and `https://login.evil.com/<tenant>/v2.0` are not Entra ID.
 */
const V1_HOSTS = ["sts.windows.net", "sts.chinacloudapi.cn"].map((h) => h.replace(/\./g, "\\."));
const V2_HOSTS = ["login.microsoftonline.com", "login.microsoftonline.us", "login.chinacloudapi.cn", "login.partner.microsoftonline.cn"].map((h) => h.replace(/\./g, "\\."));
const V1_ISSUER = new RegExp(`^https://(?:${V1_HOSTS.join("|")})/(${GUID})/$`, "i");
const V2_ISSUER = new RegExp(`^https://(?:${V2_HOSTS.join("|")})/(${GUID})/v2\\.0$`, "i");

/** The latest NumericDate a token may carry: 9999-12-31T23:59:59Z (later ones are no date JavaScript or Entra knows). */
export const MAX_NUMERIC_DATE = 253_402_300_799;

/** Which token format an issuer belongs to. */
export function issuerKind(issuer: string | undefined): IssuerKind {
    if (!issuer) return "missing";
    if (V1_ISSUER.test(issuer)) return "v1";
    if (V2_ISSUER.test(issuer)) return "v2";
    return "other";
}

/** The tenant id an Entra issuer names, if it is one. */
export function issuerTenant(issuer: string | undefined): string | undefined {
    if (!issuer) return undefined;
    return (V1_ISSUER.exec(issuer) ?? V2_ISSUER.exec(issuer))?.[1]?.toLowerCase();
}

/** Decodes an access token; throws NotAJwtError when the input is not a JWT. Accepts a leading `Bearer `. */
export function decodeAccessToken(input: string): DecodedToken {
    const raw = input.trim().replace(/^Bearer\s+/i, "");
    if (raw === "") throw new NotAJwtError("the input is empty");
    if (raw.split(".").length !== 3) throw new NotAJwtError(`expected three dot-separated parts, got ${raw.split(".").length}`);
    let header: ReturnType<typeof decodeProtectedHeader>;
    let claims: JWTPayload;
    try {
        header = decodeProtectedHeader(raw);
        claims = decodeJwt(raw);
    } catch (err) {
        throw new NotAJwtError(messageOf(err));
    }
    const c = claims as JWTPayload & Record<string, unknown>;
    const problems: string[] = [];
    const str = (k: string) => {
        const v = c[k];
        if (v === undefined || typeof v === "string") return v;
        problems.push(`${k} holds ${kind(v)}, not a string`);
        return undefined;
    };
    const strings = (k: string, v: unknown): string[] => {
        if (v === undefined) return [];
        const list = Array.isArray(v) ? v : [v];
        const bad = list.find((x) => typeof x !== "string");
        if (bad !== undefined) problems.push(`${k} holds ${kind(bad)}, not a string`);
        return list.filter((x): x is string => typeof x === "string");
    };
    /** A NumericDate (seconds since 1970) as a Date; a problem when it is not one Entra could issue. */
    const date = (k: string): Date | undefined => {
        const v = c[k];
        if (v === undefined) return undefined;
        if (typeof v !== "number" || !Number.isFinite(v) || v < 0 || v > MAX_NUMERIC_DATE) {
            problems.push(`${k} ${typeof v === "number" ? String(v) : kind(v)} is not a time (seconds since 1970, before the year 10000)`);
            return undefined;
        }
        return new Date(v * 1000);
    };
    const scopes = (str("scp") ?? "").split(" ").filter((s) => s !== "");
    const issuer = str("iss");
    return {
        raw,
        header: {
            alg: typeof header.alg === "string" ? header.alg : undefined,
            kid: typeof header.kid === "string" ? header.kid : undefined,
            typ: typeof header.typ === "string" ? header.typ : undefined,
        },
        claims: c,
        version: str("ver"),
        issuer,
        issuerKind: issuerKind(issuer),
        tenantId: str("tid"),
        clientId: str("appid") ?? str("azp"),
        audiences: strings("aud", c.aud),
        scopes,
        roles: strings("roles", c.roles),
        callerKind: scopes.length > 0 ? "user" : "application",
        expiresAt: date("exp"),
        notBefore: date("nbf"),
        issuedAt: date("iat"),
        signature: raw.split(".")[2] ?? "",
        claimProblems: problems,
    };
}

/** How a finding names a value of the wrong type, without quoting it. */
function kind(v: unknown): string {
    if (v === null) return "null";
    if (Array.isArray(v)) return "a list";
    return typeof v === "object" ? "an object" : `a ${typeof v}`;
}
