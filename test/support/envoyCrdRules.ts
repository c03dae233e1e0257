/**
 * The rules the Kubernetes API server applies to the objects gateway-config writes for Envoy AI Gateway, written
 * down from the vendors' CRDs (openAPIV3Schema: required fields, enums, patterns, lengths, list sizes, and the CEL
 * rules of `x-kubernetes-validations`), each with where it was read: repository, release tag, file, field. The CRD
 * files themselves are not in this repository. Only the fields gateway-config writes are transcribed, and every
 * object is closed (`additionalProperties: false`), so a misspelt field fails as kubectl's strict validation would.
 *
 * The structure is checked by ajv, the CEL rules by @marcbachmann/cel-js (an ajv keyword evaluates
 * `x-kubernetes-validations` with `self` bound to the value, as the API server does). Backend, BackendTLSPolicy and
 * Secret are also checked by the @kubernetes-models packages' own validators (test/envoyCrd.test.ts).
 *
 * Sources:
 * - AIGW: envoyproxy/ai-gateway, manifests/charts/ai-gateway-crds-helm/templates/aigateway.envoyproxy.io_<plural>.yaml,
 *   at v1.1.0 (version v1beta1) and v0.5.0 (version v1alpha1).
 * - EG: envoyproxy/gateway v1.8.1, charts/gateway-crds-helm/templates/generated/gateway.envoyproxy.io_backends.yaml (v1alpha1).
 * - GWAPI: kubernetes-sigs/gateway-api, config/crd/standard/gateway.networking.k8s.io_backendtlspolicies.yaml at
 *   v1.5.1 (v1) and config/crd/experimental/… at v1.3.0 (v1alpha3).
 * - K8S: kubernetes/kubernetes staging/src/k8s.io/apimachinery/pkg/util/validation/validation.go (object names:
 *   IsDNS1123Subdomain; namespaces: IsDNS1123Label) and pkg/apis/core/validation (Secret data keys: IsConfigMapKey).
 */
import { evaluate } from "@marcbachmann/cel-js";
import { Ajv, type ErrorObject, type SchemaObject } from "ajv";

type Schema = SchemaObject;

interface CelRule {
    readonly rule: string;
    readonly message: string;
    /** repo tag file field */
    readonly cite: string;
}

const AIGW = (tag: string, plural: string) => `envoyproxy/ai-gateway ${tag} manifests/charts/ai-gateway-crds-helm/templates/aigateway.envoyproxy.io_${plural}.yaml`;
const EG = "envoyproxy/gateway v1.8.1 charts/gateway-crds-helm/templates/generated/gateway.envoyproxy.io_backends.yaml";
const GWAPI = (tag: string) => `kubernetes-sigs/gateway-api ${tag} config/crd/${tag === "v1.3.0" ? "experimental" : "standard"}/gateway.networking.k8s.io_backendtlspolicies.yaml`;
const K8S = "kubernetes/kubernetes staging/src/k8s.io/apimachinery/pkg/util/validation/validation.go";

// Patterns shared by the Gateway API reference types (Group, Kind, Namespace, PreciseHostname).
const GROUP = "^$|^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";
const KIND = "^[a-zA-Z]([-a-zA-Z0-9]*[a-zA-Z0-9])?$";
const NAMESPACE = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";
const HOSTNAME = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";
const DNS1123_SUBDOMAIN = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";

/** A closed object: these properties only, these required. */
const obj = (cite: string, properties: Record<string, Schema>, required: readonly string[] = [], extra: Schema = {}): Schema =>
    ({ type: "object", $comment: cite, properties, required: [...required], additionalProperties: false, ...extra });
const str = (cite: string, c: { minLength?: number; maxLength?: number; pattern?: string; enum?: readonly string[]; default?: string } = {}): Schema =>
    ({ type: "string", $comment: cite, ...c, ...(c.enum ? { enum: [...c.enum] } : {}) });
const list = (cite: string, items: Schema, c: { minItems?: number; maxItems?: number } = {}, cel: readonly CelRule[] = []): Schema =>
    ({ type: "array", $comment: cite, items, ...c, ...(cel.length ? { "x-kubernetes-validations": cel } : {}) });
const cel = (cite: string, rule: string, message: string): CelRule => ({ rule, message, cite });

