/**
 * `npm run bench -- [--runs 5] [--sizes 10,100,1000] [--clusters 10,100,1000] [--write]`
 *
 * Measures `npm run render` (the CLI, `--format json`) on the dev stack and on generated stacks of 10, 100 and
 * 1,000 principals, each in fresh child processes (a cold start, as a user runs it), median of `--runs`,
 * interleaved so a busy machine slows every case alike. Each time is also given as a ratio to loading
 * @pulumi/pulumi alone in the same run, so figures compare across machines. Then, in-process: resources per
 * configured principal and the critical path. The fleet axis (bench/fleet.ts) times Foundry Local fleets of 10, 100 and
 * 1,000 clusters in the same loop and counts what each cluster adds. Prints tables; with `--write`, also records them
 * in the tracked bench/results.json (for a change to the published figures). Not a test: it asserts nothing and never
 * fails on time.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, platform, release, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { Command, InvalidArgumentError } from "commander";
import { loadStackConfigFile } from "../harness/run";
import { messageOf } from "../src/lib/cli";
import { criticalPath } from "../src/render/criticalPath";
import { renderModel } from "../src/render/index";
import { writeGeneratedStack } from "./configs";
import { fleetFiles, measureFleets, printFleetTable } from "./fleet";
import { printTable, type BenchCase, type BenchResults } from "./report";

const ROOT = join(__dirname, "..");
// As in tools/render.ts: the SDK's per-promise stack traces are a third of a large in-process run.
Error.stackTraceLimit = 0;
/** A fixed clock: every run renders the same credentials. */
const NOW = "2026-01-01T00:00:00Z";

interface Case {
    readonly name: string;
    readonly file: string;
    readonly principals: number;
    readonly samples: number[];
}

