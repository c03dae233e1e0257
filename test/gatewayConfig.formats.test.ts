/**
 * gateway-config, part 2: each format generated from the real program's outputs, parsed back with the YAML
 * library (and, for files Python reads, with PyYAML as LiteLLM and the TrueFoundry CLI do) and checked field
 * by field against the shapes in /work/shared/reference/gateway-formats.md (test/fixtures/gateway/shapes.ts).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml, parseAllDocuments } from "yaml";
import { DEFAULT_API_VERSION, generate, type GatewayConfig } from "../src/gateway";
import { LITELLM_FILES } from "../src/gateway/litellm";
import { TFY_SECRET_KEYS } from "../src/gateway/truefoundry";
import { combined } from "../src/gateway/write";
import { ENVOY, expectShape, LITELLM, PORTKEY, TRUEFOUNDRY } from "./fixtures/gateway/shapes";
import { FIXTURE_NOW, removeTempDirs, stackFixture, type StackFixture } from "./fixtures/gateway/stacks";

type Obj = Record<string, unknown>;

let dev: StackFixture;
let full: StackFixture;

afterAll(removeTempDirs);
beforeAll(async () => {
    dev = await stackFixture("test/fixtures/stacks/Pulumi.dev.yaml");
    full = await stackFixture("examples/full.yaml");
});

const file = (config: GatewayConfig, name: string): string => {
    const found = config.files.find((f) => f.name === name);
    expect(found, `${config.format} writes ${name}`).toBeDefined();
    return found?.content ?? "";
};

const hasPython = spawnSync("python3", ["-c", "import yaml"]).status === 0;
/** Parses YAML the way PyYAML (YAML 1.1) does, as LiteLLM and the TrueFoundry CLI read their files. */
const pyYaml = (text: string): unknown[] =>
    JSON.parse(execFileSync("python3", ["-c", "import sys, json, yaml; print(json.dumps(list(yaml.safe_load_all(sys.stdin)), default=repr))"], { input: text }).toString()) as unknown[];

