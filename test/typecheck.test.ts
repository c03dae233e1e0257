/**
 * The type check, as a test of the suite: `tsc --noEmit -p tsconfig.json` in a child process. vitest.config.mts
 * starts this file first, so the compiler runs beside the other test files instead of before all of them (the
 * largest share of a test run's wait on 2 cores). `npm run typecheck` runs it alone.
 */
import { join } from "node:path";
import { expect, it } from "vitest";
import { ROOT } from "./helpers";
import { runNode } from "./support/cli";

it("type-checks the whole project (tsc --noEmit -p tsconfig.json)", async () => {
    const tsc = join(ROOT, "node_modules", "typescript", "bin", "tsc");
    const { code, stdout, stderr } = await runNode([tsc, "--noEmit", "-p", "tsconfig.json", "--pretty", "false"]);
    const output = stdout + stderr;
    const errors = output.split("\n").filter((l) => l.trim() !== "");
    expect(errors.slice(0, 60), `tsc found ${errors.filter((l) => / error TS\d+:/.test(l)).length} errors`).toEqual([]);
    expect(code).toBe(0);
});
