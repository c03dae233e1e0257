/**
 * gateway-config, part 3: the command on the real program's outputs, one case per format, in-process (its
 * `main`) and as the real command (`tools/gateway-config.ts` as a child process, once on pipes and once on a
 * real pseudo-terminal through `script`); file modes; terminals (the real one, and in-process a pretend one);
 * exit code 2 with a message naming what is wrong.
 */
import { chmodSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml, parseAllDocuments } from "yaml";
import { SECRET_OUTPUT_PATHS } from "../src/gateway/outputs";
import { inProcess, redacted, runCli, runCliOnTerminal, removeTempDirs, stackFixture, tempDir, type StackFixture } from "./fixtures/gateway/stacks";

const mode = (path: string): number => statSync(path).mode & 0o777;

let dev: StackFixture;
let full: StackFixture;
let secret: string;
let keyLine: string;

afterAll(removeTempDirs);
beforeAll(async () => {
    dev = await stackFixture("test/fixtures/stacks/Pulumi.dev.yaml");
    full = await stackFixture("examples/full.yaml");
    secret = full.outputs.gateway.clientSecret?.value ?? "";
    keyLine = full.outputs.gateway.certificate?.privateKeyPem.split("\n")[1] ?? "";
    expect(secret).not.toBe("");
    expect(keyLine).toHaveLength(64);
});

describe("the real command, one case per format", () => {
    it("truefoundry: one manifest per account into a directory, each 0600 because it holds the key (the real command)", () => {
        const out = join(tempDir(), "tfy/");
        const r = runCli(["--format", "truefoundry", "--outputs", full.file, "--out", out]);
        expect(r.stderr).toContain("truefoundry: certificate auth");
        expect(r.status).toBe(0);
        expect(r.stdout).toBe("");
        expect(readdirSync(out).sort()).toEqual(["aoai-full-swc.yaml", "aoai-legacy-weu.yaml", "foundry-full-swc.yaml"]);
        for (const name of readdirSync(out)) {
            expect(mode(join(out, name)), name).toBe(0o600);
            expect(r.stderr).toContain(`wrote ${join(out, name)} (mode 0600: it holds secrets)`);
        }
        const account = parseYaml(readFileSync(join(out, "aoai-full-swc.yaml"), "utf8")) as { auth_data: { certificate: string; certificate_thumbprint: string } };
        expect(account.auth_data.certificate).toContain(keyLine);
        expect(account.auth_data.certificate_thumbprint).toBe(full.outputs.gateway.certificate?.thumbprint);
    });

    it("litellm: config.yaml, .env and the certificate bundle, only the bundle 0600", async () => {
        const out = join(tempDir(), "litellm");
        const r = await inProcess(["--format", "litellm", "--outputs", full.file, "--out", out], false);
        expect(r.code).toBe(0);
        expect(readdirSync(out).sort()).toEqual([".env", "config.yaml", "gateway-certificate.pem"]);
        expect(mode(join(out, "gateway-certificate.pem"))).toBe(0o600);
        expect(readFileSync(join(out, ".env"), "utf8")).not.toContain(keyLine);
        expect(readFileSync(join(out, ".env"), "utf8")).toContain(`AZURE_CERTIFICATE_PATH=${join(out, "gateway-certificate.pem")}\n`);
        expect((parseYaml(readFileSync(join(out, "config.yaml"), "utf8")) as { model_list: unknown[] }).model_list).toHaveLength(3);
    });

    it("litellm with a client secret: the .env is 0600 even when a world-readable .env was there", async () => {
        const out = tempDir();
        writeFileSync(join(out, ".env"), "OLD=1\n");
        chmodSync(join(out, ".env"), 0o644);
        const r = await inProcess(["--format", "litellm", "--auth", "client-secret", "--outputs", full.file, "--out", out], false);
        expect(r.code).toBe(0);
        expect(mode(join(out, ".env"))).toBe(0o600);
        expect(readFileSync(join(out, ".env"), "utf8")).toContain(`AZURE_CLIENT_SECRET=${secret}\n`);
        expect(readdirSync(out).filter((n) => n.endsWith(".tmp"))).toEqual([]);
    });

    it("envoy: Secret and BackendSecurityPolicy from stdin (--outputs -) to a 0600 file", async () => {
        const out = join(tempDir(), "envoy.yaml");
        const r = await inProcess(["--format", "envoy", "--outputs", "-", "--out", out, "--namespace", "ai-gateway"], false, readFileSync(dev.file, "utf8"));
        expect(r.code).toBe(0);
        expect(mode(out)).toBe(0o600);
        const kinds = parseAllDocuments(readFileSync(out, "utf8")).map((d) => (d.toJS() as { kind: string; metadata: { namespace: string } }));
        expect([...new Set(kinds.map((k) => k.kind))]).toEqual(["Secret", "Backend", "BackendTLSPolicy", "AIServiceBackend", "BackendSecurityPolicy", "AIGatewayRoute"]);
        expect(new Set(kinds.map((k) => k.metadata.namespace))).toEqual(new Set(["ai-gateway"]));
    });

    it("portkey: printed to a pipe (not a terminal), as pulumi stack output does", async () => {
        const r = await inProcess(["--format", "portkey", "--outputs", full.file], false);
        expect(r.code).toBe(0);
        const { deployments } = JSON.parse(r.stdout) as { deployments: Record<string, { azure_entra_client_secret: string }> };
        expect(deployments["aoai-full-swc/gpt-4o-mini"]?.azure_entra_client_secret).toBe(secret);
        expect(r.stderr).not.toContain(secret);
    });
});

