import { beforeAll, describe, expect, it } from "vitest";
import { criticalPath, describeChain, transitiveDependencies, waitsFor } from "../src/render/criticalPath";
import { buildModel, type RenderModel, type RenderResource } from "../src/render/index";
import { RT, stackRun } from "./helpers";

const NOW = new Date("2026-01-01T00:00:00Z");
const model = async (file: string) => buildModel(await stackRun(file, { now: NOW }), NOW);

/** A resource for hand-built graphs. */
const res = (name: string, extra: Partial<RenderResource> = {}): RenderResource => ({
    urn: name, type: "test:index:Thing", name, custom: true, parent: null, dependsOn: [], inputs: {},
    options: { protect: false, retainOnDelete: false, import: null, ignoreChanges: [] }, ...extra,
});

/** Credentials: creating them must hold up nothing that grants access. */
const CREDENTIAL_TYPES = [RT.key, RT.cert, RT.appCert, RT.password];

function expectNoGrantWaitsForCredentials(m: RenderModel, grants: readonly RenderResource[]): void {
    const graph = waitsFor(m);
    const credentials = new Set(m.resources.filter((r) => CREDENTIAL_TYPES.includes(r.type as (typeof CREDENTIAL_TYPES)[number])).map((r) => r.urn));
    expect(credentials.size, m.stack).toBeGreaterThanOrEqual(3);
    expect(grants.length, m.stack).toBeGreaterThan(5);
    for (const g of grants) {
        const waits = [...transitiveDependencies(graph, g.urn)].filter((u) => credentials.has(u));
        expect(waits, `${m.stack}: ${g.name}`).toEqual([]);
    }
}

describe("critical path", () => {
    let dev: RenderModel;
    let full: RenderModel;
    beforeAll(async () => {
        // One at a time: the SDK's runtime state is global.
        dev = await model("test/fixtures/stacks/Pulumi.dev.yaml");
        full = await model("examples/full.yaml");
    });

    it("is at most 4 cloud round trips for the dev stack, and a real chain", () => {
        const path = criticalPath(dev);
        expect(path.chain.length, describeChain(path)).toBeLessThanOrEqual(4);
        expect(path.chain.length).toBeGreaterThanOrEqual(2);
        const graph = waitsFor(dev);
        path.chain.forEach((r, i) => {
            expect(r.custom).toBe(true);
            if (i > 0) expect(graph.get(r.urn), `${r.name} waits for ${path.chain[i - 1]!.name}`).toContain(path.chain[i - 1]!.urn);
        });
        // Nothing is longer: the deepest level of the graph, found without the function under test.
        const level = new Map<string, number>();
        for (let changed = true; changed;) {
            changed = false;
            for (const [urn, deps] of graph) {
                const l = 1 + Math.max(0, ...deps.map((d) => level.get(d) ?? 0));
                if (level.get(urn) !== l) {
                    level.set(urn, l);
                    changed = true;
                }
            }
        }
        expect(Math.max(...level.values())).toBe(path.chain.length);
    });

    it("never makes a role assignment of the dev stack wait for a key, certificate or client secret", () => {
        expectNoGrantWaitsForCredentials(dev, dev.resources.filter((r) => r.type === RT.roleAssignment || r.type === RT.appRoleAssignment));
    });

    it("never makes model access wait for credentials in the full example either", () => {
        // Access to accounts, the Arc cluster and the Foundry Local app role. (Delivery grants on a Key Vault
        // secret that holds the certificate must wait for it: their scope is that secret.)
        const modelAccess = full.resources.filter((r) => r.type === RT.appRoleAssignment ||
            (r.type === RT.roleAssignment && /\/(accounts|connectedClusters)\/[^/]+$/.test(String(r.inputs.scope))));
        expect(modelAccess.length).toBeGreaterThan(15);
        expectNoGrantWaitsForCredentials(full, modelAccess);
    });

    it("finds the longest chain and counts only custom resources", () => {
        const m = {
            resources: [
                res("a"), res("b", { dependsOn: ["a"] }), res("c", { dependsOn: ["b", "a"] }),
                res("component", { custom: false }),
                res("d", { parent: "component", dependsOn: ["a"] }),
                res("e", { dependsOn: ["component"] }),
            ],
        };
        expect(criticalPath(m).chain.map((r) => r.name)).toEqual(["a", "b", "c"]);
        // Waiting on a component is waiting on every custom resource under it.
        expect(waitsFor(m).get("e")).toEqual(["d"]);
        expect([...transitiveDependencies(waitsFor(m), "e")].sort()).toEqual(["a", "d"]);
        const longer = { resources: [...m.resources, res("f", { dependsOn: ["e", "c"] })] };
        expect(criticalPath(longer).chain.map((r) => r.name)).toEqual(["a", "b", "c", "f"]);
    });

    it("reports a dependency cycle instead of looping", () => {
        expect(() => criticalPath({ resources: [res("a", { dependsOn: ["b"] }), res("b", { dependsOn: ["a"] })] })).toThrow(/cycle/);
    });
});
