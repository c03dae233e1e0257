import { readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { loadStackConfigFile, type RunResult } from "../harness/run";
import { main, type RenderIo } from "../src/render/cli";
import { utcDay } from "../src/lib/rotation";
import { buildModel, FORMATS, formatModel, type Format, type RenderModel } from "../src/render/index";
import { SECRET } from "../src/render/redact";
import { engineUrnMap } from "../src/plan/urns";
import { BASE_STACK_FILE, refuse, ROOT, stackRun, tempDirs } from "./helpers";
import { capturedIo, runCli, type CliResult } from "./support/cli";

const NOW = "2026-01-01T00:00:00Z";

/** The real command as a child process, as `npm run render` runs it. */
const cli = (...args: string[]): Promise<CliResult> => runCli("render", args);

/** The command's I/O in-process: the default stack ("dev") is read from the tests' base stack, not the shipped one. */
function io(): RenderIo {
    return { ...capturedIo().io, cwd: ROOT, projectDir: dirname(BASE_STACK_FILE) };
}

/** Runs the command in-process, capturing its output. */
async function inProcess(args: string[], env: NodeJS.ProcessEnv = {}, base: RenderIo = io()): Promise<CliResult> {
    const { io: captured, result } = capturedIo();
    return result(await main(args, { ...base, ...captured, env }));
}

const devFile = BASE_STACK_FILE;
const fullFile = join(ROOT, "examples", "full.yaml");
const tempDir = tempDirs("render-test-");

/** The base stack with three problems the program refuses, in a temporary file. */
function brokenFile(): string {
    const file = join(tempDir(), "Pulumi.broken.yaml");
    writeFileSync(file, readFileSync(devFile, "utf8")
        .replace("rsaBits: 2048", "rsaBits: 1024")
        .replace("{ user: alice@contoso.com, role: inference }", '{ principalId: "1234", principalType: User }'));
    return file;
}

describe("npm run render", () => {
    /** Two renders of the base stack per format, by the command in-process. */
    const runs = new Map<Format, [CliResult, CliResult]>();
    /** The real command, as a child process: the default stack (the shipped dev stack), and a config it refuses. */
    let processRuns: Promise<[CliResult, CliResult]>;
    let devRun: RunResult;
    let fullRun: RunResult;
    /** Every format of the full example, rendered in-process. */
    const full = new Map<Format, string>();

    beforeAll(async () => {
        // Started first, to run while the in-process renders below keep this process busy.
        processRuns = Promise.all([cli("--now", NOW), cli("--config", brokenFile(), "--format", "json")]);
        for (const f of FORMATS) runs.set(f, [await inProcess(["--config", devFile, "--format", f, "--now", NOW]), await inProcess(["--config", devFile, "--format", f, "--now", NOW])]);
        devRun = await stackRun(devFile, { now: new Date(NOW) });
        fullRun = await stackRun(fullFile, { now: new Date(NOW) });
        const model = buildModel(fullRun, new Date(NOW));
        for (const f of FORMATS) full.set(f, formatModel(model, f));
    });

    const dev = (f: Format) => runs.get(f)![0].stdout;
    const devJson = () => JSON.parse(dev("json")) as {
        project: string; stack: string; outputs: Record<string, unknown>;
        resources: { urn: string; type: string; name: string; parent: string | null; dependsOn: string[]; inputs: Record<string, unknown>; options: Record<string, unknown> }[];
    };

    it("renders the dev stack in every format (the command in-process), exit 0", () => {
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

    it("renders the default stack (the shipped dev stack) as the real command, a child process, exit 0", async () => {
        const [byDefault] = await processRuns;
        expect(byDefault.stderr).toBe("");
        expect(byDefault.code).toBe(0);
        const shipped = await inProcess(["--config", join(ROOT, "Pulumi.dev.yaml"), "--now", NOW]);
        expect(byDefault.stdout).toBe(shipped.stdout);
        expect(byDefault.stdout.split("\n")[0]).toContain("stack dev:");
    });

    it("refuses an invalid config with exactly the program's error lines, exit 2, nothing on stdout (the real command)", async () => {
        const [, result] = await processRuns;
        const expected = await refuse(loadStackConfigFile(brokenFile()).config);
        expect(expected.lines).toHaveLength(3);
        expect(result.code).toBe(2);
        expect(result.stdout).toBe("");
        expect(result.stderr.trimEnd().split("\n").map((l) => l.trim())).toEqual(expected.lines);
        expect(result.stderr).not.toMatch(/\bat .*\.ts:\d+/);
    });

    it("answers a bad flag, format, date or file with one line and exit 2", async () => {
        for (const args of [["--bogus"], ["--format", "xml"], ["--now", "yesterday"], ["--stack", "nope"], ["--stack", "dev", "--config", "x.yaml"]]) {
            const r = await inProcess(args);
            expect(r.code, args.join(" ")).toBe(2);
            expect(r.stdout, args.join(" ")).toBe("");
            expect(r.stderr.trimEnd().split("\n"), args.join(" ")).toHaveLength(1);
            expect(r.stderr, args.join(" ")).toMatch(/^render: /);
        }
        expect((await inProcess(["--fromat", "json"])).stderr).toBe("render: unknown option '--fromat' (did you mean --format?)\n");
        expect((await inProcess(["--config", join(tempDir(), "absent.yaml")])).stderr).toMatch(/^render: cannot read .*absent\.yaml: no such file\n$/);
    });

    it("lists the stacks when --stack names none", async () => {
        const shipped = { ...io(), projectDir: ROOT };
        const r = await inProcess(["--stack", "prdo"], {}, shipped);
        expect(r.code).toBe(2);
        expect(r.stderr).toBe(`render: --stack prdo: no Pulumi.prdo.yaml in ${ROOT}; the stacks there: dev, prod, staging\n`);
    });

    it("says where a stack file is not YAML, on one line without the file's text", async () => {
        const file = join(tempDir(), "Pulumi.broken.yaml");
        writeFileSync(file, "config:\n  foundry-entra:gateway:\nsecret-looking text\n    displayName: x\n");
        const r = await inProcess(["--config", file]);
        expect(r.code).toBe(2);
        expect(r.stdout).toBe("");
        expect(r.stderr).toBe(`render: ${file} is not valid YAML: line 3, column 1: Implicit keys need to be on a single line\n`);
    });

    describe("--out and the clock", () => {
        it("writes the render to --out and says where", async () => {
            const out = join(tempDir(), "dev.mmd");
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
        const shipped = { ...io(), projectDir: ROOT };
        const [byDefault, ...named] = [await inProcess(["--now", NOW], {}, shipped), ...await Promise.all(["dev", "staging", "prod"].map((s) => inProcess(["--stack", s, "--now", NOW], {}, shipped)))];
        for (const r of [byDefault!, ...named]) {
            expect(r.stderr).toBe("");
            expect(r.code).toBe(0);
        }
        expect(byDefault!.stdout).toBe(named[0]!.stdout);
        expect(named.map((r) => r.stdout.split("\n")[0])).toEqual(["dev", "staging", "prod"].map((s) => expect.stringContaining(`stack ${s}:`)));
    });

    it("renders the same model in-process as the CLI prints", async () => {
        const model: RenderModel = buildModel(devRun, new Date(NOW));
        for (const f of FORMATS) expect(formatModel(model, f) === dev(f), f).toBe(true);
    });
});
