/**
 * The fleet axis of `npm run bench`: Foundry Local on 10, 100 and 1,000 clusters (bench/configs.ts,
 * writeFleetStack). The renders are timed in the same interleaved loop as the dev stack (bench/run.ts); here, in-process,
 * what each fleet declares: resources, role assignments against Azure's limit, resources per added cluster (against a
 * fleet of one), the render's size, and the critical path, for grants at each cluster and at each resource group.
 */
import { loadStackConfigFile } from "../harness/run";
import { ROLE_ASSIGNMENTS_PER_SUBSCRIPTION } from "../src/config/roleAssignments";
import { criticalPath } from "../src/render/criticalPath";
import { formatModel, renderModel } from "../src/render/index";
import { writeFleetStack } from "./configs";
import { tableLines } from "./report";

const ROLE_ASSIGNMENT = "azure-native:authorization:RoleAssignment";

/** What a fleet of one size declares, with one grant scope. */
export interface FleetShape {
    readonly clusters: number;
    readonly resourceGroups: number;
    /** Custom (cloud) resources declared. */
    readonly resources: number;
    readonly components: number;
    readonly roleAssignments: number;
    /** (resources − resources of a fleet of one) / (clusters − 1). */
    readonly resourcesPerAddedCluster: number;
    /** Bytes of `render --format json`: what the stack declares, inputs included (state holds inputs and outputs). */
    readonly renderBytes: number;
    readonly criticalPath: { readonly length: number; readonly chain: readonly string[] };
}

/** A timed fleet: its shape with grants at each cluster, and its render time. */
export interface FleetCase extends FleetShape {
    readonly name: string;
    readonly medianMs: number;
    readonly samplesMs: readonly number[];
    /** medianMs / the dev stack's median in the same run. */
    readonly ratioToDev: number;
}

export interface FleetResults {
    /** Grants at each cluster (the default): timed. */
    readonly cases: readonly FleetCase[];
    /** The same fleets with `grantScope: resourceGroup`: counted, not timed. */
    readonly resourceGroupScope: readonly FleetShape[];
    readonly roleAssignmentLimit: number;
    readonly targets: {
        /** The largest fleet's render time / the dev stack's (target ≤ largestToDevMax). */
        readonly largestToDev: number | null;
        readonly largestToDevMax: number;
    };
}

const NOW = new Date("2026-01-01T00:00:00Z");
const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;

/** Writes one fleet stack per size into `dir` (grants at each cluster), for the timing loop. */
export function fleetFiles(base: string, dir: string, sizes: readonly number[]): { name: string; clusters: number; file: string }[] {
    return sizes.map((n) => ({ name: `fleet of ${n}`, clusters: n, file: writeFleetStack(base, dir, n).file }));
}

async function shape(file: string, clusters: number, resourceGroups: number, one: number | undefined): Promise<FleetShape> {
    const model = await renderModel({ ...loadStackConfigFile(file), now: NOW });
    const resources = model.resources.filter((r) => r.custom).length;
    const path = criticalPath(model);
    return {
        clusters,
        resourceGroups,
        resources,
        components: model.resources.length - resources,
        roleAssignments: model.resources.filter((r) => r.type === ROLE_ASSIGNMENT).length,
        resourcesPerAddedCluster: one === undefined || clusters === 1 ? 0 : round((resources - one) / (clusters - 1)),
        renderBytes: Buffer.byteLength(formatModel(model, "json")),
        criticalPath: { length: path.chain.length, chain: path.chain.map((r) => r.name) },
    };
}

/** Counts every fleet (both grant scopes) and joins the timings measured by the loop. */
export async function measureFleets(base: string, dir: string, timed: readonly { name: string; clusters: number; samples: readonly number[] }[],
    devMedianMs: number, median: (xs: readonly number[]) => number): Promise<FleetResults> {
    const cases: FleetCase[] = [];
    const resourceGroupScope: FleetShape[] = [];
    for (const scope of ["cluster", "resourceGroup"] as const) {
        const one = writeFleetStack(base, dir, 1, scope);
        const oneResources = (await shape(one.file, 1, 1, undefined)).resources;
        for (const t of timed) {
            const fleet = writeFleetStack(base, dir, t.clusters, scope);
            const s = await shape(fleet.file, t.clusters, fleet.resourceGroups, oneResources);
            if (scope === "resourceGroup") {
                resourceGroupScope.push(s);
                continue;
            }
            const medianMs = median(t.samples);
            cases.push({ name: t.name, ...s, medianMs: Math.round(medianMs), samplesMs: t.samples.map((x) => Math.round(x)), ratioToDev: round(medianMs / devMedianMs, 1) });
        }
    }
    const largest = cases[cases.length - 1];
    return {
        cases,
        resourceGroupScope,
        roleAssignmentLimit: ROLE_ASSIGNMENTS_PER_SUBSCRIPTION,
        targets: { largestToDev: largest ? largest.ratioToDev : null, largestToDevMax: 10 },
    };
}

/** The fleet table `npm run bench` prints after the principals' table. */
export function printFleetTable(f: FleetResults): string {
    const head = ["fleet", "clusters", "resources", "res/+cluster", "role assignments", "render ms", "×dev", "JSON KiB", "chain"];
    const rows = f.cases.map((c) => [c.name, String(c.clusters), String(c.resources), c.resourcesPerAddedCluster.toFixed(2),
        `${c.roleAssignments} of ${f.roleAssignmentLimit}`, String(c.medianMs), c.ratioToDev.toFixed(1), String(Math.round(c.renderBytes / 1024)), String(c.criticalPath.length)]);
    const rgRows = f.resourceGroupScope.map((c) => [`  same, grants per resource group`, String(c.clusters), String(c.resources), c.resourcesPerAddedCluster.toFixed(2),
        `${c.roleAssignments} of ${f.roleAssignmentLimit}`, "", "", String(Math.round(c.renderBytes / 1024)), String(c.criticalPath.length)]);
    return [
        "",
        ...tableLines(head, [...rows, ...rgRows]),
        "res/+cluster: resources each cluster adds (against a fleet of one); ×dev: render time / the dev stack's, same run",
        "",
        `largest fleet / dev render time: ${String(f.targets.largestToDev)}× (target ≤ ${f.targets.largestToDevMax}×)`,
        "",
    ].join("\n");
}
