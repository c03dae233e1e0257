/**
 * The stack configuration contract: one zod schema per config key of the `foundry-entra` namespace.
 * Field-level rules live here; rules that relate fields to each other live in `validate.ts`.
 * Every key is documented in docs/configuration.md.
 */
import { z } from "zod";
import { parseDate } from "../lib/dates";
import { excerpt } from "../lib/excerpt";
import { principalIdentity, principalSlug, type Principal } from "../lib/names";
import * as azure from "./azureNames";
import { checkRoleSpec, FOUNDRY_LOCAL, GUID_PATTERN } from "./roles";
import { AdoptSchema } from "./adopt";
import { GuardrailsSchema } from "./guardrails";

/** Maximum lifetime Entra allows for a client secret (24 months). */
export const MAX_SECRET_DAYS = 730;
/** Maximum certificate lifetime this project allows (3 years; the policy pack checks the same). */
export const MAX_CERTIFICATE_DAYS = 1095;

/** How a message quotes a value: a short excerpt, never one that looks like a secret (src/lib/excerpt.ts). */
const show = (v: unknown): string => excerpt(v);

/**
 * Marks a key whose value may be a secret (a client secret or private key pasted where options go, a kubeconfig's
 * contents): config messages never quote a value there (src/config/issues.ts reads the mark).
 */
export const secretPosition = <T extends z.ZodType>(schema: T): T => schema.meta({ secret: true });

export const guid = () =>
    z.string().regex(GUID_PATTERN, { error: (i) => `${show(i.input)} is not a GUID; expected 8-4-4-4-12 hexadecimal digits` })
        .refine((v) => !/^0{8}-0{4}-0{4}-0{4}-0{12}$/.test(v), {
            error: "the nil GUID 00000000-0000-0000-0000-000000000000 is a placeholder; put the principal's object id here",
        });

/** Naming and count rules of Azure and Entra ID, with their sources: azureNames.ts. */
const { httpsUrl, upn } = azure;

/** Builds "is required" or "<value> is not <what>; allowed: ..." for enum-like fields. */
const oneOf = (what: string, allowed: readonly string[]) => (i: { input?: unknown }) =>
    i.input === undefined ? `is required; allowed: ${allowed.join(", ")}` : `${show(i.input)} is not ${what}; allowed: ${allowed.join(", ")}`;

/** Entry-level rules run even when a field of the entry is wrong, so all problems are reported at once. */
const always = { when: () => true };
const fieldsOf = (v: unknown): Record<string, unknown> | undefined =>
    typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;

const intIn = (min: number, max: number, what: string) =>
    z.number({ error: (i) => `expected a whole number of ${what}, got ${show(i.input)}` })
        .int({ error: (i) => `expected a whole number of ${what}, got ${show(i.input)}` })
        .min(min, { error: (i) => `${show(i.input)} is below the minimum of ${min} ${what}` })
        .max(max, { error: (i) => `${show(i.input)} is above the maximum of ${max} ${what}` });

/** `false` switches a credential off; `true` or an object switches it on (an object sets its options). */
const credentialToggle = <T extends z.ZodType>(schema: T) =>
    z.preprocess((v) => (v === false ? { enabled: false } : v === true || v === undefined ? {} : v), schema);

/**
 * A calendar day as `YYYY-MM-DD` (UTC), checked against the calendar (no 2026-02-30) by the one date parser. It sits
 * in a credential's options (a secret position): a value is quoted only as `show` does, never one shaped like a secret.
 */
const calendarDay = () => z.string({ error: "expected a day as YYYY-MM-DD, e.g. 2026-12-01" })
    .refine((v) => /^\d{4}-\d{2}-\d{2}$/.test(v) && parseDate(v).ok,
        { error: (i) => `${show(i.input)} is not a day; expected YYYY-MM-DD, e.g. 2026-12-01` });

