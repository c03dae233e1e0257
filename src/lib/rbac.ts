import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import { roleDefinitionId, type BuiltInRole } from "../config/roles";
import { stableGuid } from "./ids";
import type { PrincipalType } from "./names";
import { adoptedOptions } from "./unmanaged";

/** One Azure RBAC role assignment to declare. */
export interface RoleGrant {
    /** Object id of the principal receiving the role. */
    readonly principalId: pulumi.Input<string>;
    /** Always set: without it a freshly created principal can fail with "principal not found" (Entra replication delay). */
    readonly principalType: PrincipalType;
    readonly role: BuiltInRole;
    /** ARM id of the resource the role applies to (an account, a connected cluster, a Key Vault secret). */
    readonly scope: pulumi.Input<string>;
    /** Shown in the portal's role assignment list. */
    readonly description: string;
}

/** An existing role assignment the declared one takes over (`foundry-entra:adopt.roleAssignments`). */
export interface AdoptedAssignment {
    /** Its full ARM id: what it is imported by. */
    readonly id: string;
    /** Its existing name (a GUID): kept, because Azure refuses a second assignment of the grant under another name. */
    readonly name: string;
    /** Its scope as Azure has it: sent as is, because azure-native compares the scope as a string and replaces on a change. */
    readonly scope: string;
}

/**
 * Declares a role assignment whose name (a GUID Azure keys on) is derived from scope, principal and role,
 * like Bicep's guid(): the same grant always has the same name, on every run and machine. An adopted one keeps the
 * name and scope it has, is imported, and is never deleted by the stack (`retainOnDelete`).
 */
export function assignRole(name: string, grant: RoleGrant, subscriptionId: string, opts: pulumi.CustomResourceOptions,
    adopted?: AdoptedAssignment): authorization.RoleAssignment {
    return new authorization.RoleAssignment(name, {
        principalId: grant.principalId,
        principalType: grant.principalType,
        roleDefinitionId: roleDefinitionId(subscriptionId, grant.role.guid),
        // The adopted scope as Azure has it, still waiting for the account or cluster it is on.
        scope: adopted ? pulumi.output(grant.scope).apply(() => adopted.scope) : grant.scope,
        roleAssignmentName: adopted ? adopted.name : roleAssignmentName(grant.scope, grant.principalId, grant.role.guid),
        description: grant.description,
    }, adopted ? { ...opts, ...adoptedOptions(adopted.id) } : opts);
}

/**
 * The name (a GUID Azure keys on) of the role assignment of `roleGuid` to a principal at a scope, derived from the
 * three like Bicep's guid(): the same grant always has the same name, on every run and machine.
 */
export function roleAssignmentName(scope: pulumi.Input<string>, principalId: pulumi.Input<string>, roleGuid: string): pulumi.Output<string> {
    return pulumi.all([scope, principalId]).apply(([s, principal]) =>
        stableGuid("role-assignment", s.toLowerCase(), principal.toLowerCase(), roleGuid));
}
