/**
 * gateway-config's Envoy AI Gateway objects, checked against the vendors' CRD rules (test/support/envoyCrdRules.ts:
 * structure with ajv, `x-kubernetes-validations` with a CEL interpreter), against the @kubernetes-models validators
 * where they exist (Backend, BackendTLSPolicy, Secret), and against each other (every reference resolves).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Backend } from "@kubernetes-models/envoy-gateway/gateway.envoyproxy.io/v1alpha1/Backend";
import { BackendTLSPolicy } from "@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/BackendTLSPolicy";
import { BackendTLSPolicy as BackendTLSPolicyV1alpha3 } from "@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1alpha3/BackendTLSPolicy";
import { Secret } from "kubernetes-models/v1/Secret";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { generate, type GenerateOptions } from "../src/gateway";
import { ENVOY_FILES } from "../src/gateway/envoy";
import { parseStackOutputs, type StackOutputs } from "../src/gateway/outputs";
import { combined } from "../src/gateway/write";
import { FIXTURE_NOW, refusal, removeTempDirs, stackFixture, type StackFixture } from "./fixtures/gateway/stacks";
import { crdViolations, ENVOY_SCHEMAS } from "./support/envoyCrdRules";

type Obj = Record<string, any>;

let dev: StackOutputs;
let full: StackFixture;

beforeAll(async () => {
    dev = parseStackOutputs(JSON.parse(readFileSync(join(__dirname, "fixtures", "gateway", "outputs.dev.json"), "utf8")));
    full = await stackFixture("examples/full.yaml");
});

/** The stack's federated credentials plus one of an OIDC provider, which oidcExchangeToken can use. */
const withOidcCredential = (o: StackOutputs): StackOutputs => ({
    ...o,
    gateway: { ...o.gateway, federatedCredentials: [...o.gateway.federatedCredentials, { name: "keycloak-gateway", issuer: "https://sso.contoso.com/realms/ai", subject: "service-account-ai-gateway" }] },
});

const objects = (o: StackOutputs, options: GenerateOptions): Obj[] =>
    parseAllDocuments(combined(generate("envoy", o, { now: FIXTURE_NOW, ...options }))).map((d) => {
        expect(d.errors).toEqual([]);
        return d.toJS() as Obj;
    });

const CASES: readonly [string, GenerateOptions][] = [
    ["client secret, v1beta1", { auth: "client-secret", namespace: "ai-gateway" }],
    ["client secret, v1alpha1", { auth: "client-secret", envoyApiVersion: "v1alpha1" }],
    ["workload identity (oidcExchangeToken), v1beta1", { auth: "workload-identity", oidcClientId: "ai-gateway-controller" }],
    ["workload identity (oidcExchangeToken), v1alpha1", { auth: "workload-identity", oidcClientId: "ai-gateway-controller", envoyApiVersion: "v1alpha1" }],
];


afterAll(removeTempDirs);

describe("every object passes the CRD rules", () => {
    it.each(CASES)("%s", (_name, options) => {
        for (const o of [dev, full.outputs].map(withOidcCredential)) {
            const all = objects(o, options);
            expect(all.length).toBeGreaterThan(0);
            for (const object of all) expect(crdViolations(object), `${object.kind} ${object.metadata?.name}`).toEqual([]);
            // The packages generated from the vendors' Go types agree.
            for (const object of all) {
                if (object.kind === "Backend") new Backend(object as never).validate();
                if (object.kind === "BackendTLSPolicy") (object.apiVersion.endsWith("/v1") ? new BackendTLSPolicy(object as never) : new BackendTLSPolicyV1alpha3(object as never)).validate();
                if (object.kind === "Secret") new Secret(object as never).validate();
            }
        }
    });

    it("has rules for every kind and version it writes", () => {
        expect(Object.keys(ENVOY_SCHEMAS).sort()).toEqual([
            "aigateway.envoyproxy.io/v1alpha1 AIGatewayRoute", "aigateway.envoyproxy.io/v1alpha1 AIServiceBackend", "aigateway.envoyproxy.io/v1alpha1 BackendSecurityPolicy",
            "aigateway.envoyproxy.io/v1beta1 AIGatewayRoute", "aigateway.envoyproxy.io/v1beta1 AIServiceBackend", "aigateway.envoyproxy.io/v1beta1 BackendSecurityPolicy",
            "gateway.envoyproxy.io/v1alpha1 Backend", "gateway.networking.k8s.io/v1 BackendTLSPolicy", "gateway.networking.k8s.io/v1alpha3 BackendTLSPolicy", "v1 Secret",
        ]);
    });
});

describe("the in-stack delivery (components/kubernetesDelivery.ts) declares a policy the CRD accepts", () => {
    it("examples/full.yaml's BackendSecurityPolicy, rendered under mocks", () => {
        const policy = full.run.resources.find((r) => r.name.endsWith("kubernetes-backend-security-policy"));
        expect(policy, "full.yaml delivers to Kubernetes with format envoy").toBeDefined();
        expect(crdViolations(policy?.inputs)).toEqual([]);
    });
});

