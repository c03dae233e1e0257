/**
 * Stack configs for the benchmark: the dev stack with its access entries and managed identities replaced by
 * `principals` generated ones, half each. Access entries cycle through users, groups and principal ids (users
 * and groups are looked up); managed identities alternate between created and existing. Every entry uses the
 * default targets (every account and Foundry Local), the largest grant a principal gets.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse, stringify } from "yaml";

export interface GeneratedStack {
    /** Path of the written `Pulumi.<stack>.yaml`. */
    readonly file: string;
    readonly stack: string;
    readonly accessEntries: number;
    readonly managedIdentities: number;
}

/** A GUID unique to `i` within a generated config (`kind` keeps access and identity ids apart). */
const guid = (kind: number, i: number) => `${String(kind).padStart(8, "0")}-0000-4000-8000-${i.toString(16).padStart(12, "0")}`;

export function accessEntries(count: number): Record<string, unknown>[] {
    return Array.from({ length: count }, (_, i) => {
        switch (i % 3) {
            case 0: return { user: `user${i}@contoso.com` };
            case 1: return { group: `AI Team ${i}` };
            default: return { principalId: guid(1, i), principalType: "ServicePrincipal" };
        }
    });
}

export function managedIdentities(count: number, resourceGroupName: string): Record<string, unknown>[] {
    return Array.from({ length: count }, (_, i) => (i % 2 === 0
        ? { name: `workload-${i}`, create: { resourceGroupName } }
        : { name: `workload-${i}`, principalId: guid(2, i) }));
}

/** Writes `Pulumi.bench-<principals>.yaml` into `dir`, based on the stack file `base`. */
export function writeGeneratedStack(base: string, dir: string, principals: number): GeneratedStack {
    const doc = parse(readFileSync(base, "utf8")) as { config: Record<string, unknown> };
    const access = Math.ceil(principals / 2);
    const identities = principals - access;
    const accounts = doc.config["foundry-entra:accounts"] as { resourceGroupName: string }[];
    doc.config["foundry-entra:access"] = accessEntries(access);
    doc.config["foundry-entra:managedIdentities"] = managedIdentities(identities, accounts[0]?.resourceGroupName ?? "rg-bench");
    const stack = `bench-${principals}`;
    const file = join(dir, `Pulumi.${stack}.yaml`);
    writeFileSync(file, stringify(doc));
    return { file, stack, accessEntries: access, managedIdentities: identities };
}

/** Sites per resource group in a generated fleet. */
export const SITES_PER_RESOURCE_GROUP = 25;

export interface GeneratedFleet {
    /** Path of the written `Pulumi.<stack>.yaml`. */
    readonly file: string;
    readonly stack: string;
    readonly clusters: number;
    readonly resourceGroups: number;
}

/**
 * Writes `Pulumi.fleet-<clusters>[-rg].yaml` into `dir`: the stack file `base` with Foundry Local as a fleet of
 * `clusters` sites, 25 to a resource group, the extension installed on each. Foundry Local is reached by the gateway
 * (which is granted at each site); the base's own principals keep their grants on the accounts and leave the sites
 * out, so what a site adds is measured alone: its cluster, its Arc identity's grant, the gateway's, the extension.
 * With `grantScope: "resourceGroup"`, the gateway is granted once per resource group instead.
 */
export function writeFleetStack(base: string, dir: string, clusters: number, grantScope: "cluster" | "resourceGroup" = "cluster"): GeneratedFleet {
    const doc = parse(readFileSync(base, "utf8")) as { config: Record<string, unknown> };
    const accounts = (doc.config["foundry-entra:accounts"] as { name: string }[]).map((a) => a.name);
    const onAccounts = (entries: unknown) => (entries as Record<string, unknown>[]).map((e) => {
        const targets = (e.accounts as string[] | undefined) ?? accounts;
        return { ...e, accounts: targets.filter((t) => accounts.includes(t)) };
    });
    doc.config["foundry-entra:access"] = onAccounts(doc.config["foundry-entra:access"] ?? []);
    doc.config["foundry-entra:managedIdentities"] = onAccounts(doc.config["foundry-entra:managedIdentities"] ?? []);
    doc.config["foundry-entra:foundryLocal"] = {
        installExtension: true,
        ...(grantScope === "resourceGroup" ? { grantScope } : {}),
        clusters: Array.from({ length: clusters }, (_, i) => {
            const name = `store-${String(i).padStart(4, "0")}`;
            return { name, resourceGroupName: `rg-stores-${String(Math.floor(i / SITES_PER_RESOURCE_GROUP)).padStart(2, "0")}`, endpoint: `https://foundry.${name}.contoso.com` };
        }),
    };
    const stack = `fleet-${clusters}${grantScope === "resourceGroup" ? "-rg" : ""}`;
    const file = join(dir, `Pulumi.${stack}.yaml`);
    writeFileSync(file, stringify(doc));
    return { file, stack, clusters, resourceGroups: Math.ceil(clusters / SITES_PER_RESOURCE_GROUP) };
}
