/**
 * How many Azure role assignments a config declares, against the limit Azure sets per subscription. Counted from the
 * validated config, before anything is registered, so a stack that could never be deployed whole is refused up
 * front instead of failing part-way with RoleAssignmentLimitExceeded. test/fleet.test.ts checks the count against
 * the role assignments the program actually declares.
 */
import type { StackConfig } from "./types";
import { isFoundryLocalTarget } from "./foundryLocal";

/**
 * Role assignments per subscription: "Azure supports up to 4000 role assignments per subscription. This limit includes
 * role assignments at the subscription, resource group, and resource scopes, but not at the management group scope"
 * and "is fixed and cannot be increased"; the error is RoleAssignmentLimitExceeded (Microsoft Learn, "Troubleshoot
 * Azure RBAC limits", https://learn.microsoft.com/azure/role-based-access-control/troubleshoot-limits). Every
 * assignment in the subscription counts, including those made outside this stack.
 */
export const ROLE_ASSIGNMENTS_PER_SUBSCRIPTION = 4000;

export interface RoleAssignmentCount {
    /** Every role assignment the stack declares (all in the deployment's subscription). */
    readonly total: number;
    /** Those of Foundry Local: each cluster's Arc identity, and grants at clusters and resource groups of the fleet. */
    readonly foundryLocal: number;
}

/** The role assignments a validated config declares, as the program declares them. */
export function countRoleAssignments(config: StackConfig): RoleAssignmentCount {
    const fl = config.foundryLocal;
    const flTargets = (targets: readonly string[]) => targets.filter(isFoundryLocalTarget).length;
    // The gateway gets inference on every account and every Foundry Local target.
    const gateway = config.accounts.length + (fl?.targets.length ?? 0);
    const entries = [...config.access, ...config.managedIdentities];
    const granted = entries.reduce((n, e) => n + e.targets.length, 0);
    const kv = config.gatewayDelivery?.keyVault;
    const secrets = (config.gateway.certificate ? 1 : 0) + (config.gateway.clientSecret ? 1 : 0);
    // Key Vault Secrets User per stored secret, for each reader.
    const delivery = kv ? secrets * ((kv.grantGateway ? 1 : 0) + kv.readers.length) : 0;
    const foundryLocal = fl ? fl.sites.length + fl.targets.length + entries.reduce((n, e) => n + flTargets(e.targets), 0) : 0;
    return { total: gateway + granted + delivery + (fl?.sites.length ?? 0), foundryLocal };
}

/** The problem line's text when the count is over the limit, else undefined. */
export function roleAssignmentLimitProblem(count: RoleAssignmentCount): string | undefined {
    if (count.total <= ROLE_ASSIGNMENTS_PER_SUBSCRIPTION) return undefined;
    const n = (x: number) => x.toLocaleString("en-US");
    return `the stack would declare ${n(count.total)} role assignments (${n(count.foundryLocal)} of them for Foundry Local), over the ` +
        `${n(ROLE_ASSIGNMENTS_PER_SUBSCRIPTION)} Azure allows per subscription (RoleAssignmentLimitExceeded); grant the whole fleet at its resource ` +
        "groups (grantScope: resourceGroup), grant groups rather than single principals, or split the fleet into stacks in other subscriptions (docs/fleet.md)";
}