describe("truefoundry", () => {
    const docs = (config: GatewayConfig): Obj[] => parseAllDocuments(combined(config)).map((d) => {
        expect(d.errors).toEqual([]);
        return d.toJS() as Obj;
    });

    it("writes an azure-openai provider account per OpenAI account, auth on the account, a model per deployment", () => {
        const config = generate("truefoundry", full.outputs, { now: FIXTURE_NOW });
        expect(config.auth).toBe("certificate");
        const accounts = docs(config);
        expect(accounts.map((a) => a.name)).toEqual(Object.keys(full.outputs.accounts));
        for (const account of accounts.filter((a) => a.type === "provider-account/azure-openai")) {
            const out = full.outputs.accounts[account.name as string]!;
            expect(out.kind).toBe("OpenAI");
            expectShape(account, TRUEFOUNDRY.azureOpenAiAccount, `${account.name}`);
            expect(account.azure_endpoint).toBe(out.endpoint);
            const auth = expectShape(account.auth_data, TRUEFOUNDRY.authData.certificate!, `${account.name}.auth_data`);
            expect(auth).toMatchObject({ type: "certificate", tenant_id: full.outputs.tenantId, client_id: full.outputs.gateway.clientId });
            const models = account.integrations as Obj[];
            expect(models.map((m) => m.model_id)).toEqual(out.deployments.map((d) => d.name));
            models.forEach((m, i) => {
                expectShape(m, TRUEFOUNDRY.azureOpenAiModel, `${account.name}.integrations[${i}]`);
                expect(m.type).toBe("integration/model/azure-openai");
                expect(m.api_version).toBe(DEFAULT_API_VERSION);
                expect(m.model_types).toEqual([out.deployments[i]!.model.includes("embedding") ? "embedding" : "chat"]);
                expect(TRUEFOUNDRY.deploymentTypes).toContain(m.deployment_type);
            });
        }
        expect(accounts.find((a) => a.name === "aoai-full-swc")?.integrations).toMatchObject([
            { name: "gpt-4o-mini", model_types: ["chat"], deployment_type: "global" },
            { name: "text-embedding-3-large", model_types: ["embedding"], deployment_type: "standard" },
        ]);
    });

    it("writes an azure-foundry provider account per Foundry account, auth on each model", () => {
        const accounts = docs(generate("truefoundry", full.outputs, { auth: "client-secret", now: FIXTURE_NOW }));
        const foundry = accounts.filter((a) => a.type === "provider-account/azure-foundry");
        expect(foundry.map((a) => a.name)).toEqual(["foundry-full-swc"]);
        const account = expectShape(foundry[0], TRUEFOUNDRY.azureFoundryAccount, "foundry-full-swc");
        const models = account.integrations as Obj[];
        expect(models).toHaveLength(1);
        const model = expectShape(models[0], TRUEFOUNDRY.azureFoundryModel, "foundry-full-swc.integrations[0]");
        expect(model).toMatchObject({
            type: "integration/model/azure-foundry", name: "gpt-4-1", model_id: "gpt-4.1", model_types: ["chat"],
            azure_endpoint: "https://foundry-full-swc.services.ai.azure.com/models",
        });
        expect(expectShape(model.auth_data, TRUEFOUNDRY.authData["client-secret"]!, "auth_data"))
            .toEqual({ type: "client-secret", tenant_id: full.outputs.tenantId, client_id: full.outputs.gateway.clientId, client_secret: full.outputs.gateway.clientSecret?.value });
    });

    it("writes only model types and deployment types TrueFoundry knows", () => {
        for (const account of docs(generate("truefoundry", full.outputs, { now: FIXTURE_NOW }))) {
            for (const m of account.integrations as Obj[]) {
                for (const t of m.model_types as string[]) expect(TRUEFOUNDRY.modelTypes).toContain(t);
            }
        }
    });

    it("writes workload identity with no secret at all", () => {
        const config = generate("truefoundry", dev.outputs, { auth: "workload-identity", now: FIXTURE_NOW });
        const [account] = docs(config);
        expect(expectShape(account?.auth_data, TRUEFOUNDRY.authData["workload-identity"]!, "auth_data"))
            .toEqual({ type: "workload-identity", tenant_id: dev.outputs.tenantId, client_id: dev.outputs.gateway.clientId });
        expect(config.files.every((f) => !f.sensitive)).toBe(true);
        expect(config.notes.some((n) => n.includes("system:serviceaccount:ai-gateway:gateway"))).toBe(true);
    });

    it("writes tfy-secret:// references with --secret-ref, and says which keys to create", () => {
        const ref = "tfy-secret://acme:ai-gateway";
        const cert = generate("truefoundry", full.outputs, { secretRef: ref, now: FIXTURE_NOW });
        for (const account of docs(cert).filter((a) => a.auth_data)) {
            expect(account.auth_data).toMatchObject({ certificate: `${ref}:${TFY_SECRET_KEYS.certificate}`, certificate_thumbprint: full.outputs.gateway.certificate?.thumbprint });
        }
        expect(cert.secretValues.map((v) => v.key)).toEqual([TFY_SECRET_KEYS.certificate]);
        expect(cert.notes).toContain(`create key ${TFY_SECRET_KEYS.certificate} in TrueFoundry secret group acme:ai-gateway holding the private key PEM followed by the certificate PEM; --secret-values DIR writes it to DIR/${TFY_SECRET_KEYS.certificate} (mode 0600)`);
        const secret = generate("truefoundry", full.outputs, { auth: "client-secret", secretRef: ref, now: FIXTURE_NOW });
        const foundryModel = (docs(secret).find((a) => a.name === "foundry-full-swc")?.integrations as Obj[])[0];
        expect((foundryModel?.auth_data as Obj).client_secret).toBe(`${ref}:${TFY_SECRET_KEYS.clientSecret}`);
        expect(secret.secretValues).toEqual([{ key: TFY_SECRET_KEYS.clientSecret, description: "the client secret value", content: full.outputs.gateway.clientSecret?.value }]);
    });

    it("notes accounts without deployments and Foundry Local, and writes nothing for Foundry Local", () => {
        const config = generate("truefoundry", dev.outputs, { now: FIXTURE_NOW });
        expect(docs(config).find((a) => a.name === "foundry-dev-swc")).toEqual({ name: "foundry-dev-swc", type: "provider-account/azure-foundry", integrations: [] });
        expect(config.notes.some((n) => n.startsWith("accounts.foundry-dev-swc has no deployments"))).toBe(true);
        expect(config.notes.some((n) => n.startsWith("foundryLocal (https://foundry.edge.contoso.com) skipped"))).toBe(true);
        expect(combined(config)).not.toContain("foundry.edge.contoso.com");
    });

    it.runIf(hasPython)("is read by a YAML 1.1 parser (PyYAML) as the same values: api_version stays a string", () => {
        const config = generate("truefoundry", full.outputs, { now: FIXTURE_NOW });
        expect(pyYaml(combined(config))).toEqual(docs(config));
    });
});

