/**
 * gateway-config against hostile or careless input (issue 14's findings): no file outside `--out`, no invalid
 * Kubernetes name, no secret and no long value echoed in a message. Each case failed before the fix.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { generate } from "../src/gateway";
import { parseStackOutputs } from "../src/gateway/outputs";
import { emit } from "../src/gateway/write";
import { FIXTURE_NOW, inProcess, removeTempDirs, runCli, tempDir, writeOutputs } from "./fixtures/gateway/stacks";
import { crdViolations } from "./support/envoyCrdRules";

type Json = Record<string, any>;
const FIXTURE = join(__dirname, "fixtures", "gateway", "outputs.dev.json");
const fresh = (): Json => JSON.parse(readFileSync(FIXTURE, "utf8")) as Json;

/** Runs the command in-process with stdout a pipe and `json` (if any) on stdin; returns exit code and both streams. */
const run = (args: readonly string[], json?: Json) =>
    inProcess([...args, ...(json === undefined ? [] : ["--outputs", "-"])], false, json === undefined ? "" : JSON.stringify(json));

/** Every file under `root`, recursively, relative. */
const filesUnder = (root: string): string[] => readdirSync(root, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name).slice(root.length + 1)).sort();


afterAll(removeTempDirs);

describe("no file outside --out", () => {
    it("refuses an account keyed ../../escaped instead of writing <out>/../../escaped.yaml with the private key (real command)", () => {
        const root = tempDir();
        const json = fresh();
        json.accounts["../../escaped"] = json.accounts["aoai-dev-swc"];
        const r = runCli(["--format", "truefoundry", "--outputs", writeOutputs(json), "--out", join(root, "a", "b") + "/"]);
        expect(r.status).toBe(2);
        expect(r.stderr.trim().split("\n").pop()).toBe('gateway-config: accounts: key "../../escaped" is not an Azure account name (2–64 letters, digits and hyphens, starting and ending with a letter or digit): are these the outputs of a foundry-entra stack?');
        expect(existsSync(join(root, "escaped.yaml"))).toBe(false);
        expect(filesUnder(root)).toEqual([]);
    });

    it("writes nothing when any file name would leave the directory (second line of defence)", () => {
        const out = join(tempDir(), "out");
        mkdirSync(out);
        const files = [{ name: "ok.yaml", content: "a: 1\n", sensitive: false }, { name: "../escaped.yaml", content: "secret\n", sensitive: true }];
        expect(() => emit({ format: "truefoundry", auth: "certificate", files, combine: "yaml-documents", notes: [], secretValues: [] }, { out: `${out}/`, showSecrets: false, stdout: { write: () => true } }))
            .toThrow(/refusing to write "\.\.\/escaped\.yaml": every file goes directly into/);
        expect(filesUnder(join(out, ".."))).toEqual([]);
    });
});

describe("valid Kubernetes names only", () => {
    it("refuses --namespace '../Bad NS', naming the flag", async () => {
        const r = await run(["--format", "envoy", "--namespace", "../Bad NS"], fresh());
        expect(r.code).toBe(2);
        expect(r.stderr.trim()).toBe('gateway-config: --namespace "../Bad NS" is not a Kubernetes namespace name: at most 63 lower-case letters, digits and "-", starting and ending with a letter or digit');
        expect(r.stdout).toBe("");
    });

    it("refuses an account keyed 'My Account', naming the key", async () => {
        const json = fresh();
        json.accounts["My Account"] = json.accounts["aoai-dev-swc"];
        const r = await run(["--format", "envoy"], json);
        expect(r.code).toBe(2);
        expect(r.stderr).toContain('accounts: key "My Account" is not an Azure account name');
    });

    it.each([
        ["'🚀'", "🚀", "foundry-entra-gateway"],
        ["of 100,000 characters", "d".repeat(100_000), "d".repeat(40)],
    ])("names the objects of a display name %s validly, never '-client-secret'", (_what, displayName, base) => {
        const json = fresh();
        json.gateway.displayName = displayName;
        const config = generate("envoy", parseStackOutputs(json), { now: FIXTURE_NOW });
        const objects = config.files.flatMap((f) => parseAllDocuments(f.content).map((d) => d.toJS() as Json));
        const names = objects.map((o) => o.metadata.name as string);
        expect(names).toContain(`${base}-client-secret`);
        for (const n of names) expect(n).toMatch(/^[a-z0-9]/);
        for (const o of objects) expect(crdViolations(o)).toEqual([]);
    });
});

