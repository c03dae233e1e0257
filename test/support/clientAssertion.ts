/**
 * Verifies an RFC 7523 client assertion the way Entra ID does: the `x5t` (SHA-1) or `x5t#S256` header must name a
 * certificate uploaded to the app, the signature must verify with that certificate's key, `aud` must be the
 * token endpoint, `iss` = `sub` = the client id, and the assertion must be within its time range.
 */
import { createHash, createPublicKey, X509Certificate } from "node:crypto";
import { decodeProtectedHeader, errors, jwtVerify, type JWTPayload } from "jose";
import { AAD } from "./aadErrors";
import type { Reply } from "./https";

export interface UploadedCertificate {
    readonly pem: string;
    /** Entra refuses keys past their end date. @default the certificate's notAfter */
    readonly endDate?: Date;
}

/** What the token service learned from an assertion it accepted. */
export interface AcceptedAssertion {
    readonly alg: string;
    /** Which thumbprint header the client sent. */
    readonly thumbprintHeader: "x5t" | "x5t#S256";
    readonly thumbprintHex: string;
}

const digest = (alg: "sha1" | "sha256", pem: string) => createHash(alg).update(new X509Certificate(pem).raw).digest("base64url");

export async function verifyClientAssertion(assertion: string, expect: { clientId: string; tokenEndpoint: string; certificates: readonly UploadedCertificate[]; now: Date }): Promise<AcceptedAssertion | Reply> {
    let header: ReturnType<typeof decodeProtectedHeader>;
    try {
        header = decodeProtectedHeader(assertion);
    } catch {
        return AAD.assertionInvalid("the client assertion is not a JWS");
    }
    const s256 = typeof header["x5t#S256"] === "string" ? header["x5t#S256"] : undefined;
    const s1 = typeof header.x5t === "string" ? header.x5t : undefined;
    const presented = s256 ?? s1;
    if (!presented) return AAD.assertionInvalid("the client assertion has no x5t or x5t#S256 header");
    const thumbprintHex = Buffer.from(presented, "base64url").toString("hex").toUpperCase();
    const uploaded = expect.certificates.find((c) => (s256 ? digest("sha256", c.pem) === s256 : digest("sha1", c.pem) === s1));
    if (!uploaded) return AAD.certificateNotRegistered(expect.clientId, thumbprintHex);
    const endDate = uploaded.endDate ?? new Date(new X509Certificate(uploaded.pem).validTo);
    if (endDate.getTime() <= expect.now.getTime()) return AAD.certificateExpired(expect.clientId, thumbprintHex);
    let payload: JWTPayload;
    try {
        ({ payload } = await jwtVerify(assertion, createPublicKey(uploaded.pem), {
            algorithms: ["RS256", "PS256"],
            audience: expect.tokenEndpoint,
            requiredClaims: ["exp", "nbf", "jti", "iss", "sub"],
            currentDate: expect.now,
            clockTolerance: 300, // Entra tolerates five minutes of skew; MSAL rounds nbf to the nearest second
        }));
    } catch (err) {
        if (err instanceof errors.JWSSignatureVerificationFailed) return AAD.badSignature();
        if (err instanceof errors.JWTExpired) return AAD.assertionTime();
        if (err instanceof errors.JWTClaimValidationFailed) return err.claim === "nbf" ? AAD.assertionTime() : AAD.assertionInvalid(`claim ${err.claim}: ${err.reason}`);
        return AAD.assertionInvalid(err instanceof Error ? err.message : String(err));
    }
    if (payload.iss !== expect.clientId || payload.sub !== expect.clientId) return AAD.assertionClientMismatch();
    return { alg: String(header.alg), thumbprintHeader: s256 ? "x5t#S256" : "x5t", thumbprintHex };
}

export const isReply = (v: AcceptedAssertion | Reply): v is Reply => "status" in v;
