/**
 * TrueFoundry AI Gateway manifests for `tfy apply`: one `provider-account/azure-openai` per Azure OpenAI
 * account (auth on the account, one `integration/model/azure-openai` per deployment) and one
 * `provider-account/azure-foundry` per Foundry account (auth on each `integration/model/azure-foundry`).
 * Field names: /work/shared/reference/gateway-formats.md and TrueFoundry's certificate and client-secret guides.
 */
import { slug } from "../lib/names";
import type { GatewayAuth } from "./auth";
import { emptyAccountNotes, foundryLocalNote, toYaml } from "./common";
import { GatewayConfigError } from "./errors";
import type { AccountOutputs, StackOutputs } from "./outputs";
import { DEFAULT_API_VERSION, type FormatRenderer, type GenerateOptions, type Rendered, type SecretValue } from "./types";

/** Keys of the TrueFoundry secret group that `--secret-ref` points the sensitive fields at. */
export const TFY_SECRET_KEYS = { certificate: "AZURE_CLIENT_CERTIFICATE", clientSecret: "AZURE_CLIENT_SECRET" } as const;

const SECRET_REF = /^tfy-secret:\/\/([^:/\s]+):([^:/\s]+)$/;

/** Parses `tfy-secret://<tenant>:<group>`. */
export function parseSecretRef(ref: string): { tenant: string; group: string } {
    const m = SECRET_REF.exec(ref);
    if (!m?.[1] || !m[2]) throw new GatewayConfigError(`--secret-ref "${ref}" is not tfy-secret://<tenant>:<secret-group>`);
    return { tenant: m[1], group: m[2] };
}

/** `model_types` from the model name: embedding, audio and image models by name, everything else chat. */
const MODEL_TYPE_RULES: readonly (readonly [RegExp, string])[] = [
    [/embedding/i, "embedding"],
    [/whisper|transcribe/i, "audio_transcription"],
    [/(^|-)tts/i, "text_to_speech"],
    [/dall-e|gpt-image/i, "image"],
    [/realtime/i, "realtime"],
];

export function modelTypes(model: string): string[] {
    return [MODEL_TYPE_RULES.find(([re]) => re.test(model))?.[1] ?? "chat"];
}

/** TrueFoundry's `deployment_type` for the deployment SKUs that map to one without guessing. */
const DEPLOYMENT_TYPES: Readonly<Record<string, string>> = { GlobalStandard: "global", Standard: "standard" };

type AuthData = Record<string, string>;

function authData(auth: GatewayAuth, options: GenerateOptions): AuthData {
    const ref = options.secretRef ? (key: string) => `${options.secretRef}:${key}` : undefined;
    const identity = { tenant_id: auth.tenantId, client_id: auth.clientId };
    switch (auth.mode) {
        case "certificate":
            return {
                type: "certificate", ...identity,
                certificate: ref ? ref(TFY_SECRET_KEYS.certificate) : auth.bundlePem,
                certificate_thumbprint: options.thumbprint === "x5t" ? auth.x5t : auth.thumbprintHex,
            };
        case "client-secret":
            return { type: "client-secret", ...identity, client_secret: ref ? ref(TFY_SECRET_KEYS.clientSecret) : auth.clientSecret };
        case "workload-identity":
            return { type: "workload-identity", ...identity };
    }
}

/** Integration names: lower-case letters, digits and dashes (`gpt-4.1` → `gpt-4-1`); `model_id` keeps the deployment name. */
function integrationNames(account: string, acc: AccountOutputs): string[] {
    const names = acc.deployments.map((d) => slug(d.name));
    const dup = names.find((n, i) => names.indexOf(n) !== i);
    if (dup) throw new GatewayConfigError(`accounts.${account}: two deployments become the TrueFoundry model name "${dup}"; rename one`);
    return names;
}

function openAiAccount(account: string, acc: AccountOutputs, auth: AuthData, apiVersion: string): Record<string, unknown> {
    const names = integrationNames(account, acc);
    return {
        name: account,
        type: "provider-account/azure-openai",
        azure_endpoint: acc.endpoint,
        auth_data: auth,
        integrations: acc.deployments.map((d, i) => ({
            type: "integration/model/azure-openai",
            name: names[i],
            model_id: d.name,
            api_version: apiVersion,
            model_types: modelTypes(d.model),
            ...(DEPLOYMENT_TYPES[d.sku] ? { deployment_type: DEPLOYMENT_TYPES[d.sku] } : {}),
        })),
    };
}

function foundryAccount(account: string, acc: AccountOutputs, auth: AuthData): Record<string, unknown> {
    const names = integrationNames(account, acc);
    // The Azure AI model inference endpoint (`…/models`): the "target URI" every Foundry deployment answers on.
    const endpoint = new URL("models", acc.endpoint).href;
    return {
        name: account,
        type: "provider-account/azure-foundry",
        integrations: acc.deployments.map((d, i) => ({
            type: "integration/model/azure-foundry",
            name: names[i],
            model_id: d.name,
            azure_endpoint: endpoint,
            auth_data: auth,
            model_types: modelTypes(d.model),
        })),
    };
}

function secretValues(auth: GatewayAuth): SecretValue[] {
    if (auth.mode === "certificate") {
        return [{ key: TFY_SECRET_KEYS.certificate, description: "the private key PEM followed by the certificate PEM", content: auth.bundlePem }];
    }
    if (auth.mode === "client-secret") return [{ key: TFY_SECRET_KEYS.clientSecret, description: "the client secret value", content: auth.clientSecret }];
    return [];
}

function render(outputs: StackOutputs, auth: GatewayAuth, options: GenerateOptions): Rendered {
    if (options.secretRef) parseSecretRef(options.secretRef);
    const data = authData(auth, options);
    const inlineSecret = auth.mode !== "workload-identity" && !options.secretRef;
    const files = Object.entries(outputs.accounts).map(([account, acc]) => {
        const openAi = acc.kind === "OpenAI";
        const manifest = openAi ? openAiAccount(account, acc, data, options.apiVersion ?? DEFAULT_API_VERSION) : foundryAccount(account, acc, data);
        // Foundry accounts carry credentials only on their models.
        return { name: `${account}.yaml`, content: toYaml(manifest), sensitive: inlineSecret && (openAi || acc.deployments.length > 0) };
    });
    const secrets = options.secretRef ? secretValues(auth) : [];
    const notes = [
        ...emptyAccountNotes(outputs, "its provider account has no models (Foundry accounts then carry no credentials); add models in TrueFoundry or deploy them with the stack"),
        ...foundryLocalNote(outputs, "TrueFoundry's Azure providers request tokens for the Cognitive Services scope"),
        ...secrets.map((s) => `create key ${s.key} in TrueFoundry secret group ${options.secretRef?.slice("tfy-secret://".length)} holding ${s.description}; --secret-values DIR writes it to DIR/${s.key} (mode 0600)`),
        ...(options.secretRef && secrets.length === 0 ? ["--secret-ref: workload identity has no secret to reference"] : []),
        ...(auth.mode === "workload-identity"
            ? [`workload identity: the gateway must sign in with a token matching one of gateway.federatedCredentials: ${auth.federatedCredentials.map((f) => `${f.name} (${f.subject})`).join(", ")}`]
            : []),
    ];
    return { files, combine: "yaml-documents", notes, secretValues: secrets };
}

export const truefoundry: FormatRenderer = {
    format: "truefoundry",
    auth: { supported: ["certificate", "client-secret", "workload-identity"], unsupported: {} },
    accepts: ["apiVersion", "thumbprint", "secretRef"],
    render,
};
