/**
 * The validated, normalised stack configuration that components receive. Every default is filled in and
 * every cross-reference has been checked, so components trust these values.
 */
import type { Principal, PrincipalType } from "../lib/names";
import type { AdoptionConfig } from "./adopt";
import type { GuardrailsConfig } from "./guardrails";
import type { BuiltInRole, TargetKind } from "./roles";

export interface RotationConfig {
    /** Replace the credential every this many days. */
    readonly everyDays: number;
    /** Days the previous credential stays valid after its successor exists. */
    readonly graceDays: number;
    /**
     * An explicit renewal: a new generation starts on this day (UTC) with the current settings, outside the schedule,
     * and the schedule continues every `everyDays` from it. The previous credential stays until it expires.
     */
    readonly renewOn?: Date;
}

export interface CertificateConfig {
    readonly validityDays: number;
    readonly rsaBits: 2048 | 3072 | 4096;
    readonly subject: string;
    readonly rotation?: RotationConfig;
}

export interface ClientSecretConfig {
    readonly validityDays: number;
    readonly rotation?: RotationConfig;
}

export interface FederatedCredentialConfig {
    readonly name: string;
    readonly issuer: string;
    readonly subject: string;
    readonly audiences: readonly string[];
    readonly description?: string;
}

export interface GatewayConfig {
    readonly displayName: string;
    readonly owners: readonly string[];
    readonly certificate: CertificateConfig | false;
    readonly clientSecret: ClientSecretConfig | false;
    readonly federatedCredentials: readonly FederatedCredentialConfig[];
}

export interface DeploymentConfig {
    readonly name: string;
    readonly model: string;
    readonly version: string;
    readonly format: string;
    readonly sku: string;
    readonly capacity: number;
}

export interface AccountConfig {
    readonly name: string;
    readonly resourceGroupName: string;
    readonly kind: "OpenAI" | "AIServices";
    readonly existing: boolean;
    readonly disableLocalAuth: boolean;
    readonly location: string;
    readonly sku: string;
    readonly publicNetworkAccess: "Enabled" | "Disabled";
    readonly deployments: readonly DeploymentConfig[];
}

/** A role to hand to a principal at a set of targets (account names and/or "foundry-local"). */
export interface AccessGrantConfig {
    readonly principal: Principal;
    /** The role value from config: "inference", "admin", a built-in role name or a GUID. */
    readonly role: string;
    readonly targets: readonly string[];
}

export interface ManagedIdentityConfig {
    readonly name: string;
    readonly principalId?: string;
    readonly create?: { readonly resourceGroupName: string; readonly location: string };
    readonly role: string;
    readonly targets: readonly string[];
}

/** One Foundry Local site: an Arc-connected cluster (looked up, not managed) and the endpoint gateways call there. */
export interface FoundryLocalSiteConfig {
    /** The connected cluster's name, as configured. */
    readonly name: string;
    readonly resourceGroupName: string;
    readonly endpoint: string;
    /** The cluster's name in lower case: what resource names are derived from (Azure compares names case-insensitively). */
    readonly key: string;
    /** The grant target that means this site alone (see `foundryLocalTargets` in foundryLocal.ts). */
    readonly target: string;
    /** The site the single `cluster` form declared before the stack became a fleet: it keeps that form's resources. */
    readonly fromSingleForm: boolean;
}

/** A resource group holding sites of the fleet, and the grant target of its scope (`grantScope: resourceGroup`). */
export interface FoundryLocalResourceGroupConfig {
    /** As first spelled in `clusters` (every site must spell it the same). */
    readonly name: string;
    /** The name in lower case: what resource names are derived from. */
    readonly key: string;
    readonly target: string;
    /** Keys of its sites, in config order. */
    readonly sites: readonly string[];
}

export interface FoundryLocalConfig {
    /** `cluster`: the single form (`cluster` + `endpoint`, URNs as before fleets existed); `clusters`: a fleet. */
    readonly form: "cluster" | "clusters";
    /** Every site, in config order; one for the single form. */
    readonly sites: readonly FoundryLocalSiteConfig[];
    readonly resourceGroups: readonly FoundryLocalResourceGroupConfig[];
    /** Where grants to the whole fleet (target `foundry-local`) are made: at each cluster, or once per resource group. */
    readonly grantScope: "cluster" | "resourceGroup";
    /** The concrete grant targets `foundry-local` stands for: each site's, or each resource group's. */
    readonly targets: readonly string[];
    readonly apiDisplayName: string;
    readonly scopeValue: string;
    readonly appRoleValue: string;
    readonly preAuthorizeAzureCli: boolean;
    readonly installExtension: boolean;
    readonly extension: { readonly name: string; readonly releaseTrain: string; readonly releaseNamespace: string; readonly version?: string };
}

export interface KeyVaultDeliveryConfig {
    readonly name: string;
    readonly resourceGroupName: string;
    readonly readers: readonly { readonly principalId: string; readonly principalType: PrincipalType }[];
    readonly grantGateway: boolean;
    readonly secretPrefix: string;
}

export interface KubernetesDeliveryConfig {
    readonly namespace: string;
    readonly kubeconfig?: string;
    readonly context?: string;
    readonly format: "envoy" | "secret";
    readonly secretName: string;
    readonly backendName?: string;
    readonly envoyApiVersion: "aigateway.envoyproxy.io/v1beta1" | "aigateway.envoyproxy.io/v1alpha1";
}

export interface StackConfig {
    readonly project: string;
    readonly stack: string;
    readonly protect: boolean;
    /** What "inference" means on AIServices accounts. */
    readonly aiServicesInferenceRole: BuiltInRole;
    readonly gateway: GatewayConfig;
    readonly accounts: readonly AccountConfig[];
    readonly access: readonly AccessGrantConfig[];
    readonly managedIdentities: readonly ManagedIdentityConfig[];
    readonly foundryLocal?: FoundryLocalConfig;
    readonly gatewayDelivery?: { readonly keyVault?: KeyVaultDeliveryConfig; readonly kubernetes?: KubernetesDeliveryConfig };
    /** Existing objects the stack takes over (`foundry-entra:adopt`). */
    readonly adopt?: AdoptionConfig;
    /** `foundry-entra:guardrails`. */
    readonly guardrails?: GuardrailsConfig;
}

/** The kind of a target name: an account's kind, or FoundryLocal for "foundry-local" and its sites and resource groups. */
export function targetKind(config: StackConfig, target: string): TargetKind {
    const account = config.accounts.find((a) => a.name === target);
    return account ? account.kind : "FoundryLocal";
}
