/**
 * Envoy AI Gateway: a Kubernetes `Secret` holding the client secret (data key `client-secret`) and a
 * `BackendSecurityPolicy` of type `AzureCredentials` that refers to it and targets one `AIServiceBackend`
 * per account (named after the account). The controller mints and refreshes the tokens itself.
 */
import type { GatewayAuth } from "./auth";
import { foundryLocalNote, toYaml } from "./common";
import { GatewayConfigError } from "./errors";
import type { StackOutputs } from "./outputs";
import type { FormatRenderer, GenerateOptions, Rendered } from "./types";

export const ENVOY_FILES = { secret: "secret.yaml", policy: "backend-security-policy.yaml" } as const;

/** The API caps `targetRefs` at 16 entries. */
const MAX_TARGET_REFS = 16;

/** A DNS-1123 name from a display name: lower-case, other characters as "-", at most 253 characters. */
function k8sName(value: string): string {
    return value.toLowerCase().replace(/[^a-z0-9.-]+/g, "-").replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, "").slice(0, 253);
}

function render(outputs: StackOutputs, auth: GatewayAuth, options: GenerateOptions): Rendered {
    if (auth.mode !== "client-secret") throw new GatewayConfigError(`envoy: ${auth.mode} is not supported`);
    const namespace = options.namespace ?? "default";
    const base = k8sName(outputs.gateway.displayName);
    const secretName = `${base}-client-secret`;
    const accounts = Object.keys(outputs.accounts);
    if (accounts.length > MAX_TARGET_REFS) {
        throw new GatewayConfigError(`envoy: a BackendSecurityPolicy targets at most ${MAX_TARGET_REFS} AIServiceBackends; the outputs have ${accounts.length} accounts`);
    }
    const secret = {
        apiVersion: "v1",
        kind: "Secret",
        metadata: { name: secretName, namespace },
        type: "Opaque",
        data: { "client-secret": Buffer.from(auth.clientSecret, "utf8").toString("base64") },
    };
    const policy = {
        apiVersion: `aigateway.envoyproxy.io/${options.envoyApiVersion ?? "v1beta1"}`,
        kind: "BackendSecurityPolicy",
        metadata: { name: `${base}-azure-credentials`, namespace },
        spec: {
            targetRefs: accounts.map((name) => ({ group: "aigateway.envoyproxy.io", kind: "AIServiceBackend", name })),
            type: "AzureCredentials",
            azureCredentials: {
                clientID: auth.clientId,
                tenantID: auth.tenantId,
                clientSecretRef: { name: secretName, namespace },
            },
        },
    };
    return {
        files: [
            { name: ENVOY_FILES.secret, content: toYaml(secret), sensitive: true },
            { name: ENVOY_FILES.policy, content: toYaml(policy), sensitive: false },
        ],
        combine: "yaml-documents",
        notes: [
            `the policy targets AIServiceBackends named ${accounts.join(", ")} in namespace ${namespace}: create them with schema AzureOpenAI (docs/gateways.md, "Envoy AI Gateway")`,
            ...foundryLocalNote(outputs, "Envoy AI Gateway's AzureCredentials requests tokens for the Cognitive Services scope only"),
        ],
        secretValues: [],
    };
}

export const envoy: FormatRenderer = {
    format: "envoy",
    auth: {
        supported: ["client-secret"],
        unsupported: {
            "certificate": "Envoy AI Gateway's AzureCredentials takes a client secret or an OIDC token exchange, never a certificate; use --auth client-secret",
            "workload-identity": "Envoy AI Gateway's oidcExchangeToken gets its token from an OIDC provider with a client id and secret of its own, " +
                "which the stack's federated credentials (Kubernetes service-account and CI issuers) cannot supply; use --auth client-secret",
        },
    },
    accepts: ["namespace", "envoyApiVersion"],
    render,
};