describe("no secret and no long value in a message", () => {
    const SECRET = "Sup3r-S3cret-Value~Nobody-Should-See-4f7a9c";

    it("does not quote a client secret given as a bare string where an object belongs", async () => {
        const json = fresh();
        json.gateway.clientSecret = SECRET;
        const r = await run(["--format", "litellm", "--auth", "client-secret", "--out", tempDir()], json);
        expect(r.code).toBe(2);
        expect(r.stderr).toContain("gateway.clientSecret");
        for (let i = 0; i + 8 <= SECRET.length; i++) expect(r.stderr).not.toContain(SECRET.slice(i, i + 8));
    });

    it("says [secret] where the outputs' client secret is quoted as another value (an account's endpoint)", async () => {
        const json = fresh();
        json.gateway.clientSecret.value = "hunter2hunter2";
        json.accounts["aoai-dev-swc"].endpoint = "hunter2hunter2";
        const r = await run(["--format", "litellm", "--out", tempDir()], json);
        expect(r.code).toBe(2);
        expect(r.stderr.trim()).toBe('gateway-config: accounts.aoai-dev-swc.endpoint: string "[secret]" is not an https:// URL');
        expect(r.stderr).not.toContain("hunter2");
    });

    it("does not print a private key pasted as the certificate", async () => {
        const json = fresh();
        json.gateway.certificate.certificatePem = json.gateway.certificate.privateKeyPem;
        const r = await run(["--format", "truefoundry", "--out", tempDir()], json);
        expect(r.code).toBe(2);
        const keyLines = (json.gateway.certificate.privateKeyPem as string).split("\n").filter((l) => l.length > 20 && !l.startsWith("-----"));
        for (const l of keyLines) expect(r.stderr).not.toContain(l.slice(0, 16));
    });

    // A client secret pasted into a flag: every flag a message quotes, refused because of the "~".
    const FLAG_SECRET = "xYz8Q~a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7";
    it.each([
        ["--namespace", ["--format", "envoy", "--namespace", FLAG_SECRET]],
        ["--gateway-name", ["--format", "envoy", "--gateway-name", FLAG_SECRET]],
        ["--api-version", ["--format", "litellm", "--api-version", FLAG_SECRET]],
    ] as const)("does not quote a client secret given as %s", async (flag, args) => {
        const r = await run(args, fresh());
        expect(r.code).toBe(2);
        expect(r.stderr.trim()).toMatch(new RegExp(`^gateway-config: ${flag} \\(value not shown: it may be a secret\\) is not `));
        for (let i = 0; i + 8 <= FLAG_SECRET.length; i++) expect(r.stderr).not.toContain(FLAG_SECRET.slice(i, i + 8));
    });

    it("escapes a bidi control character in a refused value instead of passing it to the terminal", async () => {
        const r = await run(["--format", "envoy", "--namespace", "ns\u202egnp.exe"], fresh());
        expect(r.code).toBe(2);
        expect(r.stderr.trim()).toMatch(/^gateway-config: --namespace "ns\\u202egnp\.exe" is not a Kubernetes namespace name/);
        expect(r.stderr).not.toContain("\u202e");
    });

    it.each([
        ["--api-version", (j: Json) => [j, ["--format", "litellm", "--api-version", "v ".repeat(50_000)]]],
        ["--secret-ref", (j: Json) => [j, ["--format", "truefoundry", "--secret-ref", `tfy-secret://${"x".repeat(100_000)}`]]],
        ["--gateway-name", (j: Json) => [j, ["--format", "envoy", "--gateway-name", "Y".repeat(100_000)]]],
        ["an account key", (j: Json) => { j.accounts["z".repeat(100_000)] = j.accounts["aoai-dev-swc"]; return [j, ["--format", "envoy"]]; }],
        ["--namespace (envoy)", (j: Json) => [j, ["--format", "envoy", "--namespace", "N".repeat(100_000)]]],
    ] as const)("quotes at most a short excerpt of a 100 KB %s", async (_what, make) => {
        const [json, args] = make(fresh()) as [Json, string[]];
        const r = await run(args, json);
        expect(r.code).toBe(2);
        const last = r.stderr.trim().split("\n").pop() ?? "";
        expect(last.length).toBeLessThan(400);
        expect(last).toMatch(/…"/);
    });
});