/** metadata: name (DNS-1123 subdomain, what these kinds' names must be) and namespace (DNS-1123 label). */
const metadata = obj(`${K8S} IsDNS1123Subdomain, IsDNS1123Label`, {
    name: str(`${K8S} IsDNS1123Subdomain`, { minLength: 1, maxLength: 253, pattern: DNS1123_SUBDOMAIN }),
    namespace: str(`${K8S} IsDNS1123Label`, { minLength: 1, maxLength: 63, pattern: NAMESPACE }),
    labels: {
        type: "object", $comment: `${K8S} IsQualifiedName, IsValidLabelValue`,
        propertyNames: { pattern: "^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9]$" },
        additionalProperties: { type: "string", maxLength: 63, pattern: "^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$" },
    },
}, ["name", "namespace"]);

const top = (apiVersion: string, kind: string, spec: Schema, cite: string, extra: Record<string, Schema> = {}): Schema =>
    obj(cite, { apiVersion: { const: apiVersion }, kind: { const: kind }, metadata, spec, ...extra }, ["apiVersion", "kind", "metadata", "spec"]);

/** A Gateway API LocalPolicyTargetReference / ParentReference-like reference: group, kind, name. */
const ref = (cite: string, required: readonly string[], defaults: { group?: string; kind?: string } = {}): Schema => obj(cite, {
    group: str(`${cite}.group`, { maxLength: 253, pattern: GROUP, ...(defaults.group !== undefined ? { default: defaults.group } : {}) }),
    kind: str(`${cite}.kind`, { minLength: 1, maxLength: 63, pattern: KIND, ...(defaults.kind !== undefined ? { default: defaults.kind } : {}) }),
    name: str(`${cite}.name`, { minLength: 1, maxLength: 253 }),
}, required);

const secretRef = (cite: string): Schema => obj(cite, {
    name: str(`${cite}.name`, { minLength: 1, maxLength: 253 }),
    namespace: str(`${cite}.namespace`, { minLength: 1, maxLength: 63, pattern: NAMESPACE }),
}, ["name"]);

function backendSecurityPolicy(version: "v1beta1" | "v1alpha1"): Schema {
    const src = AIGW(version === "v1beta1" ? "v1.1.0" : "v0.5.0", "backendsecuritypolicies");
    const f = (field: string) => `${src} ${version} ${field}`;
    const oidc = obj(f("spec.azureCredentials.oidcExchangeToken.oidc"), {
        provider: obj(f("spec.azureCredentials.oidcExchangeToken.oidc.provider"), { issuer: str(f("…oidc.provider.issuer"), { minLength: 1 }) }, ["issuer"]),
        clientID: str(f("…oidc.clientID"), { minLength: 1 }),
        clientSecret: secretRef(f("…oidc.clientSecret")),
    }, ["clientSecret", "provider"], { "x-kubernetes-validations": [
        cel(f("spec.azureCredentials.oidcExchangeToken.oidc"), "(has(self.clientID) && !has(self.clientIDRef)) || (!has(self.clientID) && has(self.clientIDRef))", "only one of clientID or clientIDRef must be set"),
    ] });
    const spec = obj(f("spec"), {
        targetRefs: list(f("spec.targetRefs"), ref(f("spec.targetRefs[]"), ["group", "kind", "name"]), { maxItems: 16 }, [
            cel(f("spec.targetRefs"), "self.all(ref, (ref.group == 'aigateway.envoyproxy.io' && ref.kind == 'AIServiceBackend') || (ref.group == 'inference.networking.k8s.io' && ref.kind == 'InferencePool'))", "targetRefs must reference AIServiceBackend or InferencePool resources"),
        ]),
        type: str(f("spec.type"), { enum: ["APIKey", "AWSCredentials", "AzureAPIKey", "AzureCredentials", "GCPCredentials", "AnthropicAPIKey"] }),
        azureCredentials: obj(f("spec.azureCredentials"), {
            clientID: str(f("spec.azureCredentials.clientID"), { minLength: 1 }),
            tenantID: str(f("spec.azureCredentials.tenantID"), { minLength: 1 }),
            clientSecretRef: secretRef(f("spec.azureCredentials.clientSecretRef")),
            oidcExchangeToken: obj(f("spec.azureCredentials.oidcExchangeToken"), { oidc }, ["oidc"]),
        }, ["clientID", "tenantID"], { "x-kubernetes-validations": [
            cel(f("spec.azureCredentials"), "(has(self.clientSecretRef) && !has(self.oidcExchangeToken)) || (!has(self.clientSecretRef) && has(self.oidcExchangeToken))", "Exactly one of clientSecretRef or oidcExchangeToken must be specified"),
        ] }),
    }, ["type"], {
        maxProperties: version === "v1beta1" ? 4 : 3,
        "x-kubernetes-validations": [
            cel(f("spec"), "self.type == 'AzureCredentials' ? (has(self.azureCredentials) && !has(self.apiKey) && !has(self.awsCredentials) && !has(self.azureAPIKey) && !has(self.gcpCredentials) && !has(self.anthropicAPIKey)) : true", "When type is AzureCredentials, only azureCredentials field should be set"),
        ],
    });
    return top(`aigateway.envoyproxy.io/${version}`, "BackendSecurityPolicy", spec, src);
}