describe("litellm", () => {
    /** `.env` as a map; every line is a comment or KEY=value. */
    const env = (text: string): Record<string, string> => {
        const lines = text.split("\n").filter((l) => l !== "" && !l.startsWith("#"));
        for (const l of lines) expect(l).toMatch(/^[A-Z_]+=\S+$/);
        return Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]));
    };
    /** Every `os.environ/NAME` a config refers to. */
    const envRefs = (v: unknown): string[] => JSON.stringify(v).match(/os\.environ\/[A-Z_]+/g)?.map((r) => r.slice("os.environ/".length)) ?? [];

    const modelList = (config: GatewayConfig, f: StackFixture) => {
        const doc = expectShape(parseYaml(file(config, LITELLM_FILES.config)), LITELLM.config, "config.yaml");
        const models = doc.model_list as Obj[];
        const deployments = Object.values(f.outputs.accounts).flatMap((a) => a.deployments.map((d) => ({ a, d })));
        expect(models).toHaveLength(deployments.length);
        models.forEach((m, i) => {
            expectShape(m, LITELLM.model, `model_list[${i}]`);
            const params = expectShape(m.litellm_params, LITELLM.params, `model_list[${i}].litellm_params`);
            expect(m.model_name).toBe(deployments[i]!.d.name);
            expect(params).toMatchObject({ model: `azure/${deployments[i]!.d.name}`, api_base: deployments[i]!.a.openAiEndpoint, api_version: DEFAULT_API_VERSION });
        });
        return { doc, params: models.map((m) => m.litellm_params as Obj) };
    };

    it("client secret: model_list with os.environ references, and the .env lines they need", () => {
        const config = generate("litellm", full.outputs, { auth: "client-secret", now: FIXTURE_NOW });
        const { doc, params } = modelList(config, full);
        expect(doc.litellm_settings).toBeUndefined();
        for (const p of params) expect(p).toMatchObject({ tenant_id: "os.environ/AZURE_TENANT_ID", client_id: "os.environ/AZURE_CLIENT_ID", client_secret: "os.environ/AZURE_CLIENT_SECRET" });
        const vars = env(file(config, LITELLM_FILES.env));
        expect(vars).toEqual({ AZURE_TENANT_ID: full.outputs.tenantId, AZURE_CLIENT_ID: full.outputs.gateway.clientId, AZURE_CLIENT_SECRET: full.outputs.gateway.clientSecret?.value });
        expect([...new Set(envRefs(doc))].sort()).toEqual(Object.keys(vars).sort());
        expect(config.files.map((f) => [f.name, f.sensitive])).toEqual([[LITELLM_FILES.config, false], [LITELLM_FILES.env, true]]);
    });

    it("certificate: proxy-wide CertificateCredential naming the key-and-certificate bundle", () => {
        const config = generate("litellm", full.outputs, { auth: "certificate", outDir: "/srv/litellm", now: FIXTURE_NOW });
        const { doc, params } = modelList(config, full);
        expect(expectShape(doc.litellm_settings, LITELLM.settings, "litellm_settings")).toEqual({ enable_azure_ad_token_refresh: true });
        for (const p of params) expect(Object.keys(p).sort()).toEqual(["api_base", "api_version", "model"]);
        const vars = env(file(config, LITELLM_FILES.env));
        expect(vars).toEqual({
            AZURE_TENANT_ID: full.outputs.tenantId, AZURE_CLIENT_ID: full.outputs.gateway.clientId,
            AZURE_CREDENTIAL: "CertificateCredential", AZURE_CERTIFICATE_PATH: `/srv/litellm/${LITELLM_FILES.certificate}`,
        });
        for (const k of Object.keys(vars)) expect(LITELLM.env).toContain(k);
        const bundle = file(config, LITELLM_FILES.certificate);
        expect(bundle).toBe(`${full.outputs.gateway.certificate?.privateKeyPem.trim()}\n${full.outputs.gateway.certificate?.certificatePem.trim()}\n`);
        expect(config.files.map((f) => [f.name, f.sensitive])).toEqual([[LITELLM_FILES.config, false], [LITELLM_FILES.env, false], [LITELLM_FILES.certificate, true]]);
        expect(generate("litellm", full.outputs, { certificatePath: "/etc/litellm/gw.pem" }).files.find((f) => f.name === LITELLM_FILES.env)?.content)
            .toContain("AZURE_CERTIFICATE_PATH=/etc/litellm/gw.pem\n");
    });

    it("workload identity: WorkloadIdentityCredential and no secret", () => {
        const config = generate("litellm", dev.outputs, { auth: "workload-identity", now: FIXTURE_NOW });
        modelList(config, dev);
        expect(env(file(config, LITELLM_FILES.env))).toEqual({ AZURE_TENANT_ID: dev.outputs.tenantId, AZURE_CLIENT_ID: dev.outputs.gateway.clientId, AZURE_CREDENTIAL: "WorkloadIdentityCredential" });
        expect(config.files.some((f) => f.sensitive)).toBe(false);
    });

    it("skips Foundry Local and accounts without deployments, with a note for each", () => {
        const config = generate("litellm", dev.outputs, { auth: "client-secret", now: FIXTURE_NOW });
        expect(config.notes.filter((n) => /^(foundryLocal|accounts\.foundry-dev-swc)/.test(n))).toHaveLength(2);
        expect(config.files.map((f) => f.content).join("")).not.toContain("foundry.edge.contoso.com");
    });

    it.runIf(hasPython)("is read by PyYAML, as LiteLLM reads it, with api_version a string, not a date", () => {
        const text = file(generate("litellm", full.outputs, { auth: "client-secret" }), LITELLM_FILES.config);
        const [doc] = pyYaml(text) as { model_list: { litellm_params: { api_version: unknown } }[] }[];
        expect(doc?.model_list[0]?.litellm_params.api_version).toBe(DEFAULT_API_VERSION);
        expect(doc).toEqual(parseYaml(text));
    });
});