const rotation = {
    /** Replace the credential every N days (a new credential per generation); off when absent. */
    rotateEveryDays: intIn(1, MAX_CERTIFICATE_DAYS, "days").optional(),
    /** How long the previous credential stays valid after its successor exists (0 would mean no overlap). */
    graceDays: intIn(1, 365, "days").default(30),
    /**
     * Start a new credential on this day (UTC) with the current settings, outside the schedule; the previous one
     * stays valid until it expires. The way to apply a settings change (key size, subject, validity) before the
     * next scheduled rotation. Needs rotateEveryDays.
     */
    renewOn: calendarDay().optional(),
};

export const CertificateSchema = secretPosition(credentialToggle(z.strictObject({
    enabled: z.boolean().default(true),
    validityDays: intIn(1, MAX_CERTIFICATE_DAYS, "days").default(365),
    rsaBits: z.union([z.literal(2048), z.literal(3072), z.literal(4096)], {
        error: (i) => `${show(i.input)} is not an allowed RSA key size; allowed: 2048, 3072, 4096`,
    }).default(2048),
    subject: z.string().min(1).max(64).optional(),
    ...rotation,
})));

export const ClientSecretSchema = secretPosition(credentialToggle(z.strictObject({
    enabled: z.boolean().default(true),
    validityDays: intIn(1, MAX_SECRET_DAYS, "days (Entra allows client secrets at most 24 months)").default(180),
    ...rotation,
})));

export const FederatedCredentialSchema = z.strictObject({
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,119}$/, {
        error: (i) => `${show(i.input)} is not a valid federated credential name; use 1-120 letters, digits, "-" or "_"`,
    }),
    issuer: azure.ficIssuer(),
    subject: azure.ficSubject(),
    audiences: z.array(z.string().min(1)).min(1).default(["api://AzureADTokenExchange"]),
    description: z.string().max(600).optional(),
});

const OWNERS_HINT = "list the object id of the identity that runs `pulumi up` for this stack (for the pipeline: the bootstrap's deployerObjectId output) and of a break-glass administrator";

export const GatewaySchema = z.strictObject({
    displayName: z.string().min(1).max(120).optional(),
    /**
     * Owners (object ids) of every app registration and service principal the stack creates. Listed here, never
     * taken from whoever runs `pulumi`: the provider compares this list on every run, so a runner-dependent list
     * would change owners with each person or pipeline that runs it. List the pipeline's deployer (the bootstrap's
     * `deployerObjectId` output): with Application.ReadWrite.OwnedBy it can only update what it owns, and
     * terraform-provider-azuread removes the creating identity as owner unless it is listed
     * (internal/services/applications/application_resource.go, v3.8.0, applicationResourceCreate: removeCallerOwner).
     */
    owners: z.array(guid(), {
        error: (i) => i.input === undefined ? `is required; ${OWNERS_HINT}` : `expected a list of object ids; ${OWNERS_HINT}`,
    }).min(1, { error: `is empty; ${OWNERS_HINT}` }),
    certificate: CertificateSchema,
    clientSecret: ClientSecretSchema,
    federatedCredentials: azure.ficList(FederatedCredentialSchema).default([]),
}, { error: (i) => (i.input === undefined ? `is required: at least its owners; ${OWNERS_HINT}` : "expected a map of gateway settings (displayName, owners, certificate, clientSecret, federatedCredentials)") });

export const DeploymentSchema = z.strictObject({
    name: azure.deploymentName(),
    model: azure.modelName(),
    version: azure.modelVersion(),
    format: azure.modelFormat().default("OpenAI"),
    sku: z.enum(["GlobalStandard", "Standard", "DataZoneStandard", "GlobalProvisionedManaged", "ProvisionedManaged", "DataZoneProvisionedManaged", "GlobalBatch", "DataZoneBatch", "DeveloperTier"], {
        error: (i) => `${show(i.input)} is not a deployment SKU; allowed: GlobalStandard, Standard, DataZoneStandard, GlobalBatch, DataZoneBatch, ProvisionedManaged, GlobalProvisionedManaged, DataZoneProvisionedManaged, DeveloperTier`,
    }).default("GlobalStandard"),
    capacity: intIn(1, 100000, "capacity units").default(10),
});