function aiServiceBackend(version: "v1beta1" | "v1alpha1"): Schema {
    const src = AIGW(version === "v1beta1" ? "v1.1.0" : "v0.5.0", "aiservicebackends");
    const f = (field: string) => `${src} ${version} ${field}`;
    const spec = obj(f("spec"), {
        schema: obj(f("spec.schema"), {
            name: str(f("spec.schema.name"), { enum: ["OpenAI", "Cohere", "AWSBedrock", "AzureOpenAI", "GCPVertexAI", "GCPAnthropic", "Anthropic", "AWSAnthropic"] }),
            version: str(f("spec.schema.version")),
        }, ["name"]),
        backendRef: ref(f("spec.backendRef"), ["name"], { group: "", kind: "Service" }),
    }, ["backendRef", "schema"]);
    (spec.properties as Record<string, Schema>).backendRef = {
        ...(spec.properties as Record<string, Schema>).backendRef,
        "x-kubernetes-validations": [
            cel(f("spec.backendRef"), "has(self.kind) && self.kind == 'Backend' && has(self.group) && self.group == 'gateway.envoyproxy.io'", "BackendRef must be a Backend resource of Envoy Gateway"),
            cel(f("spec.backendRef"), "(size(self.group) == 0 && self.kind == 'Service') ? has(self.port) : true", "Must have port for Service reference"),
        ],
    };
    return top(`aigateway.envoyproxy.io/${version}`, "AIServiceBackend", spec, src);
}

function aiGatewayRoute(version: "v1beta1" | "v1alpha1"): Schema {
    const src = AIGW(version === "v1beta1" ? "v1.1.0" : "v0.5.0", "aigatewayroutes");
    const f = (field: string) => `${src} ${version} ${field}`;
    const header = obj(f("spec.rules[].matches[].headers[]"), {
        type: str(f("…headers[].type"), { enum: ["Exact", "RegularExpression"], default: "Exact" }),
        name: str(f("…headers[].name"), { minLength: 1, maxLength: 256, pattern: "^[A-Za-z0-9!#$%&'*+\\-.^_\\x60|~]+$" }),
        value: str(f("…headers[].value"), { minLength: 1, maxLength: 4096 }),
    }, ["name", "value"]);
    const backendRef = obj(f("spec.rules[].backendRefs[]"), { name: str(f("spec.rules[].backendRefs[].name"), { minLength: 1 }) }, ["name"], { "x-kubernetes-validations": [
        cel(f("spec.rules[].backendRefs[]"), "!has(self.group) && !has(self.kind) || (has(self.group) && has(self.kind))", "group and kind must be specified together"),
        cel(f("spec.rules[].backendRefs[]"), "!has(self.group) || (self.group == 'inference.networking.k8s.io' && self.kind == 'InferencePool')", "only InferencePool is supported as group/kind"),
    ] });
    const ruleCel = [
        ...(version === "v1beta1" ? [cel(f("spec.rules[]"), "!has(self.name) || self.name != 'route-not-found'", "rule name route-not-found is reserved")] : []),
        cel(f("spec.rules[]"), "!has(self.backendRefs) || size(self.backendRefs) == 0 || (self.backendRefs.all(ref, !has(ref.group) && !has(ref.kind)) || self.backendRefs.all(ref, has(ref.group) && has(ref.kind)))", "cannot mix InferencePool and AIServiceBackend references in the same rule"),
        cel(f("spec.rules[]"), "!has(self.backendRefs) || size(self.backendRefs) == 0 || !self.backendRefs.exists(ref, has(ref.group) && has(ref.kind)) || size(self.backendRefs) == 1", "only one InferencePool backend is allowed per rule"),
    ];
    const rule = obj(f("spec.rules[]"), {
        matches: list(f("spec.rules[].matches"), obj(f("spec.rules[].matches[]"), { headers: list(f("spec.rules[].matches[].headers"), header, { maxItems: 16 }) }), { maxItems: 128 }),
        backendRefs: list(f("spec.rules[].backendRefs"), backendRef, { maxItems: 128 }),
    }, [], { "x-kubernetes-validations": ruleCel });
    const spec = obj(f("spec"), {
        parentRefs: list(f("spec.parentRefs"), ref(f("spec.parentRefs[]"), ["name"], { group: "gateway.networking.k8s.io", kind: "Gateway" }), { maxItems: 16 }, [
            cel(f("spec.parentRefs"), "self.all(match, match.kind == 'Gateway')", "only Gateway is supported"),
        ]),
        rules: list(f("spec.rules"), rule, { maxItems: version === "v1beta1" ? 15 : 128 }, version === "v1beta1"
            ? [cel(f("spec.rules"), "self.all(r1, !has(r1.name) || self.exists_one(r2, has(r2.name) && r1.name == r2.name))", "rule name must be unique within the route")]
            : []),
    }, ["rules"]);
    return top(`aigateway.envoyproxy.io/${version}`, "AIGatewayRoute", spec, src);
}

