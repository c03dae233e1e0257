/**
 * What a fresh clone meets in its first hour, besides the walk-through (test/walkthrough.test.ts): every file the
 * documented commands write with secrets in it is ignored by git (git itself judges); the example outputs the
 * README points to are exactly what their generator writes, do not expire, and the gateway and expiry commands
 * run on them without a warning.
 */
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main as expiry } from "../src/expiry/cli";
import { main as gatewayConfig } from "../src/gateway/cli";
import { trackedByGit } from "../src/lib/cli";
import { EXAMPLE_NOW, EXAMPLE_STACK_FILE, exampleOutputsText } from "./fixtures/gateway/example";
import { ROOT, tempDirs } from "./helpers";
import { capturedIo } from "./support/cli";

const EXAMPLE = join(ROOT, "test", "fixtures", "gateway", "outputs.dev.json");
const DOCS = ["README.md", ...readdirSync(join(ROOT, "docs")).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`)];
const tempDir = tempDirs("first-hour-");

/**
 * The paths the documented commands write secrets to, relative to the repository: where gateway-config writes
 * (`--out`, `--secret-values`) and where `pulumi stack output --show-secrets` is redirected. Absolute paths and
 * variables are somewhere else.
 */
function documentedSecretPaths(): Map<string, string> {
    const paths = new Map<string, string>();
    for (const doc of DOCS) {
        // A command continued on the next line (`\` at the end) is one line.
        for (const line of readFileSync(join(ROOT, doc), "utf8").replace(/\\\n\s*/g, " ").split("\n")) {
            const found = [
                ...(line.includes("gateway-config") ? [...line.matchAll(/--(?:out|secret-values) +([^\s`'"|;)]+)/g)].map((m) => m[1]!) : []),
                ...[...line.matchAll(/--show-secrets *> *([^\s`'"|;)]+)/g)].map((m) => m[1]!),
            ];
            for (const path of found) if (!/^[/$<~]/.test(path) && !path.startsWith("FILE") && !path.startsWith("DIR")) paths.set(path, doc);
        }
    }
    return paths;
}

describe("files the documented commands write with secrets", () => {
    it("are ignored by git out of the box", () => {
        const paths = documentedSecretPaths();
        // Not vacuous: the README's gateway section writes these.
        expect([...paths.keys()]).toEqual(expect.arrayContaining(["outputs.json", "truefoundry/", "litellm/", "envoy/", "portkey.json", "secrets/"]));
        const notIgnored = [...paths].filter(([path]) => {
            // A directory is ignored when what the command writes into it is.
            const probe = path.endsWith("/") ? `${path}gateway-certificate.pem` : path;
            return spawnSync("git", ["check-ignore", "--quiet", "--no-index", "--", probe], { cwd: ROOT }).status !== 0;
        }).map(([path, doc]) => `${path} (${doc})`);
        expect(notIgnored, "add these to .gitignore, or have the docs write under an ignored folder").toEqual([]);
    });
});

describe("the example outputs (test/fixtures/gateway/outputs.dev.json)", () => {
    it("are exactly what test/fixtures/gateway/regenerate.ts writes, and its README says how", async () => {
        expect(readFileSync(EXAMPLE, "utf8")).toBe(await exampleOutputsText());
        const readme = readFileSync(join(ROOT, "test", "fixtures", "gateway", "README.md"), "utf8");
        expect(readme).toContain(EXAMPLE_STACK_FILE);
        expect(readme).toContain(EXAMPLE_NOW.toISOString().slice(0, 10));
        expect(readme).toContain("npx tsx test/fixtures/gateway/regenerate.ts");
    });

    it("take the README's gateway command today without a warning: nothing expired, no chmod for a file git tracks", async () => {
        expect(trackedByGit(EXAMPLE)).toBe(true);
        const { io, result } = capturedIo();
        const r = result(await gatewayConfig(["--format", "litellm", "--outputs", EXAMPLE, "--out", join(tempDir(), "litellm/")], { ...io, now: new Date() }));
        expect(r.code, r.stderr).toBe(0);
        expect(r.stderr).not.toMatch(/^note: .*(has passed|days? away|chmod)/m);
    });

    it("pass the expiry watch today", async () => {
        const { io, result } = capturedIo();
        const r = result(await expiry(["--outputs", EXAMPLE, "--within", "30"], io));
        expect(r.stdout).toMatch(/^ok: no current credential expires within 30 days/m);
        expect(r.code).toBe(0);
    });
});
