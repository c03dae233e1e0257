import * as pulumi from "@pulumi/pulumi";
import type * as authorization from "@pulumi/azure-native/authorization";
import { declareGrants, type AccessRequest, type AdoptedGrants, type Target } from "../src/lib/grants";

export interface InferenceAccessArgs {
    /** Who gets which role on which account; "inference" resolves per account kind. @default [] */
    readonly requests: readonly AccessRequest[];
    /** The accounts, by name: kind and ARM id (the role assignments' scope). */
    readonly accounts: ReadonlyMap<string, Target>;
    /** Subscription holding the role definitions. */
    readonly subscriptionId: string;
    /** Existing role assignments that declared grants take over, by the grant's name. @default none */
    readonly adopted?: AdoptedGrants;
}

/**
 * Azure RBAC at each account's scope: the gateway's service principal, users (by UPN), groups (by display
 * name) and raw principal ids get the role the config names. Nothing here waits for credentials.
 */
export class InferenceAccess extends pulumi.ComponentResource {
    public readonly assignments: authorization.RoleAssignment[];

    constructor(name: string, args: InferenceAccessArgs, opts?: pulumi.ComponentResourceOptions) {
        super("foundry-entra:index:InferenceAccess", name, {}, opts);
        this.assignments = declareGrants(name, args.requests, args.accounts, args.subscriptionId, this, args.adopted);
        this.registerOutputs({ count: this.assignments.length });
    }
}