describe("envoy", () => {
    it("writes a Secret with data key client-secret and an AzureCredentials BackendSecurityPolicy referring to it", () => {
        const config = generate("envoy", full.outputs, { namespace: "ai-gateway", now: FIXTURE_NOW });
        expect(config.auth).toBe("client-secret");
        const [secret, policy] = parseAllDocuments(combined(config)).map((d) => d.toJS() as Obj);
        expectShape(secret, ENVOY.secret, "Secret");
        expect(secret).toMatchObject({ apiVersion: "v1", kind: "Secret", type: "Opaque" });
        const secretMeta = expectShape(secret?.metadata, ENVOY.metadata, "Secret.metadata");
        const data = secret?.data as Record<string, string>;
        expect(Object.keys(data)).toEqual(["client-secret"]);
        expect(Buffer.from(data["client-secret"] ?? "", "base64").toString("utf8")).toBe(full.outputs.gateway.clientSecret?.value);

        expectShape(policy, ENVOY.policy, "BackendSecurityPolicy");
        expect(policy).toMatchObject({ apiVersion: "aigateway.envoyproxy.io/v1beta1", kind: "BackendSecurityPolicy" });
        expect(expectShape(policy?.metadata, ENVOY.metadata, "policy.metadata").namespace).toBe("ai-gateway");
        const spec = expectShape(policy?.spec, ENVOY.spec, "spec");
        expect(spec.type).toBe("AzureCredentials");
        const creds = expectShape(spec.azureCredentials, ENVOY.azureCredentials, "azureCredentials");
        expect(creds).toMatchObject({ clientID: full.outputs.gateway.clientId, tenantID: full.outputs.tenantId });
        expect(["clientSecretRef", "oidcExchangeToken"].filter((k) => k in creds)).toEqual(["clientSecretRef"]);
        expect(expectShape(creds.clientSecretRef, ENVOY.secretRef, "clientSecretRef")).toEqual({ name: secretMeta.name, namespace: secretMeta.namespace });
        const refs = spec.targetRefs as Obj[];
        refs.forEach((r, i) => expectShape(r, ENVOY.targetRef, `targetRefs[${i}]`));
        expect(refs).toEqual(Object.keys(full.outputs.accounts).map((name) => ({ group: "aigateway.envoyproxy.io", kind: "AIServiceBackend", name })));
        expect(config.files.map((f) => [f.name, f.sensitive])).toEqual([["secret.yaml", true], ["backend-security-policy.yaml", false]]);
    });

    it("takes the older API version when asked", () => {
        const [, policy] = parseAllDocuments(combined(generate("envoy", dev.outputs, { envoyApiVersion: "v1alpha1" }))).map((d) => d.toJS() as Obj);
        expect(policy?.apiVersion).toBe("aigateway.envoyproxy.io/v1alpha1");
    });
});

