/**
 * Foundry Local on a fleet (`foundry-entra:foundryLocal.clusters`), rendered under mocks: one API app for every
 * site, each cluster's own grants at its own scope, resource-group grants when asked, per-site outputs, names that
 * do not move when sites come and go, the single form's resources kept when a stack grows into a fleet, and the
 * role-assignment count checked against Azure's limit before anything is registered.
 */
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { loadStackConfigFile, type HarnessResource, type RunResult } from "../harness/run";
import { parseStackConfig } from "../src/config/parse";
import { countRoleAssignments } from "../src/config/roleAssignments";
import { generate, parseStackOutputs as parseGatewayOutputs } from "../src/gateway";
import { OutputsContractSchema, parseOutputs, unknownOutputPaths } from "../src/outputs";
import { buildModel, formatModel } from "../src/render";
import { stableGuid } from "../src/lib/ids";
import { parseOutputs as parseVerifyOutputs } from "../src/verify/outputs";
import { at, devConfig, devWith, named, ofType, refuse, render, ROOT, RT } from "./helpers";

const DEV_SITE = { name: "arc-edge-01", resourceGroupName: "rg-edge", endpoint: "https://foundry.edge.contoso.com" };
const site = (name: string, resourceGroupName: string) => ({ name, resourceGroupName, endpoint: `https://foundry.${name}.contoso.com` });
const [A, B, C] = [site("store-0001", "rg-stores-north"), site("store-0002", "rg-stores-north"), site("store-0003", "rg-stores-south")];
const THREE = [A, B, C];

/** The ARM id of a connected cluster, written out here rather than taken from the program. */
const clusterArmId = (r: RunResult, rg: string, name: string) =>
    `/subscriptions/${r.mocks.subscriptionId}/resourceGroups/${rg}/providers/Microsoft.Kubernetes/connectedClusters/${name}`;
const fleet = (clusters: readonly object[], more: Record<string, unknown> = {}) => ({ foundryLocal: { clusters, ...more } });
const roleAssignments = (r: RunResult) => ofType(r, RT.roleAssignment);
const scoped = (r: RunResult, scope: string) => roleAssignments(r).filter((x) => x.inputs.scope === scope);

