/**
 * The private key followed by its certificate, as one PEM bundle: what a gateway signs client assertions with
 * (TrueFoundry's `certificate`, LiteLLM's AZURE_CERTIFICATE_PATH, @azure/identity's ClientCertificateCredential),
 * and what the stack stores in Key Vault and Kubernetes. One place builds it, so every consumer gets the same bytes.
 */
export function keyAndCertificatePem(privateKeyPem: string, certificatePem: string): string {
    return `${privateKeyPem.trim()}\n${certificatePem.trim()}\n`;
}
