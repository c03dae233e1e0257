/**
 * Azure OpenAI / Foundry accounts, called with the official openai SDK (`AzureOpenAI`): an authenticated call
 * with an Entra token provider, and the proof that key-based auth is off (a bogus `api-key` must be refused as
 * "Key based authentication is disabled", code AuthenticationTypeDisabled — not as an invalid key).
 */
import { AzureOpenAI } from "openai";
import type { AccountOutputs } from "./outputs";
import { networkAdvice, readServiceError, type ServiceError } from "./serviceErrors";

/** The GA data-plane api-version verify calls with unless --api-version says otherwise. */
export const DEFAULT_API_VERSION = "2024-10-21";
const BOGUS_KEY = "foundry-entra-verify-not-a-key-00000000000000000000";

/** What one call told us. `retry`: an RBAC denial that may still be propagating. */
export type Classified =
    | { readonly outcome: "pass"; readonly title: string }
    | { readonly outcome: "warn" | "fail"; readonly title: string; readonly cause: string; readonly fix: string; /** A few words for a summary table, e.g. "403 insufficient_permissions". */ readonly reason?: string }
    | { readonly outcome: "retry"; readonly title: string; readonly cause: string; readonly fix: string; /** e.g. "401 PermissionDenied" */ readonly reason: string };

/** An account of the outputs, by name, and the api-version to call it with. */
export interface AccountRef {
    readonly name: string;
    readonly account: AccountOutputs;
    readonly apiVersion: string;
}

const endpointOf = (a: AccountOutputs) => (a.openAiEndpoint ?? a.endpoint).replace(/\/+$/, "");
const inferenceRole = (kind: string) => (kind === "AIServices" ? "Cognitive Services User" : "Cognitive Services OpenAI User");

/** One-token chat completion on the first deployment, or list models when the account has none. */
export async function callAccount(ref: AccountRef, getToken: () => Promise<string>): Promise<Classified> {
    const client = new AzureOpenAI({ endpoint: endpointOf(ref.account), apiVersion: ref.apiVersion, azureADTokenProvider: getToken, maxRetries: 0, timeout: 60_000 });
    const deployment = ref.account.deployments[0]?.name;
    try {
        if (deployment) {
            await client.chat.completions.create({ model: deployment, messages: [{ role: "user", content: "Reply with OK." }], max_completion_tokens: 1 });
            return { outcome: "pass", title: `${ref.name}: chat completion on ${deployment}` };
        }
        const models = await client.models.list();
        return { outcome: "pass", title: `${ref.name}: listed ${models.data.length} models (no deployments declared)` };
    } catch (err) {
        return classifyAccountError(ref, readServiceError(err), deployment);
    }
}