describe("a fleet of three clusters", () => {
    let r: RunResult;
    beforeAll(async () => {
        r = await render(devWith(fleet(THREE, { installExtension: true })));
    });

    it("declares one Foundry Local API app registration for the whole fleet: one audience, one scope, one app role", () => {
        const apis = ofType(r, RT.app).filter((a) => a.name.startsWith("foundry-local-api"));
        expect(apis.map((a) => a.name)).toEqual(["foundry-local-api-app"]);
        expect(ofType(r, RT.identifierUri)).toHaveLength(1);
        expect(ofType(r, RT.sp).map((x) => x.name).sort()).toEqual(["foundry-local-api-sp", "gateway-sp"]);
        expect(apis[0]?.inputs.appRoles).toHaveLength(1);
        expect(ofType(r, RT.extension).map((e) => (e.inputs.configurationSettings as Record<string, string>)["entraAuth.clientId"]))
            .toEqual(THREE.map(() => at(r.outputs, "foundryLocal.clientId")));
    });

    it("grants each cluster's own Arc identity Cognitive Services OpenAI User at its own connectedClusters scope", () => {
        for (const s of THREE) {
            const arc = roleAssignments(r).filter((x) => x.inputs.principalId === stableGuid("mock", "principalId", "arc", s.name));
            expect(arc, s.name).toHaveLength(1);
            expect(arc[0]?.inputs).toMatchObject({
                scope: clusterArmId(r, s.resourceGroupName, s.name),
                principalType: "ServicePrincipal",
                roleDefinitionId: `/subscriptions/${r.mocks.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/5e0bd9bd-7b93-4f28-af87-19fc36ad61bd`,
            });
        }
    });

    it("grants the gateway, alice (every target by default) and batch-worker at each cluster: four assignments per cluster", () => {
        const gateway = at(r.outputs, "gateway.servicePrincipalObjectId");
        for (const s of THREE) {
            const here = scoped(r, clusterArmId(r, s.resourceGroupName, s.name));
            expect(here, s.name).toHaveLength(4);
            expect(here.map((x) => x.inputs.principalId)).toContain(gateway);
        }
    });

    it("installs the extension on every cluster, with the stack's tenant", () => {
        expect(ofType(r, RT.extension).map((e) => [e.inputs.clusterName, e.inputs.resourceGroupName, (e.inputs.configurationSettings as Record<string, string>)["entraAuth.tenantId"]]))
            .toEqual(THREE.map((s) => [s.name, s.resourceGroupName, r.mocks.tenantId]));
    });

    it("exports each site's cluster id and endpoint, and no single endpoint", () => {
        expect(at(r.outputs, "foundryLocal.endpoint")).toBeUndefined();
        expect(at(r.outputs, "foundryLocal.sites")).toEqual(Object.fromEntries(THREE.map((s) => [s.name, {
            clusterId: clusterArmId(r, s.resourceGroupName, s.name), endpoint: s.endpoint, resourceGroupName: s.resourceGroupName,
        }])));
        expect(at(r.outputs, "foundryLocal.grantScope")).toBe("cluster");
    });

    it("groups sites by resource group, each resource group's sites under it", () => {
        const parentName = (x: HarnessResource) => r.resources.find((p) => p.urn === x.parent)?.name;
        const sites = r.resources.filter((x) => x.type === "foundry-entra:index:ArcCluster");
        expect(sites.map((x) => [x.name, parentName(x)])).toEqual([
            ["fleet-rg-stores-north-store-0001", "fleet-rg-stores-north"],
            ["fleet-rg-stores-north-store-0002", "fleet-rg-stores-north"],
            ["fleet-rg-stores-south-store-0003", "fleet-rg-stores-south"],
        ]);
        const tree = formatModel(buildModel(r, new Date("2026-01-01T00:00:00Z")), "tree");
        expect(tree).toContain("Foundry Local fleet: 3 sites in 2 resource groups");
        expect(tree).toMatch(/├─ FoundryLocalResourceGroup fleet-rg-stores-north\n│ {2}│ {2}sites: 2\n/);
        expect(tree.indexOf("ArcCluster fleet-rg-stores-north-store-0002")).toBeLessThan(tree.indexOf("FoundryLocalResourceGroup fleet-rg-stores-south"));
    });

    it("keeps the outputs contract: every tool parses them, and the schema names every key", () => {
        const json = JSON.parse(JSON.stringify(r.outputs)) as Record<string, unknown>;
        expect(unknownOutputPaths(json)).toEqual([]);
        expect(Object.keys(parseOutputs(OutputsContractSchema, json).foundryLocal?.sites ?? {})).toEqual(THREE.map((s) => s.name));
        expect(Object.keys(parseVerifyOutputs(JSON.stringify(json), "outputs.json").foundryLocal?.sites ?? {})).toHaveLength(3);
        expect(generate("litellm", parseGatewayOutputs(json)).notes).toContainEqual(expect.stringMatching(/^foundryLocal \(3 sites\) skipped/));
    });
});