describe("portkey", () => {
    const providers = (config: GatewayConfig) => JSON.parse(file(config, "portkey.json")) as Record<string, Obj>;

    it("writes an azure-openai provider config with azureAuthMode entra per deployment", () => {
        const config = generate("portkey", full.outputs, { now: FIXTURE_NOW });
        expect(config.auth).toBe("client-secret");
        const all = providers(config);
        const expected = Object.entries(full.outputs.accounts).flatMap(([name, a]) => a.deployments.map((d) => ({ key: `${name}/${d.name}`, name, d })));
        expect(Object.keys(all)).toEqual(expected.map((e) => e.key));
        for (const { key, name, d } of expected) {
            const p = expectShape(all[key], PORTKEY.entra, key);
            expect(p).toEqual({
                provider: "azure-openai", azureAuthMode: "entra", resourceName: name, deploymentId: d.name, apiVersion: DEFAULT_API_VERSION,
                azureEntraTenantId: full.outputs.tenantId, azureEntraClientId: full.outputs.gateway.clientId,
                azureEntraClientSecret: full.outputs.gateway.clientSecret?.value, azureEntraScope: full.outputs.gateway.tokenScope,
            });
            expect(new URL(full.outputs.accounts[name]!.openAiEndpoint).hostname).toBe(`${p.resourceName}.openai.azure.com`);
        }
        expect(config.files[0]?.sensitive).toBe(true);
    });

    it("writes workload mode with the gateway's client id and no secret", () => {
        const config = generate("portkey", dev.outputs, { auth: "workload-identity", now: FIXTURE_NOW });
        const p = expectShape(providers(config)["aoai-dev-swc/gpt-4o-mini"], PORTKEY.workload, "workload");
        expect(p).toMatchObject({ azureAuthMode: "workload", azureWorkloadClientId: dev.outputs.gateway.clientId });
        expect(config.files[0]?.sensitive).toBe(false);
    });
});