function backend(): Schema {
    const f = (field: string) => `${EG} v1alpha1 ${field}`;
    const fqdn = obj(f("spec.endpoints[].fqdn"), {
        hostname: str(f("spec.endpoints[].fqdn.hostname"), { minLength: 1, maxLength: 253, pattern: HOSTNAME }),
        port: { type: "integer", minimum: 0, maximum: 65535, $comment: f("spec.endpoints[].fqdn.port") },
    }, ["hostname", "port"]);
    const endpoint = obj(f("spec.endpoints[]"), { fqdn }, [], { "x-kubernetes-validations": [
        cel(f("spec.endpoints[]"), "(has(self.fqdn) || has(self.ip) || has(self.unix))", "one of fqdn, ip or unix must be specified"),
        cel(f("spec.endpoints[]"), "((has(self.fqdn) && !(has(self.ip) || has(self.unix))) || (has(self.ip) && !(has(self.fqdn) || has(self.unix))) || (has(self.unix) && !(has(self.ip) || has(self.fqdn))))", "only one of fqdn, ip or unix can be specified"),
    ] });
    const spec = obj(f("spec"), {
        type: str(f("spec.type"), { enum: ["Endpoints", "DynamicResolver"], default: "Endpoints" }),
        endpoints: list(f("spec.endpoints"), endpoint, { minItems: 1, maxItems: 256 }, [
            cel(f("spec.endpoints"), "self.all(f, has(f.fqdn)) || !self.exists(f, has(f.fqdn))", "fqdn addresses cannot be mixed with other address types"),
        ]),
    }, [], { "x-kubernetes-validations": [cel(f("spec"), "self.type != 'DynamicResolver' || !has(self.endpoints)", "DynamicResolver type cannot have endpoints specified")] });
    return top("gateway.envoyproxy.io/v1alpha1", "Backend", spec, EG);
}

function backendTlsPolicy(version: "v1" | "v1alpha3"): Schema {
    const src = GWAPI(version === "v1" ? "v1.5.1" : "v1.3.0");
    const f = (field: string) => `${src} ${version} ${field}`;
    const spec = obj(f("spec"), {
        targetRefs: list(f("spec.targetRefs"), ref(f("spec.targetRefs[]"), ["group", "kind", "name"]), { minItems: 1, maxItems: 16 }, [
            cel(f("spec.targetRefs"), "self.all(p1, self.all(p2, p1.group == p2.group && p1.kind == p2.kind && p1.name == p2.name ? ((!has(p1.sectionName) || p1.sectionName == '') == (!has(p2.sectionName) || p2.sectionName == '')) : true))", "sectionName must be specified when targetRefs includes 2 or more references to the same target"),
            cel(f("spec.targetRefs"), "self.all(p1, self.exists_one(p2, p1.group == p2.group && p1.kind == p2.kind && p1.name == p2.name && (((!has(p1.sectionName) || p1.sectionName == '') && (!has(p2.sectionName) || p2.sectionName == '')) || (has(p1.sectionName) && has(p2.sectionName) && p1.sectionName == p2.sectionName))))", "sectionName must be unique when targetRefs includes 2 or more references to the same target"),
        ]),
        validation: obj(f("spec.validation"), {
            wellKnownCACertificates: version === "v1"
                ? str(f("spec.validation.wellKnownCACertificates"), { minLength: 1, maxLength: 253, pattern: "^(System|([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9]))$" })
                : str(f("spec.validation.wellKnownCACertificates"), { enum: ["System"] }),
            hostname: str(f("spec.validation.hostname"), { minLength: 1, maxLength: 253, pattern: HOSTNAME }),
        }, ["hostname"], { "x-kubernetes-validations": [
            cel(f("spec.validation"), "!(has(self.caCertificateRefs) && size(self.caCertificateRefs) > 0 && has(self.wellKnownCACertificates) && self.wellKnownCACertificates != \"\")", "must not contain both CACertificateRefs and WellKnownCACertificates"),
            cel(f("spec.validation"), "(has(self.caCertificateRefs) && size(self.caCertificateRefs) > 0 || has(self.wellKnownCACertificates) && self.wellKnownCACertificates != \"\")", "must specify either CACertificateRefs or WellKnownCACertificates"),
        ] }),
    }, ["targetRefs", "validation"]);
    return top(`gateway.networking.k8s.io/${version}`, "BackendTLSPolicy", spec, src);
}

