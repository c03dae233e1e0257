/**
 * Foundry Local on Azure Arc (`foundry-entra:foundryLocal`): one API app registration, whatever the number of
 * clusters, and either one cluster (the single form, whose resource names are what they always were) or a fleet.
 * Returns each Foundry Local target's scope (for the managed identities' grants), the API's app role and the outputs.
 */
import type * as pulumi from "@pulumi/pulumi";
import { ArcCluster, FoundryLocalApi, FoundryLocalFleet, type FoundryLocalApiArgs } from "../components";
import type { FoundryLocalConfig, StackConfig } from "./config/types";
import type { AccessRequest, AdoptedGrants, Target } from "./lib/grants";
import { GRANT_PREFIX } from "./lib/names";
import type { DeployContext } from "./program";

export interface FoundryLocalInputs {
    /** Owners of the API app registration and its service principal. */
    readonly owners: pulumi.Input<string>[];
    /** Object id of the gateway's service principal, which gets the app role. */
    readonly gatewayServicePrincipalObjectId: pulumi.Input<string>;
    /** Every request whose target is Foundry Local's (the whole fleet expanded: one site's or one resource group's). */
    readonly requests: readonly AccessRequest[];
    /**
     * What exists already (`foundry-entra:adopt`): the API app registration, the role assignments at the cluster and the
     * installed extension. Grants and the extension are adopted for the single form's cluster only. @default nothing
     */
    readonly adopt?: { readonly api?: FoundryLocalApiArgs["adopt"]; readonly grants?: AdoptedGrants; readonly extensionId?: string };
}

export interface FoundryLocalDeclared {
    /** Each Foundry Local target's kind and scope. */
    readonly targets: ReadonlyMap<string, Target>;
    /** The API's app role and service principal, for the managed identities' app-role assignments. */
    readonly role: { readonly appRoleId: string; readonly servicePrincipalObjectId: pulumi.Output<string> };
    /** `foundryLocal` of the stack outputs. */
    readonly outputs: Record<string, unknown>;
}

export async function declareFoundryLocal(config: StackConfig, fl: FoundryLocalConfig, ctx: DeployContext, inputs: FoundryLocalInputs): Promise<FoundryLocalDeclared> {
    // The API's part of what is adopted, and the cluster's (grants and extension: the single form's cluster only).
    const { api: adoptedApi, ...adoptedCluster } = inputs.adopt ?? {};
    const api = new FoundryLocalApi("foundry-local-api", {
        displayName: fl.apiDisplayName,
        owners: inputs.owners,
        scopeValue: fl.scopeValue,
        appRoleValue: fl.appRoleValue,
        preAuthorizeAzureCli: fl.preAuthorizeAzureCli,
        idSeed: { project: config.project, stack: config.stack },
        gatewayServicePrincipalObjectId: inputs.gatewayServicePrincipalObjectId,
        protect: config.protect,
        ...(adoptedApi ? { adopt: adoptedApi } : {}),
    });
    const common = { subscriptionId: ctx.subscriptionId, tenantId: ctx.tenantId, apiClientId: api.clientId };
    const apiOutputs = {
        clientId: api.clientId,
        identifierUri: api.identifierUri,
        userScope: api.userScope,
        appScope: api.appScope,
    };
    const ids = { scopeId: api.scopeId, appRoleId: api.appRoleId, appRole: fl.appRoleValue };
    const role = { appRoleId: api.appRoleId, servicePrincipalObjectId: api.servicePrincipalObjectId };

    const [single] = fl.sites;
    if (fl.form === "cluster" && single) {
        const cluster = new ArcCluster(GRANT_PREFIX.foundryLocal, {
            cluster: single, installExtension: fl.installExtension, extension: fl.extension, requests: inputs.requests, ...common,
            adopt: adoptedCluster,
        });
        return {
            targets: new Map([[single.target, { kind: "FoundryLocal", scope: cluster.clusterId }]]),
            role,
            outputs: { ...apiOutputs, endpoint: single.endpoint, clusterId: cluster.clusterId, ...ids },
        };
    }
    const fleet = await FoundryLocalFleet.declare("fleet", { config: fl, requests: inputs.requests, ...common });
    return {
        targets: fleet.targets,
        role,
        outputs: {
            ...apiOutputs,
            ...ids,
            grantScope: fl.grantScope,
            sites: Object.fromEntries(fleet.sites.map((s) => [s.name, { clusterId: s.clusterId, endpoint: s.endpoint, resourceGroupName: s.resourceGroupName }])),
        },
    };
}
