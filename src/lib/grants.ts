import * as pulumi from "@pulumi/pulumi";
import type * as authorization from "@pulumi/azure-native/authorization";
import { resolveRole, type BuiltInRole, type TargetKind } from "../config/roles";
import { grantResourceName, type PrincipalType } from "./names";
import { assignRole, type AdoptedAssignment } from "./rbac";

/** A principal whose object id is known or looked up. */
export interface PrincipalRef {
    /** Stable slug used in resource names, e.g. `user-alice-contoso-com`. */
    readonly key: string;
    /** How people read it, e.g. `user alice@contoso.com`. */
    readonly label: string;
    readonly principalId: pulumi.Input<string>;
    readonly principalType: PrincipalType;
}

/** "Give this principal this role at this target." */
export interface AccessRequest {
    readonly principal: PrincipalRef;
    /** A role value from config: "inference", "admin", a built-in role name or a GUID. */
    readonly role: string;
    /** An account name or "foundry-local". */
    readonly target: string;
}

export interface Target {
    readonly kind: TargetKind;
    /** ARM id of the account or connected cluster (or of a Foundry Local fleet's resource group). */
    readonly scope: pulumi.Input<string>;
    /** Why the scope is this wide, appended to each assignment's description (the portal shows it). @default none */
    readonly note?: string;
    /** What "inference" means on an AIServices account (`foundry-entra:aiServicesInferenceRole`). @default Cognitive Services OpenAI User */
    readonly inferenceRole?: BuiltInRole;
}

/** The existing role assignment a declared grant takes over, by the grant's logical name (`foundry-entra:adopt`). */
export type AdoptedGrants = (resourceName: string) => AdoptedAssignment | undefined;

/** Declares one role assignment per request, named `<prefix>-<principal>-<target>-<role>`; adopted ones are imported. */
export function declareGrants(prefix: string, requests: readonly AccessRequest[], targets: ReadonlyMap<string, Target>,
    subscriptionId: string, parent: pulumi.Resource, adopted: AdoptedGrants = () => undefined): authorization.RoleAssignment[] {
    return requests.map((r) => {
        const target = targets.get(r.target);
        if (!target) throw new Error(`internal: no scope for target "${r.target}" (config validation should have caught this)`);
        const role = resolveRole(r.role, target.kind, target.inferenceRole);
        const name = grantResourceName(prefix, r.principal.key, r.target, role.slug);
        return assignRole(name, {
            principalId: r.principal.principalId,
            principalType: r.principal.principalType,
            role,
            scope: target.scope,
            description: `foundry-entra: ${role.name} for ${r.principal.label}${target.note ? `, ${target.note}` : ""}`,
        }, subscriptionId, { parent }, adopted(name));
    });
}
