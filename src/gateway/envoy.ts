/**
 * Envoy AI Gateway: every object a working route to the stack's accounts needs, checked against the CRDs of
 * envoyproxy/ai-gateway v1.1.0 (and v0.5.0 for v1alpha1), envoyproxy/gateway v1.8.1 and kubernetes-sigs/gateway-api
 * v1.5.1 (test/envoyCrd.test.ts, rules in test/support/envoyCrdRules.ts). Per account (objects named after it):
 *
 * - `Backend` (gateway.envoyproxy.io/v1alpha1): the account's `<name>.openai.azure.com:443`;
 * - `BackendTLSPolicy` (gateway.networking.k8s.io/v1; v1alpha3 with `--envoy-api-version v1alpha1`): TLS to it,
 *   verified against the system CAs for that host name;
 * - `AIServiceBackend`: schema AzureOpenAI with the API version, pointing at the Backend;
 * - `BackendSecurityPolicy` of type AzureCredentials targeting the AIServiceBackend: the client secret (a `Secret`
 *   with data key `client-secret`), or `oidcExchangeToken` (workload identity: the controller gets a token from an
 *   OIDC provider and exchanges it with Entra ID through one of the app's federated credentials; no Azure secret).
 *
 * And `AIGatewayRoute`s attaching to a Gateway: one rule per set of accounts, matching `x-ai-eg-model` (the
 * request's model, which the AzureOpenAI schema uses as the deployment name) for each deployment they serve.
 *
 * `aigateway.envoyproxy.io/v1beta1` is served from Envoy AI Gateway v0.6.0 (api/v1beta1 first appears at that tag);
 * v0.3.0 to v0.5.0 serve only v1alpha1 (`targetRefs` on the policy exist from v0.3.0). The controller requests tokens
 * for the Cognitive Services scope only (`azureScopeURL`, internal/controller/backend_security_policy.go).
 */
import type { GatewayAuth, WorkloadIdentityAuth } from "./auth";
import { emptyAccountNotes, foundryLocalNote, toYaml, yamlDocuments } from "./common";
import { excerpt } from "../lib/excerpt";
import { GatewayConfigError } from "./errors";
import { checkNamespace, k8sLabel } from "./names";
import type { FederatedCredentialOutputs, StackOutputs } from "./outputs";
import { DEFAULT_API_VERSION, type FormatRenderer, type GeneratedFile, type GenerateOptions, type Rendered } from "./types";

export const ENVOY_FILES = {
    secret: "secret.yaml",
    backends: "backends.yaml",
    policies: "backend-security-policies.yaml",
    routes: "routes.yaml",
} as const;

/** The releases the objects were checked against, and the oldest each API version works with. */
export const ENVOY_CHECKED = {
    v1beta1: "Envoy AI Gateway v0.6.0 or later (checked against the CRDs of v1.1.0, Envoy Gateway v1.8.1, Gateway API v1.5.1)",
    v1alpha1: "Envoy AI Gateway v0.3.0 to v0.5.x (checked against the CRDs of v0.5.0, Envoy Gateway v1.5.0, Gateway API v1.3.0)",
} as const;

/** The scope the controller always requests (envoyproxy/ai-gateway internal/controller/backend_security_policy.go). */
export const ENVOY_TOKEN_SCOPE = "https://cognitiveservices.azure.com/.default";

/** AIGatewayRoute `spec.rules` holds at most 15 rules (v1beta1 CRD of v1.1.0: maxItems 15). */
const MAX_RULES = 15;
/** A rule's `matches` holds at most 128 entries (both API versions). */
const MAX_MATCHES = 128;

/** The header Envoy AI Gateway sets from the request body's `model` and routes on. */
const MODEL_HEADER = "x-ai-eg-model";

/** A DNS-1123 subdomain (k8s.io/apimachinery IsDNS1123Subdomain): what `metadata.name` of these objects must be. */
const DNS1123_SUBDOMAIN = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

type Obj = Record<string, unknown>;

const doc = (header: string, objects: readonly Obj[]): string => `${header}\n${yamlDocuments(objects.map(toYaml))}`;

