/**
 * `generate`: stack outputs → ready-to-apply configuration for one AI gateway (TrueFoundry, LiteLLM,
 * Envoy AI Gateway, Portkey). Options a format does not use are refused, never silently ignored.
 */
import { expiryNotes, resolveAuth, type AuthMode } from "./auth";
import { envoy } from "./envoy";
import { excerpt } from "../lib/excerpt";
import { GatewayConfigError } from "./errors";
import { litellm } from "./litellm";
import { checkAccountNames } from "./names";
import type { StackOutputs } from "./outputs";
import { portkey } from "./portkey";
import { truefoundry } from "./truefoundry";
import type { Format, FormatRenderer, GatewayConfig, GenerateOptions } from "./types";

export { FORMATS, DEFAULT_API_VERSION } from "./types";
export type { Format, GatewayConfig, GeneratedFile, GenerateOptions } from "./types";
export { AUTH_MODES, type AuthMode } from "./auth";
export { GatewayConfigError } from "./errors";
export { parseStackOutputs, parseStackOutputsText, type StackOutputs } from "./outputs";

export const RENDERERS: Readonly<Record<Format, FormatRenderer>> = { truefoundry, litellm, envoy, portkey };

/** The CLI flag of each format-specific option, for messages. */
const FLAGS: Readonly<Partial<Record<keyof GenerateOptions, string>>> = {
    apiVersion: "--api-version",
    thumbprint: "--thumbprint",
    secretRef: "--secret-ref",
    namespace: "--namespace",
    envoyApiVersion: "--envoy-api-version",
    gatewayName: "--gateway-name",
    oidcClientId: "--oidc-client-id",
    federatedCredential: "--federated-credential",
    certificatePath: "--certificate-path",
    portkeyStrategy: "--portkey-strategy",
};

/** Options that only make sense with one auth mode: certificate, or workload identity. */
const AUTH_ONLY: readonly (readonly [AuthMode, readonly (keyof GenerateOptions)[]])[] = [
    ["certificate", ["thumbprint", "certificatePath"]],
    ["workload-identity", ["oidcClientId", "federatedCredential"]],
];

export function generate(format: Format, outputs: StackOutputs, options: GenerateOptions = {}): GatewayConfig {
    const renderer = RENDERERS[format];
    for (const [key, flag] of Object.entries(FLAGS) as [keyof GenerateOptions, string][]) {
        if (options[key] !== undefined && !renderer.accepts.includes(key)) throw new GatewayConfigError(`${flag} does not apply to --format ${format}`);
    }
    if (options.apiVersion !== undefined && !/^[A-Za-z0-9.-]+$/.test(options.apiVersion)) {
        throw new GatewayConfigError(`--api-version ${excerpt(options.apiVersion)} is not an API version, e.g. 2024-10-21`);
    }
    if (Object.keys(outputs.accounts).length === 0) {
        throw new GatewayConfigError("accounts is empty: the stack declares no Azure OpenAI or Foundry account, so there is nothing to configure");
    }
    checkAccountNames(outputs);
    const auth = resolveAuth(outputs, options.auth, format, renderer.auth);
    for (const [mode, keys] of AUTH_ONLY) {
        for (const key of keys) {
            if (options[key] !== undefined && auth.mode !== mode) throw new GatewayConfigError(`${FLAGS[key]} applies to ${mode} auth, not ${auth.mode}`);
        }
    }
    const rendered = renderer.render(outputs, auth, options);
    return { format, auth: auth.mode, ...rendered, notes: [...expiryNotes(auth, options.now ?? new Date()), ...rendered.notes] };
}
