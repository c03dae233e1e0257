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