describe("the rules can fail", () => {
    const policy = () => objects(dev, { auth: "client-secret" }).find((o) => o.kind === "BackendSecurityPolicy") as Obj;
    const of = (kind: string, options: GenerateOptions = { auth: "client-secret" }) => structuredClone(objects(full.outputs, options).find((o) => o.kind === kind) as Obj);

    it.each([
        ["both clientSecretRef and oidcExchangeToken", () => { const p = policy(); p.spec.azureCredentials.oidcExchangeToken = { oidc: { provider: { issuer: "https://x" }, clientID: "c", clientSecret: { name: "s" } } }; return p; }, /Exactly one of clientSecretRef or oidcExchangeToken/],
        ["a targetRef to a Service", () => { const p = policy(); p.spec.targetRefs[0].kind = "Service"; p.spec.targetRefs[0].group = ""; return p; }, /targetRefs must reference AIServiceBackend/],
        ["a misspelt field", () => { const p = policy(); p.spec.azureCredentials.clientSecretRefs = p.spec.azureCredentials.clientSecretRef; return p; }, /must NOT have additional properties \(clientSecretRefs\)/],
        ["an upper-case name", () => { const p = policy(); p.metadata.name = "My-Policy"; return p; }, /metadata\/name: must match pattern/],
        ["an unknown type", () => { const p = policy(); p.spec.type = "AzureCertificate"; return p; }, /spec\/type: must be equal to one of the allowed values/],
        ["an AIServiceBackend pointing at a Service", () => { const b = of("AIServiceBackend"); b.spec.backendRef = { name: "x", kind: "Service", group: "" }; return b; }, /BackendRef must be a Backend resource of Envoy Gateway/],
        ["a BackendTLSPolicy without CA", () => { const t = of("BackendTLSPolicy"); delete t.spec.validation.wellKnownCACertificates; return t; }, /must specify either CACertificateRefs or WellKnownCACertificates/],
        ["a Backend with an upper-case host", () => { const b = of("Backend"); b.spec.endpoints[0].fqdn.hostname = "AOAI.openai.azure.com"; return b; }, /hostname: must match pattern/],
        ["a route with 16 rules", () => { const r = of("AIGatewayRoute"); r.spec.rules = Array.from({ length: 16 }, () => r.spec.rules[0]); return r; }, /spec\/rules: must NOT have more than 15 items/],
        ["a route parent that is not a Gateway", () => { const r = of("AIGatewayRoute"); r.spec.parentRefs[0].kind = "HTTPRoute"; return r; }, /only Gateway is supported/],
    ] as const)("%s", (_name, make, expected) => {
        expect(crdViolations(make()).join("\n")).toMatch(expected);
    });
});

describe("the objects make a route", () => {
    it("every reference resolves: policy → AIServiceBackend → Backend ← BackendTLSPolicy, route → AIServiceBackend, policy → Secret", () => {
        const all = objects(full.outputs, { auth: "client-secret", namespace: "ai-gateway" });
        const named = (kind: string) => new Map(all.filter((o) => o.kind === kind).map((o) => [o.metadata.name as string, o]));
        const [backends, tls, services, policies, routes, secrets] = ["Backend", "BackendTLSPolicy", "AIServiceBackend", "BackendSecurityPolicy", "AIGatewayRoute", "Secret"].map(named) as Map<string, Obj>[];
        const accounts = Object.keys(full.outputs.accounts);
        expect([...backends!.keys()]).toEqual(accounts);
        expect([...services!.keys()]).toEqual(accounts);
        for (const o of all) expect(o.metadata.namespace).toBe("ai-gateway");
        for (const [name, acc] of Object.entries(full.outputs.accounts)) {
            expect(backends!.get(name)?.spec.endpoints).toEqual([{ fqdn: { hostname: new URL(acc.openAiEndpoint).hostname, port: 443 } }]);
            expect(services!.get(name)?.spec).toEqual({ schema: { name: "AzureOpenAI", version: "2024-10-21" }, backendRef: { name, kind: "Backend", group: "gateway.envoyproxy.io" } });
        }
        for (const t of tls!.values()) {
            const [target] = t.spec.targetRefs;
            expect(backends!.get(target.name)?.spec.endpoints[0].fqdn.hostname).toBe(t.spec.validation.hostname);
        }
        for (const p of policies!.values()) {
            for (const r of p.spec.targetRefs) expect(services!.has(r.name)).toBe(true);
            const ref = p.spec.azureCredentials.clientSecretRef;
            expect(Buffer.from(secrets!.get(ref.name)?.data["client-secret"], "base64").toString()).toBe(full.outputs.gateway.clientSecret?.value);
        }
        expect(new Set([...policies!.values()].flatMap((p) => p.spec.targetRefs.map((r: Obj) => r.name)))).toEqual(new Set(accounts));
        // Each deployment name is routed to the accounts that deploy it, and only there.
        const routed = new Map<string, string[]>();
        for (const r of routes!.values()) {
            expect(r.spec.parentRefs).toEqual([{ name: "envoy-ai-gateway", kind: "Gateway", group: "gateway.networking.k8s.io" }]);
            for (const rule of r.spec.rules) {
                for (const m of rule.matches) routed.set(m.headers[0].value, rule.backendRefs.map((b: Obj) => b.name));
                for (const m of rule.matches) expect(m.headers).toEqual([{ type: "Exact", name: "x-ai-eg-model", value: m.headers[0].value }]);
            }
        }
        const expected = new Map<string, string[]>();
        for (const [name, acc] of Object.entries(full.outputs.accounts)) for (const d of acc.deployments) expected.set(d.name, [...(expected.get(d.name) ?? []), name]);
        expect(routed).toEqual(expected);
    });

    it("spreads many models over routes of at most 15 rules, each valid", () => {
        const base = full.outputs.accounts["aoai-full-swc"]!;
        const accounts = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`aoai-${i}`, { ...base, deployments: [{ ...base.deployments[0]!, name: `model-${i}` }] }]));
        const all = objects({ ...full.outputs, accounts }, { auth: "client-secret" });
        const routes = all.filter((o) => o.kind === "AIGatewayRoute");
        expect(routes.map((r) => r.spec.rules.length)).toEqual([15, 5]);
        expect(routes.map((r) => r.metadata.name)).toEqual(["ai-gateway-full", "ai-gateway-full-2"]);
        for (const o of all) expect(crdViolations(o)).toEqual([]);
    });

    it("writes the Secret only with a client secret, into its own file", () => {
        const secretFile = generate("envoy", dev, { auth: "client-secret" }).files;
        expect(secretFile.map((f) => [f.name, f.sensitive])).toEqual([[ENVOY_FILES.secret, true], [ENVOY_FILES.backends, false], [ENVOY_FILES.policies, false], [ENVOY_FILES.routes, false]]);
        const workload = generate("envoy", withOidcCredential(dev), { auth: "workload-identity", oidcClientId: "c" });
        expect(workload.files.map((f) => f.name)).not.toContain(ENVOY_FILES.secret);
        expect(workload.files.every((f) => !f.sensitive)).toBe(true);
    });
});