describe("secrets and terminals", () => {
    it("refuses to print secrets to a real terminal without --show-secrets (the real command), and prints them with it", async () => {
        const refused = runCliOnTerminal(["--format", "envoy", "--outputs", dev.file]);
        expect(refused.status).toBe(2);
        expect(refused.stdout).toContain("gateway-config: the envoy config holds secrets (secret.yaml) and stdout is a terminal: pass --show-secrets");
        expect(refused.stdout).not.toContain(Buffer.from(dev.outputs.gateway.clientSecret?.value ?? "").toString("base64"));
        const shown = await inProcess(["--format", "envoy", "--outputs", dev.file, "--show-secrets"], true);
        expect(shown.code).toBe(0);
        expect(shown.stdout).toContain(Buffer.from(dev.outputs.gateway.clientSecret?.value ?? "").toString("base64"));
        // Nothing secret, nothing to refuse.
        const plain = await inProcess(["--format", "truefoundry", "--auth", "workload-identity", "--outputs", dev.file], true);
        expect(plain.code).toBe(0);
        expect(plain.stdout).toContain("type: workload-identity");
    });

    it("decides by whether stdout is a terminal, for every format that holds a secret", async () => {
        for (const args of [["--format", "litellm", "--auth", "client-secret"], ["--format", "portkey"], ["--format", "truefoundry"], ["--format", "envoy"]]) {
            const onTerminal = await inProcess([...args, "--outputs", full.file], true);
            expect(onTerminal.code, args.join(" ")).toBe(2);
            expect(onTerminal.stdout).toBe("");
            expect(onTerminal.stderr).toMatch(/stdout is a terminal: pass --show-secrets/);
            const piped = await inProcess([...args, "--outputs", full.file], false);
            expect(piped.code, args.join(" ")).toBe(0);
            expect(piped.stdout.includes(secret) || piped.stdout.includes(keyLine) || piped.stdout.includes(Buffer.from(secret).toString("base64"))).toBe(true);
        }
        // Secret references leave nothing secret in the manifests: fine on a terminal.
        const refs = await inProcess(["--format", "truefoundry", "--secret-ref", "tfy-secret://acme:gw", "--outputs", full.file], true);
        expect(refs.code).toBe(0);
        expect(refs.stdout).not.toContain(keyLine);
        expect(refs.stderr).toContain("create key AZURE_CLIENT_CERTIFICATE in TrueFoundry secret group acme:gw");
    });

    it("writes --secret-values files with mode 0600", async () => {
        const dir = join(tempDir(), "values");
        const r = await inProcess(["--format", "truefoundry", "--auth", "client-secret", "--secret-ref", "tfy-secret://acme:gw", "--secret-values", dir, "--outputs", full.file], false);
        expect(r.code).toBe(0);
        expect(readFileSync(join(dir, "AZURE_CLIENT_SECRET"), "utf8")).toBe(secret);
        expect(mode(join(dir, "AZURE_CLIENT_SECRET"))).toBe(0o600);
        expect(mode(dir)).toBe(0o700);
    });

    it("warns when the outputs file itself is readable by others", async () => {
        const copy = join(tempDir(), "outputs.json");
        writeFileSync(copy, readFileSync(dev.file));
        chmodSync(copy, 0o644);
        const r = await inProcess(["--format", "portkey", "--outputs", copy], false);
        expect(r.stderr).toContain(`note: ${copy} holds secrets but is readable by others (mode 0644): chmod 600 ${copy}`);
    });
});