/** The OIDC exchange: which federated credential, and the client the controller uses at that provider. */
function oidcExchange(auth: WorkloadIdentityAuth, options: GenerateOptions): { credential: FederatedCredentialOutputs; clientId: string } {
    // Kubernetes service-account tokens and GitHub Actions tokens cannot be had with a client-credentials grant,
    // which is how the controller gets its token (internal/controller/tokenprovider/oidc_token_provider.go).
    const unusable = (f: FederatedCredentialOutputs) => f.subject.startsWith("system:serviceaccount:") || f.issuer.startsWith("https://token.actions.githubusercontent.com");
    const all = auth.federatedCredentials;
    let credential: FederatedCredentialOutputs | undefined;
    if (options.federatedCredential !== undefined) {
        credential = all.find((f) => f.name === options.federatedCredential);
        if (!credential) throw new GatewayConfigError(`--federated-credential ${excerpt(options.federatedCredential)} is not one of gateway.federatedCredentials: ${all.map((f) => f.name).join(", ")}`);
        if (unusable(credential)) throw new GatewayConfigError(`--federated-credential ${credential.name}: ${credential.subject} tokens come from a Kubernetes service account or GitHub Actions, which Envoy AI Gateway's oidcExchangeToken cannot obtain (it uses a client-credentials grant at an OIDC provider)`);
    } else {
        const usable = all.filter((f) => !unusable(f));
        if (usable.length !== 1) {
            throw new GatewayConfigError(usable.length === 0
                ? "envoy --auth workload-identity: Envoy AI Gateway's oidcExchangeToken gets its token with a client-credentials grant at an OIDC provider, and none of gateway.federatedCredentials is for such a provider (they are Kubernetes service-account or GitHub Actions credentials); add one for your OIDC provider, or use --auth client-secret"
                : `envoy --auth workload-identity: pass --federated-credential, one of ${usable.map((f) => f.name).join(", ")}`);
        }
        credential = usable[0] as FederatedCredentialOutputs;
    }
    if (options.oidcClientId === undefined || options.oidcClientId.trim() === "") {
        throw new GatewayConfigError(`envoy --auth workload-identity needs --oidc-client-id: the client id the controller uses at ${credential.issuer} to get tokens with subject ${credential.subject}`);
    }
    return { credential, clientId: options.oidcClientId };
}

