/**
 * What the fuzzer (test/fuzz.test.ts) found, pinned as plain cases: each failed before its fix.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseStackConfig } from "../src/config/parse";
import { main as expiry } from "../src/expiry/cli";
import { main as gatewayConfig } from "../src/gateway/cli";
import { parseDate } from "../src/lib/dates";
import { main as render } from "../src/render/cli";
import { main as tokenDoctor } from "../src/token/cli";
import { devWith, ROOT, tempDirs } from "./helpers";
import { runTool } from "./support/inProcess";

const OUTPUTS = readFileSync(join(ROOT, "test", "fixtures", "gateway", "outputs.dev.json"), "utf8");
const longest = (text: string) => Math.max(...text.split("\n").map((l) => l.length));
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
const tempDir = tempDirs("fuzzfound-");

describe("found by the fuzzer", () => {
    it("reads the years 0-99 as themselves, not as 1900-1999", () => {
        const r = parseDate("0001-01-01");
        expect(r.ok && r.date.toISOString()).toBe("0001-01-01T00:00:00.000Z");
    });

    it("render: a stack file nested 1,000 deep is refused with a line, not the YAML library's stack overflow", async () => {
        const dir = tempDir();
        const file = join(dir, "Pulumi.deep.yaml");
        writeFileSync(file, `config:\n  foundry-entra:gateway: ${"[".repeat(5_000)}${"]".repeat(5_000)}\n`);
        const r = await runTool(render, ["--config", file], { extra: { cwd: dir, projectDir: dir } });
        expect(r.code).toBe(2);
        expect(r.stderr).toContain("values are nested deeper than a stack config can be");
        expect(r.stderr).not.toContain("Maximum call stack");
    });

    it("config: an unknown key of 300 characters is named by a short excerpt", () => {
        const parsed = parseStackConfig(devWith({ foundryLocal: { cluster: { name: "arc", resourceGroupName: "rg" }, endpoint: "https://x.example.com", ["k".repeat(300)]: 1 } }), { stack: "dev" });
        expect(parsed.ok ? [] : parsed.problems).toEqual([expect.stringMatching(/^foundry-entra:foundryLocal\.\["k{40}…" \(300 characters\)\]: unknown key/)]);
    });

    it("expiry: --now of 5,000 characters is quoted as an excerpt by the option parser's message", async () => {
        const r = await runTool(expiry, ["--now", "a".repeat(5_000)], { stdin: OUTPUTS });
        expect(r.code).toBe(2);
        expect(longest(r.stderr)).toBeLessThan(300);
    });

    it("expiry: an unknown option of 2,000 characters is named by an excerpt (found in review, not by the fuzzer)", async () => {
        const r = await runTool(expiry, [`--${"a".repeat(2_000)}`], { stdin: OUTPUTS });
        expect(r.code).toBe(2);
        expect(r.stderr).toMatch(/^expiry: unknown option "--a{38}…" \(2002 characters\)/);
        expect(longest(r.stderr)).toBeLessThan(300);
        // A short one is still named as commander names it, with its suggestion.
        const near = await runTool(expiry, ["--withn", "3"], { stdin: OUTPUTS });
        expect(near.stderr).toBe("expiry: unknown option '--withn' (did you mean --within?)\n");
    });

    it("expiry: a short option value with a line break stays on one line (found in review)", async () => {
        const r = await runTool(expiry, ["--within", "3\n0"], { stdin: OUTPUTS });
        expect(r.code).toBe(2);
        expect(r.stderr).toBe(`expiry: option '--within <days>' argument "3\\n0" is invalid. "3\\n0" is not a whole number of days\n`);
    });

    it("expiry: a slot named with 5,000 characters is quoted as an excerpt, a thumbprint only when it is one", async () => {
        const o = JSON.parse(OUTPUTS) as { gateway: { certificate: Record<string, unknown> } };
        o.gateway.certificate.slots = [{ slot: "b".repeat(5_000), current: true, notAfter: "2027-01-01T00:00:00Z", thumbprint: "not-a-thumbprint\nforged line" }];
        const r = await runTool(expiry, ["--now", "2026-01-01"], { stdin: JSON.stringify(o) });
        expect(r.code).toBe(0);
        expect(longest(r.stdout)).toBeLessThan(300);
        expect(r.stdout).not.toContain("forged line");
    });

    it("token-doctor: a 5,000-character audience is cut short, a control character escaped", async () => {
        const claims = { aud: "x".repeat(5_000), iss: "https://login.microsoftonline.com/00000000-0000-0000-0000-000000000001/v2.0\n✓ forged", exp: 4102444800 };
        const r = await runTool(tokenDoctor, [`${b64({ alg: "RS256" })}.${b64(claims)}.c2lnbmF0dXJl`]);
        expect(r.code).toBe(1);
        expect(longest(r.stdout)).toBeLessThan(300);
        expect(r.stdout).not.toMatch(/^\s*✓ forged/m);
    });

    it("token-doctor --json -1: a negative number is the token, and --json still holds (it dropped every option)", async () => {
        const r = await runTool(tokenDoctor, ["--json", "--tenant", "00000000-0000-0000-0000-000000000001", "-1"]);
        expect(r.code).toBe(2);
        expect(JSON.parse(r.stdout)).toEqual({ ok: false, error: "not a JWT: expected three dot-separated parts, got 1", exitCode: 2 });
        // An unknown option is still named as one, and with --json also as JSON on stdout.
        const unknown = await runTool(tokenDoctor, ["--json", "-x"]);
        expect(unknown.code).toBe(2);
        expect(unknown.stderr).toMatch(/^token-doctor: unknown option '-x'/);
        expect(JSON.parse(unknown.stdout)).toEqual({ ok: false, error: expect.stringMatching(/^unknown option '-x'/), exitCode: 2 });
    });

    it("token-doctor --json '- ': a token that looks like an option is refused as JSON too (stdout was empty)", async () => {
        const r = await runTool(tokenDoctor, ["--json", "- "]);
        expect(r.code).toBe(2);
        expect(JSON.parse(r.stdout)).toEqual({ ok: false, error: "unknown option '- '", exitCode: 2 });
        const text = await runTool(tokenDoctor, ["- "]);
        expect(text.stdout).toBe("");
    });

    it("gateway-config: a Foundry Local appScope of 1,200 characters is named by a short excerpt in the note", async () => {
        const outputs = JSON.parse(OUTPUTS) as { foundryLocal: { appScope: string } };
        outputs.foundryLocal.appScope = "a".repeat(1_200);
        const dir = tempDir();
        const r = await runTool(gatewayConfig, ["--format", "litellm", "--outputs", "-", "--out", `${dir}/`], { stdin: JSON.stringify(outputs) });
        expect(r.code).toBe(0);
        expect(r.stderr).toContain('Call it with a token for "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa…" (1200 characters)');
        expect(longest(r.stderr)).toBeLessThan(600);
    });

    it("gateway-config: an account keyed with 700 characters is named by a short excerpt", async () => {
        const outputs = JSON.parse(OUTPUTS) as { accounts: Record<string, unknown> };
        outputs.accounts["a".repeat(700)] = { name: {} };
        const r = await runTool(gatewayConfig, ["--format", "truefoundry", "--outputs", "-"], { stdin: JSON.stringify(outputs) });
        expect(r.code).toBe(2);
        expect(r.stderr).toContain('accounts."aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa…" (700 characters).kind is absent');
        expect(longest(r.stderr)).toBeLessThan(300);
    });
});