describe("grants that scale", () => {
    it("with grantScope: resourceGroup, grants the whole fleet once per resource group; a per-site target stays at its cluster", async () => {
        const r = await render(devWith({
            ...fleet(THREE, { grantScope: "resourceGroup" }),
            access: [{ user: "alice@contoso.com" }, { group: "Store 0003 Staff", accounts: ["foundry-local/STORE-0003"] }],
        }));
        const rg = (name: string) => `/subscriptions/${r.mocks.subscriptionId}/resourceGroups/${name}`;
        const gateway = at(r.outputs, "gateway.servicePrincipalObjectId");
        const alice = stableGuid("mock", "objectId", "user", "alice@contoso.com");
        for (const name of ["rg-stores-north", "rg-stores-south"]) {
            // The gateway, alice and batch-worker: one each at the resource group, whatever the number of its clusters.
            expect(scoped(r, rg(name)).map((x) => x.inputs.principalId).sort(), name)
                .toEqual([gateway, alice, stableGuid("mock", "principalId", "mi-batch-worker-identity")].sort());
            // Each says why it is that wide, in the description the portal shows (and the policy pack reads).
            for (const x of scoped(r, rg(name))) {
                expect(x.inputs.description).toMatch(new RegExp(`, at resource group ${name} for every Foundry Local site in it \\(foundryLocal\\.grantScope: resourceGroup\\)$`));
            }
        }
        for (const s of THREE) {
            const here = scoped(r, clusterArmId(r, s.resourceGroupName, s.name)).map((x) => x.inputs.principalType).sort();
            // Each cluster's Arc identity; the staff group only at its store.
            expect(here, s.name).toEqual(s.name === "store-0003" ? ["Group", "ServicePrincipal"] : ["ServicePrincipal"]);
        }
        expect(roleAssignments(r)).toHaveLength(countRoleAssignments(parsed(devWith({
            ...fleet(THREE, { grantScope: "resourceGroup" }),
            access: [{ user: "alice@contoso.com" }, { group: "Store 0003 Staff", accounts: ["foundry-local/STORE-0003"] }],
        }))).total);
    });

    it("counts the role assignments the program declares, for every shipped stack, the fleet example and both grant scopes", async () => {
        const stacks = ["Pulumi.dev.yaml", "Pulumi.staging.yaml", "Pulumi.prod.yaml", "examples/full.yaml", "examples/fleet.yaml"].map((f) => loadStackConfigFile(join(ROOT, f)));
        stacks.push({ stack: "dev", config: devWith(fleet(THREE)) }, { stack: "dev", config: devWith(fleet(THREE, { grantScope: "resourceGroup" })) });
        for (const { stack, config } of stacks) {
            const r = await render(config, { stack });
            const counted = countRoleAssignments(parsed(config, stack));
            expect(counted.total, stack).toBe(roleAssignments(r).length);
            const model = buildModel(r, new Date("2026-01-01T00:00:00Z"));
            expect(formatModel(model, "tree"), stack).toContain(`Role assignments: ${counted.total} of the 4,000 Azure allows per subscription`);
        }
    });

    it("refuses a fleet over 4,000 role assignments per subscription in one line, and accepts one at the limit", async () => {
        // The dev stack grants alice (by default) and batch-worker Foundry Local too: with the gateway and each cluster's
        // Arc identity, four assignments per cluster, plus six for the accounts.
        const clusters = (n: number) => Array.from({ length: n }, (_, i) => site(`store-${String(i).padStart(4, "0")}`, `rg-stores-${i % 10}`));
        expect(parsed(devWith(fleet(clusters(998)))).foundryLocal?.sites).toHaveLength(998);
        const { lines, registered } = await refuse(devWith(fleet(clusters(999))));
        expect(registered).toBe(0);
        expect(lines.slice(1)).toEqual([
            "foundry-entra:foundryLocal.clusters: the stack would declare 4,002 role assignments (3,996 of them for Foundry Local), over the 4,000 Azure " +
            "allows per subscription (RoleAssignmentLimitExceeded); grant the whole fleet at its resource groups (grantScope: resourceGroup), grant " +
            "groups rather than single principals, or split the fleet into stacks in other subscriptions (docs/fleet.md)",
        ]);
        // The same fleet granted at its ten resource groups: 999 Arc identities, then three grants per group.
        expect(countRoleAssignments(parsed(devWith(fleet(clusters(999), { grantScope: "resourceGroup" })))).total).toBe(999 + 30 + 6);
    });
});

describe("names that stay put", () => {
    it("renders the same graph, byte for byte, run after run (the fleet is declared a site per turn of the event loop)", async () => {
        const { stack, config } = loadStackConfigFile(join(ROOT, "examples", "fleet.yaml"));
        const json = async () => formatModel(buildModel(await render(config, { stack }), new Date("2026-01-01T00:00:00Z")), "json");
        expect(await json()).toBe(await json());
    });


    /** Name → inputs of the resources under one site's cluster component (and the site component itself). */
    const siteResources = (r: RunResult, key: string) => new Map(r.resources.filter((x) => x.name.includes(`-${key}`)).map((x) => [x.name, x.inputs]));

    it("leaves every other site's resources as they were when a site is added or removed in the middle of the list", async () => {
        const before = await render(devWith(fleet([A, B, C])));
        const removed = await render(devWith(fleet([A, C])));
        const added = await render(devWith(fleet([A, site("store-0009", "rg-stores-north"), B, C])));
        for (const key of ["store-0001", "store-0003"]) {
            expect(siteResources(before, key).size, key).toBeGreaterThan(0);
            expect(siteResources(removed, key), key).toEqual(siteResources(before, key));
            expect(siteResources(added, key), key).toEqual(siteResources(before, key));
        }
        expect(siteResources(removed, "store-0002").size).toBe(0);
    });

    it("derives names from cluster names compared as Azure does: a change of case renames nothing", async () => {
        const lower = await render(devWith(fleet(THREE)));
        const upper = await render(devWith(fleet(THREE.map((s) => (s.name === "store-0002" ? { ...s, name: "Store-0002" } : s)))));
        const names = (r: RunResult) => r.resources.map((x) => x.name).sort();
        expect(names(upper)).toEqual(names(lower));
    });
});