function render(outputs: StackOutputs, auth: GatewayAuth, options: GenerateOptions): Rendered {
    if (auth.mode === "certificate") throw new GatewayConfigError("envoy: certificate is not supported");
    const namespace = checkNamespace(options.namespace ?? "default");
    const gatewayName = options.gatewayName ?? "envoy-ai-gateway";
    if (!DNS1123_SUBDOMAIN.test(gatewayName)) throw new GatewayConfigError(`--gateway-name ${excerpt(gatewayName)} is not a Kubernetes object name (lower-case letters, digits, "-" and ".")`);
    const api = options.envoyApiVersion ?? "v1beta1";
    const aigw = `aigateway.envoyproxy.io/${api}`;
    const tlsApi = api === "v1beta1" ? "gateway.networking.k8s.io/v1" : "gateway.networking.k8s.io/v1alpha3";
    const base = k8sLabel(outputs.gateway.displayName, "foundry-entra-gateway");
    const apiVersion = options.apiVersion ?? DEFAULT_API_VERSION;
    const header = `# Envoy AI Gateway objects for ${base}, generated by foundry-entra gateway-config.\n# Needs ${ENVOY_CHECKED[api]}.`;

    // Kubernetes names are lower case; Azure account names are not case-sensitive, so two keys that differ only in case are one account.
    const accounts = Object.entries(outputs.accounts).map(([key, acc]) => ({ key, name: key.toLowerCase(), acc, host: new URL(acc.openAiEndpoint) }));
    const dup = accounts.find((a, i) => accounts.findIndex((b) => b.name === a.name) !== i);
    if (dup) throw new GatewayConfigError(`accounts: ${dup.key} appears twice when lower-cased (Kubernetes names are lower case)`);

    const metadata = (name: string): Obj => ({ name, namespace });
    const backends = accounts.flatMap(({ name, host }) => {
        const hostname = host.hostname;
        const port = host.port === "" ? 443 : Number(host.port);
        return [
            { apiVersion: "gateway.envoyproxy.io/v1alpha1", kind: "Backend", metadata: metadata(name), spec: { endpoints: [{ fqdn: { hostname, port } }] } },
            {
                apiVersion: tlsApi, kind: "BackendTLSPolicy", metadata: metadata(`${name}-tls`),
                spec: { targetRefs: [{ group: "gateway.envoyproxy.io", kind: "Backend", name }], validation: { wellKnownCACertificates: "System", hostname } },
            },
            {
                apiVersion: aigw, kind: "AIServiceBackend", metadata: metadata(name),
                spec: { schema: { name: "AzureOpenAI", version: apiVersion }, backendRef: { name, kind: "Backend", group: "gateway.envoyproxy.io" } },
            },
        ];
    });

    const files: GeneratedFile[] = [];
    const notes: string[] = [];
    let credentials: Obj;
    if (auth.mode === "client-secret") {
        const secretName = `${base}-client-secret`;
        files.push({
            name: ENVOY_FILES.secret,
            content: doc(header, [{ apiVersion: "v1", kind: "Secret", metadata: metadata(secretName), type: "Opaque", data: { "client-secret": Buffer.from(auth.clientSecret, "utf8").toString("base64") } }]),
            sensitive: true,
        });
        credentials = { clientSecretRef: { name: secretName, namespace } };
    } else {
        const { credential, clientId } = oidcExchange(auth, options);
        const oidcSecret = `${base}-oidc-client-secret`;
        credentials = { oidcExchangeToken: { oidc: { provider: { issuer: credential.issuer }, clientID: clientId, clientSecret: { name: oidcSecret, namespace } } } };
        notes.push(`workload identity: create Secret ${oidcSecret} in namespace ${namespace} with key client-secret holding the secret of OIDC client ${clientId} at ${credential.issuer}; ` +
            `its tokens must carry sub ${credential.subject} and aud api://AzureADTokenExchange to match federated credential ${credential.name}`);
    }
    const policies = accounts.map(({ name }) => ({
        apiVersion: aigw, kind: "BackendSecurityPolicy", metadata: metadata(`${name}-azure-credentials`),
        spec: {
            targetRefs: [{ group: "aigateway.envoyproxy.io", kind: "AIServiceBackend", name }],
            type: "AzureCredentials",
            azureCredentials: { clientID: auth.clientId, tenantID: auth.tenantId, ...credentials },
        },
    }));

    // One rule per set of accounts; its matches are the deployment names those accounts all serve.
    const servedBy = new Map<string, string[]>();
    for (const { name, acc } of accounts) for (const d of acc.deployments) servedBy.set(d.name, [...(servedBy.get(d.name) ?? []), name]);
    const bySet = new Map<string, { backends: string[]; models: string[] }>();
    for (const [model, names] of servedBy) {
        const key = names.join("\n");
        bySet.set(key, { backends: names, models: [...(bySet.get(key)?.models ?? []), model] });
    }
    const rules = [...bySet.values()].flatMap(({ backends: names, models }) => {
        const chunks: string[][] = [];
        for (let i = 0; i < models.length; i += MAX_MATCHES) chunks.push(models.slice(i, i + MAX_MATCHES));
        return chunks.map((chunk) => ({
            matches: chunk.map((value) => ({ headers: [{ type: "Exact", name: MODEL_HEADER, value }] })),
            backendRefs: names.map((name) => ({ name })),
        }));
    });
    const routes: Obj[] = [];
    for (let i = 0; i < rules.length; i += MAX_RULES) {
        routes.push({
            apiVersion: aigw, kind: "AIGatewayRoute", metadata: metadata(i === 0 ? base : `${base}-${i / MAX_RULES + 1}`),
            spec: { parentRefs: [{ name: gatewayName, kind: "Gateway", group: "gateway.networking.k8s.io" }], rules: rules.slice(i, i + MAX_RULES) },
        });
    }

    files.push({ name: ENVOY_FILES.backends, content: doc(header, backends), sensitive: false });
    files.push({ name: ENVOY_FILES.policies, content: doc(header, policies), sensitive: false });
    if (routes.length > 0) files.push({ name: ENVOY_FILES.routes, content: doc(header, routes), sensitive: false });

    if (options.gatewayName === undefined) notes.push(`the AIGatewayRoute attaches to Gateway envoy-ai-gateway in namespace ${namespace}; --gateway-name names yours`);
    notes.push(...emptyAccountNotes(outputs, "no route rule sends traffic to it; add a rule for its deployments"));
    for (const [model, names] of servedBy) if (names.length > 1) notes.push(`model ${model} is deployed in ${names.length} accounts (${names.join(", ")}): its rule balances across them`);
    if (auth.tokenScope !== ENVOY_TOKEN_SCOPE) {
        notes.push(`gateway.tokenScope ${auth.tokenScope} is not used: Envoy AI Gateway's controller always requests ${ENVOY_TOKEN_SCOPE}`);
    }
    notes.push(...foundryLocalNote(outputs, "Envoy AI Gateway's AzureCredentials requests tokens for the Cognitive Services scope only"));
    return { files, combine: "yaml-documents", notes, secretValues: [] };
}

export const envoy: FormatRenderer = {
    format: "envoy",
    auth: {
        supported: ["client-secret", "workload-identity"],
        unsupported: { certificate: "Envoy AI Gateway's AzureCredentials takes a client secret or an OIDC token exchange, never a certificate; use --auth client-secret or workload-identity" },
    },
    accepts: ["namespace", "envoyApiVersion", "apiVersion", "gatewayName", "oidcClientId", "federatedCredential"],
    render,
};
