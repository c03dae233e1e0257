/** The shape of bench/results.json, and the table `npm run bench` prints. */
import type { FleetResults } from "./fleet";

export interface BenchCase {
    readonly name: string;
    /** Access entries plus managed identities in the config. */
    readonly principals: number;
    /** Custom (cloud) resources declared. */
    readonly resources: number;
    readonly components: number;
    /** (resources − resources of the same stack with no principals) / principals. */
    readonly resourcesPerPrincipal: number;
    /** Median wall time of `render --format json` in a fresh process. */
    readonly medianMs: number;
    readonly samplesMs: readonly number[];
    /** medianMs / the median time of loading @pulumi/pulumi alone. */
    readonly ratioToPulumiLoad: number;
    readonly criticalPath: { readonly length: number; readonly chain: readonly string[] };
}

export interface BenchResults {
    readonly command: string;
    /** The day of the run (UTC). */
    readonly date: string;
    readonly machine: { readonly cpu: string; readonly cores: number; readonly memoryGiB: number; readonly node: string; readonly os: string };
    /** `node -e "require('@pulumi/pulumi')"`, the unit of every ratio. */
    readonly pulumiLoad: { readonly medianMs: number; readonly samplesMs: readonly number[] };
    readonly cases: readonly BenchCase[];
    readonly targets: {
        /** Largest generated stack's render time / the dev stack's (target ≤ largestToDevMax). */
        readonly largestToDev: number | null;
        readonly largestToDevMax: number;
        readonly devCriticalPath: number | null;
        readonly devCriticalPathMax: number;
    };
    /** The fleet axis: Foundry Local on many clusters (bench/fleet.ts). */
    readonly fleet?: FleetResults;
}

/**
 * The lines of a plain-text table: the head, a rule, the rows; the first column left-aligned, the others right-aligned,
 * each as wide as its widest cell, two spaces between.
 */
export function tableLines(head: readonly string[], rows: readonly (readonly string[])[]): string[] {
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
    const line = (cells: readonly string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ").trimEnd();
    return [line(head), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)];
}

/** A plain-text table of the results, with the machine and the dev stack's critical path. */
export function printTable(r: BenchResults): string {
    const head = ["stack", "principals", "resources", "res/principal", "render ms", "×load", "chain"];
    const rows = r.cases.map((c) => [c.name, String(c.principals), String(c.resources), c.resourcesPerPrincipal.toFixed(2),
        String(c.medianMs), c.ratioToPulumiLoad.toFixed(1), String(c.criticalPath.length)]);
    const dev = r.cases.find((c) => c.name === "dev");
    const t = r.targets;
    return [
        `${r.machine.cpu}, ${r.machine.cores} cores, ${r.machine.memoryGiB} GiB, Node ${r.machine.node}, ${r.machine.os}`,
        `loading @pulumi/pulumi alone: ${r.pulumiLoad.medianMs} ms (median of ${r.pulumiLoad.samplesMs.length})`,
        "",
        ...tableLines(head, rows),
        "×load: render time / time to load @pulumi/pulumi alone; chain: the critical path, in cloud round trips",
        "",
        `largest / dev render time: ${String(t.largestToDev)}× (target ≤ ${t.largestToDevMax}×)`,
        `dev critical path: ${String(t.devCriticalPath)} round trips (target ≤ ${t.devCriticalPathMax}): ${dev?.criticalPath.chain.join(" → ") ?? ""}`,
        "",
    ].join("\n");
}
