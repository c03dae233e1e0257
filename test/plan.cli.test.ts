/**
 * How `plan` and `adopt` read the stack file `--stack` or `--config` names: as `render` does (src/render/cli.ts
 * readConfig), so a stack file of the wrong shape is refused with each of its problems, a `--stack` that names no
 * file lists the stacks there are, and a YAML error is one line that says where, without the file's text.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main as adopt } from "../src/adopt/cli";
import { main as plan } from "../src/plan/cli";
import { BASE_STACK_FILE, ROOT, tempDirs } from "./helpers";

const tempDir = tempDirs("plan-cli-");
const EXPORT = join(ROOT, "test", "fixtures", "pulumi", "stack-export.json");
const PREVIEW = join(ROOT, "test", "fixtures", "pulumi", "preview-rotation-off.json");

type Main = typeof plan;
async function run(main: Main, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    let stdout = "";
    let stderr = "";
    const code = await main(args, {
        stdout: { write: (s: string) => (stdout += s) },
        stderr: { write: (s: string) => (stderr += s) },
        cwd: ROOT, projectDir: ROOT, env: {},
    });
    return { code, stdout, stderr };
}

/** A stack file with two problems of shape: a misspelt top-level key and a misspelt namespace. */
function misshapen(): string {
    const file = join(tempDir(), "Pulumi.shape.yaml");
    const text = readFileSync(BASE_STACK_FILE, "utf8").replace("foundry-entra:gateway:", "foundry-entr:gateway:");
    writeFileSync(file, `${text}confg:\n  foundry-entra:accounts: []\n`);
    return file;
}

describe("plan reads the stack file as render does", () => {
    it.each([
        ["--state", ["--state", EXPORT]],
        ["--preview", ["--preview", PREVIEW]],
    ])("lists both problems of a stack file with confg: and foundry-entr:gateway (with %s), exit 2", async (_with, extra) => {
        const file = misshapen();
        const r = await run(plan, ["--config", file, ...extra]);
        expect(r.code).toBe(2);
        expect(r.stdout).toBe("");
        expect(r.stderr).toContain('top-level key "confg" is not one a stack file has');
        expect(r.stderr).toContain('config key "foundry-entr:gateway": namespace "foundry-entr" is not known; did you mean foundry-entra:gateway?');
    });

    it("lists the stacks when --stack names none", async () => {
        const r = await run(plan, ["--stack", "prdo", "--state", EXPORT]);
        expect(r.code).toBe(2);
        expect(r.stderr).toBe(`plan: --stack prdo: no Pulumi.prdo.yaml in ${ROOT}; the stacks there: dev, prod, staging\n`);
    });

    it("says where a stack file is not YAML, on one line that ends on the problem", async () => {
        const file = join(tempDir(), "Pulumi.broken.yaml");
        writeFileSync(file, "config:\n  foundry-entra:gateway:\nsecret-looking text\n    displayName: x\n");
        const r = await run(plan, ["--config", file, "--state", EXPORT]);
        expect(r.code).toBe(2);
        expect(r.stderr).toBe(`plan: ${file} is not valid YAML: line 3, column 1: Implicit keys need to be on a single line\n`);
    });
});

describe("plan quotes a refused --as as every message quotes a value (src/lib/excerpt.ts)", () => {
    it("on one line, escaped, cut to a short excerpt", async () => {
        const r = await run(plan, ["--stack", "dev", "--state", EXPORT, "--as", `not\n\u001b[2Ja guid ${"x".repeat(60)}`]);
        expect(r.code).toBe(2);
        expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
        expect(r.stderr).not.toContain("\u001b");
        expect(r.stderr).toContain(`"not\\n\\u001b[2Ja guid ${"x".repeat(25)}…" (75 characters) is not an object id (a GUID)`);
    });

    it("never a value that looks like a secret", async () => {
        const secret = "Abc8Q~abcdefghijklmnopqrstuvwxyz0123456789";
        const r = await run(plan, ["--stack", "dev", "--state", EXPORT, "--as", secret]);
        expect(r.code).toBe(2);
        expect(r.stderr).not.toContain(secret.slice(0, 12));
        expect(r.stderr).toContain("(value not shown: it may be a secret) is not an object id");
    });
});

describe("adopt reads the stack file as render does", () => {
    it("lists both problems of a stack file with confg: and foundry-entr:gateway, before signing in", async () => {
        const r = await run(adopt, ["--config", misshapen()]);
        expect(r.code).toBe(2);
        expect(r.stderr).toContain('top-level key "confg" is not one a stack file has');
        expect(r.stderr).toContain('namespace "foundry-entr" is not known; did you mean foundry-entra:gateway?');
    });

    it("lists the stacks when --stack names none", async () => {
        const r = await run(adopt, ["--stack", "prdo"]);
        expect(r.code).toBe(2);
        expect(r.stderr).toBe(`adopt: --stack prdo: no Pulumi.prdo.yaml in ${ROOT}; the stacks there: dev, prod, staging\n`);
    });
});
