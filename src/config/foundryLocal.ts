/**
 * `foundry-entra:foundryLocal` after the schema: one cluster (`cluster` + `endpoint`) or a fleet (`clusters`), made
 * into sites, resource groups and the grant targets access entries name.
 *
 * Grant targets. In `accounts:` lists, `foundry-local` means every site, and `foundry-local/<cluster name>` one
 * site (fleet form only). The normalised config holds concrete targets only, each with one scope:
 * - a site: `foundry-local/<name in lower case>`; the single form's cluster, and the fleet site that says
 *   `fromSingleForm`, keep the single form's target `foundry-local`, so their resources keep their names;
 * - a resource group of the fleet (`grantScope: resourceGroup`): `foundry-local/resourceGroups/<name in lower case>`.
 * Cluster names cannot hold "/" (ARM ids are "/"-separated), so a site target never looks like a resource group's.
 */
import { excerpt } from "../lib/names";
import type { FoundryLocalConfig, FoundryLocalResourceGroupConfig, FoundryLocalSiteConfig } from "./types";
import { FOUNDRY_LOCAL, type RawStackConfig } from "./schema";

type RawFoundryLocal = NonNullable<RawStackConfig["foundryLocal"]>;
/** Where problems go, and how a key path is written (parse.ts's). */
export interface Reporter {
    problem(path: readonly PropertyKey[], text: string): void;
    keyPath(path: readonly PropertyKey[]): string;
}

const SITE_PREFIX = `${FOUNDRY_LOCAL}/`;
const GROUP_PREFIX = `${FOUNDRY_LOCAL}/resourceGroups/`;

/**
 * Ends the description of every grant at a fleet's resource group (`grantScope: resourceGroup`): the portal shows why
 * the assignment is that wide, and the policy pack's `role-assignment-resource-scope` accepts a resource-group scope
 * only with it (policy/policies/constants.ts keeps a copy; policy/constants.test.ts checks they match).
 */
export const RESOURCE_GROUP_GRANT_MARK = "(foundryLocal.grantScope: resourceGroup)";

/** The note of a grant at a fleet's resource group. */
export const resourceGroupGrantNote = (resourceGroupName: string) =>
    `at resource group ${resourceGroupName} for every Foundry Local site in it ${RESOURCE_GROUP_GRANT_MARK}`;

/** Whether a target name is Foundry Local's: the whole fleet, one site, or one resource group of it. */
export function isFoundryLocalTarget(target: string): boolean {
    return target === FOUNDRY_LOCAL || target.startsWith(SITE_PREFIX);
}

/** Host and path of an endpoint as Azure and browsers compare them: host in lower case, no trailing "/". */
const endpointKey = (url: string) => {
    const u = new URL(url);
    return `${u.host.toLowerCase()}${u.pathname.replace(/\/+$/, "")}`;
};

/**
 * The sites, resource groups and targets of `foundry-entra:foundryLocal`; problems (duplicate clusters, mixed
 * spellings of one resource group, more than one `fromSingleForm`) go to `problem`. The schema has already
 * checked that exactly one form is set.
 */