const positive = (v: string) => {
    const n = Number(v);
    if (!Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError(`"${v}" is not a positive whole number`);
    return n;
};
const sizes = (v: string) => v.split(",").map((s) => positive(s.trim()));

const median = (xs: readonly number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    const mid = Math.floor(s.length / 2);
    return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};
const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;

/** Wall time of one child process, in ms; throws with its first stderr line if it fails. */
function timeChild(args: readonly string[]): number {
    const start = performance.now();
    const child = spawnSync(process.execPath, args, { cwd: ROOT, stdio: ["ignore", "ignore", "pipe"], maxBuffer: 16 * 1024 * 1024 });
    const ms = performance.now() - start;
    if (child.status !== 0) throw new Error(`node ${args.join(" ")} exited ${String(child.status)}: ${child.stderr.toString().split("\n")[0] ?? ""}`);
    return ms;
}

/** Exactly what `npm run render` runs (see package.json). */
const renderArgs = (file: string) => ["--max-semi-space-size=64", "--import", "tsx", "tools/render.ts", "--config", file, "--format", "json", "--now", NOW];

async function main(): Promise<void> {
    const opts = new Command("bench")
        .option("--runs <n>", "child processes per case", positive, 5)
        .option("--sizes <list>", "generated stack sizes, in principals", sizes, [10, 100, 1000])
        .option("--clusters <list>", "generated Foundry Local fleet sizes, in clusters", sizes, [10, 100, 1000])
        .option("--write", "record the results in bench/results.json (tracked: for new published figures)")
        .parse(process.argv)
        .opts<{ runs: number; sizes: number[]; clusters: number[]; write?: boolean }>();
    const dir = mkdtempSync(join(tmpdir(), "foundry-entra-bench-"));
    try {
        const dev = join(ROOT, "test/fixtures/stacks/Pulumi.dev.yaml");
        const devPrincipals = ["access", "managedIdentities"]
            .map((k) => (JSON.parse(loadStackConfigFile(dev).config[`foundry-entra:${k}`] ?? "[]") as unknown[]).length)
            .reduce((a, b) => a + b, 0);
        const cases: Case[] = [
            { name: "dev", file: dev, principals: devPrincipals, samples: [] },
            ...opts.sizes.map((n) => ({ name: `${n} principals`, file: writeGeneratedStack(dev, dir, n).file, principals: n, samples: [] })),
        ];
        const fleets = fleetFiles(dev, dir, opts.clusters).map((f) => ({ ...f, samples: [] as number[] }));
        const baseline: number[] = [];
        for (let run = 1; run <= opts.runs; run++) {
            process.stderr.write(`bench: run ${run} of ${opts.runs}\n`);
            baseline.push(timeChild(["-e", "require('@pulumi/pulumi')"]));
            for (const c of cases) c.samples.push(timeChild(renderArgs(c.file)));
            for (const f of fleets) f.samples.push(timeChild(renderArgs(f.file)));
        }
        const pulumiLoadMs = median(baseline);

        process.stderr.write("bench: counting resources and critical paths\n");
        const empty = await customResources(writeGeneratedStack(dev, dir, 0).file);
        const results: BenchCase[] = [];
        for (const c of cases) {
            const model = await renderModel({ ...loadStackConfigFile(c.file), now: new Date(NOW) });
            const resources = model.resources.filter((r) => r.custom).length;
            const path = criticalPath(model);
            results.push({
                name: c.name,
                principals: c.principals,
                resources,
                components: model.resources.length - resources,
                resourcesPerPrincipal: round((resources - empty) / c.principals, 2),
                medianMs: Math.round(median(c.samples)),
                samplesMs: c.samples.map((s) => Math.round(s)),
                ratioToPulumiLoad: round(median(c.samples) / pulumiLoadMs),
                criticalPath: { length: path.chain.length, chain: path.chain.map((r) => r.name) },
            });
        }
        process.stderr.write("bench: counting the fleets' resources\n");
        const fleet = await measureFleets(dev, dir, fleets, median(cases[0]!.samples), median);
        const report = { ...summarize(results, pulumiLoadMs, baseline, opts.runs), fleet };
        process.stdout.write(printTable(report));
        process.stdout.write(printFleetTable(fleet));
        if (opts.write) {
            writeFileSync(join(__dirname, "results.json"), `${JSON.stringify(report, null, 2)}\n`);
            process.stdout.write("\nwrote bench/results.json\n");
        } else {
            process.stdout.write("\nbench/results.json left as it is (npm run bench -- --write records these results)\n");
        }
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
}

async function customResources(file: string): Promise<number> {
    const model = await renderModel({ ...loadStackConfigFile(file), now: new Date(NOW) });
    return model.resources.filter((r) => r.custom).length;
}

function summarize(cases: BenchCase[], pulumiLoadMs: number, baseline: number[], runs: number): BenchResults {
    const dev = cases.find((c) => c.name === "dev");
    const largest = cases[cases.length - 1];
    const cpu = cpus();
    return {
        command: `npm run bench -- --runs ${runs} --sizes ${cases.filter((c) => c.name !== "dev").map((c) => c.principals).join(",")}`,
        date: new Date().toISOString().slice(0, 10),
        machine: {
            cpu: cpu[0]?.model.trim() ?? "unknown",
            cores: cpu.length,
            memoryGiB: Math.round(totalmem() / 2 ** 30),
            node: process.version,
            os: `${platform()} ${release()}`,
        },
        pulumiLoad: { medianMs: Math.round(pulumiLoadMs), samplesMs: baseline.map((s) => Math.round(s)) },
        cases,
        targets: {
            largestToDev: dev && largest ? round(largest.medianMs / dev.medianMs) : null,
            largestToDevMax: 10,
            devCriticalPath: dev?.criticalPath.length ?? null,
            devCriticalPathMax: 4,
        },
    };
}

main().catch((err: unknown) => {
    process.stderr.write(`bench: ${messageOf(err)}\n`);
    process.exitCode = 1;
});