/** A core/v1 Secret as gateway-config writes it: Opaque, data keys as IsConfigMapKey allows, base64 values. */
function secret(): Schema {
    const cite = "kubernetes/kubernetes pkg/apis/core/validation/validation.go ValidateSecret (data keys: IsConfigMapKey)";
    return obj(cite, {
        apiVersion: { const: "v1" }, kind: { const: "Secret" }, metadata, type: { const: "Opaque" },
        data: { type: "object", $comment: cite, propertyNames: { pattern: "^[-._a-zA-Z0-9]+$", maxLength: 253 }, additionalProperties: { type: "string", pattern: "^[A-Za-z0-9+/]*={0,2}$" }, minProperties: 1 },
    }, ["apiVersion", "kind", "metadata", "type", "data"]);
}

/** Every schema, by `apiVersion kind`. */
export const ENVOY_SCHEMAS: Readonly<Record<string, Schema>> = Object.fromEntries([
    backendSecurityPolicy("v1beta1"), backendSecurityPolicy("v1alpha1"),
    aiServiceBackend("v1beta1"), aiServiceBackend("v1alpha1"),
    aiGatewayRoute("v1beta1"), aiGatewayRoute("v1alpha1"),
    backend(), backendTlsPolicy("v1"), backendTlsPolicy("v1alpha3"), secret(),
].map((s) => {
    const p = s.properties as { apiVersion: { const: string }; kind: { const: string } };
    return [`${p.apiVersion.const} ${p.kind.const}`, s];
}));

const ajv = new Ajv({ allErrors: true, strict: true });
ajv.addKeyword({
    keyword: "x-kubernetes-validations",
    schemaType: "array",
    validate: function celRules(rules: readonly CelRule[], data: unknown): boolean {
        const failed = rules.filter((r) => {
            try {
                return evaluate(r.rule, { self: data }) !== true;
            } catch {
                return true;
            }
        });
        (celRules as unknown as { errors: Partial<ErrorObject>[] }).errors = failed.map((r) => ({ keyword: "x-kubernetes-validations", message: `${r.message} (CEL: ${r.rule}; ${r.cite})` }));
        return failed.length === 0;
    },
    errors: true,
});
const validators = Object.fromEntries(Object.entries(ENVOY_SCHEMAS).map(([k, s]) => [k, ajv.compile(s)]));

/**
 * `data` with the schema's `default`s filled in where a field is absent, as the API server defaults an object
 * before it evaluates the CEL rules (a rule such as `self.type != 'DynamicResolver'` reads a defaulted field).
 */
function withDefaults(schema: Schema, data: unknown): unknown {
    if (Array.isArray(data)) return schema.items ? data.map((x) => withDefaults(schema.items as Schema, x)) : data;
    if (!data || typeof data !== "object" || !schema.properties) return data;
    const out: Record<string, unknown> = { ...(data as Record<string, unknown>) };
    for (const [key, sub] of Object.entries(schema.properties as Record<string, Schema>)) {
        if (out[key] === undefined && sub.default !== undefined) out[key] = sub.default;
        if (out[key] !== undefined) out[key] = withDefaults(sub, out[key]);
    }
    return out;
}

/** The rule violations of one object, as `path: message` lines (empty when the API server would accept it). */
export function crdViolations(object: unknown): string[] {
    const o = object as { apiVersion?: string; kind?: string };
    const key = `${o.apiVersion} ${o.kind}`;
    const validate = validators[key];
    const schema = ENVOY_SCHEMAS[key];
    if (!validate || !schema) return [`no CRD rules for ${key}`];
    if (validate(withDefaults(schema, object))) return [];
    return (validate.errors ?? []).map((e) => `${e.instancePath || "/"}: ${e.message}${e.params && "additionalProperty" in e.params ? ` (${String(e.params.additionalProperty)})` : ""}`);
}