/** Reserved target name meaning "every Foundry Local site" (`foundry-local/<cluster>`: one site of a fleet); defined in roles.ts. */
export { FOUNDRY_LOCAL };

export const AccountSchema = z.strictObject({
    name: azure.accountName().refine((n) => n !== FOUNDRY_LOCAL, { error: `"${FOUNDRY_LOCAL}" is reserved for the Foundry Local cluster` }),
    resourceGroupName: z.string().regex(/^[-\w.()]{1,89}[-\w()]$/, { error: (i) => `${show(i.input)} is not a valid resource group name` }),
    kind: z.enum(["OpenAI", "AIServices"], { error: oneOf("an account kind", ["OpenAI", "AIServices"]) }),
    existing: z.boolean().default(false),
    disableLocalAuth: z.boolean().default(true),
    location: azure.location().optional(),
    sku: azure.accountSku().default("S0"),
    publicNetworkAccess: z.enum(["Enabled", "Disabled"]).default("Enabled"),
    deployments: azure.caseInsensitivelyUnique(DeploymentSchema, "name", "deployment").default([]),
});

const role = () => z.string().superRefine((v, ctx) => {
    const problem = checkRoleSpec(v);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
});

const targets = () => z.array(azure.grantTarget()).min(1, { error: "must name at least one account; leave the key out to mean every account" }).optional();

export const AccessEntrySchema = z.strictObject({
    user: upn().optional(),
    group: z.string().min(1).max(256).optional(),
    principalId: guid().optional(),
    principalType: z.enum(["User", "Group", "ServicePrincipal"], { error: oneOf("a principal type", ["User", "Group", "ServicePrincipal"]) }).optional(),
    role: role().default("inference"),
    accounts: targets(),
}).superRefine((value, ctx) => {
    const e = fieldsOf(value);
    if (!e) return;
    const given = ["user", "group", "principalId"].filter((k) => e[k] !== undefined);
    if (given.length !== 1) {
        ctx.addIssue({ code: "custom", path: [], message: given.length === 0
            ? "names no principal; set exactly one of user (a UPN), group (a display name) or principalId (with principalType)"
            : `sets ${given.join(" and ")}; set exactly one of user, group or principalId` });
    }
    if (e.principalId !== undefined && e.principalType === undefined) {
        ctx.addIssue({ code: "custom", path: ["principalType"], message: "is required with principalId; allowed: User, Group, ServicePrincipal" });
    }
    const implied = e.user !== undefined ? "User" : e.group !== undefined ? "Group" : undefined;
    if (implied && e.principalType !== undefined && e.principalType !== implied) {
        ctx.addIssue({ code: "custom", path: ["principalType"],
            message: `${show(e.principalType)} contradicts ${implied === "User" ? "user" : "group"} (a ${implied}); leave principalType out` });
    }
}, always);

export const ManagedIdentitySchema = z.strictObject({
    name: azure.identityName(),
    principalId: guid().optional(),
    create: z.strictObject({
        resourceGroupName: z.string().regex(/^[-\w.()]{1,89}[-\w()]$/, { error: (i) => `${show(i.input)} is not a valid resource group name` }),
        location: azure.location().optional(),
    }).optional(),
    role: role().default("inference"),
    accounts: targets(),
}).superRefine((value, ctx) => {
    const m = fieldsOf(value);
    if (m && (m.principalId === undefined) === (m.create === undefined)) {
        ctx.addIssue({ code: "custom", path: [], message: m.principalId === undefined
            ? "sets neither principalId (an existing identity) nor create (a new user-assigned identity); set exactly one"
            : "sets both principalId and create; set exactly one" });
    }
}, always);

/** An Arc-connected cluster, looked up (not managed) by name in its resource group. */
const ClusterSchema = z.strictObject({
    name: azure.clusterName(),
    resourceGroupName: z.string().regex(/^[-\w.()]{1,89}[-\w()]$/, { error: (i) => `${show(i.input)} is not a valid resource group name` }),
});

