import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";
import { BaseSequencer, type TestSpecification } from "vitest/node";

/**
 * Files started before the others (then vitest's own order: slowest, or on a first run largest, first), so that
 * the longest waits overlap the rest of the suite instead of ending it: the type check (a tsc child process), the
 * two-year rotation simulation, the walk-through (a vitest child process).
 */
const FIRST = ["test/typecheck.test.ts", "test/rotation.simulation.test.ts", "test/walkthrough.test.ts"];

class LongestFirst extends BaseSequencer {
    override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
        const rank = (f: TestSpecification) => {
            const i = FIRST.findIndex((p) => f.moduleId.replace(/\\/g, "/").endsWith(p));
            return i < 0 ? FIRST.length : i;
        };
        return (await super.sort(files)).sort((a, b) => rank(a) - rank(b));
    }
}

export default defineConfig({
    test: {
        include: ["test/**/*.test.ts", "policy/**/*.test.ts", "bootstrap/**/*.test.ts"],
        // Worker processes, each running test files one after another and keeping the modules it loaded: loading
        // @pulumi/pulumi and the providers' modules once per worker instead of once per file is most of the saving
        // (docs/performance.md). The SDK's runtime state is global to the process; harness/run.ts queues program
        // runs and resets the mocks and the config before each, so files that follow each other share nothing else.
        pool: "forks",
        isolate: false,
        // vitest's default is one worker less than the cores: on a 2-core machine one worker, half the machine idle.
        maxWorkers: Math.max(2, availableParallelism() - 1),
        // A private temporary folder (checked empty at the end) and the test PKI: test/support/globalSetup.ts.
        globalSetup: ["test/support/globalSetup.ts"],
        sequence: { sequencer: LongestFirst },
        testTimeout: 120_000,
        hookTimeout: 120_000,
        reporters: ["default", "json"],
        outputFile: { json: "test-results/vitest.json" },
    },
});
