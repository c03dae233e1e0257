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
import { expectShape, LITELLM, TRUEFOUNDRY } from "./fixtures/gateway/shapes";
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
    // The objects' rules are checked against the vendors' CRDs in test/envoyCrd.test.ts; here: the credential.
    it("writes a Secret with data key client-secret and an AzureCredentials BackendSecurityPolicy per account referring to it", () => {
        const config = generate("envoy", full.outputs, { namespace: "ai-gateway", now: FIXTURE_NOW });
        expect(config.auth).toBe("client-secret");
        const all = parseAllDocuments(combined(config)).map((d) => d.toJS() as Obj);
        const [secret] = all.filter((o) => o.kind === "Secret");
        expect(secret).toMatchObject({ apiVersion: "v1", kind: "Secret", type: "Opaque", metadata: { name: "ai-gateway-full-client-secret", namespace: "ai-gateway" } });
        const data = secret?.data as Record<string, string>;
        expect(Object.keys(data)).toEqual(["client-secret"]);
        expect(Buffer.from(data["client-secret"] ?? "", "base64").toString("utf8")).toBe(full.outputs.gateway.clientSecret?.value);
        const policies = all.filter((o) => o.kind === "BackendSecurityPolicy");
        expect(policies.map((p) => (p.spec as Obj).targetRefs)).toEqual(Object.keys(full.outputs.accounts).map((name) => [{ group: "aigateway.envoyproxy.io", kind: "AIServiceBackend", name }]));
        for (const p of policies) {
            expect(p).toMatchObject({ apiVersion: "aigateway.envoyproxy.io/v1beta1", spec: { type: "AzureCredentials" } });
            expect((p.spec as Obj).azureCredentials).toEqual({ clientID: full.outputs.gateway.clientId, tenantID: full.outputs.tenantId, clientSecretRef: { name: "ai-gateway-full-client-secret", namespace: "ai-gateway" } });
        }
        expect(config.files.filter((f) => f.sensitive).map((f) => f.name)).toEqual(["secret.yaml"]);
    });

    it("takes the older API version, with the Gateway API version those releases used, when asked", () => {
        const all = parseAllDocuments(combined(generate("envoy", dev.outputs, { envoyApiVersion: "v1alpha1" }))).map((d) => d.toJS() as Obj);
        expect([...new Set(all.map((o) => `${o.apiVersion} ${o.kind}`))].sort()).toEqual([
            "aigateway.envoyproxy.io/v1alpha1 AIGatewayRoute", "aigateway.envoyproxy.io/v1alpha1 AIServiceBackend", "aigateway.envoyproxy.io/v1alpha1 BackendSecurityPolicy",
            "gateway.envoyproxy.io/v1alpha1 Backend", "gateway.networking.k8s.io/v1alpha3 BackendTLSPolicy", "v1 Secret",
        ]);
    });
});

describe("portkey", () => {
    // Portkey's own validator and provider judge these configs in test/portkey.e2e.test.ts; here: the values.
    type PortkeyFile = { checkedAgainst: string; config: Obj; "x-portkey-config": string; deployments: Record<string, Obj> };
    const portkeyFile = (config: GatewayConfig) => JSON.parse(file(config, "portkey.json")) as PortkeyFile;

    it("writes a snake_case azure-openai config with azure_auth_mode entra per deployment", () => {
        const config = generate("portkey", full.outputs, { now: FIXTURE_NOW });
        expect(config.auth).toBe("client-secret");
        const { deployments, checkedAgainst } = portkeyFile(config);
        expect(checkedAgainst).toBe("@portkey-ai/gateway 1.15.2");
        const expected = Object.entries(full.outputs.accounts).flatMap(([name, a]) => a.deployments.map((d) => ({ key: `${name}/${d.name}`, name, d })));
        expect(Object.keys(deployments)).toEqual(expected.map((e) => e.key));
        for (const { key, name, d } of expected) {
            expect(deployments[key]).toEqual({
                provider: "azure-openai", resource_name: name, deployment_id: d.name, api_version: DEFAULT_API_VERSION,
                azure_auth_mode: "entra", azure_entra_tenant_id: full.outputs.tenantId, azure_entra_client_id: full.outputs.gateway.clientId,
                azure_entra_client_secret: full.outputs.gateway.clientSecret?.value, azure_entra_scope: full.outputs.gateway.tokenScope,
            });
            expect(new URL(full.outputs.accounts[name]!.openAiEndpoint).hostname).toBe(`${name}.openai.azure.com`);
        }
        expect(config.files[0]?.sensitive).toBe(true);
    });

    it("writes a ready config routing each model to its deployments, and its header value", () => {
        const { config, deployments, "x-portkey-config": header } = portkeyFile(generate("portkey", full.outputs, { now: FIXTURE_NOW }));
        expect(JSON.parse(header)).toEqual(config);
        expect(header).not.toContain("\n");
        const names = ["gpt-4o-mini", "text-embedding-3-large", "gpt-4.1"];
        expect(config.strategy).toEqual({ mode: "conditional", conditions: names.map((n) => ({ query: { "params.model": { $eq: n } }, then: n })) });
        expect(config.targets).toEqual([
            { name: "gpt-4o-mini", ...deployments["aoai-full-swc/gpt-4o-mini"] },
            { name: "text-embedding-3-large", ...deployments["aoai-full-swc/text-embedding-3-large"] },
            { name: "gpt-4.1", ...deployments["foundry-full-swc/gpt-4.1"] },
        ]);
    });

    it("spreads a model deployed in several accounts with loadbalance, or fallback when asked", () => {
        const a = full.outputs.accounts["aoai-full-swc"]!;
        const twice = { ...full.outputs, accounts: { "aoai-a": a, "aoai-b": a } };
        for (const mode of ["loadbalance", "fallback"] as const) {
            const config = generate("portkey", twice, { now: FIXTURE_NOW, ...(mode === "fallback" ? { portkeyStrategy: mode } : {}) });
            const { config: ready, deployments } = portkeyFile(config);
            expect((ready.targets as Obj[])[0]).toEqual({ name: "gpt-4o-mini", strategy: { mode }, targets: [deployments["aoai-a/gpt-4o-mini"], deployments["aoai-b/gpt-4o-mini"]] });
            expect(config.notes).toContain(`model gpt-4o-mini is deployed in 2 accounts: config spreads it with ${mode}`);
        }
    });

    it("writes workload mode with the gateway's client id and no secret", () => {
        const config = generate("portkey", dev.outputs, { auth: "workload-identity", now: FIXTURE_NOW });
        expect(portkeyFile(config).deployments["aoai-dev-swc/gpt-4o-mini"]).toEqual({
            provider: "azure-openai", resource_name: "aoai-dev-swc", deployment_id: "gpt-4o-mini", api_version: DEFAULT_API_VERSION,
            azure_auth_mode: "workload", azure_workload_client_id: dev.outputs.gateway.clientId, azure_entra_scope: dev.outputs.gateway.tokenScope,
        });
        expect(config.files[0]?.sensitive).toBe(false);
    });

    it("uses custom_host for an endpoint that is not <name>.openai.azure.com (sovereign clouds)", () => {
        const a = dev.outputs.accounts["aoai-dev-swc"]!;
        const gov = { ...dev.outputs, accounts: { "aoai-gov": { ...a, openAiEndpoint: "https://aoai-gov.openai.azure.us/" } } };
        const cfg = portkeyFile(generate("portkey", gov, { now: FIXTURE_NOW })).deployments["aoai-gov/gpt-4o-mini"];
        expect(cfg?.custom_host).toBe("https://aoai-gov.openai.azure.us/openai");
        expect(cfg).not.toHaveProperty("resource_name");
    });
});

