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
}

/** The input is not a compact JWS (three base64url parts with JSON header and payload). */
export class NotAJwtError extends Error {
    constructor(reason: string) {
        super(`not a JWT: ${reason}`);
        this.name = "NotAJwtError";
    }
}

const GUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
const V1_ISSUER = new RegExp(`^https://sts\\.[a-z0-9.-]+/(${GUID})/$`, "i");
const V2_ISSUER = new RegExp(`^https://login\\.[a-z0-9.-]+/(${GUID})/v2\\.0$`, "i");

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
    const str = (k: string) => (typeof c[k] === "string" ? (c[k] as string) : undefined);
    const scopes = (str("scp") ?? "").split(" ").filter((s) => s !== "");
    const roles = Array.isArray(c.roles) ? c.roles.filter((r): r is string => typeof r === "string") : [];
    const audiences = typeof c.aud === "string" ? [c.aud] : Array.isArray(c.aud) ? c.aud : [];
    const date = (s: unknown) => (typeof s === "number" ? new Date(s * 1000) : undefined);
    return {
        raw,
        header: {
            alg: typeof header.alg === "string" ? header.alg : undefined,
            kid: typeof header.kid === "string" ? header.kid : undefined,
            typ: typeof header.typ === "string" ? header.typ : undefined,
        },
        claims: c,
        version: str("ver"),
        issuer: c.iss,
        issuerKind: issuerKind(c.iss),
        tenantId: str("tid"),
        clientId: str("appid") ?? str("azp"),
        audiences,
        scopes,
        roles,
        callerKind: scopes.length > 0 ? "user" : "application",
        expiresAt: date(c.exp),
        notBefore: date(c.nbf),
        issuedAt: date(c.iat),
    };
}