describe("growing a single cluster into a fleet", () => {
    /** Engine URNs: the type part chains every ancestor component's type (as test/urns.test.ts explains). */
    function engineUrns(r: RunResult): Map<string, HarnessResource> {
        const byUrn = new Map(r.resources.map((x) => [x.urn, x]));
        const typeChain = (x: HarnessResource): string => {
            const parent = x.parent ? byUrn.get(x.parent) : undefined;
            return parent ? `${typeChain(parent)}$${x.type}` : x.type;
        };
        return new Map(r.resources.map((x) => [`urn:pulumi:dev::foundry-entra::${typeChain(x)}::${x.name}`, x]));
    }

    /**
     * The old URNs the engine matches a resource by, from its aliases and its parent's: a child named "<parent>-…"
     * of an aliased parent answers to "<parent alias name>-…" under the alias (pulumi/pulumi
     * pkg/resource/deploy/step_generator.go, inheritedChildAlias).
     */
    function aliasUrns(r: RunResult): Set<string> {
        const byUrn = new Map(r.resources.map((x) => [x.urn, x]));
        const out = new Set<string>();
        const visit = (x: HarnessResource, aliasName: string, aliasType: string) => {
            out.add(`urn:pulumi:dev::foundry-entra::${aliasType}::${aliasName}`);
            for (const child of r.resources.filter((c) => c.parent === x.urn)) {
                const name = child.name.startsWith(x.name) ? `${aliasName}${child.name.slice(x.name.length)}` : child.name;
                visit(child, name, `${aliasType}$${child.type}`);
            }
        };
        for (const x of r.resources) {
            for (const alias of x.options.aliases) {
                const spec = (typeof (alias as { toObject?: unknown }).toObject === "function" ? (alias as unknown as { toObject(): typeof alias }).toObject() : alias).spec;
                const root = spec?.noparent === true || (spec?.parenturn ?? "").includes("pulumi:pulumi:Stack");
                if (spec && root && byUrn.has(x.urn)) visit(x, spec.name || x.name, spec.type || x.type);
            }
        }
        return out;
    }

    it("keeps every resource of the single form when its cluster becomes a fleet site with fromSingleForm", async () => {
        const single = await render(devConfig());
        const grown = await render(devWith({ ...fleet([site("store-0001", "rg-stores"), { ...DEV_SITE, fromSingleForm: true }, site("store-0002", "rg-stores")]) }));
        const now = new Set(engineUrns(grown).keys());
        const answered = new Set([...now, ...aliasUrns(grown)]);
        const lost = [...engineUrns(single).keys()].filter((u) => !answered.has(u));
        expect(lost).toEqual([]);
        // What answers to the single form's Arc identity grant is the fleet site's, with the same inputs.
        const old = "arc-cluster-arc-identity-openai-user";
        const moved = named(grown, "fleet-rg-edge-arc-edge-01-arc-identity-openai-user");
        expect(moved.inputs).toEqual(named(single, old).inputs);
        // The managed identity's grant keeps its name: the site's own target is "foundry-local".
        expect(named(grown, "mi-batch-worker-identity-foundry-local-openai-user").inputs.scope).toBe(named(single, "mi-batch-worker-identity-foundry-local-openai-user").inputs.scope);
    });

    it("without fromSingleForm, says so: the single form's grants would be deleted and created again", async () => {
        const grown = await render(devWith(fleet([{ ...DEV_SITE }])));
        const answered = new Set([...engineUrns(grown).keys(), ...aliasUrns(grown)]);
        expect(answered.has("urn:pulumi:dev::foundry-entra::foundry-entra:index:ArcCluster$azure-native:authorization:RoleAssignment::arc-cluster-arc-identity-openai-user")).toBe(false);
    });
});

