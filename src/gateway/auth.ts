/**
 * Picks how the gateway signs in (certificate, client secret or workload identity) from the stack outputs
 * and what the gateway format supports, and assembles the credential: for a certificate, the private key
 * with the certificate appended, checked to be a matching pair, and its thumbprints checked against the
 * certificate itself.
 */
import { X509Certificate, createPrivateKey, type KeyObject } from "node:crypto";
import { keyAndCertificatePem } from "../lib/pem";
import { thumbprints } from "../lib/thumbprint";
import { GatewayConfigError } from "./errors";
import type { CertificateOutputs, FederatedCredentialOutputs, StackOutputs } from "./outputs";

export const AUTH_MODES = ["certificate", "client-secret", "workload-identity"] as const;
export type AuthMode = (typeof AUTH_MODES)[number];

interface Identity {
    readonly tenantId: string;
    readonly clientId: string;
    /** The scope tokens are requested for (`gateway.tokenScope`). */
    readonly tokenScope: string;
}

export interface CertificateAuth extends Identity {
    readonly mode: "certificate";
    /** PEM private key followed by the PEM certificate: what signs the client assertion, and what it names. */
    readonly bundlePem: string;
    /** Upper-case hex SHA-1 of the certificate, as the Azure portal shows it. */
    readonly thumbprintHex: string;
    /** The same SHA-1 as base64url (the JWT `x5t` header). */
    readonly x5t: string;
    readonly notAfter: string;
}

export interface ClientSecretAuth extends Identity {
    readonly mode: "client-secret";
    readonly clientSecret: string;
    readonly expiresOn: string;
}

export interface WorkloadIdentityAuth extends Identity {
    readonly mode: "workload-identity";
    /** The federated credentials the gateway's workload can sign in with (at least one). */
    readonly federatedCredentials: readonly FederatedCredentialOutputs[];
}

export type GatewayAuth = CertificateAuth | ClientSecretAuth | WorkloadIdentityAuth;

/** What a gateway format can do with each auth mode. */
export interface AuthSupport {
    /** The modes the format supports. */
    readonly supported: readonly AuthMode[];
    /** For each unsupported mode: why, and what to use instead (one sentence). */
    readonly unsupported: Partial<Record<AuthMode, string>>;
}

/** Why a mode cannot be used with these outputs, or undefined when it can. */
function unavailable(outputs: StackOutputs, mode: AuthMode): string | undefined {
    const g = outputs.gateway;
    switch (mode) {
        case "certificate":
            return g.certificate ? undefined : "gateway.certificate is absent: was the stack deployed with certificate: false?";
        case "client-secret":
            return g.clientSecret ? undefined : "gateway.clientSecret is absent: was the stack deployed with clientSecret: false?";
        case "workload-identity":
            return g.federatedCredentials.length > 0 ? undefined
                : "gateway.federatedCredentials is empty: workload identity needs a federated credential for the gateway's service account (foundry-entra:gateway.federatedCredentials)";
    }
}

/**
 * The credential for `format`: `requested` if given (refused with a reason when the format or the outputs
 * cannot provide it), else the first of certificate, client secret, workload identity that both can.
 */
export function resolveAuth(outputs: StackOutputs, requested: AuthMode | undefined, format: string, support: AuthSupport): GatewayAuth {
    if (requested) {
        if (!support.supported.includes(requested)) {
            throw new GatewayConfigError(`${format} has no ${requested} option: ${support.unsupported[requested] ?? `use --auth ${support.supported.join(" or ")}`}`);
        }
        const why = unavailable(outputs, requested);
        if (why) throw new GatewayConfigError(`--auth ${requested}: ${why}`);
        return build(outputs, requested);
    }
    const mode = AUTH_MODES.find((m) => support.supported.includes(m) && !unavailable(outputs, m));
    if (!mode) {
        const reasons = support.supported.map((m) => unavailable(outputs, m)).join("; ");
        throw new GatewayConfigError(`no credential ${format} can use: ${reasons}`);
    }
    return build(outputs, mode);
}

function build(outputs: StackOutputs, mode: AuthMode): GatewayAuth {
    const g = outputs.gateway;
    const identity = { tenantId: outputs.tenantId, clientId: g.clientId, tokenScope: g.tokenScope };
    if (mode === "certificate" && g.certificate) return { mode, ...identity, ...certificateBundle(g.certificate) };
    if (mode === "client-secret" && g.clientSecret) {
        return { mode, ...identity, clientSecret: g.clientSecret.value, expiresOn: g.clientSecret.expiresOn };
    }
    return { mode: "workload-identity", ...identity, federatedCredentials: g.federatedCredentials };
}

function readKey(pem: string): KeyObject {
    try {
        return createPrivateKey(pem);
    } catch (err) {
        throw new GatewayConfigError(`gateway.certificate.privateKeyPem is not a readable private key (${(err as Error).message})`);
    }
}

function readCertificate(pem: string): X509Certificate {
    try {
        return new X509Certificate(pem);
    } catch (err) {
        throw new GatewayConfigError(`gateway.certificate.certificatePem is not a readable certificate (${(err as Error).message})`);
    }
}

/**
 * The private key with the certificate appended (private key first), after checking that the key belongs
 * to the certificate and that the exported thumbprints are the certificate's own.
 */
export function certificateBundle(cert: CertificateOutputs): Pick<CertificateAuth, "bundlePem" | "thumbprintHex" | "x5t" | "notAfter"> {
    const key = readKey(cert.privateKeyPem);
    const x509 = readCertificate(cert.certificatePem);
    if (!x509.checkPrivateKey(key)) {
        throw new GatewayConfigError("gateway.certificate.privateKeyPem does not belong to gateway.certificate.certificatePem: are the outputs from two different runs?");
    }
    const actual = thumbprints(cert.certificatePem);
    if (actual.hex !== cert.thumbprint.toUpperCase()) {
        throw new GatewayConfigError(`gateway.certificate.thumbprint ${cert.thumbprint} is not the SHA-1 of gateway.certificate.certificatePem (${actual.hex})`);
    }
    if (actual.x5t !== cert.x5t) {
        throw new GatewayConfigError(`gateway.certificate.x5t ${cert.x5t} is not the base64url SHA-1 of gateway.certificate.certificatePem (${actual.x5t})`);
    }
    return { bundlePem: keyAndCertificatePem(cert.privateKeyPem, cert.certificatePem), thumbprintHex: actual.hex, x5t: actual.x5t, notAfter: cert.notAfter };
}

/** Warnings for a credential that has expired or expires within `withinDays` of `now`. */
export function expiryNotes(auth: GatewayAuth, now: Date, withinDays = 30): string[] {
    const end = auth.mode === "certificate" ? auth.notAfter : auth.mode === "client-secret" ? auth.expiresOn : undefined;
    const what = auth.mode === "certificate" ? "gateway.certificate.notAfter" : "gateway.clientSecret.expiresOn";
    if (!end) return [];
    const date = new Date(end);
    if (Number.isNaN(date.getTime())) return [`${what} "${end}" is not a date; check the credential's expiry yourself`];
    const days = Math.floor((date.getTime() - now.getTime()) / 86_400_000);
    const code = auth.mode === "client-secret" ? " (AADSTS7000222)" : "";
    if (days < 0) return [`${what} ${end} has passed: the gateway's sign-in will fail${code}; run pulumi up to renew it`];
    if (days <= withinDays) return [`${what} ${end} is ${days} day${days === 1 ? "" : "s"} away; rotate with pulumi up before then`];
    return [];
}
