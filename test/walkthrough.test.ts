/**
 * The README walk-through's step 2, rehearsed: in a copy of the repository, the names in the three stack files are
 * replaced (accounts, resource groups, users, groups, object ids, Arc clusters; read from the files, so this works
 * on the example's names and on a team's own after its real step 2), the one command step 2 names runs
 * (`npm run pin -- --write`, in-process), and the tests CI runs that read the shipped stacks or the staging diagram run on
 * the copy, as vitest in a child process. A walk-through that ends red fails here. The type check is not run
 * again: the step changes no TypeScript (checked below), so it would check the very files the suite's does.
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { main as pin, PIN_COMMAND } from "../src/pin/cli";
import { ROOT, tempDirs } from "./helpers";
import { capturedIo, childEnv, runNode, type CliResult } from "./support/cli";

/** A config value, as a list of records (an absent key: none). */
const records = (v: unknown): Record<string, unknown>[] => (Array.isArray(v) ? v.filter((x): x is Record<string, unknown> => typeof x === "object" && x !== null) : []);
const str = (v: unknown): string[] => (typeof v === "string" && v !== "" ? [v] : []);

/**
 * What a team changes in step 2, read from a stack file as it stands (the example's names, or a team's own after
 * this very step): every account, resource group, user, group, cluster and object id, each with a new value.
 */
function stepTwoEdits(yaml: string): [string, string][] {
    const config = (parseYaml(yaml) as { config?: Record<string, unknown> }).config ?? {};
    const get = (key: string) => config[`foundry-entra:${key}`];
    const accounts = records(get("accounts"));
    const access = records(get("access"));
    const identities = records(get("managedIdentities"));
    const gateway = (get("gateway") ?? {}) as Record<string, unknown>;
    const local = (get("foundryLocal") ?? {}) as { cluster?: Record<string, unknown>; endpoint?: unknown };
    const guid = (id: string) => `${id[0] === "f" ? "e" : "f"}${id.slice(1)}`;
    const edits: [string, string][] = [
        ...accounts.flatMap((a) => [...str(a.name), ...str(a.resourceGroupName)]).map((v): [string, string] => [v, `${v}-fab`]),
        ...access.flatMap((e) => str(e.user)).map((u): [string, string] => [u, `fab.${u}`]),
        ...access.flatMap((e) => str(e.group)).map((g): [string, string] => [g, `Fabrikam ${g}`]),
        ...identities.flatMap((m) => str((m.create as Record<string, unknown> | undefined)?.resourceGroupName)).map((v): [string, string] => [v, `${v}-fab`]),
        ...[...identities.flatMap((m) => str(m.principalId)), ...(Array.isArray(gateway.owners) ? gateway.owners.flatMap(str) : [])]
            .map((id): [string, string] => [id, guid(id)]),
        ...[...str(local.cluster?.name), ...str(local.cluster?.resourceGroupName)].map((v): [string, string] => [v, `${v}-fab`]),
        ...str(local.endpoint).map((e): [string, string] => [e, e.replace("https://", "https://fab.")]),
    ];
    return [...new Map(edits)];
}

/** The text with each value replaced once, longest first, so no value is replaced inside another's replacement. */
function replaceAll(text: string, edits: readonly [string, string][]): string {
    const sorted = [...edits].sort(([a], [b]) => b.length - a.length);
    let out = text;
    sorted.forEach(([from], i) => (out = out.split(from).join(`\u0000${i}\u0000`)));
    sorted.forEach(([, to], i) => (out = out.split(`\u0000${i}\u0000`).join(to)));
    return out;
}

/** The tests CI runs that read the shipped stack files or the staging diagram (docs/stack.md). */
const NAME_DEPENDENT = [
    "test/urns.test.ts", "test/render.mermaid.test.ts", "test/protection.test.ts", "test/environments.test.ts",
    "test/secrets.test.ts", "test/outputsContract.test.ts", "policy/stacks.test.ts",
];

const tempDir = tempDirs("walkthrough-");
const STACK_FILES = ["Pulumi.dev.yaml", "Pulumi.staging.yaml", "Pulumi.prod.yaml"];
const renamed = new Map<string, number>();
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
    return runNode([join(ROOT, "node_modules", "vitest", "vitest.mjs"), "run", "--maxWorkers=1", "--reporter=dot", "--reporter=json", ...files],
        { cwd: dir, env: childEnv({ NO_COLOR: "1", CI: "1" }) });
}

beforeAll(async () => {
    copy = join(tempDir(), "repo");
    files = copyRepository(copy);
    for (const file of STACK_FILES) {
        const text = readFileSync(join(copy, file), "utf8");
        const edits = stepTwoEdits(text);
        renamed.set(file, edits.length);
        writeFileSync(join(copy, file), replaceAll(text, edits));
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

    it("rewrites the pins of the three stacks and the staging diagram with that command, and no TypeScript", () => {
        expect(pinned.code, pinned.stderr).toBe(0);
        expect(pinned.stdout.trim().split("\n").sort()).toEqual([
            "wrote docs/stack.md", "wrote test/fixtures/urns/dev.json", "wrote test/fixtures/urns/prod.json", "wrote test/fixtures/urns/staging.json",
        ]);
        const read = (dir: string, file: string) => {
            try {
                return readFileSync(join(dir, file), "utf8");
            } catch {
                return undefined;
            }
        };
        const changed = files.filter((f) => read(ROOT, f) !== read(copy, f)).sort();
        expect(changed).toEqual(["Pulumi.dev.yaml", "Pulumi.prod.yaml", "Pulumi.staging.yaml", "docs/stack.md",
            "test/fixtures/urns/dev.json", "test/fixtures/urns/prod.json", "test/fixtures/urns/staging.json"]);
        // Not vacuous: each stack had names to change (accounts and resource groups at least).
        for (const file of STACK_FILES) expect(renamed.get(file), file).toBeGreaterThanOrEqual(2);
    });

    it("ends with the tests that read the stacks and the diagram green on the copy", async () => {
        const r = await suite;
        const tail = `${r.stdout}\n${r.stderr}`.split("\n").filter((l) => /FAIL|Error|expected|✗|×|Tests|Test Files/.test(l)).slice(0, 40).join("\n");
        expect(r.code, `vitest on the walked-through copy:\n${tail}`).toBe(0);
        const report = JSON.parse(readFileSync(join(copy, "test-results", "vitest.json"), "utf8")) as { numPassedTests: number; numFailedTests: number; numTotalTestSuites: number };
        expect(report.numFailedTests).toBe(0);
        expect(report.numPassedTests).toBeGreaterThan(40);
    });
});