/** One site of a fleet (`foundryLocal.clusters`): its cluster and the endpoint gateways call there. */
export const FoundryLocalSiteSchema = ClusterSchema.extend({
    endpoint: httpsUrl(),
    /** This cluster was the single form's `cluster`: its resources keep their state (aliases to the old names). */
    fromSingleForm: z.boolean().default(false),
});

export const FoundryLocalSchema = z.strictObject({
    /** The single form: one cluster and its endpoint. */
    cluster: ClusterSchema.optional(),
    endpoint: httpsUrl().optional(),
    /** The fleet form: many clusters, one API app registration. */
    clusters: z.array(FoundryLocalSiteSchema).min(1, { error: "must list at least one cluster; for one cluster, `cluster` and `endpoint` also do" }).optional(),
    /** Where grants to every site are made: at each cluster, or once at each resource group of the fleet. */
    grantScope: z.enum(["cluster", "resourceGroup"], { error: oneOf("a grant scope", ["cluster", "resourceGroup"]) }).default("cluster"),
    /** Display name of the API app registration. */
    apiDisplayName: z.string().min(1).max(120).optional(),
    scopeValue: z.string().regex(/^[A-Za-z0-9_.-]{1,120}$/, { error: (i) => `${show(i.input)} is not a valid scope value` }).default("foundry_access"),
    appRoleValue: z.string().regex(/^[A-Za-z0-9_.-]{1,120}$/, { error: (i) => `${show(i.input)} is not a valid app role value` }).default("FoundryInferenceAccess"),
    preAuthorizeAzureCli: z.boolean().default(true),
    installExtension: z.boolean().default(false),
    extension: z.strictObject({
        name: z.string().min(1).default("inference-operator"),
        releaseTrain: z.string().min(1).default("stable"),
        releaseNamespace: z.string().min(1).default("foundry-local-operator"),
        version: z.string().min(1).optional(),
    }).prefault({}),
}).superRefine((value, ctx) => {
    // Exactly one form: `cluster` with `endpoint`, or `clusters` (each entry with its own endpoint).
    const f = fieldsOf(value);
    if (!f) return;
    const single = ["cluster", "endpoint"].filter((k) => f[k] !== undefined);
    if (f.clusters !== undefined) {
        if (single.length > 0) {
            ctx.addIssue({ code: "custom", path: [single[0]!], message: `is the single-cluster form; with clusters, give each cluster its endpoint in its entry and leave ${single.join(" and ")} out` });
        }
    } else {
        if (f.cluster === undefined) ctx.addIssue({ code: "custom", path: ["cluster"], message: "is required (the Arc-connected cluster: { name, resourceGroupName }), or list a fleet in clusters" });
        if (f.endpoint === undefined) ctx.addIssue({ code: "custom", path: ["endpoint"], message: "is required with cluster: the https URL gateways call" });
        if (f.grantScope === "resourceGroup") ctx.addIssue({ code: "custom", path: ["grantScope"], message: "resourceGroup needs a fleet (clusters); one cluster is granted at its own scope" });
    }
}, always);

export const KeyVaultDeliverySchema = z.strictObject({
    name: azure.keyVaultName(),
    resourceGroupName: z.string().regex(/^[-\w.()]{1,89}[-\w()]$/, { error: (i) => `${show(i.input)} is not a valid resource group name` }),
    /** Principal ids (e.g. the gateway host's managed identity) to grant Key Vault Secrets User on the stored secrets. */
    readers: z.array(z.strictObject({
        principalId: guid(),
        principalType: z.enum(["User", "Group", "ServicePrincipal"]).default("ServicePrincipal"),
    })).default([]),
    /** Grant the gateway's own service principal Key Vault Secrets User on the stored secrets. */
    grantGateway: z.boolean().default(false),
    secretPrefix: azure.keyVaultSecretPrefix().optional(),
});

