import * as pulumi from "@pulumi/pulumi";
import { slug } from "../../src/lib/names";
import { customRoleGuid, defineCustomRole, grantRole } from "../rbac";
import { isCustomRole, type CustomRoleSpec, type RoleRef } from "../roles";

/** A role to hand out at every scope. */
export interface ScopeRole {
    /** A built-in role, or a custom role this component defines (assignable at exactly these scopes). */
    readonly role: RoleRef | CustomRoleSpec;
    /** Stored as each assignment's description. */
    readonly reason: string;
    /** ABAC condition (version 2.0) put on every assignment of this role. @default none */
    readonly condition?: string;
}

export interface ScopeAccessArgs {
    /** Object id of the service principal receiving the roles. Required. */
    readonly principalId: pulumi.Input<string>;
    /** Who the principal is, for descriptions, e.g. `deployer`. Required. */
    readonly label: string;
    /** ARM scopes: `/subscriptions/<id>` or `/subscriptions/<id>/resourceGroups/<name>`. One assignment per role and scope. Required. */
    readonly scopes: readonly string[];
    /** The roles, in order. @default [] */
    readonly roles: readonly ScopeRole[];
    /** Appended to custom role names, which must be unique in the tenant, e.g. `contoso/foundry-entra`. Required. */
    readonly customRoleSuffix: string;
}

/**
 * Azure RBAC for one pipeline identity at each configured scope. Custom roles are defined in the first scope's
 * subscription and assignable at exactly the configured scopes.
 */
export class ScopeAccess extends pulumi.ComponentResource {
    /** Role assignment ids, in role then scope order. */
    public readonly assignmentIds: pulumi.Output<string>[];

    constructor(name: string, args: ScopeAccessArgs, opts?: pulumi.ComponentResourceOptions) {
        super("foundry-entra:index:ScopeAccess", name, {}, opts);
        const firstSubscription = /^\/subscriptions\/[^/]+/i.exec(args.scopes[0] ?? "")?.[0] ?? "";
        this.assignmentIds = [];
        for (const r of args.roles) {
            const role = r.role;
            const definition = isCustomRole(role)
                ? defineCustomRole(`${name}-${slug(role.name)}`, role, args.customRoleSuffix, firstSubscription, [...args.scopes], { parent: this })
                : undefined;
            const roleGuid = isCustomRole(role) ? customRoleGuid(role, args.customRoleSuffix) : role.guid;
            for (const scope of args.scopes) {
                const assignment = grantRole(`${name}-${slug(r.role.name)}-${slug(scope)}`, {
                    principalId: args.principalId,
                    scope,
                    roleGuid,
                    ...(definition ? { roleDefinitionId: definition.id } : {}),
                    description: `foundry-entra-bootstrap (${args.label}): ${r.reason}`.slice(0, 1024),
                    ...(r.condition ? { condition: r.condition } : {}),
                }, { parent: this });
                this.assignmentIds.push(assignment.id);
            }
        }
        this.registerOutputs({});
    }
}
