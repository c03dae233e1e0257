import * as pulumi from "@pulumi/pulumi";
import * as kubernetes from "@pulumi/azure-native/kubernetes";
import * as kubernetesconfiguration from "@pulumi/azure-native/kubernetesconfiguration";
import type { FoundryLocalConfig } from "../src/config/types";
import { ROLES } from "../src/config/roles";
import { FOUNDRY_LOCAL } from "../src/config/schema";
import { declareGrants, type AccessRequest, type AdoptedGrants } from "../src/lib/grants";
import { arcIdentityGrantName } from "../src/lib/names";
import { assignRole } from "../src/lib/rbac";
import { adoptedOptions, UNMANAGED_EXTENSION_INPUTS } from "../src/lib/unmanaged";

export interface ArcClusterArgs {
    /** The connected cluster, looked up (not managed) by name in its resource group. */
    readonly cluster: { readonly name: string; readonly resourceGroupName: string };
    /** Install the Foundry Local extension (`foundry-entra:foundryLocal.installExtension`). @default false */
    readonly installExtension?: boolean;
    /** The extension's name, release train and namespace, and a pinned version (`foundry-entra:foundryLocal.extension`). */
    readonly extension: FoundryLocalConfig["extension"];
    /** Subscription holding the cluster and the role definitions. */
    readonly subscriptionId: string;
    /** Who gets which role at the cluster scope, each with target "foundry-local" ("inference" = Cognitive Services OpenAI User). @default [] */
    readonly requests: readonly AccessRequest[];
    /** Tenant the extension's sidecar validates tokens for. */
    readonly tenantId: string;
    /** Client id of the Foundry Local API app registration (the extension's `entraAuth.clientId`). */
    readonly apiClientId: pulumi.Input<string>;
    /** What exists already: role assignments at the cluster, the installed extension (ARM id). @default nothing */
    readonly adopt?: { readonly grants?: AdoptedGrants; readonly extensionId?: string };
}

/**
 * The Arc-connected Kubernetes cluster running Foundry Local: looked up, not managed. Declares RBAC at the
 * cluster scope, gives the cluster's own Arc identity the role it needs to check callers' RBAC (without it
 * every call fails with 500 `rbac_check_unavailable`), and optionally installs the Foundry Local extension.
 */
export class ArcCluster extends pulumi.ComponentResource {
    /** ARM id of the connected cluster: the scope of Foundry Local role assignments. */
    public readonly clusterId: pulumi.Output<string>;
    /** Object id of the cluster's Arc (system-assigned) identity. */
    public readonly arcPrincipalId: pulumi.Output<string>;

    constructor(name: string, args: ArcClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("foundry-entra:index:ArcCluster", name, {}, opts);
        const { cluster: c, extension } = args;
        const cluster = kubernetes.getConnectedClusterOutput({ clusterName: c.name, resourceGroupName: c.resourceGroupName }, { parent: this });
        this.clusterId = cluster.id;
        this.arcPrincipalId = cluster.identity.principalId;

        // For the single form (component "arc-cluster", GRANT_PREFIX.foundryLocal) this is the name adoption matches; each fleet site has its own.
        const arcGrant = arcIdentityGrantName(ROLES.openAiUser.slug, name);
        assignRole(arcGrant, {
            principalId: this.arcPrincipalId,
            principalType: "ServicePrincipal",
            role: ROLES.openAiUser,
            scope: this.clusterId,
            description: "foundry-entra: lets the cluster's Arc identity check callers' role assignments",
        }, args.subscriptionId, { parent: this }, args.adopt?.grants?.(arcGrant));

        declareGrants(name, args.requests, new Map([[FOUNDRY_LOCAL, { kind: "FoundryLocal" as const, scope: this.clusterId }]]),
            args.subscriptionId, this, args.adopt?.grants);

        if (args.installExtension ?? false) {
            // Preview, for allow-listed subscriptions; needs the Microsoft.CertManagement extension in place first.
            new kubernetesconfiguration.Extension(`${name}-foundry-local`, {
                resourceGroupName: c.resourceGroupName,
                clusterName: c.name,
                clusterRp: "Microsoft.Kubernetes",
                clusterResourceName: "connectedClusters",
                extensionName: extension.name,
                extensionType: "Microsoft.Foundry",
                releaseTrain: extension.releaseTrain,
                autoUpgradeMinorVersion: extension.version === undefined,
                ...(extension.version ? { version: extension.version } : {}),
                scope: { cluster: { releaseNamespace: extension.releaseNamespace } },
                configurationSettings: {
                    "entraAuth.enabled": "true",
                    "entraAuth.tenantId": args.tenantId,
                    "entraAuth.clientId": args.apiClientId,
                },
            }, { parent: this, ...(args.adopt?.extensionId ? adoptedOptions(args.adopt.extensionId, UNMANAGED_EXTENSION_INPUTS) : {}) });
        }
        this.registerOutputs({ clusterId: this.clusterId, arcPrincipalId: this.arcPrincipalId });
    }
}