describe("workload identity: oidcExchangeToken", () => {
    it("uses the federated credential of an OIDC provider and says which Secret to create", () => {
        const config = generate("envoy", withOidcCredential(dev), { auth: "workload-identity", oidcClientId: "ai-gateway-controller", namespace: "gw" });
        const policy = parseAllDocuments(config.files.find((f) => f.name === ENVOY_FILES.policies)?.content ?? "")[0]?.toJS() as Obj;
        expect(policy.spec.azureCredentials).toEqual({
            clientID: dev.gateway.clientId, tenantID: dev.tenantId,
            oidcExchangeToken: { oidc: { provider: { issuer: "https://sso.contoso.com/realms/ai" }, clientID: "ai-gateway-controller", clientSecret: { name: "ai-gateway-dev-oidc-client-secret", namespace: "gw" } } },
        });
        expect(config.notes.join("\n")).toContain("create Secret ai-gateway-dev-oidc-client-secret in namespace gw with key client-secret");
        expect(config.notes.join("\n")).toContain("sub service-account-ai-gateway and aud api://AzureADTokenExchange");
    });

    it("refuses credentials whose tokens the controller cannot obtain, and a missing --oidc-client-id", () => {
        expect(refusal(() => generate("envoy", dev, { auth: "workload-identity", oidcClientId: "c" }))).toMatch(/none of gateway\.federatedCredentials is for such a provider/);
        expect(refusal(() => generate("envoy", withOidcCredential(dev), { auth: "workload-identity" }))).toMatch(/needs --oidc-client-id/);
        const aks = dev.gateway.federatedCredentials[0]!.name;
        expect(refusal(() => generate("envoy", withOidcCredential(dev), { auth: "workload-identity", oidcClientId: "c", federatedCredential: aks }))).toMatch(/Kubernetes service account or GitHub Actions/);
        expect(refusal(() => generate("envoy", dev, { auth: "client-secret", oidcClientId: "c" }))).toBe("--oidc-client-id applies to workload-identity auth, not client-secret");
    });
});

describe("nothing silently dropped", () => {
    it("says the controller ignores a non-default token scope", () => {
        const scoped = { ...dev, gateway: { ...dev.gateway, tokenScope: "https://ai.azure.com/.default" } };
        expect(generate("envoy", scoped, { auth: "client-secret" }).notes).toContain("gateway.tokenScope https://ai.azure.com/.default is not used: Envoy AI Gateway's controller always requests https://cognitiveservices.azure.com/.default");
        expect(generate("envoy", dev, { auth: "client-secret" }).notes.join("\n")).not.toContain("tokenScope");
    });

    it("states the Envoy AI Gateway version in every file", () => {
        for (const [api, needs] of [["v1beta1", "Needs Envoy AI Gateway v0.6.0 or later"], ["v1alpha1", "Needs Envoy AI Gateway v0.3.0 to v0.5.x"]] as const) {
            for (const f of generate("envoy", dev, { auth: "client-secret", envoyApiVersion: api }).files) expect(f.content.split("\n")[1]).toContain(needs);
        }
    });
});
