/**
 * Portkey (checked against @portkey-ai/gateway 1.15.2, the npm package of Portkey-AI/gateway v1.15.2): configs in
 * the snake_case form Portkey's request validator checks (`src/middlewares/requestValidator/schema/config.ts`:
 * an azure-openai config needs `azure_auth_mode`; camelCase keys are refused with `400 Invalid config passed`) and
 * that `src/handlers/handlerUtils.ts` then camel-cases into the provider options `src/providers/azure-openai/api.ts`
 * reads (`resourceName`, `deploymentId`, `apiVersion`, `azureAuthMode`, `azureEntra*`, `azureWorkloadClientId`).
 *
 * One file, `portkey.json`:
 * - `config`: the ready config over every deployment: a `conditional` router on the request's `model`
 *   (`params.model`, src/services/conditionalRouter.ts) to one target per deployment name; a name deployed in
 *   several accounts is a nested `loadbalance` (or `fallback`, `--portkey-strategy`) over them.
 * - `x-portkey-config`: `config` as the one-line header value.
 * - `deployments`: one config per deployment, keyed `<account>/<deployment>`.
 *
 * Auth modes: `entra` (client secret; Portkey posts to login.microsoftonline.com itself, `getAccessTokenFromEntraId`)
 * and `workload` (`getAzureWorkloadIdentityToken`: AZURE_AUTHORITY_HOST, AZURE_TENANT_ID, AZURE_FEDERATED_TOKEN_FILE
 * from the environment, Node runtime only). Both send `azure_entra_scope`. No certificate mode exists.
 */
import type { GatewayAuth } from "./auth";
import { deploymentsOf, emptyAccountNotes, foundryLocalNote, resourceName } from "./common";
import { GatewayConfigError } from "./errors";
import type { AccountOutputs, StackOutputs } from "./outputs";
import { DEFAULT_API_VERSION, type FormatRenderer, type GenerateOptions, type Rendered } from "./types";

export const PORTKEY_FILE = "portkey.json";

/** The gateway release the configs were checked against (test/portkey.e2e.test.ts runs it). */
export const PORTKEY_CHECKED = "@portkey-ai/gateway 1.15.2";

/** A Portkey config: snake_case keys, as its validator reads them. */
export type PortkeyConfig = Record<string, unknown>;

function credentials(auth: GatewayAuth): Record<string, string> {
    if (auth.mode === "client-secret") {
        return {
            azure_auth_mode: "entra",
            azure_entra_tenant_id: auth.tenantId,
            azure_entra_client_id: auth.clientId,
            azure_entra_client_secret: auth.clientSecret,
            azure_entra_scope: auth.tokenScope,
        };
    }
    if (auth.mode === "workload-identity") {
        return { azure_auth_mode: "workload", azure_workload_client_id: auth.clientId, azure_entra_scope: auth.tokenScope };
    }
    throw new GatewayConfigError(`portkey: ${auth.mode} is not supported`);
}

/**
 * Where Portkey sends the request: `resource_name` for `https://<name>.openai.azure.com/` (Portkey builds that URL
 * itself), else `custom_host` = the endpoint's `/openai` base (sovereign clouds, a private DNS name).
 */
function target(acc: AccountOutputs): Record<string, string> {
    const resource = resourceName(acc);
    return resource ? { resource_name: resource } : { custom_host: new URL("openai", acc.openAiEndpoint).href };
}

/** The ready config: a router on the request's model, one target per deployment name. */
function router(byName: Map<string, PortkeyConfig[]>, strategy: "loadbalance" | "fallback"): PortkeyConfig {
    const names = [...byName.keys()];
    return {
        strategy: { mode: "conditional", conditions: names.map((name) => ({ query: { "params.model": { $eq: name } }, then: name })) },
        targets: names.map((name) => {
            const configs = byName.get(name) ?? [];
            return configs.length === 1 ? { name, ...configs[0] } : { name, strategy: { mode: strategy }, targets: configs };
        }),
    };
}

function render(outputs: StackOutputs, auth: GatewayAuth, options: GenerateOptions): Rendered {
    const creds = credentials(auth);
    const deployments: Record<string, PortkeyConfig> = {};
    const byName = new Map<string, PortkeyConfig[]>();
    for (const { account, acc, deployment } of deploymentsOf(outputs)) {
        const config = { provider: "azure-openai", ...target(acc), deployment_id: deployment.name, api_version: options.apiVersion ?? DEFAULT_API_VERSION, ...creds };
        deployments[`${account}/${deployment.name}`] = config;
        byName.set(deployment.name, [...(byName.get(deployment.name) ?? []), config]);
    }
    if (byName.size === 0) {
        throw new GatewayConfigError("portkey: the stack outputs name no deployments, and a Portkey config routes to deployments: deploy models with the stack (accounts.<name>.deployments)");
    }
    const config = router(byName, options.portkeyStrategy ?? "loadbalance");
    const file = { checkedAgainst: PORTKEY_CHECKED, config, "x-portkey-config": JSON.stringify(config), deployments };
    const shared = [...byName].filter(([, c]) => c.length > 1).map(([name, c]) => `model ${name} is deployed in ${c.length} accounts: config spreads it with ${options.portkeyStrategy ?? "loadbalance"}`);
    const notes = [
        ...shared,
        ...emptyAccountNotes(outputs, "no Portkey config"),
        ...foundryLocalNote(outputs, "Portkey's azure-openai provider only calls Azure OpenAI routes (/openai/deployments/…)"),
        ...(auth.mode === "workload-identity"
            ? [`workload identity: the self-hosted Node gateway reads AZURE_AUTHORITY_HOST, AZURE_TENANT_ID and AZURE_FEDERATED_TOKEN_FILE (set by the AKS workload identity webhook); its service account must match one of gateway.federatedCredentials: ${auth.federatedCredentials.map((f) => `${f.name} (${f.subject})`).join(", ")}`,
                `workload identity: ${PORTKEY_CHECKED} replaces an AZURE_FEDERATED_TOKEN_FILE starting with "/" by the file's contents and then fails (ENAMETOOLONG); give it a path relative to the gateway's working directory (docs/gateways.md, "Portkey")`]
            : []),
    ];
    return {
        files: [{ name: PORTKEY_FILE, content: `${JSON.stringify(file, null, 2)}\n`, sensitive: auth.mode === "client-secret" }],
        combine: "single",
        notes,
        secretValues: [],
    };
}

export const portkey: FormatRenderer = {
    format: "portkey",
    auth: {
        supported: ["client-secret", "workload-identity"],
        unsupported: { certificate: "Portkey's Azure auth modes are api key, entra (client secret), managed and workload; use --auth client-secret or workload-identity" },
    },
    accepts: ["apiVersion", "portkeyStrategy"],
    render,
};