describe("fleet config validation", () => {
    const TABLE: readonly [string, Record<string, unknown>, string][] = [
        ["both forms", { foundryLocal: { ...fleet(THREE).foundryLocal, cluster: { name: "x", resourceGroupName: "rg" } } },
            "foundry-entra:foundryLocal.cluster: is the single-cluster form; with clusters, give each cluster its endpoint in its entry and leave cluster out"],
        ["neither form", { foundryLocal: { installExtension: true } }, "foundry-entra:foundryLocal.cluster: is required (the Arc-connected cluster"],
        ["cluster without endpoint", { foundryLocal: { cluster: { name: "x", resourceGroupName: "rg" } } }, "foundry-entra:foundryLocal.endpoint: is required with cluster"],
        ["an empty fleet", fleet([]), "foundry-entra:foundryLocal.clusters: must list at least one cluster"],
        ["a site without endpoint", fleet([{ name: "x", resourceGroupName: "rg" }]), "foundry-entra:foundryLocal.clusters[0].endpoint: is required"],
        ["a duplicate cluster name, compared case-insensitively", fleet([...THREE, { ...site("STORE-0002", "rg-other") }]),
            "foundry-entra:foundryLocal.clusters[3].name: \"STORE-0002\" is already the name of foundry-entra:foundryLocal.clusters[1] (Azure compares names case-insensitively)"],
        ["two sites on one endpoint", fleet([A, { ...site("store-0002", "rg"), endpoint: "https://FOUNDRY.store-0001.contoso.com/" }]),
            "foundry-entra:foundryLocal.clusters[1].endpoint: is already the endpoint of foundry-entra:foundryLocal.clusters[0]"],
        ["two sites from the single form", fleet(THREE.map((s) => ({ ...s, fromSingleForm: true }))),
            "foundry-entra:foundryLocal.clusters[1].fromSingleForm: only one cluster can be the single form's"],
        ["a resource group spelled two ways, granted at it", fleet([site("a", "rg-Stores"), site("b", "rg-stores")], { grantScope: "resourceGroup" }),
            "foundry-entra:foundryLocal.clusters[1].resourceGroupName: \"rg-stores\" is spelled \"rg-Stores\" at foundry-entra:foundryLocal.clusters[0]"],
        ["resource-group grants for one cluster", { foundryLocal: { cluster: { name: "x", resourceGroupName: "rg" }, endpoint: "https://x.contoso.com", grantScope: "resourceGroup" } },
            "foundry-entra:foundryLocal.grantScope: resourceGroup needs a fleet"],
        ["an unknown grant scope", fleet(THREE, { grantScope: "subscription" }), "foundry-entra:foundryLocal.grantScope: \"subscription\" is not a grant scope; allowed: cluster, resourceGroup"],
        ["a site target naming no cluster", { ...fleet(THREE), access: [{ user: "alice@contoso.com", accounts: ["foundry-local/store-9999"] }] },
            "foundry-entra:access[0].accounts[0]: \"foundry-local/store-9999\" names no cluster of foundry-entra:foundryLocal.clusters; have: store-0001, store-0002, store-0003"],
        ["a site target with one cluster", { access: [{ user: "alice@contoso.com", accounts: ["foundry-local/arc-edge-01"] }] },
            "foundry-entra:access[0].accounts[0]: \"foundry-local/arc-edge-01\" names one site of a fleet; foundry-entra:foundryLocal declares one cluster (`cluster`): use \"foundry-local\""],
        ["the same grant through the fleet and one site", { ...fleet(THREE), access: [{ user: "alice@contoso.com", accounts: ["foundry-local", "foundry-local/store-0002"] }] },
            "foundry-entra:access[0]: gives user alice@contoso.com the role \"Cognitive Services OpenAI User\" on \"foundry-local/store-0002\" again"],
    ];

    it.each(TABLE)("refuses %s, naming the key, before any resource exists", async (_what, overrides, expected) => {
        const { lines, registered } = await refuse(devWith(overrides));
        expect(lines.slice(1).some((l) => l.includes(expected)), `${expected}\n  not in:\n${lines.join("\n")}`).toBe(true);
        expect(registered).toBe(0);
    });

    it("lists a few of a long fleet's clusters, not all", () => {
        const clusters = Array.from({ length: 40 }, (_, i) => site(`store-${i}`, "rg"));
        const result = parseStackConfig(devWith({ ...fleet(clusters), access: [{ user: "alice@contoso.com", accounts: ["foundry-local/store-x"] }] }), { stack: "dev" });
        expect(result.ok ? [] : result.problems).toEqual([
            "foundry-entra:access[0].accounts[0]: \"foundry-local/store-x\" names no cluster of foundry-entra:foundryLocal.clusters; have: store-0, store-1, store-2, store-3, store-4 and 35 more",
        ]);
    });
});

function parsed(config: Record<string, string>, stack = "dev") {
    const result = parseStackConfig(config, { stack });
    if (!result.ok) throw new Error(result.problems.join("\n"));
    return result.config;
}