export function normaliseFoundryLocal(fl: RawFoundryLocal, apiDisplayName: string, { problem, keyPath: keyOf }: Reporter): FoundryLocalConfig {
    const path = ["foundryLocal", "clusters"];
    const sites: FoundryLocalSiteConfig[] = fl.clusters
        ? fl.clusters.map((c) => {
            const key = c.name.toLowerCase();
            return { name: c.name, resourceGroupName: c.resourceGroupName, endpoint: c.endpoint, key,
                target: c.fromSingleForm ? FOUNDRY_LOCAL : `${SITE_PREFIX}${key}`, fromSingleForm: c.fromSingleForm };
        })
        : [{ name: fl.cluster?.name ?? "", resourceGroupName: fl.cluster?.resourceGroupName ?? "", endpoint: fl.endpoint ?? "",
            key: (fl.cluster?.name ?? "").toLowerCase(), target: FOUNDRY_LOCAL, fromSingleForm: true }];

    if (fl.clusters) {
        // Resource names come from cluster names, and Azure compares names case-insensitively: one name, one site.
        firstSeen(sites.map((s) => s.key), (i, first) => problem([...path, i, "name"],
            `"${sites[i]!.name}" is already the name of ${keyOf([...path, first])} (Azure compares names case-insensitively); each cluster must appear once`));
        firstSeen(sites.map((s) => endpointKey(s.endpoint)), (i, first) => problem([...path, i, "endpoint"],
            `is already the endpoint of ${keyOf([...path, first])}; each site has its own endpoint`));
        const moved = sites.flatMap((s, i) => (s.fromSingleForm ? [i] : []));
        for (const i of moved.slice(1)) {
            problem([...path, i, "fromSingleForm"], `only one cluster can be the single form's; ${keyOf([...path, moved[0]!])} already is`);
        }
    }

    const groups = new Map<string, { name: string; sites: string[]; at: number }>();
    sites.forEach((s, i) => {
        const key = s.resourceGroupName.toLowerCase();
        const group = groups.get(key);
        if (!group) groups.set(key, { name: s.resourceGroupName, sites: [s.key], at: i });
        else {
            group.sites.push(s.key);
            // One resource group, one scope: its grants name it as first spelled; another spelling would move them.
            if (group.name !== s.resourceGroupName && fl.grantScope === "resourceGroup") {
                problem([...path, i, "resourceGroupName"], `"${s.resourceGroupName}" is spelled "${group.name}" at ${keyOf([...path, group.at])}; ` +
                    "spell a resource group the same way everywhere (its grants are made at its scope, named as first spelled)");
            }
        }
    });
    const resourceGroups: FoundryLocalResourceGroupConfig[] = [...groups].map(([key, g]) => ({ name: g.name, key, target: `${GROUP_PREFIX}${key}`, sites: g.sites }));
    const { clusters: _clusters, cluster: _cluster, endpoint: _endpoint, ...settings } = fl;
    return {
        ...settings,
        apiDisplayName,
        form: fl.clusters ? "clusters" : "cluster",
        sites,
        resourceGroups,
        targets: fl.grantScope === "resourceGroup" ? resourceGroups.map((g) => g.target) : sites.map((s) => s.target),
    };
}

/**
 * The concrete targets an `accounts:` entry names: `foundry-local` → every site's (or every resource group's), and
 * `foundry-local/<cluster>` → that site's. A name that is neither gets a problem at `path` and no target.
 */
export function foundryLocalTargets(fl: FoundryLocalConfig | undefined, target: string, path: readonly PropertyKey[], { problem, keyPath: keyOf }: Reporter): readonly string[] {
    if (!fl) {
        problem(path, `"${target}" needs ${keyOf(["foundryLocal"])} to be configured`);
        return [];
    }
    if (target === FOUNDRY_LOCAL) return fl.targets;
    const name = target.slice(SITE_PREFIX.length);
    if (fl.form === "cluster") {
        problem(path, `"${target}" names one site of a fleet; ${keyOf(["foundryLocal"])} declares one cluster (\`cluster\`): use "${FOUNDRY_LOCAL}"`);
        return [];
    }
    const site = fl.sites.find((s) => s.key === name.toLowerCase());
    if (!site) {
        problem(path, `"${target}" names no cluster of ${keyOf(["foundryLocal", "clusters"])}; have: ${excerpt(fl.sites.map((s) => s.name))}`);
        return [];
    }
    return [site.target];
}

/** Calls `duplicate(i, first)` for every value seen before, at index `first`. */
export function firstSeen(values: readonly string[], duplicate: (i: number, first: number) => void): void {
    const seen = new Map<string, number>();
    values.forEach((v, i) => {
        const first = seen.get(v);
        if (first === undefined) seen.set(v, i);
        else duplicate(i, first);
    });
}

/**
 * The single form's cluster (`foundryLocal.cluster`), or undefined for a fleet: adoption (`foundry-entra:adopt`) takes
 * over grants and the extension at one cluster only.
 */
export function singleSite(fl: FoundryLocalConfig): FoundryLocalSiteConfig | undefined {
    return fl.form === "cluster" ? fl.sites[0] : undefined;
}
