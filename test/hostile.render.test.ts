/**
 * `npm run render` on hostile input: display names beyond Latin-1 render (Entra takes them), a kubeconfig given
 * inline and a URL's credentials never print, the redaction's second line of defence holds when a secret lost
 * its marking, and a stack file of the wrong shape is refused instead of rendering an empty default stack.
 */
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { runProgram, type RunResult } from "../harness/run";
import { main } from "../src/render/cli";
import { buildModel, FORMATS, formatModel } from "../src/render/index";
import { BASE_STACK_FILE, devConfig, devWith, RT, tempDirs } from "./helpers";
import { runTool } from "./support/inProcess";

const NOW = new Date("2026-01-01T00:00:00Z");
const tempDir = tempDirs("hostile-render-");
let dir: string;
beforeAll(() => {
    dir = tempDir();
});

/** Writes a stack file and renders it in-process. */
async function renderFile(name: string, text: string, format = "json") {
    const file = join(dir, name);
    writeFileSync(file, text);
    return runTool(main, ["--config", file, "--format", format, "--now", NOW.toISOString()], { extra: { cwd: dir, projectDir: dir } });
}
const stackYaml = (config: Record<string, string>) => stringify({ config: Object.fromEntries(Object.entries(config).map(([k, v]) => [k, v.startsWith("{") || v.startsWith("[") ? JSON.parse(v) as unknown : v])) });

describe("display names beyond Latin-1", () => {
    it("render, and the mock certificate carries the name as a UTF8String common name", async () => {
        const name = "AI – Gateway 🚀 网关";
        const r = await renderFile("Pulumi.unicode.yaml", stackYaml(devWith({ gateway: { displayName: name, certificate: { validityDays: 365 } } })), "tree");
        expect(r.stderr).toBe("");
        expect(r.code).toBe(0);
        const run = await runProgram({ config: devWith({ gateway: { displayName: name } }), now: NOW });
        const pem = (run.outputs.gateway as { certificate: { certificatePem: string } }).certificate.certificatePem;
        const subject = execFileSync("openssl", ["x509", "-noout", "-subject", "-nameopt", "utf8,sep_comma_plus"], { input: pem }).toString();
        expect(subject.trim()).toBe(`subject=CN=${name}`);
    });
});

describe("secret-bearing values never print", () => {
    it("a kubeconfig given inline: its bearer token and client-key-data stay out of every format", async () => {
        const token = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQifQ.c2lnbmF0dXJlLXZhbHVl";
        const keyData = "LS0tLS1CRUdJTiBSU0EgUFJJVkFURSBLRVktLS0tLQpNSUlFb3dJQkFBS0NBUUVB";
        const kubeconfig = `apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster: { server: "https://10.0.0.1:6443" }\nusers:\n- name: u\n  user:\n    token: ${token}\n    client-key-data: ${keyData}\ncontexts:\n- name: x\n  context: { cluster: c, user: u }\ncurrent-context: x\n`;
        const run = await runProgram({ config: devWith({ gatewayDelivery: { kubernetes: { namespace: "ai-gateway", kubeconfig } } }), now: NOW });
        const model = buildModel(run, NOW);
        for (const f of FORMATS) {
            const text = formatModel(model, f);
            expect(text, f).not.toContain(token.split(".")[1]);
            expect(text, f).not.toContain(keyData);
        }
    });

    it("a URL's user:password@ is cut from any value the render prints", async () => {
        const run = await runProgram({ config: devConfig(), now: NOW });
        const tampered: RunResult = { ...run, outputs: { ...run.outputs, foundryLocal: { ...(run.outputs.foundryLocal as object), endpoint: "https://admin:hunter2@foundry.edge.contoso.com/" } } };
        const model = buildModel(tampered, NOW);
        for (const f of FORMATS) expect(formatModel(model, f), f).not.toContain("hunter2");
        expect((model.outputs.foundryLocal as { endpoint: string }).endpoint).toBe("https://[secret]@foundry.edge.contoso.com/");
    });

    it("the second line of defence: a secret that lost its marking is still printed as [secret]", async () => {
        const run = await runProgram({ config: devConfig(), now: NOW });
        const secrets = [...run.mocks.secretValues];
        expect(run.secretOutputPaths.length).toBeGreaterThan(0);
        // As if the program had forgotten pulumi.secret() on every value: no output and no input is marked.
        const unmarked: RunResult = { ...run, secretOutputPaths: [], resources: run.resources.map((r) => ({ ...r, secretInputPaths: [] })) };
        const model = buildModel(unmarked, NOW);
        for (const f of FORMATS) {
            const text = formatModel(model, f);
            for (const s of secrets) for (const line of s.split("\n").filter((l) => l.length > 16)) expect(text.includes(line), `${f} prints a secret`).toBe(false);
            expect(text, f).not.toMatch(/PRIVATE KEY/);
        }
        const gateway = model.outputs.gateway as { clientSecret: { value: string }; certificate: { privateKeyPem: string } };
        expect(gateway.clientSecret.value).toBe("[secret]");
        expect(gateway.certificate.privateKeyPem).toBe("[secret]");
        expect(model.resources.find((r) => r.type === RT.key)?.inputs).not.toHaveProperty("privateKeyPem", expect.stringContaining("BEGIN"));
    });
});

describe("the stack file's shape", () => {
    const base = readFileSync(BASE_STACK_FILE, "utf8");

    it.each([
        ["a misspelt top-level key", base.replace(/^config:/m, "confg:"), 'top-level key "confg" is not one a stack file has; allowed: config, environment, secretsprovider, encryptedkey, encryptionsalt'],
        ["config: as a list", "config:\n  - foundry-entra:gateway: {}\n", "config is a list; expected a map of <namespace>:<key> to values"],
        ["a misspelt namespace", base.replace("foundry-entra:gateway:", "foundry-entr:gateway:"), 'config key "foundry-entr:gateway": namespace "foundry-entr" is not known; did you mean foundry-entra:gateway?'],
        ["a key without a namespace", base.replace("foundry-entra:gateway:", "gateway:"), 'config key "gateway" has no namespace; expected <namespace>:<key>, e.g. foundry-entra:gateway'],
    ])("refuses %s with one line, exit 2, nothing rendered", async (_what, text, line) => {
        const r = await renderFile("Pulumi.shape.yaml", text);
        expect(r.stdout).toBe("");
        expect(r.code).toBe(2);
        expect(r.stderr).toContain(line);
        expect(r.stderr.trimEnd().split("\n")).toHaveLength(2);
    });

});
