/**
 * The Foundry Local authentication sidecar's error codes (Microsoft Learn, "Configure Microsoft Entra ID for
 * Foundry Local enabled by Azure Arc"), each mapped to its cause and the config key that fixes it.
 */
import type { Finding } from "../token/finding";

/** The error codes Microsoft Learn documents for the sidecar. */
export type FoundryLocalErrorCode = "missing_credentials" | "ambiguous_auth" | "invalid_api_key" | "invalid_token" | "insufficient_permissions" | "rbac_check_unavailable";

/** How the sidecar answers a code, and what it means. */
export interface FoundryLocalErrorInfo {
    /** The statuses the sidecar answers this code with. */
    readonly statuses: readonly number[];
    /** True when waiting may help (an RBAC assignment still propagating, or the sidecar's 300 s cache). */
    readonly retry: boolean;
    readonly cause: string;
    readonly fix: string;
}

export const FOUNDRY_LOCAL_ERRORS: Readonly<Record<FoundryLocalErrorCode, FoundryLocalErrorInfo>> = {
    missing_credentials: {
        statuses: [401], retry: false,
        cause: "no credentials reached the sidecar: a proxy or ingress in front of `foundryLocal.endpoint` dropped the Authorization header",
        fix: "let the Authorization header through the ingress/proxy, and send `Authorization: Bearer <token for foundryLocal.appScope>`",
    },
    ambiguous_auth: {
        statuses: [400], retry: false,
        cause: "the request carried both an Authorization header and an api-key header",
        fix: "send only `Authorization: Bearer …`: remove the api-key header from the gateway's Foundry Local provider",
    },
    invalid_api_key: {
        statuses: [401], retry: false,
        cause: "an api-key was sent and refused",
        fix: "use Entra ID: `Authorization: Bearer <token for foundryLocal.appScope>`",
    },
    invalid_token: {
        statuses: [401], retry: false,
        cause: "the sidecar refused the token (v1 issuer, wrong audience, no scp/roles claim, expired, or another tenant)",
        fix: "run `npm run token-doctor -- --for foundry-local --outputs <outputs.json> -` on the token; the extension's `entraAuth.clientId` must be `foundryLocal.clientId` and `entraAuth.tenantId` the stack's `tenantId`",
    },
    insufficient_permissions: {
        statuses: [403], retry: true,
        cause: "the caller has no Azure RBAC role at the connected cluster's scope (or it has not propagated yet)",
        fix: "the gateway gets Cognitive Services OpenAI User on the cluster from ArcCluster (on a fleet with `grantScope: resourceGroup`, on its resource group); others through `foundry-entra:access` or `foundry-entra:managedIdentities` with `accounts: [foundry-local]` (or `foundry-local/<cluster>` for one site of a fleet); run `pulumi up`; assignments take up to 5 minutes to propagate and the sidecar caches RBAC answers up to 300 s (rerun with a larger --wait)",
    },
    rbac_check_unavailable: {
        statuses: [500, 503], retry: false,
        cause: "the sidecar could not check RBAC: the cluster's Arc identity cannot read role assignments at the cluster scope, or the cluster cannot reach Azure Resource Manager",
        fix: "ArcCluster gives the cluster's own Arc identity Cognitive Services OpenAI User at the cluster scope (`foundry-entra:foundryLocal.cluster`, or each of `foundryLocal.clusters`): run `pulumi up`; by hand: `az role assignment create --assignee <az connectedk8s show --query identity.principalId> --role \"Cognitive Services OpenAI User\" --scope <foundryLocal.clusterId, or foundryLocal.sites.<cluster>.clusterId>`; check the cluster's outbound access to management.azure.com",
    },
};

const CODES = Object.keys(FOUNDRY_LOCAL_ERRORS) as FoundryLocalErrorCode[];

/** Finds a sidecar error code in an answer's code field or message. */
export function foundryLocalCode(code: string | undefined, message: string): FoundryLocalErrorCode | undefined {
    if (code && (CODES as string[]).includes(code)) return code as FoundryLocalErrorCode;
    return CODES.find((c) => message.includes(c));
}

/**
 * Cause and fix for a sidecar error; for `invalid_token` the token's own failed findings (from the Foundry
 * Local rules) name the precise cause when there is one.
 */
export function explainFoundryLocalError(code: FoundryLocalErrorCode, tokenFindings: readonly Finding[] = []): { cause: string; fix: string; retry: boolean } {
    const known = FOUNDRY_LOCAL_ERRORS[code];
    const failed = code === "invalid_token" ? tokenFindings.find((f) => f.status === "fail") : undefined;
    if (failed?.cause && failed.fix) return { cause: `${failed.title}: ${failed.cause}`, fix: failed.fix, retry: false };
    return { cause: known.cause, fix: known.fix, retry: known.retry };
}
