import * as pulumi from "@pulumi/pulumi";
import type { FoundryLocalConfig, FoundryLocalSiteConfig } from "../src/config/types";
import { FOUNDRY_LOCAL } from "../src/config/schema";
import { resourceGroupGrantNote } from "../src/config/foundryLocal";
import { declareGrants, type AccessRequest, type Target } from "../src/lib/grants";
import { resourceGroupArmId } from "../src/lib/armIds";
import { GRANT_PREFIX } from "../src/lib/names";
import { nextTurn } from "../src/lib/pacing";
import { ArcCluster } from "./arcCluster";

/** One site of the group and who gets which role at its cluster. */
export interface FoundryLocalSiteArgs {
    readonly site: FoundryLocalSiteConfig;
    /** Grants at the cluster scope, each with target "foundry-local". @default [] */
    readonly requests: readonly AccessRequest[];
}

export interface FoundryLocalResourceGroupArgs {
    /** The resource group's name, as configured (its grants' scope). */
    readonly resourceGroupName: string;
    /** The fleet's sites in this resource group, in config order. */
    readonly sites: readonly FoundryLocalSiteArgs[];
    /** Grants at the resource group's scope (`grantScope: resourceGroup`), each with target "foundry-local". @default [] */
    readonly requests: readonly AccessRequest[];
    /** Install the Foundry Local extension on every cluster (`foundry-entra:foundryLocal.installExtension`). @default false */
    readonly installExtension?: boolean;
    /** The extension's settings (`foundry-entra:foundryLocal.extension`). */
    readonly extension: FoundryLocalConfig["extension"];
    /** Subscription holding the clusters and the role definitions. */
    readonly subscriptionId: string;
    /** Tenant the extensions' sidecars validate tokens for. */
    readonly tenantId: string;
    /** Client id of the fleet's one Foundry Local API app registration. */
    readonly apiClientId: pulumi.Input<string>;
}

/**
 * The sites of a Foundry Local fleet that live in one resource group, and the role assignments made at that resource
 * group's scope. A grant there reaches every connected cluster in the group by inheritance — those added later, and
 * any not in this stack, too (docs/fleet.md, "Grants that scale"). Declared with `declare`, which yields to the event
 * loop after each site (src/lib/pacing.ts).
 */
export class FoundryLocalResourceGroup extends pulumi.ComponentResource {
    /** ARM id of the resource group. */
    public readonly resourceGroupId: string;
    /** The resource group as a grant target: its scope, and the note every grant there carries. */
    public readonly target: Target;
    /** Each site's cluster component, by site key, once `declare` has finished. */
    public readonly clusters = new Map<string, ArcCluster>();

    private constructor(name: string, resourceGroupName: string, subscriptionId: string, opts?: pulumi.ComponentResourceOptions) {
        super("foundry-entra:index:FoundryLocalResourceGroup", name, {}, opts);
        this.resourceGroupId = resourceGroupArmId(subscriptionId, resourceGroupName);
        this.target = { kind: "FoundryLocal", scope: this.resourceGroupId, note: resourceGroupGrantNote(resourceGroupName) };
    }

    /** Declares the resource group's grants and then its sites, one turn of the event loop each. */
    static async declare(name: string, args: FoundryLocalResourceGroupArgs, opts?: pulumi.ComponentResourceOptions): Promise<FoundryLocalResourceGroup> {
        const rg = new FoundryLocalResourceGroup(name, args.resourceGroupName, args.subscriptionId, opts);
        declareGrants(name, args.requests, new Map([[FOUNDRY_LOCAL, rg.target]]), args.subscriptionId, rg);
        for (const { site, requests } of args.sites) {
            rg.clusters.set(site.key, new ArcCluster(`${name}-${site.key}`, {
                cluster: site,
                installExtension: args.installExtension ?? false,
                extension: args.extension,
                subscriptionId: args.subscriptionId,
                requests,
                tenantId: args.tenantId,
                apiClientId: args.apiClientId,
            }, {
                parent: rg,
                // The single form's cluster was the top-level ArcCluster "arc-cluster" (GRANT_PREFIX.foundryLocal); its children were named from it, so
                // the engine derives their old names too (pulumi/pulumi pkg/resource/deploy/step_generator.go,
                // inheritedChildAlias: a child named "<parent>-…" gets "<parent alias>-…").
                ...(site.fromSingleForm ? { aliases: [{ name: GRANT_PREFIX.foundryLocal, parent: pulumi.rootStackResource }] } : {}),
            }));
            await nextTurn();
        }
        rg.registerOutputs({ resourceGroupId: rg.resourceGroupId });
        return rg;
    }
}
