/**
 * The shapes every gateway format shares: the options it is generated with, the files it produces and
 * how they are combined when written to one stream.
 */
import type { AuthMode, AuthSupport, GatewayAuth } from "./auth";
import type { StackOutputs } from "./outputs";

export const FORMATS = ["truefoundry", "litellm", "envoy", "portkey"] as const;
export type Format = (typeof FORMATS)[number];

/** The Azure OpenAI data-plane API version written where a gateway asks for one: the current GA version. */
export const DEFAULT_API_VERSION = "2024-10-21";

export interface GenerateOptions {
    /** @default certificate when the outputs have one and the format supports it, else client-secret, else workload-identity */
    readonly auth?: AuthMode;
    /** Azure OpenAI API version. @default DEFAULT_API_VERSION */
    readonly apiVersion?: string;
    /** TrueFoundry, certificate auth: the thumbprint's form. @default "hex" (what the Azure portal shows) */
    readonly thumbprint?: "hex" | "x5t";
    /** TrueFoundry: `tfy-secret://<tenant>:<group>`; sensitive fields become references to keys of that group. */
    readonly secretRef?: string;
    /** Envoy: the namespace of the Secret and the BackendSecurityPolicy. @default "default" */
    readonly namespace?: string;
    /** Envoy: the version of the `aigateway.envoyproxy.io` API. @default "v1beta1" (Envoy AI Gateway v0.6 and later) */
    readonly envoyApiVersion?: "v1beta1" | "v1alpha1";
    /** Envoy: the Gateway the AIGatewayRoute attaches to (in the same namespace). @default "envoy-ai-gateway" */
    readonly gatewayName?: string;
    /** Envoy, workload identity: the client id the controller uses at the OIDC provider (`oidcExchangeToken.oidc.clientID`). @default none: required */
    readonly oidcClientId?: string;
    /** Envoy, workload identity: which of gateway.federatedCredentials (by name) the OIDC provider's tokens match. @default the only usable one */
    readonly federatedCredential?: string;
    /** Portkey: how the ready config spreads a model over the accounts that deploy it. @default "loadbalance" */
    readonly portkeyStrategy?: "loadbalance" | "fallback";
    /** LiteLLM, certificate auth: the path `AZURE_CERTIFICATE_PATH` names. @default the bundle's file name */
    readonly certificatePath?: string;
    /** The directory `--out` writes into, absolute; LiteLLM's default `AZURE_CERTIFICATE_PATH` is the bundle there. */
    readonly outDir?: string;
    /** The date credential expiry is judged against. @default now */
    readonly now?: Date;
}

export interface GeneratedFile {
    /** The file's name when written into a directory (`--out DIR/`). */
    readonly name: string;
    readonly content: string;
    /** True when the content holds a secret value: written with mode 0600, never printed to a terminal unasked. */
    readonly sensitive: boolean;
}

/** A secret the user stores elsewhere (a TrueFoundry secret group) because the manifests only reference it. */
export interface SecretValue {
    /** The key in the secret group. */
    readonly key: string;
    /** What the value is, in words, for the instructions printed to stderr. */
    readonly description: string;
    readonly content: string;
}

/**
 * How the files of a format become one stream (stdout or `--out FILE`): concatenated as YAML documents,
 * the one file as is, or not at all (the format needs a directory).
 */
export type Combine = "yaml-documents" | "single" | "directory";

export interface GatewayConfig {
    readonly format: Format;
    readonly auth: AuthMode;
    readonly files: readonly GeneratedFile[];
    readonly combine: Combine;
    /** Things the user should know (skipped accounts, Foundry Local, what to create next), for stderr. */
    readonly notes: readonly string[];
    readonly secretValues: readonly SecretValue[];
}

/** What a format renderer returns; `generate` adds the format, the auth mode and common notes. */
export type Rendered = Omit<GatewayConfig, "format" | "auth">;

export interface FormatRenderer {
    readonly format: Format;
    readonly auth: AuthSupport;
    /** Format-specific options this format accepts (others are refused rather than silently ignored). */
    readonly accepts: readonly (keyof GenerateOptions)[];
    render(outputs: StackOutputs, auth: GatewayAuth, options: GenerateOptions): Rendered;
}
