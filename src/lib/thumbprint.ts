import { X509Certificate } from "node:crypto";

export interface Thumbprints {
    /** Upper-case hex SHA-1 of the certificate's DER bytes, as the Azure portal shows it. */
    readonly hex: string;
    /** The same 20 bytes as base64url: the `x5t` header of a client assertion. */
    readonly x5t: string;
    /** SHA-256 of the DER bytes as base64url: the `x5t#S256` header newer Microsoft docs use. */
    readonly x5tS256: string;
    /** The certificate's own end of validity, ISO 8601. */
    readonly notAfter: string;
}

/** Thumbprints of a PEM certificate, computed with Node's X509Certificate (no hand-written DER parsing). */
export function thumbprints(certificatePem: string): Thumbprints {
    const cert = new X509Certificate(certificatePem);
    // fingerprint is "AB:CD:..."; dropping the colons gives the portal's form.
    const hex = cert.fingerprint.replace(/:/g, "").toUpperCase();
    const sha256 = cert.fingerprint256.replace(/:/g, "");
    return {
        hex,
        x5t: hexToBase64Url(hex),
        x5tS256: hexToBase64Url(sha256),
        notAfter: new Date(cert.validTo).toISOString(),
    };
}

export function hexToBase64Url(hex: string): string {
    return Buffer.from(hex, "hex").toString("base64url");
}

export function base64UrlToHex(b64url: string): string {
    return Buffer.from(b64url, "base64url").toString("hex").toUpperCase();
}
