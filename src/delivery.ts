/**
 * In-stack delivery of the gateway's credentials (`foundry-entra:gatewayDelivery`): to Key Vault secrets and/or
 * a Kubernetes Secret (plus Envoy AI Gateway's BackendSecurityPolicy).
 */
import * as pulumi from "@pulumi/pulumi";
import { KeyVaultDelivery, KubernetesDelivery, type GatewayIdentity } from "../components";
import type { StackConfig } from "./config/types";
import type { PrincipalRef } from "./lib/grants";
import { keyAndCertificatePem } from "./lib/pem";
import { PrincipalResolver } from "./lib/principals";
import type { DeployContext } from "./program";
import type { PreflightFacts } from "./preflight";

export function declareDelivery(config: StackConfig, gateway: GatewayIdentity, gatewayPrincipal: PrincipalRef, ctx: DeployContext, facts: PreflightFacts):
    Record<string, unknown> | undefined {
    const d = config.gatewayDelivery;
    if (!d) return undefined;
    const cert = gateway.certificate;
    const bundle = cert && pulumi.secret(pulumi.all([cert.privateKeyPem, cert.certificatePem]).apply(([key, pem]) => keyAndCertificatePem(key, pem)));
    const out: Record<string, unknown> = {};

    if (d.keyVault) {
        const kv = d.keyVault;
        const resolver = new PrincipalResolver();
        const readers: PrincipalRef[] = [
            ...(kv.grantGateway ? [gatewayPrincipal] : []),
            ...kv.readers.map((r) => resolver.resolve({ kind: "principalId", id: r.principalId, principalType: r.principalType })),
        ];
        const vault = new KeyVaultDelivery("key-vault", {
            vaultName: kv.name,
            vaultId: facts.keyVaultId ?? "",
            resourceGroupName: kv.resourceGroupName,
            secretPrefix: kv.secretPrefix,
            ...(gateway.clientSecret ? { clientSecret: { value: gateway.clientSecret.value, expiresOn: gateway.clientSecret.expiresOn } } : {}),
            ...(cert && bundle ? { certificateBundle: { value: bundle, expiresOn: cert.notAfter } } : {}),
            readers,
            subscriptionId: ctx.subscriptionId,
        });
        out.keyVault = {
            vaultName: kv.name,
            ...(vault.clientSecretUri ? { clientSecretUri: vault.clientSecretUri } : {}),
            ...(vault.certificateUri ? { certificateUri: vault.certificateUri } : {}),
        };
    }

    if (d.kubernetes) {
        const k = new KubernetesDelivery("kubernetes", {
            config: d.kubernetes,
            tenantId: ctx.tenantId,
            clientId: gateway.clientId,
            ...(gateway.clientSecret ? { clientSecret: gateway.clientSecret.value } : {}),
            ...(cert && bundle ? { certificate: { bundle, thumbprint: cert.thumbprint } } : {}),
        });
        out.kubernetes = {
            namespace: k.namespace,
            secretName: k.secretName,
            format: d.kubernetes.format,
            ...(k.backendSecurityPolicyName ? { backendSecurityPolicy: k.backendSecurityPolicyName } : {}),
        };
    }
    return out;
}
