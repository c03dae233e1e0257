/**
 * Role assignments and custom role definitions for the pipeline identities. Names (the GUIDs Azure keys on) are
 * derived from what they mean, by the main program's `roleAssignmentName`: the same config renders the same graph.
 */
import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import { stableGuid } from "../src/lib/ids";
import { roleAssignmentName } from "../src/lib/rbac";
import { roleDefinitionIdAt, type CustomRoleSpec } from "./roles";

/** One role assignment to a service principal (the pipeline identities are always service principals). */
export interface PipelineGrant {
    /** Object id of the service principal. */
    readonly principalId: pulumi.Input<string>;
    /** ARM id the role applies to (a subscription, resource group, container or key). */
    readonly scope: pulumi.Input<string>;
    /** GUID of the role definition; part of the assignment's derived name. */
    readonly roleGuid: string;
    /** ARM id of the role definition. @default the built-in role in the scope's subscription */
    readonly roleDefinitionId?: pulumi.Input<string>;
    /** Shown in the portal's role assignment list. */
    readonly description: string;
    /** ABAC condition (version 2.0). @default none */
    readonly condition?: string;
}

export function grantRole(name: string, grant: PipelineGrant, opts: pulumi.CustomResourceOptions): authorization.RoleAssignment {
    return new authorization.RoleAssignment(name, {
        principalId: grant.principalId,
        // Always set: a freshly created service principal is otherwise "not found" until Entra replicates it.
        principalType: "ServicePrincipal",
        roleDefinitionId: grant.roleDefinitionId ?? pulumi.output(grant.scope).apply((s) => roleDefinitionIdAt(s, grant.roleGuid)),
        scope: grant.scope,
        roleAssignmentName: roleAssignmentName(grant.scope, grant.principalId, grant.roleGuid),
        description: grant.description,
        ...(grant.condition ? { condition: grant.condition, conditionVersion: "2.0" } : {}),
    }, opts);
}

/** The name a custom role gets in a tenant: its spec's name and what it is for (custom role names are tenant-unique). */
export const customRoleName = (spec: CustomRoleSpec, suffix: string): string => `${spec.name} (${suffix})`;

/** The GUID of a custom role definition, derived from its name. */
export const customRoleGuid = (spec: CustomRoleSpec, suffix: string): string => stableGuid("role-definition", customRoleName(spec, suffix));

/**
 * Declares a custom role. Definitions live in a subscription (`definitionScope`); `assignableScopes` must be
 * subscriptions or resource groups, never single resources.
 */
export function defineCustomRole(name: string, spec: CustomRoleSpec, suffix: string, definitionScope: pulumi.Input<string>,
    assignableScopes: pulumi.Input<pulumi.Input<string>[]>, opts: pulumi.CustomResourceOptions): authorization.RoleDefinition {
    return new authorization.RoleDefinition(name, {
        roleDefinitionId: customRoleGuid(spec, suffix),
        roleName: customRoleName(spec, suffix),
        description: spec.description,
        roleType: "CustomRole",
        scope: definitionScope,
        assignableScopes,
        permissions: [{ actions: [...spec.actions], notActions: [], dataActions: [...spec.dataActions], notDataActions: [] }],
    }, opts);
}
