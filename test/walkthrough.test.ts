/**
 * The README walk-through's step 2, rehearsed: in a copy of the repository, the example names in the three stack
 * files are replaced (accounts, resource groups, users, groups, object ids, the AKS issuers, the Arc clusters), the
 * one command step 2 names runs (`npm run pin -- --write`, in-process), and then the tests CI runs that read the
 * shipped stacks or the README run on the copy, as vitest in a child process. A walk-through that ends red fails
 * here. The type check is not run again: the step changes no TypeScript (checked below), so it would check the
 * very files the suite's own type check does.
 */
import { spawn, spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main as pin, PIN_COMMAND } from "../src/pin/cli";
import { ROOT, tempDirs } from "./helpers";
import { capturedIo, childEnv, type CliResult } from "./support/cli";

/** What a team changes in step 2, per stack file: each example value and the team's own. */
const EDITS: Readonly<Record<string, readonly [string, string][]>> = {
    "Pulumi.dev.yaml": [
        ["aoai-dev-swc", "oai-fabrikam-dev"], ["rg-ai-dev", "rg-fabrikam-ai-dev"],
        ["alice@contoso.com", "dana@fabrikam.com"], ["AI Engineers", "Fabrikam AI Engineers"],
    ],
    "Pulumi.staging.yaml": [
        ["aoai-stg-swc", "oai-fabrikam-stg"], ["foundry-stg-swc", "fdy-fabrikam-stg"], ["rg-ai-staging-swc", "rg-fabrikam-ai-stg"],
        ["AI Platform Admins", "Fabrikam Platform"], ["AI Application Developers", "Fabrikam Developers"],
        ["7a1c2e3f-4b5d-4e6f-8a7b-9c0d1e2f3a4b/2c3d4e5f-6a7b-4c8d-9e0f-1a2b3c4d5e6f", "0b8e9f1a-2c3d-4e5f-8a9b-0c1d2e3f4a5b/6d7e8f9a-0b1c-4d2e-8f3a-4b5c6d7e8f9a"],
        ["arc-edge-staging-01", "arc-fabrikam-stg"], ["rg-edge-staging", "rg-fabrikam-edge-stg"], ["staging-edge.contoso.com", "stg.edge.fabrikam.com"],
    ],
    "Pulumi.prod.yaml": [
        ["aoai-prod-swc", "oai-fabrikam-prod"], ["foundry-prod-swc", "fdy-fabrikam-prod"], ["rg-ai-prod-swc", "rg-fabrikam-ai-prod"],
        ["aoai-prod-weu-legacy", "oai-fabrikam-legacy"], ["rg-openai-legacy", "rg-fabrikam-legacy"],
        ["AI Platform Admins", "Fabrikam Platform"], ["AI Application Developers", "Fabrikam Developers"], ["Search Team", "Fabrikam Search"],
        ["3f2b8c1d-6e4a-4f7b-9c2d-8a1e5b3c7d90", "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"], ["0e9d8c7b-6a5f-4e3d-9c2b-1a0f9e8d7c6b", "1f2e3d4c-5b6a-4978-8a6b-5c4d3e2f1a0b"],
        ["7a1c2e3f-4b5d-4e6f-8a7b-9c0d1e2f3a4b/5d6e7f80-9a1b-4c2d-8e3f-4a5b6c7d8e9f", "0b8e9f1a-2c3d-4e5f-8a9b-0c1d2e3f4a5b/7e8f9a0b-1c2d-4e3f-9a4b-5c6d7e8f9a0b"],
        ["arc-plant-hamburg-01", "arc-fabrikam-prod"], ["rg-edge-prod", "rg-fabrikam-edge-prod"], ["plant-hamburg.contoso.com", "prod.edge.fabrikam.com"],
    ],
};

/** The tests CI runs that read the shipped stack files or the README's diagram. */
const NAME_DEPENDENT = [
    "test/urns.test.ts", "test/render.mermaid.test.ts", "test/protection.test.ts", "test/environments.test.ts",
    "test/secrets.test.ts", "test/outputsContract.test.ts", "policy/stacks.test.ts",
];

const tempDir = tempDirs("walkthrough-");
let copy: string;
let files: string[];
let pinned: CliResult;
let suite: Promise<CliResult>;