describe("nothing silently dropped, and every file says what it was checked against", () => {
    const scoped = () => ({ ...dev.outputs, gateway: { ...dev.outputs.gateway, tokenScope: "https://ai.azure.com/.default" } });

    it("a non-default token scope is written where the format has a field for it, else named on stderr", () => {
        const tfy = generate("truefoundry", scoped(), { now: FIXTURE_NOW });
        expect(tfy.notes).toContain("gateway.tokenScope https://ai.azure.com/.default is not written: TrueFoundry's auth_data has no scope field, and its Azure providers request https://cognitiveservices.azure.com/.default");
        expect(generate("truefoundry", dev.outputs, { now: FIXTURE_NOW }).notes.join("\n")).not.toContain("tokenScope");
        for (const auth of ["client-secret", "certificate", "workload-identity"] as const) {
            const params = (parseYaml(file(generate("litellm", scoped(), { auth, now: FIXTURE_NOW }), LITELLM_FILES.config)) as { model_list: { litellm_params: Obj }[] }).model_list.map((m) => m.litellm_params);
            for (const p of params) expect(p.azure_scope, auth).toBe("https://ai.azure.com/.default");
        }
        const portkey = JSON.parse(file(generate("portkey", scoped(), { now: FIXTURE_NOW }), "portkey.json")) as { deployments: Record<string, Obj> };
        for (const c of Object.values(portkey.deployments)) expect(c.azure_entra_scope).toBe("https://ai.azure.com/.default");
        expect(generate("envoy", scoped(), { now: FIXTURE_NOW }).notes.some((n) => n.startsWith("gateway.tokenScope https://ai.azure.com/.default is not used"))).toBe(true);
    });

    it("states the vendor version in every file", () => {
        for (const f of generate("truefoundry", full.outputs, { now: FIXTURE_NOW }).files) expect(f.content.split("\n")[1]).toMatch(/^# Checked against the field rules of TrueFoundry's SDK schema/);
        expect(file(generate("litellm", full.outputs, { auth: "client-secret", now: FIXTURE_NOW }), LITELLM_FILES.config)).toMatch(/^# LiteLLM proxy config.*since August 2024;\n# azure_scope .*PR #11621/);
        expect(file(generate("litellm", full.outputs, { auth: "certificate", now: FIXTURE_NOW }), LITELLM_FILES.config)).toMatch(/^# .*CertificateCredential needs a LiteLLM release\n# after 2025-05-22 \(BerriAI\/litellm PR #11069\)/);
        expect(JSON.parse(file(generate("portkey", full.outputs, { now: FIXTURE_NOW }), "portkey.json")).checkedAgainst).toBe("@portkey-ai/gateway 1.15.2");
        for (const f of generate("envoy", full.outputs, { now: FIXTURE_NOW }).files) expect(f.content).toMatch(/^# Envoy AI Gateway objects .*\n# Needs Envoy AI Gateway v0\.6\.0 or later/);
    });
});
