/**
 * Azure Resource Manager ids as plain values: built from config (what the stack declares) and parsed from what a user
 * or `npm run adopt` wrote (what exists). ARM compares ids without regard to case, so comparisons here lower-case
 * both sides; the ids themselves keep the casing they were given, which is what an import and a role assignment's
 * scope send to Azure.
 */
import { GUID_PATTERN } from "../config/roles";

/** Compares two ARM ids (or parts of them) as ARM does: without regard to case. */
export const sameArmId = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

export const accountArmId = (subscriptionId: string, resourceGroupName: string, name: string): string =>
    `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroupName}/providers/Microsoft.CognitiveServices/accounts/${name}`;

export const deploymentArmId = (accountId: string, deploymentName: string): string => `${accountId}/deployments/${deploymentName}`;

export const connectedClusterArmId = (subscriptionId: string, resourceGroupName: string, name: string): string =>
    `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroupName}/providers/Microsoft.Kubernetes/connectedClusters/${name}`;

export const clusterExtensionArmId = (clusterId: string, extensionName: string): string =>
    `${clusterId}/providers/Microsoft.KubernetesConfiguration/extensions/${extensionName}`;

export const userAssignedIdentityArmId = (subscriptionId: string, resourceGroupName: string, name: string): string =>
    `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroupName}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}`;

export const resourceGroupArmId = (subscriptionId: string, resourceGroupName: string): string =>
    `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroupName}`;

/** A role assignment's ARM id taken apart: `<scope>/providers/Microsoft.Authorization/roleAssignments/<name>`. */
export interface RoleAssignmentId {
    readonly scope: string;
    /** The assignment's name: a GUID. */
    readonly name: string;
    /** The subscription of the scope, lower-cased; undefined for a scope above subscriptions (a management group). */
    readonly subscriptionId?: string;
}

const ROLE_ASSIGNMENT_ID = /^(\/.+)\/providers\/Microsoft\.Authorization\/roleAssignments\/([^/]+)$/i;
const SUBSCRIPTION = /^\/subscriptions\/([^/]+)(\/|$)/i;

/** Parses a role assignment id, or says what is wrong with it. */
export function parseRoleAssignmentId(id: string): RoleAssignmentId | string {
    const m = ROLE_ASSIGNMENT_ID.exec(id);
    if (!m) return "is not a role assignment id; expected <scope>/providers/Microsoft.Authorization/roleAssignments/<GUID>, as `az role assignment list --query [].id` prints it";
    const [, scope, name] = m as unknown as [string, string, string];
    if (!GUID_PATTERN.test(name)) return `ends in "${name.slice(0, 40)}", which is not a GUID; a role assignment's name is a GUID`;
    const sub = SUBSCRIPTION.exec(scope)?.[1]?.toLowerCase();
    return { scope, name: name.toLowerCase(), ...(sub ? { subscriptionId: sub } : {}) };
}

/** An ARM resource id taken apart: subscription, resource group, and the `<type>/<name>` pairs after the provider. */
export interface ArmResourceId {
    readonly subscriptionId: string;
    readonly resourceGroupName: string;
    /** The resource provider namespace, e.g. `Microsoft.CognitiveServices`. */
    readonly provider: string;
    /** Types and names after the provider: `[["accounts", "aoai"], ["deployments", "gpt-4o"]]`. */
    readonly path: readonly (readonly [string, string])[];
}

const RESOURCE_ID = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/([^/]+)\/(.+)$/i;

/** Parses `/subscriptions/<s>/resourceGroups/<g>/providers/<namespace>/<type>/<name>[/<type>/<name>…]`, or says why not. */
export function parseArmResourceId(id: string): ArmResourceId | string {
    const m = RESOURCE_ID.exec(id);
    if (!m) return "is not an Azure resource id; expected /subscriptions/<id>/resourceGroups/<group>/providers/<namespace>/<type>/<name>";
    const [, sub, rg, provider, rest] = m as unknown as [string, string, string, string, string];
    const parts = rest.split("/");
    if (parts.length % 2 !== 0 || parts.some((p) => p === "")) return "has a type without a name after the provider namespace";
    const path: (readonly [string, string])[] = [];
    for (let i = 0; i < parts.length; i += 2) path.push([parts[i]!, parts[i + 1]!]);
    return { subscriptionId: sub.toLowerCase(), resourceGroupName: rg, provider, path };
}