export const KubernetesDeliverySchema = z.strictObject({
    namespace: z.string().regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, { error: (i) => `${show(i.input)} is not a valid Kubernetes namespace` }),
    /** Path to a kubeconfig file; the ambient kubeconfig when absent. */
    kubeconfig: secretPosition(z.string().min(1)).optional(),
    context: z.string().min(1).optional(),
    format: z.enum(["envoy", "secret"], { error: oneOf("a delivery format", ["envoy", "secret"]) }).default("secret"),
    secretName: z.string().regex(/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/).optional(),
    /** The AIServiceBackend the envoy BackendSecurityPolicy targets. */
    backendName: z.string().min(1).optional(),
    /** API version of Envoy AI Gateway's BackendSecurityPolicy CRD installed in the cluster. */
    envoyApiVersion: z.enum(["aigateway.envoyproxy.io/v1beta1", "aigateway.envoyproxy.io/v1alpha1"], {
        error: oneOf("a BackendSecurityPolicy API version", ["aigateway.envoyproxy.io/v1beta1", "aigateway.envoyproxy.io/v1alpha1"]),
    }).default("aigateway.envoyproxy.io/v1beta1"),
});

export const GatewayDeliverySchema = z.strictObject({
    keyVault: KeyVaultDeliverySchema.optional(),
    kubernetes: KubernetesDeliverySchema.optional(),
});

/**
 * Two entries naming different principals whose resource names would still be the same (plain names that differ
 * only in their separators, "R D" and "R-D": lib/names.ts keeps plain names' slugs as they were): refused, rather
 * than one principal's grants landing on the other's resources.
 */
function distinctPrincipalNames(entries: readonly z.output<typeof AccessEntrySchema>[], ctx: z.core.$RefinementCtx): void {
    const seen = new Map<string, { index: number; identity: string; name: string }>();
    entries.forEach((e, index) => {
        const [key, name, principal]: [string, string, Principal] | [undefined, undefined, undefined] =
            e.user !== undefined ? ["user", e.user, { kind: "user", upn: e.user }]
                : e.group !== undefined ? ["group", e.group, { kind: "group", displayName: e.group }] : [undefined, undefined, undefined];
        if (!principal) return;
        const slug = principalSlug(principal);
        const identity = principalIdentity(principal);
        const first = seen.get(slug);
        if (!first) seen.set(slug, { index, identity, name });
        else if (first.identity !== identity) {
            ctx.addIssue({ code: "custom", path: [index, key], message: `${excerpt(name)} and access[${first.index}] (${excerpt(first.name)}) are different ${key}s whose resource names would be the same (${slug}); name one of them by principalId with principalType: ${key === "user" ? "User" : "Group"}` });
        }
    });
}

/** Every key of the `foundry-entra` namespace, with its schema. */
export const StackConfigSchema = z.strictObject({
    gateway: GatewaySchema,
    accounts: z.array(AccountSchema).default([]),
    access: z.array(AccessEntrySchema).superRefine(distinctPrincipalNames).default([]),
    managedIdentities: azure.caseInsensitivelyUnique(ManagedIdentitySchema, "name", "managed identity").default([]),
    foundryLocal: FoundryLocalSchema.optional(),
    gatewayDelivery: GatewayDeliverySchema.optional(),
    protect: z.boolean({ error: (i) => `expected true or false, got ${show(i.input)}` }).default(false),
    /**
     * The role "inference" means on Foundry (AIServices) accounts. @default "Cognitive Services OpenAI User" (no
     * listkeys; the OpenAI surface). "Cognitive Services User" is the seed guide's role (every data action, and
     * listkeys); "Cognitive Services Data Contributor (Preview)" serves non-OpenAI models without listkeys.
     */
    aiServicesInferenceRole: role().optional(),
    /** What already exists and which declared object it is: imported, never created twice (src/config/adopt.ts). */
    adopt: AdoptSchema.optional(),
    /** Keep accounts keyless outside the pipeline too: a Deny policy on key access, audit logs (src/config/guardrails.ts). */
    guardrails: GuardrailsSchema.optional(),
});

export type RawStackConfig = z.output<typeof StackConfigSchema>;