describe("missing or malformed input: exit code 2 and a message naming what is missing", () => {
    it("stack outputs printed without --show-secrets (stdin)", async () => {
        const r = await inProcess(["--format", "truefoundry"], false, JSON.stringify(redacted(full.json, SECRET_OUTPUT_PATHS)));
        expect(r.code).toBe(2);
        expect(r.stderr.trim()).toBe('gateway-config: gateway.certificate.privateKeyPem is "[secret]": the outputs were printed without --show-secrets; run pulumi stack output --json --show-secrets');
    });

    it.each([
        [["--format", "litellm", "--outputs", "/nonexistent/outputs.json"], "", "gateway-config: --outputs /nonexistent/outputs.json: no such file"],
        [["--format", "litellm"], "", "gateway-config: no stack outputs: pass --outputs outputs.json, or pipe pulumi stack output --json --show-secrets into this command"],
        [["--format", "litellm", "--outputs", "-"], "not json", "gateway-config: stdin is not JSON"],
        [["--format", "kong"], "{}", "gateway-config: option '--format <format>' argument 'kong' is invalid"],
        [["--outputs", "-"], "{}", "gateway-config: required option '--format <format>' not specified"],
        [["--format", "envoy", "--auth", "certificate", "--outputs", "-"], "DEV", "gateway-config: envoy has no certificate option"],
        [["--format", "portkey", "--secret-values", "/tmp/x", "--outputs", "-"], "DEV", "gateway-config: --secret-values goes with --secret-ref"],
        [["--format", "litellm", "--outputs", "-", "--out", "FILE"], "DEV", ""],
    ] as const)("%j", async (args, stdin, message) => {
        const out = [...args].map((a) => (a === "FILE" ? join(tempDir(), "litellm-dir") : a));
        const r = await inProcess(out, false, stdin === "DEV" ? readFileSync(dev.file, "utf8") : stdin);
        if (message === "") {
            // litellm needs a directory: any --out is one.
            expect(r.code).toBe(0);
            expect(existsSync(join(out[out.length - 1] as string, "config.yaml"))).toBe(true);
            return;
        }
        expect(r.code).toBe(2);
        expect(r.stderr.trim().split("\n").pop()).toContain(message);
        expect(r.stdout).toBe("");
    });

    it("a stack deployed with certificate: false, asked for a certificate", async () => {
        const keyless = await stackFixture("test/fixtures/stacks/Pulumi.dev.yaml", { key: "gateway", change: (g) => ({ ...(g as object), certificate: false }) });
        const r = await inProcess(["--format", "litellm", "--auth", "certificate", "--outputs", keyless.file], false);
        expect(r.code).toBe(2);
        expect(r.stderr.trim()).toBe("gateway-config: --auth certificate: gateway.certificate is absent: was the stack deployed with certificate: false?");
    });
});
