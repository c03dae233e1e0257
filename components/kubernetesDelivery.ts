import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import type { KubernetesDeliveryConfig } from "../src/config/types";

export interface KubernetesDeliveryArgs {
    /** Namespace, kubeconfig/context, format ("secret" or "envoy"), secret name. */
    readonly config: KubernetesDeliveryConfig;
    /** Tenant the gateway signs in to. Required. */
    readonly tenantId: string;
    /** The gateway app registration's client id. Required. */
    readonly clientId: pulumi.Input<string>;
    /** The client secret value, a Pulumi secret; required for the envoy format. @default undefined */
    readonly clientSecret?: pulumi.Output<string>;
    /** PEM bundle (private key, then certificate) and its thumbprint, if the gateway has a certificate. @default undefined */
    readonly certificate?: { readonly bundle: pulumi.Output<string>; readonly thumbprint: pulumi.Input<string> };
}

/**
 * Puts the gateway's credentials in the Kubernetes cluster where the gateway runs, with an explicit provider:
 * a generic Secret (`format: secret`, env-style keys for `envFrom`) or, for Envoy AI Gateway (`format: envoy`),
 * a Secret with the `client-secret` key and a BackendSecurityPolicy of type AzureCredentials.
 */
export class KubernetesDelivery extends pulumi.ComponentResource {
    public readonly secretName: pulumi.Output<string>;
    public readonly namespace: string;
    public readonly backendSecurityPolicyName?: pulumi.Output<string>;

    constructor(name: string, args: KubernetesDeliveryArgs, opts?: pulumi.ComponentResourceOptions) {
        super("foundry-entra:index:KubernetesDelivery", name, {}, opts);
        const c = args.config;
        const provider = new k8s.Provider(`${name}-provider`, {
            ...(c.kubeconfig ? { kubeconfig: c.kubeconfig } : {}),
            ...(c.context ? { context: c.context } : {}),
            namespace: c.namespace,
        }, { parent: this });
        const metadata = { name: c.secretName, namespace: c.namespace, labels: { "app.kubernetes.io/managed-by": "foundry-entra" } };

        const stringData: Record<string, pulumi.Input<string>> = c.format === "envoy"
            // Envoy AI Gateway reads exactly this key.
            ? { "client-secret": pulumi.secret(args.clientSecret ?? "") }
            : {
                AZURE_TENANT_ID: args.tenantId,
                AZURE_CLIENT_ID: args.clientId,
                ...(args.clientSecret ? { AZURE_CLIENT_SECRET: pulumi.secret(args.clientSecret) } : {}),
                ...(args.certificate ? {
                    "client-certificate.pem": pulumi.secret(args.certificate.bundle),
                    "client-certificate-thumbprint": args.certificate.thumbprint,
                } : {}),
            };
        const secret = new k8s.core.v1.Secret(`${name}-secret`, { metadata, type: "Opaque", stringData }, { parent: this, provider });
        this.secretName = secret.metadata.name;
        this.namespace = c.namespace;

        if (c.format === "envoy") {
            const policy = new k8s.apiextensions.CustomResource(`${name}-backend-security-policy`, {
                apiVersion: c.envoyApiVersion,
                kind: "BackendSecurityPolicy",
                metadata: { name: c.secretName, namespace: c.namespace, labels: metadata.labels },
                spec: {
                    ...(c.backendName ? { targetRefs: [{ group: "aigateway.envoyproxy.io", kind: "AIServiceBackend", name: c.backendName }] } : {}),
                    type: "AzureCredentials",
                    azureCredentials: {
                        clientID: args.clientId,
                        tenantID: args.tenantId,
                        clientSecretRef: { name: secret.metadata.name, namespace: c.namespace },
                    },
                },
            }, { parent: this, provider });
            this.backendSecurityPolicyName = policy.metadata.name;
        }
        this.registerOutputs({ secretName: this.secretName });
    }
}
