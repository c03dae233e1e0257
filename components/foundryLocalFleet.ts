import * as pulumi from "@pulumi/pulumi";
import type { FoundryLocalConfig } from "../src/config/types";
import { FOUNDRY_LOCAL } from "../src/config/schema";
import type { AccessRequest, Target } from "../src/lib/grants";
import { FoundryLocalResourceGroup } from "./foundryLocalResourceGroup";

export interface FoundryLocalFleetArgs {
    /** The fleet from `foundry-entra:foundryLocal.clusters`: sites, resource groups, grant scope, extension settings. */
    readonly config: FoundryLocalConfig;
    /** Who gets which role on which Foundry Local target (a site's or a resource group's; see src/config/foundryLocal.ts). @default [] */
    readonly requests: readonly AccessRequest[];
    /** Subscription holding the clusters and the role definitions. */
    readonly subscriptionId: string;
    /** Tenant the extensions' sidecars validate tokens for. */
    readonly tenantId: string;
    /** Client id of the fleet's one Foundry Local API app registration (every extension's `entraAuth.clientId`). */
    readonly apiClientId: pulumi.Input<string>;
}

/** A site as the outputs show it. */
export interface FoundryLocalSite {
    readonly name: string;
    readonly resourceGroupName: string;
    readonly endpoint: string;
    /** ARM id of the connected cluster. */
    readonly clusterId: pulumi.Output<string>;
}

/**
 * Foundry Local on a fleet of Arc-connected clusters, grouped by resource group: per cluster its Arc identity's role,
 * its grants (or one grant per resource group with `grantScope: resourceGroup`) and the extension. Resource names
 * come from resource group and cluster names, never from positions in the list, so adding or removing a site
 * leaves every other site's resources as they are. Declared with `declare`, which paces the sites
 * (src/lib/pacing.ts).
 */
export class FoundryLocalFleet extends pulumi.ComponentResource {
    /** Every site, in config order, once `declare` has finished. */
    public readonly sites: FoundryLocalSite[] = [];
    /** Each Foundry Local target's kind and scope: every site's cluster and every resource group of the fleet. */
    public readonly targets = new Map<string, Target>();

    private constructor(name: string, opts?: pulumi.ComponentResourceOptions) {
        super("foundry-entra:index:FoundryLocalFleet", name, {}, opts);
    }

    /** Declares the fleet: its resource groups one after another, each with its grants and sites. */
    static async declare(name: string, args: FoundryLocalFleetArgs, opts?: pulumi.ComponentResourceOptions): Promise<FoundryLocalFleet> {
        const fleet = new FoundryLocalFleet(name, opts);
        const config = args.config;
        const byTarget = new Map<string, AccessRequest[]>();
        for (const r of args.requests) {
            // Inside a site or a resource group, the target is simply "foundry-local": names read as in the single form.
            const list = byTarget.get(r.target) ?? [];
            list.push({ ...r, target: FOUNDRY_LOCAL });
            byTarget.set(r.target, list);
        }
        const requestsFor = (target: string) => byTarget.get(target) ?? [];

        const sites = new Map(config.sites.map((s) => [s.key, s]));
        const clusterIds = new Map<string, pulumi.Output<string>>();
        for (const group of config.resourceGroups) {
            const rg = await FoundryLocalResourceGroup.declare(`${name}-${group.key}`, {
                resourceGroupName: group.name,
                sites: group.sites.flatMap((key) => {
                    const site = sites.get(key);
                    return site ? [{ site, requests: requestsFor(site.target) }] : [];
                }),
                requests: requestsFor(group.target),
                installExtension: config.installExtension,
                extension: config.extension,
                subscriptionId: args.subscriptionId,
                tenantId: args.tenantId,
                apiClientId: args.apiClientId,
            }, { parent: fleet });
            fleet.targets.set(group.target, rg.target);
            for (const [key, cluster] of rg.clusters) {
                clusterIds.set(key, cluster.clusterId);
                const site = sites.get(key);
                if (site) fleet.targets.set(site.target, { kind: "FoundryLocal", scope: cluster.clusterId });
            }
        }
        for (const s of config.sites) {
            const clusterId = clusterIds.get(s.key);
            if (clusterId) fleet.sites.push({ name: s.name, resourceGroupName: s.resourceGroupName, endpoint: s.endpoint, clusterId });
        }
        fleet.registerOutputs({ sites: fleet.sites.length });
        return fleet;
    }
}
