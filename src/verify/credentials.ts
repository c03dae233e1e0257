/**
 * The gateway's credentials as @azure/identity sees them: `ClientCertificateCredential` from the private key and
 * certificate PEMs of the outputs, `ClientSecretCredential` from the secret value. Nothing is hand-rolled: the
 * same library a gateway would use signs the client assertion and talks to the token endpoint.
 */
import { ClientCertificateCredential, ClientSecretCredential, type TokenCredential } from "@azure/identity";
import { messageOf } from "../lib/cli";
import { keyAndCertificatePem } from "../lib/pem";
import type { StackOutputs } from "./outputs";

/** The gateway credentials verify can test. */
export type CredentialKind = "certificate" | "client-secret";
export const CREDENTIAL_KINDS: readonly CredentialKind[] = ["certificate", "client-secret"];
export const CREDENTIAL_LABELS: Readonly<Record<CredentialKind, string>> = {
    certificate: "Certificate credential",
    "client-secret": "Client secret credential",
};

export const DEFAULT_AUTHORITY_HOST = "https://login.microsoftonline.com";
/** Entra ID hosts of the public and sovereign clouds, for which MSAL's instance discovery stays on. */
const KNOWN_AUTHORITY_HOSTS = ["login.microsoftonline.com", "login.microsoftonline.us", "login.chinacloudapi.cn", "login.partner.microsoftonline.cn"];

/** Which credentials the outputs hold. */
export function configuredCredentials(outputs: StackOutputs): CredentialKind[] {
    return CREDENTIAL_KINDS.filter((k) => (k === "certificate" ? outputs.gateway.certificate : outputs.gateway.clientSecret));
}

/** @azure/identity options for an authority host: instance discovery only knows Microsoft's clouds, any other host is trusted as given. */
export function authorityOptions(authorityHost: string): { authorityHost: string; disableInstanceDiscovery: boolean } {
    return { authorityHost, disableInstanceDiscovery: !KNOWN_AUTHORITY_HOSTS.includes(new URL(authorityHost).hostname) };
}

/** The @azure/identity credential for one of the gateway's credentials, against the given authority host. */
export function createCredential(kind: CredentialKind, outputs: StackOutputs, authorityHost: string): TokenCredential {
    const options = authorityOptions(authorityHost);
    const { tenantId } = outputs;
    const { clientId, certificate, clientSecret } = outputs.gateway;
    if (kind === "certificate") {
        if (!certificate) throw new Error("the outputs hold no gateway.certificate");
        return new ClientCertificateCredential(tenantId, clientId, { certificate: keyAndCertificatePem(certificate.privateKeyPem, certificate.certificatePem) }, options);
    }
    if (!clientSecret) throw new Error("the outputs hold no gateway.clientSecret");
    return new ClientSecretCredential(tenantId, clientId, clientSecret.value, options);
}

/** A token, or why there is none. */
export type TokenResult = { readonly ok: true; readonly token: string; readonly expiresOn: Date } | { readonly ok: false; readonly message: string };

/** Requests a token; never throws. */
export async function acquireToken(credential: TokenCredential, scope: string): Promise<TokenResult> {
    try {
        const t = await credential.getToken(scope);
        if (!t) return { ok: false, message: "the credential returned no token" };
        return { ok: true, token: t.token, expiresOn: new Date(t.expiresOnTimestamp) };
    } catch (err) {
        return { ok: false, message: messageOf(err) };
    }
}
