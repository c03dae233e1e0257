import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadStackConfigFile, runProgram, type RunResult } from "../harness/run";
import { main, type RenderIo } from "../src/render/cli";
import { utcDay } from "../src/lib/rotation";
import { FORMATS, formatModel, renderModel, type Format, type RenderModel } from "../src/render/index";
import { SECRET } from "../src/render/redact";
import { engineUrnMap } from "../src/plan/urns";
import { BASE_STACK_FILE, refuse, ROOT } from "./helpers";

const NOW = "2026-01-01T00:00:00Z";
const TSX = join(ROOT, "node_modules", ".bin", "tsx");

interface CliResult {
    readonly code: number;
    readonly stdout: string;
    readonly stderr: string;
}

/** Runs the real CLI in a child process, as `npm run render` does. */
function cli(...args: string[]): Promise<CliResult> {
    return new Promise((resolve) => {
        execFile(TSX, ["tools/render.ts", ...args], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
            const code = err ? (typeof err.code === "number" ? err.code : 1) : 0;
            resolve({ code, stdout, stderr });
        });
    });
}

/** Runs the command in-process, capturing its output. */
async function inProcess(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult & { cwd: string }> {
    let stdout = "";
    let stderr = "";
    const io: RenderIo = {
        stdout: { write: (s: string) => (stdout += s) },
        stderr: { write: (s: string) => (stderr += s) },
        cwd: ROOT,
        // The default stack ("dev") is read from here: the tests' base stack, not the shipped one.
        projectDir: dirname(BASE_STACK_FILE),
        env,
    };
    const code = await main(args, io);
    return { code, stdout, stderr, cwd: io.cwd };
}

const devFile = BASE_STACK_FILE;
const fullFile = join(ROOT, "examples", "full.yaml");

describe("npm run render", () => {
    /** Two child-process renders of the base stack per format. */
    const runs = new Map<Format, [CliResult, CliResult]>();
    let devRun: RunResult;
    let fullRun: RunResult;
    /** Every format of the full example, rendered in-process. */
    const full = new Map<Format, string>();

    beforeAll(async () => {
        const results = await Promise.all(FORMATS.flatMap((f) => [cli("--config", devFile, "--format", f, "--now", NOW), cli("--config", devFile, "--format", f, "--now", NOW)]));
        FORMATS.forEach((f, i) => runs.set(f, [results[2 * i]!, results[2 * i + 1]!]));
        devRun = await runProgram({ ...loadStackConfigFile(devFile), now: new Date(NOW) });
        fullRun = await runProgram({ ...loadStackConfigFile(fullFile), now: new Date(NOW) });
        const model = await renderModel({ ...loadStackConfigFile(fullFile), now: new Date(NOW) });
        for (const f of FORMATS) full.set(f, formatModel(model, f));
    });

    const dev = (f: Format) => runs.get(f)![0].stdout;
    const devJson = () => JSON.parse(dev("json")) as {
        project: string; stack: string; outputs: Record<string, unknown>;
        resources: { urn: string; type: string; name: string; parent: string | null; dependsOn: string[]; inputs: Record<string, unknown>; options: Record<string, unknown> }[];
    };

    it("renders the dev stack in every format from a child process, exit 0", () => {
        for (const f of FORMATS) {
            const [first] = runs.get(f)!;
            expect(first.stderr, f).toBe("");
            expect(first.code, f).toBe(0);
            expect(first.stdout.length, f).toBeGreaterThan(500);
        }
        expect(dev("tree")).toContain("GatewayIdentity gateway");
        expect(dev("mermaid").startsWith("flowchart ")).toBe(true);
    });

    it("is byte-identical across two runs of the same config", () => {
        for (const f of FORMATS) {
            const [a, b] = runs.get(f)!;
            expect(b.code).toBe(0);
            expect(b.stdout === a.stdout, `${f} differs between two renders`).toBe(true);
        }
    });

    it("keeps the JSON contract: project, stack, now, resources with urn, type, name, parent, dependsOn, inputs, the stored id and outputs, options; outputs", () => {
        const doc = devJson();
        expect(Object.keys(doc)).toEqual(["project", "stack", "now", "resources", "outputs"]);
        expect(doc.project).toBe("foundry-entra");
        expect(doc.stack).toBe("dev");
        expect(doc.resources).toHaveLength(devRun.resources.length);
        const urns = new Set(doc.resources.map((r) => r.urn));
        expect(urns.size).toBe(doc.resources.length);
        for (const r of doc.resources) {
            expect(Object.keys(r)).toEqual(["urn", "type", "name", "custom", "parent", "dependsOn", "inputs", "id", "outputs", "propertyDependencies", "options"]);
            expect(Object.keys(r.options)).toEqual(["protect", "retainOnDelete", "import", "ignoreChanges", "aliases"]);
            expect(typeof r.options.protect).toBe("boolean");
            expect(typeof r.options.retainOnDelete).toBe("boolean");
            expect(r.options.import === null || typeof r.options.import === "string").toBe(true);
            expect(Array.isArray(r.options.ignoreChanges)).toBe(true);
            expect(r.parent === null || urns.has(r.parent), `${r.name}'s parent is rendered`).toBe(true);
            for (const d of r.dependsOn) expect(urns.has(d), `${r.name} depends on ${d}`).toBe(true);
            expect(typeof r.inputs).toBe("object");
        }
        // Parents come before their children.
        const seen = new Set<string>();
        for (const r of doc.resources) {
            if (r.parent !== null) expect(seen.has(r.parent), r.name).toBe(true);
            seen.add(r.urn);
        }
        expect(Object.keys(doc.outputs)).toEqual(Object.keys(devRun.outputs));
        const client = doc.resources.find((r) => r.name === "gateway-secret-password")!;
        expect(client.options.ignoreChanges).toEqual(["endDate"]);
    });

    it("lists every explicit and property dependency in dependsOn", () => {
        const doc = devJson();
        const byName = new Map(doc.resources.map((r) => [r.name, r]));
        let propertyDeps = 0;
        // The render writes the engine's URNs (ancestors' types chained).
        const engine = engineUrnMap(devRun.resources, "dev", "foundry-entra");
        for (const r of devRun.resources) {
            const rendered = byName.get(r.name)!;
            const expected = new Set([...r.dependencies, ...Object.values(r.propertyDependencies).flat()].map(engine));
            propertyDeps += Object.values(r.propertyDependencies).flat().length;
            expect(new Set(rendered.dependsOn), r.name).toEqual(expected);
        }
        expect(propertyDeps).toBeGreaterThan(10);
        // The certificate upload takes the application's id and the certificate's PEM and end date.
        expect(byName.get("gateway-certificate-upload")!.dependsOn).toEqual([
            byName.get("gateway-certificate-cert")!.urn, byName.get("gateway-app")!.urn,
        ].sort());
    });

    it("includes explicit dependsOn (deployments of one account, one after another)", async () => {
        const doc = JSON.parse(full.get("json")!) as { resources: { name: string; urn: string; dependsOn: string[] }[] };
        const byName = new Map(doc.resources.map((r) => [r.name, r]));
        const second = fullRun.resources.find((r) => r.name === "aoai-full-swc-text-embedding-3-large")!;
        const first = byName.get("aoai-full-swc-gpt-4o-mini")!;
        expect(Object.values(second.propertyDependencies).flat()).not.toContain(first.urn);
        expect(byName.get(second.name)!.dependsOn).toContain(first.urn);
    });

    it("never prints a secret, a PEM block or a mock secret value, in any format", () => {
        const outputs: [string, string][] = [...FORMATS.map((f): [string, string] => [`dev ${f}`, dev(f)]), ...FORMATS.map((f): [string, string] => [`full ${f}`, full.get(f)!])];
        const secrets = [...devRun.mocks.secretValues, ...fullRun.mocks.secretValues];
        expect(secrets.length).toBeGreaterThan(3);
        for (const [name, text] of outputs) {
            expect(text, name).not.toContain("BEGIN");
            expect(text, name).not.toContain("PRIVATE KEY");
            for (const s of secrets) expect(text.includes(s), `${name} holds a mock secret`).toBe(false);
            // Also the secret's lines: a PEM body must not leak even re-wrapped.
            for (const s of secrets) for (const line of s.split("\n").filter((l) => l.length > 20)) expect(text.includes(line), name).toBe(false);
        }
    });

    it("prints every secret output and secret input as [secret]", () => {
        const doc = devJson();
        const gateway = doc.outputs.gateway as { clientSecret: { value: unknown }; certificate: { privateKeyPem: unknown } };
        expect(gateway.clientSecret.value).toBe(SECRET);
        expect(gateway.certificate.privateKeyPem).toBe(SECRET);
        const cert = doc.resources.find((r) => r.name === "gateway-certificate-cert")!;
        expect(cert.inputs.privateKeyPem).toBe(SECRET);
        const secretInputs = devRun.resources.flatMap((r) => r.secretInputPaths.map((p) => [r.name, p] as const));
        expect(secretInputs.length).toBeGreaterThan(0);
        for (const [name, path] of secretInputs) {
            const inputs = doc.resources.find((r) => r.name === name)!.inputs;
            expect(path.split(".").reduce<unknown>((v, k) => (v as Record<string, unknown>)[k], inputs), `${name}.${path}`).toBe(SECRET);
        }
        expect(dev("tree")).toContain(`value: ${SECRET}`);
    });

    it("shows values Azure assigns as placeholders, never as mock values", () => {
        const assigned = [...devRun.mocks.assigned.keys()];
        expect(assigned.length).toBeGreaterThan(10);
        const certificate = (devRun.outputs.gateway as { certificate: { thumbprint: string; x5t: string; certificatePem: string } }).certificate;
        const generated = [certificate.thumbprint, certificate.x5t, certificate.certificatePem];
        for (const f of FORMATS) {
            for (const v of [...assigned, ...generated]) expect(dev(f).toLowerCase().includes(v.toLowerCase()), `${f} prints ${v}`).toBe(false);
        }
        const outputs = devJson().outputs as { tenantId: string; gateway: { clientId: string; servicePrincipalObjectId: string; certificate: { thumbprint: string } } };
        // The stack pins its tenant and subscription: those are the stack's own, shown as they are.
        expect(outputs.tenantId).toBe("7a1c2e3f-4b5d-4e6f-8a7b-9c0d1e2f3a4b");
        expect(outputs.gateway.clientId).toBe("<gateway-app.clientId>");
        expect(outputs.gateway.servicePrincipalObjectId).toBe("<gateway-sp.objectId>");
        expect(outputs.gateway.certificate.thumbprint).toBe("<gateway-certificate-cert.thumbprint>");
        const role = devJson().resources.find((r) => r.name === "access-user-alice-contoso-com-aoai-dev-swc-openai-user")!;
        expect(role.inputs.principalId).toBe("<user:alice@contoso.com.objectId>");
        expect(role.inputs.scope).toBe("/subscriptions/6c1f3e2a-8b4d-4f5e-9a7b-1c2d3e4f5a60/resourceGroups/rg-ai-dev/providers/Microsoft.CognitiveServices/accounts/aoai-dev-swc");
        expect(dev("tree")).toContain("principal: User <user:alice@contoso.com.objectId>");
    });

    it("fits the tree in 80 columns and shows the properties that matter", () => {
        for (const [name, text] of [["dev", dev("tree")], ["full", full.get("tree")!]] as const) {
            const long = text.split("\n").filter((l) => [...l].length > 80);
            expect(long, name).toEqual([]);
        }
        const tree = dev("tree");
        expect(tree).toContain("role: Cognitive Services OpenAI User");
        expect(tree).toContain("scope: accounts/aoai-dev-swc (rg-ai-dev)");
        expect(tree).toContain("disableLocalAuth: true");
        expect(tree).toContain("tokenVersion: 2");
        expect(tree).toContain("scope: foundry_access (Admin consent)");
        expect(tree).toContain("appRole: FoundryInferenceAccess (Application)");
        expect(tree).toMatch(/\nOutputs\n {2}tenantId: 7a1c2e3f-4b5d-4e6f-8a7b-9c0d1e2f3a4b\n/);
        expect(full.get("tree")).toContain("options: retainOnDelete; import");
    });

    it("refuses an invalid config with exactly the program's error lines, exit 2, nothing on stdout", async () => {
        const dir = mkdtempSync(join(tmpdir(), "render-test-"));
        try {
            const file = join(dir, "Pulumi.broken.yaml");
            writeFileSync(file, readFileSync(devFile, "utf8")
                .replace("rsaBits: 2048", "rsaBits: 1024")
                .replace("{ user: alice@contoso.com, role: inference }", '{ principalId: "1234", principalType: User }'));
            const result = await cli("--config", file, "--format", "json");
            const expected = await refuse(loadStackConfigFile(file).config);
            expect(expected.lines).toHaveLength(3);
            expect(result.code).toBe(2);
            expect(result.stdout).toBe("");
            expect(result.stderr.trimEnd().split("\n").map((l) => l.trim())).toEqual(expected.lines);
            expect(result.stderr).not.toMatch(/\bat .*\.ts:\d+/);
        } finally {
            rmSync(dir, { recursive: true, force: true });
        }
    });

    it("answers a bad flag, format, date or file with one line and exit 2", async () => {
        for (const args of [["--bogus"], ["--format", "xml"], ["--now", "yesterday"], ["--stack", "nope"], ["--stack", "dev", "--config", "x.yaml"]]) {
            const r = await inProcess(args);
            expect(r.code, args.join(" ")).toBe(2);
            expect(r.stdout, args.join(" ")).toBe("");
            expect(r.stderr.trimEnd().split("\n"), args.join(" ")).toHaveLength(1);
            expect(r.stderr, args.join(" ")).toMatch(/^render: /);
        }
        expect((await inProcess(["--stack", "nope"])).stderr).toBe(`render: cannot read ${join(dirname(BASE_STACK_FILE), "Pulumi.nope.yaml")}: no such file\n`);
    });

    describe("--out and the clock", () => {
        let dir: string;
        beforeAll(() => {
            dir = mkdtempSync(join(tmpdir(), "render-out-"));
        });
        afterAll(() => rmSync(dir, { recursive: true, force: true }));

        it("writes the render to --out and says where", async () => {
            const out = join(dir, "dev.mmd");
            const r = await inProcess(["--format", "mermaid", "--now", NOW, "--out", out]);
            expect(r.code).toBe(0);
            expect(r.stdout).toBe("");
            expect(r.stderr).toBe(`render: wrote the mermaid render of stack dev to ${out}\n`);
            expect(readFileSync(out, "utf8")).toBe(dev("mermaid"));
            expect(statSync(out).mode & 0o777).toBe(0o644);
        });

        it("defaults to the start of the current UTC day, or FOUNDRY_ENTRA_NOW", async () => {
            expect(utcDay(new Date("2026-03-04T17:18:19Z")).toISOString()).toBe("2026-03-04T00:00:00.000Z");
            const json = (r: { stdout: string }) => JSON.parse(r.stdout) as { outputs: { gateway: { clientSecret: { expiresOn: string } } } };
            let today: string;
            let byDefault: CliResult;
            do { // (again if the UTC day turned meanwhile)
                today = utcDay(new Date()).toISOString();
                byDefault = await inProcess(["--format", "json"]);
            } while (utcDay(new Date()).toISOString() !== today);
            const pinned = await inProcess(["--format", "json", "--now", today]);
            expect(byDefault.stdout).toBe(pinned.stdout);
            // In the form Graph stores (no fractional seconds): see graphDateTime.
            expect(json(byDefault).outputs.gateway.clientSecret.expiresOn).toBe(new Date(Date.parse(today) + 180 * 86_400_000).toISOString().replace(".000Z", "Z"));
            const fromEnv = await inProcess(["--format", "json"], { FOUNDRY_ENTRA_NOW: NOW });
            expect(json(fromEnv).outputs.gateway.clientSecret.expiresOn).toBe("2026-06-30T00:00:00Z");
            expect(fromEnv.stdout).toBe(dev("json"));
        });
    });

    it("renders each shipped stack by name (`--stack dev|staging|prod`), exit 0, dev by default", async () => {
        const [byDefault, ...named] = await Promise.all([cli("--now", NOW), ...["dev", "staging", "prod"].map((s) => cli("--stack", s, "--now", NOW))]);
        for (const r of [byDefault!, ...named]) {
            expect(r.stderr).toBe("");
            expect(r.code).toBe(0);
        }
        expect(byDefault!.stdout).toBe(named[0]!.stdout);
        expect(named.map((r) => r.stdout.split("\n")[0])).toEqual(["dev", "staging", "prod"].map((s) => expect.stringContaining(`stack ${s}:`)));
    });

    it("renders the same model in-process as the CLI prints", async () => {
        const model: RenderModel = await renderModel({ ...loadStackConfigFile(devFile), now: new Date(NOW) });
        for (const f of FORMATS) expect(formatModel(model, f) === dev(f), f).toBe(true);
    });
});
