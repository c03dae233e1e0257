/**
 * Portkey: one `azure-openai` provider config per deployment, keyed `<account>/<deployment>`, with
 * `azureAuthMode: entra` (client secret) or `workload` (workload identity). Each value is what Portkey takes
 * as a provider config (or `x-portkey-config`); `deploymentId` and `apiVersion` are what its azure-openai
 * provider builds request URLs from.
 */
import type { GatewayAuth } from "./auth";
import { deploymentsOf, emptyAccountNotes, foundryLocalNote, resourceName } from "./common";
import { GatewayConfigError } from "./errors";
import type { StackOutputs } from "./outputs";
import { DEFAULT_API_VERSION, type FormatRenderer, type GenerateOptions, type Rendered } from "./types";

export const PORTKEY_FILE = "portkey.json";

function credentials(auth: GatewayAuth): Record<string, string> {
    if (auth.mode === "client-secret") {
        return {
            azureAuthMode: "entra",
            azureEntraTenantId: auth.tenantId,
            azureEntraClientId: auth.clientId,
            azureEntraClientSecret: auth.clientSecret,
            azureEntraScope: auth.tokenScope,
        };
    }
    if (auth.mode === "workload-identity") return { azureAuthMode: "workload", azureWorkloadClientId: auth.clientId };
    throw new GatewayConfigError(`portkey: ${auth.mode} is not supported`);
}

function render(outputs: StackOutputs, auth: GatewayAuth, options: GenerateOptions): Rendered {
    const creds = credentials(auth);
    const providers: Record<string, Record<string, string>> = {};
    for (const { account, acc, deployment } of deploymentsOf(outputs)) {
        const resource = resourceName(acc);
        if (!resource) throw new GatewayConfigError(`accounts.${account}.openAiEndpoint: Portkey needs a https://<resource>.openai.azure.com/ endpoint, got ${acc.openAiEndpoint}`);
        providers[`${account}/${deployment.name}`] = {
            provider: "azure-openai",
            resourceName: resource,
            deploymentId: deployment.name,
            apiVersion: options.apiVersion ?? DEFAULT_API_VERSION,
            ...creds,
        };
    }
    const notes = [
        ...emptyAccountNotes(outputs, "no provider config"),
        ...foundryLocalNote(outputs, "Portkey's azure-openai provider only calls <resource>.openai.azure.com"),
        ...(auth.mode === "workload-identity"
            ? [`workload identity: Portkey reads AZURE_TENANT_ID, AZURE_AUTHORITY_HOST and AZURE_FEDERATED_TOKEN_FILE from the AKS workload identity webhook (self-hosted Node gateway); its service account must match one of gateway.federatedCredentials: ${auth.federatedCredentials.map((f) => `${f.name} (${f.subject})`).join(", ")}`]
            : []),
    ];
    return {
        files: [{ name: PORTKEY_FILE, content: `${JSON.stringify(providers, null, 2)}\n`, sensitive: auth.mode === "client-secret" && Object.keys(providers).length > 0 }],
        combine: "single",
        notes,
        secretValues: [],
    };
}

export const portkey: FormatRenderer = {
    format: "portkey",
    auth: {
        supported: ["client-secret", "workload-identity"],
        unsupported: { certificate: "Portkey's Azure auth modes are apiKey, entra (client secret), managed and workload; use --auth client-secret or workload-identity" },
    },
    accepts: ["apiVersion"],
    render,
};