/** The repository's files (tracked, and new ones not ignored), copied; node_modules is linked, not copied. */
function copyRepository(to: string): string[] {
    const listed = spawnSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], { cwd: ROOT, encoding: "utf8" });
    if (listed.status !== 0) throw new Error(`git ls-files failed: ${listed.stderr}`);
    const files = listed.stdout.split("\0").filter((f) => f !== "");
    for (const file of files) {
        mkdirSync(dirname(join(to, file)), { recursive: true });
        try {
            copyFileSync(join(ROOT, file), join(to, file));
        } catch (err) {
            // A tracked file deleted in the work tree is not part of the copy either.
            if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
        }
    }
    symlinkSync(join(ROOT, "node_modules"), join(to, "node_modules"), "dir");
    return files;
}

/** Runs vitest on the copy, in one worker so the tests share their renders; resolves when it ends. */
function vitestOn(dir: string, files: readonly string[]): Promise<CliResult> {
    return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, [join(ROOT, "node_modules", "vitest", "vitest.mjs"), "run", "--maxWorkers=1", "--reporter=dot", "--reporter=json", ...files], {
            cwd: dir, env: childEnv({ NO_COLOR: "1", CI: "1" }), stdio: ["ignore", "pipe", "pipe"],
        });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
        child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
        child.on("error", reject);
        child.on("close", (code) => resolve({ code, stdout, stderr }));
    });
}

beforeAll(async () => {
    copy = join(tempDir(), "repo");
    files = copyRepository(copy);
    for (const [file, edits] of Object.entries(EDITS)) {
        let text = readFileSync(join(copy, file), "utf8");
        for (const [from, to] of edits) {
            if (!text.includes(from)) throw new Error(`${file} no longer holds the example value ${from}: update EDITS in test/walkthrough.test.ts`);
            text = text.split(from).join(to);
        }
        writeFileSync(join(copy, file), text);
    }
    const { io, result } = capturedIo();
    pinned = result(await pin(["--write"], { ...io, projectDir: copy }));
    suite = vitestOn(copy, NAME_DEPENDENT);
});
afterAll(async () => {
    await suite?.catch(() => undefined);
});

describe("the walk-through's step 2 (your names in the stack files)", () => {
    it("names the one command that updates what depends on names, then npm test", () => {
        const readme = readFileSync(join(ROOT, "README.md"), "utf8");
        const step = readme.slice(readme.indexOf("2. **Make the stacks yours.**"), readme.indexOf("3. **Bootstrap"));
        expect(step).toContain(PIN_COMMAND);
        expect(step.indexOf(PIN_COMMAND)).toBeLessThan(step.indexOf("npm test"));
    });

    it("rewrites the pins of the three stacks and the README's diagram with that command, and no TypeScript", () => {
        expect(pinned.code, pinned.stderr).toBe(0);
        expect(pinned.stdout.trim().split("\n").sort()).toEqual([
            "wrote README.md", "wrote test/fixtures/urns/dev.json", "wrote test/fixtures/urns/prod.json", "wrote test/fixtures/urns/staging.json",
        ]);
        const read = (dir: string, file: string) => {
            try {
                return readFileSync(join(dir, file), "utf8");
            } catch {
                return undefined;
            }
        };
        const changed = files.filter((f) => read(ROOT, f) !== read(copy, f)).sort();
        expect(changed).toEqual(["Pulumi.dev.yaml", "Pulumi.prod.yaml", "Pulumi.staging.yaml", "README.md",
            "test/fixtures/urns/dev.json", "test/fixtures/urns/prod.json", "test/fixtures/urns/staging.json"]);
        expect(readFileSync(join(copy, "README.md"), "utf8")).toContain("oai-fabrikam-stg");
    });

    it("ends with the tests that read the stacks and the README green on the copy", async () => {
        const r = await suite;
        const tail = `${r.stdout}\n${r.stderr}`.split("\n").filter((l) => /FAIL|Error|expected|✗|×|Tests|Test Files/.test(l)).slice(0, 40).join("\n");
        expect(r.code, `vitest on the walked-through copy:\n${tail}`).toBe(0);
        const report = JSON.parse(readFileSync(join(copy, "test-results", "vitest.json"), "utf8")) as { numPassedTests: number; numFailedTests: number; numTotalTestSuites: number };
        expect(report.numFailedTests).toBe(0);
        expect(report.numPassedTests).toBeGreaterThan(40);
    });
});