/** Reads the answer to an authenticated call: an RBAC denial is retried, anything else passes, warns or fails at once. */
export function classifyAccountError(ref: AccountRef, e: ServiceError, deployment: string | undefined): Classified {
    const name = ref.name;
    const at = `${e.status ?? e.network}: ${e.message}`;
    if (e.status === undefined) {
        return { outcome: "fail", title: `${name}: cannot reach ${endpointOf(ref.account)} (${e.network ?? e.message})`, ...networkAdvice(e.network, name, `\`accounts.${name}.endpoint\``) };
    }
    if ((e.status === 401 || e.status === 403) && (e.code === "PermissionDenied" || /lacks the required data action|does not have access to API\/Operation/i.test(e.message))) {
        return { outcome: "retry", reason: `${e.status} ${e.code ?? "PermissionDenied"}`, title: `${name}: ${at}`, cause: `the gateway's service principal has no data-plane role on ${name} yet`,
            fix: `InferenceAccess assigns ${inferenceRole(ref.account.kind)} to the gateway at the account's scope: run \`pulumi up\`; role assignments take up to 5 minutes to propagate (rerun with a larger --wait)` };
    }
    if (e.status === 401) {
        return { outcome: "fail", title: `${name}: ${at}`, cause: "Azure OpenAI refused the token (audience, tenant or expiry)",
            fix: "request `gateway.tokenScope` (https://cognitiveservices.azure.com/.default) from the stack's `tenantId`; `npm run token-doctor` explains a token" };
    }
    if (e.status === 403 && /virtual network|firewall|public access is disabled|private link|approved/i.test(e.message)) {
        return { outcome: "fail", title: `${name}: ${at}`, cause: "the account's network rules block this machine",
            fix: `run verify from a network the account allows, or change \`foundry-entra:accounts[].publicNetworkAccess\` for ${name}` };
    }
    if (e.status === 404) {
        return { outcome: "fail", title: `${name}: ${at}`, cause: deployment ? `deployment ${deployment} does not exist on ${name}` : "wrong endpoint or api-version",
            fix: deployment ? `declare it in \`foundry-entra:accounts[].deployments\` of ${name} and run \`pulumi up\`` : `check \`accounts.${name}.endpoint\` and --api-version` };
    }
    if (e.status === 429 || e.status === 400) {
        return { outcome: "warn", title: `${name}: authenticated and authorised, but ${at}`, cause: e.status === 429 ? "the deployment is rate limited" : "the service refused the probe request itself",
            fix: e.status === 429 ? "raise the deployment's capacity or retry later" : "nothing for authentication; check the deployment's model and --api-version" };
    }
    return { outcome: "fail", title: `${name}: ${at}`, cause: "unexpected answer from the service", fix: "retry; if it persists check the account's health in the Azure portal" };
}

/** Sends a bogus `api-key`: the account must answer "key based authentication is disabled". */
export async function probeKeyAuth(ref: AccountRef): Promise<Classified> {
    const client = new AzureOpenAI({ endpoint: endpointOf(ref.account), apiVersion: ref.apiVersion, apiKey: BOGUS_KEY, maxRetries: 0, timeout: 60_000 });
    try {
        await client.models.list();
        return { outcome: "fail", title: `${ref.name}: a bogus api-key was accepted`, cause: "something in front of the account (a proxy or gateway) answers for it without checking keys", fix: `check that \`accounts.${ref.name}.endpoint\` is the account itself` };
    } catch (err) {
        return classifyKeyProbe(ref, readServiceError(err));
    }
}

/** Reads the answer to the bogus api-key: only "key based authentication is disabled" passes. */
export function classifyKeyProbe(ref: AccountRef, e: ServiceError): Classified {
    const name = ref.name;
    if ((e.status === 401 || e.status === 403) && (e.code === "AuthenticationTypeDisabled" || /key based authentication is disabled/i.test(e.message))) {
        return { outcome: "pass", title: `${name}: api-key refused: ${e.status} ${e.code ?? ""} "${e.message}"`.replace("  ", " ") };
    }
    const fix = `set \`disableLocalAuth: true\` for ${name} in \`foundry-entra:accounts\` (the default) and run \`pulumi up\`; for an adopted account: \`az resource update --ids ${ref.account.resourceId ?? "<resourceId>"} --set properties.disableLocalAuth=true\`; it takes a few minutes to apply`;
    if (e.status === 401 && /invalid subscription key|wrong API endpoint/i.test(e.message)) {
        return { outcome: "fail", title: `${name}: key-based auth is ON: the bogus api-key was checked as a key (401 "${e.message}")`, cause: "the account still accepts keys (disableLocalAuth is false), so a leaked key would work", fix };
    }
    if (e.status === undefined) {
        return { outcome: "fail", title: `${name}: key-auth probe: cannot reach the account (${e.network ?? e.message})`, ...networkAdvice(e.network, name, `\`accounts.${name}.endpoint\``) };
    }
    return { outcome: "fail", title: `${name}: key-auth probe: unexpected answer ${e.status} ${e.code ?? ""}: ${e.message}`, cause: "the answer does not prove key-based auth is disabled", fix };
}
