import * as pulumi from "@pulumi/pulumi";
import * as azuread from "@pulumi/azuread";
import * as managedidentity from "@pulumi/azure-native/managedidentity";
import type { ManagedIdentityConfig } from "../src/config/types";
import { declareGrants, type AdoptedGrants, type Target } from "../src/lib/grants";
import { GRANT_PREFIX, IDENTITY_PRINCIPAL_KEY } from "../src/lib/names";
import { adoptedOptions, UNMANAGED_IDENTITY_INPUTS } from "../src/lib/unmanaged";

export interface ManagedIdentityAccessArgs {
    /** The identity: an existing one by principal id, or one to create; its role and targets. */
    readonly config: ManagedIdentityConfig;
    /** Every target by name (accounts and "foundry-local"): kind and ARM id. */
    readonly targets: ReadonlyMap<string, Target>;
    /** Subscription holding the role definitions. Required. */
    readonly subscriptionId: string;
    /** The Foundry Local API's app role and service principal, when Foundry Local is configured. @default undefined */
    readonly foundryLocal?: { readonly appRoleId: string; readonly servicePrincipalObjectId: pulumi.Input<string> };
    /** What exists already: the identity (ARM id), its app-role assignment (id), its role assignments. @default nothing */
    readonly adopt?: {
        /** The existing identity: its ARM id and its principal (object) id, which never changes for an identity. */
        readonly identity?: { readonly id: string; readonly principalId: string };
        readonly appRoleAssignmentId?: string;
        readonly grants?: AdoptedGrants;
    };
}

/**
 * A workload (managed) identity that calls models directly: created as a user-assigned identity or given by
 * principal id, with the Foundry Local app role (so its tokens carry `roles`) and RBAC on the targets it names.
 */
export class ManagedIdentityAccess extends pulumi.ComponentResource {
    public readonly principalId: pulumi.Output<string>;
    /** Client id of a created identity (what workloads set as AZURE_CLIENT_ID); undefined for an existing one. */
    public readonly clientId?: pulumi.Output<string>;

    constructor(name: string, args: ManagedIdentityAccessArgs, opts?: pulumi.ComponentResourceOptions) {
        super("foundry-entra:index:ManagedIdentityAccess", name, {}, opts);
        const m = args.config;
        if (m.create) {
            const identity = new managedidentity.UserAssignedIdentity(`${name}-identity`, {
                resourceName: m.name,
                resourceGroupName: m.create.resourceGroupName,
                location: m.create.location,
            }, { parent: this, ...(args.adopt?.identity ? adoptedOptions(args.adopt.identity.id, UNMANAGED_IDENTITY_INPUTS) : {}) });
            const adoptedPrincipal = args.adopt?.identity?.principalId;
            // An adopted identity's principal id is known (it is what its adopted grants were matched by); still after the import.
            this.principalId = adoptedPrincipal ? identity.principalId.apply(() => adoptedPrincipal) : identity.principalId;
            this.clientId = identity.clientId;
        } else {
            this.principalId = pulumi.output(m.principalId ?? "");
        }

        if (args.foundryLocal) {
            new azuread.AppRoleAssignment(`${name}-app-role`, {
                appRoleId: args.foundryLocal.appRoleId,
                principalObjectId: this.principalId,
                resourceObjectId: args.foundryLocal.servicePrincipalObjectId,
            }, { parent: this, ...(args.adopt?.appRoleAssignmentId ? adoptedOptions(args.adopt.appRoleAssignmentId) : {}) });
        }

        const principal = { key: IDENTITY_PRINCIPAL_KEY, label: `managed identity ${m.name}`, principalId: this.principalId, principalType: "ServicePrincipal" as const };
        declareGrants(GRANT_PREFIX.managedIdentity(m.name), m.targets.map((target) => ({ principal, role: m.role, target })), args.targets, args.subscriptionId, this, args.adopt?.grants);
        this.registerOutputs({ principalId: this.principalId });
    }
}
