/**
 * Checks that need a lookup in Azure but must pass before anything is created: they run after config
 * validation and before the first resource is registered, so a failure leaves nothing half-created.
 */
import * as pulumi from "@pulumi/pulumi";
import * as azuread from "@pulumi/azuread";
import * as kubernetes from "@pulumi/azure-native/kubernetes";
import * as keyvault from "@pulumi/azure-native/keyvault";
import { matchLookedUp, principalsToLookUp, type AdoptedRoleAssignment, type AdoptionConfig } from "./config/adopt";
import { singleSite } from "./config/foundryLocal";
import { NAMESPACE } from "./config/parse";
import type { StackConfig } from "./config/types";

export interface PreflightFacts {
    /** ARM id of the delivery Key Vault, when one is configured. */
    readonly keyVaultId?: string;
    /** Adopted role assignments (`foundry-entra:adopt.roleAssignments`), by the declared grant they are. */
    readonly adoptedRoleAssignments?: ReadonlyMap<string, AdoptedRoleAssignment>;
}

export async function preflight(config: StackConfig): Promise<PreflightFacts> {
    const [keyVaultId, adoptedRoleAssignments] = await Promise.all([deliveryVault(config), config.adopt ? adoptedGrants(config, config.adopt) : undefined]);
    return { ...(keyVaultId ? { keyVaultId } : {}), ...(adoptedRoleAssignments ? { adoptedRoleAssignments } : {}) };
}

async function deliveryVault(config: StackConfig): Promise<string | undefined> {
    const kv = config.gatewayDelivery?.keyVault;
    if (!kv) return undefined;
    const vault = await keyvault.getVault({ vaultName: kv.name, resourceGroupName: kv.resourceGroupName });
    if (vault.properties.enableRbacAuthorization !== true) {
        // Per-secret role assignments only mean something in an RBAC-mode vault.
        throw new pulumi.RunError(`foundry-entra:gatewayDelivery.keyVault: Key Vault "${kv.name}" uses access policies; ` +
            `use an RBAC-mode vault (az keyvault update -n ${kv.name} -g ${kv.resourceGroupName} --enable-rbac-authorization true)`);
    }
    return vault.id;
}

/**
 * Adopted role assignments whose principal is a user, a group or the cluster's Arc identity are matched once those are
 * looked up (the same lookups the grants make), so an entry that matches no declared grant stops the run here.
 */
async function adoptedGrants(config: StackConfig, adoption: AdoptionConfig): Promise<ReadonlyMap<string, AdoptedRoleAssignment>> {
    const wanted = principalsToLookUp(adoption);
    const cluster = config.foundryLocal && singleSite(config.foundryLocal);
    const [users, groups, arc] = await Promise.all([
        Promise.all(wanted.users.map(async (upn) => [upn, (await azuread.getUser({ userPrincipalName: upn })).objectId] as const)),
        Promise.all(wanted.groups.map(async (name) => [name, (await azuread.getGroup({ displayName: name, securityEnabled: true })).objectId] as const)),
        wanted.arc && cluster ? kubernetes.getConnectedCluster({ clusterName: cluster.name, resourceGroupName: cluster.resourceGroupName }) : undefined,
    ]);
    const { byResource, problems } = matchLookedUp(adoption, { users: new Map(users), groups: new Map(groups), ...(arc ? { arc: arc.identity.principalId } : {}) });
    if (problems.length > 0) {
        throw new pulumi.RunError(`Invalid ${NAMESPACE}:adopt (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n${problems.map((p) => `  ${p}`).join("\n")}`);
    }
    return byResource;
}
