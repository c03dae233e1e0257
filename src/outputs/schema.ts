/**
 * The consumer side of the stack-outputs contract (docs/outputs.md, produced by src/program.ts): what
 * `pulumi stack output --json [--show-secrets]` prints, as a zod schema. Unknown keys are ignored, so newer
 * stacks still parse; the secret outputs may be "[secret]" (a consumer that needs their values says so when
 * parsing: `ParseOptions.secrets`, parse.ts).
 *
 * A value must be well-formed (formats are checked once, here). Required is only what every tool needs; what
 * a stack may lack (`certificate: false`, no Foundry Local, no rotation) or only some tools need is optional.
 * Each tool parses with its own view built from the schemas exported here (src/gateway/outputs.ts,
 * src/verify/outputs.ts): the keys it reads, and required what it needs, so a key it does not read is never
 * a reason to refuse a file. test/outputsContract.test.ts checks that the program's outputs parse and
 * that every key it emits is named here: add a new output here and in docs/outputs.md.
 */
import { z } from "zod";
import { GUID_PATTERN } from "../config/roles";
import { DATE_EXAMPLE, parseDate } from "../lib/dates";
import { SECRET_PLACEHOLDER } from "./secrets";

const guid = z.string().regex(GUID_PATTERN, "is not a GUID");
const https = z.string().refine((v) => URL.canParse(v) && new URL(v).protocol === "https:", "is not an https:// URL");
const nonEmpty = z.string().min(1, "is empty");
/** A date as the program writes it (RFC 3339, or a calendar date), checked by the one date parser of every tool. */
const isoDate = z.string().superRefine((v, ctx) => {
    const parsed = parseDate(v);
    if (!parsed.ok) ctx.addIssue({ code: "custom", message: `is not a date (${parsed.reason}); ${DATE_EXAMPLE}` });
});

/** A secret output: "[secret]" when printed without --show-secrets, else it must match `pattern`. */
const secret = (pattern: RegExp, message: string) => z.string().refine((v) => v === SECRET_PLACEHOLDER || pattern.test(v), message);

/** One credential of a rotation slot ("single" without rotation); `current` marks the one the outputs point at. */
const slot = {
    slot: z.string(),
    generation: z.number().nullable().optional(),
    current: z.boolean().optional(),
};

/** One of `gateway.certificate.slots`. */
export const CertificateSlotSchema = z.object({ ...slot, thumbprint: z.string().optional(), notAfter: isoDate });

/** One of `gateway.clientSecret.slots`. */
export const ClientSecretSlotSchema = z.object({ ...slot, expiresOn: isoDate });

/** The scope gateway tokens are for when the outputs do not say (`gateway.tokenScope`; the program always says). */
export const DEFAULT_TOKEN_SCOPE = "https://cognitiveservices.azure.com/.default";

/** `gateway.certificate`. */
export const CertificateSchema = z.object({
    thumbprint: z.string().regex(/^[0-9A-Fa-f]{40}$/, "is not a 40-digit hexadecimal SHA-1 thumbprint"),
    x5t: z.string().regex(/^[A-Za-z0-9_-]{27}$/, "is not a base64url SHA-1 thumbprint (27 characters)").optional(),
    x5tS256: z.string().optional(),
    certificatePem: z.string().includes("-----BEGIN CERTIFICATE-----", { message: "is not a PEM certificate" }),
    privateKeyPem: secret(/-----BEGIN (RSA |EC )?PRIVATE KEY-----/, "is not a PEM private key"),
    notAfter: isoDate,
    slots: z.array(CertificateSlotSchema).optional(),
    nextRotationOn: isoDate.optional(),
});

/** `gateway.clientSecret`. */
export const ClientSecretSchema = z.object({
    value: nonEmpty,
    expiresOn: isoDate,
    keyId: z.string().optional(),
    slots: z.array(ClientSecretSlotSchema).optional(),
    nextRotationOn: isoDate.optional(),
});

const FederatedCredentialSchema = z.object({ name: nonEmpty, issuer: https, subject: nonEmpty });

/** One of `gateway.unmanagedCredentials`. */
export const UnmanagedCredentialOutputSchema = z.object({
    type: z.enum(["certificate", "clientSecret"], { message: "is not certificate or clientSecret" }),
    keyId: z.string(),
    displayName: z.string().optional(),
    endDate: nonEmpty,
    thumbprint: z.string().optional(),
});

/** `gateway`. */
export const GatewaySchema = z.object({
    displayName: nonEmpty.optional(),
    clientId: guid,
    servicePrincipalObjectId: z.string().optional(),
    tokenScope: nonEmpty.default(DEFAULT_TOKEN_SCOPE),
    certificate: CertificateSchema.optional(),
    clientSecret: ClientSecretSchema.optional(),
    federatedCredentials: z.array(FederatedCredentialSchema).default([]),
    /** Credentials an adopted app registration had before the stack (`foundry-entra:adopt.gatewayCredentials`): not managed here. */
    unmanagedCredentials: z.array(UnmanagedCredentialOutputSchema).optional(),
});

/** One of `accounts.<name>.deployments`. */
export const DeploymentSchema = z.object({ name: nonEmpty, model: nonEmpty.optional(), version: z.string().optional(), sku: nonEmpty.optional() });

/** `accounts.<name>`. */
export const AccountSchema = z.object({
    kind: z.enum(["OpenAI", "AIServices"], { message: "is not OpenAI or AIServices" }),
    endpoint: https,
    openAiEndpoint: https.optional(),
    resourceId: z.string().optional(),
    localAuthDisabled: z.boolean().optional(),
    deployments: z.array(DeploymentSchema).default([]),
});

/** One of `foundryLocal.sites` (a fleet), by cluster name. */
export const FoundryLocalSiteSchema = z.object({ endpoint: https, clusterId: z.string().optional(), resourceGroupName: z.string().optional() });

/** `foundryLocal`: one cluster (`endpoint`, `clusterId`) or a fleet (`sites`). */
export const FoundryLocalSchema = z.object({
    clientId: guid,
    identifierUri: z.string().optional(),
    userScope: z.string().optional(),
    appScope: nonEmpty,
    endpoint: https.optional(),
    clusterId: z.string().optional(),
    scopeId: z.string().optional(),
    appRoleId: z.string().optional(),
    appRole: z.string().optional(),
    grantScope: z.enum(["cluster", "resourceGroup"]).optional(),
    sites: z.record(z.string(), FoundryLocalSiteSchema).optional(),
});

/**
 * The rule every view of `foundryLocal` adds (`.refine(...FOUNDRY_LOCAL_REACHABLE)`; a refined object can no longer be
 * picked from): it says where to call Foundry Local, `endpoint` for one cluster or `sites` for a fleet.
 */
export const FOUNDRY_LOCAL_REACHABLE = [
    (fl: { readonly endpoint?: string; readonly sites?: unknown }) => fl.endpoint !== undefined || fl.sites !== undefined,
    { message: "has neither endpoint (one cluster) nor sites (a fleet)" },
] as const;

const ManagedIdentitySchema = z.object({ principalId: guid, clientId: guid.optional() });

const DeliverySchema = z.object({
    keyVault: z.object({ vaultName: nonEmpty, clientSecretUri: https.optional(), certificateUri: https.optional() }).optional(),
    kubernetes: z.object({ namespace: nonEmpty, secretName: nonEmpty, format: nonEmpty, backendSecurityPolicy: nonEmpty.optional() }).optional(),
});

/** Every output the program emits. */
export const OutputsContractSchema = z.object({
    tenantId: guid,
    subscriptionId: guid.optional(),
    gateway: GatewaySchema,
    accounts: z.record(z.string(), AccountSchema).default({}),
    foundryLocal: FoundryLocalSchema.refine(...FOUNDRY_LOCAL_REACHABLE).optional(),
    managedIdentities: z.record(z.string(), ManagedIdentitySchema).optional(),
    delivery: DeliverySchema.optional(),
});

/**
 * The top-level outputs the tools read, the base of their views. The outputs no tool uses (subscriptionId,
 * managedIdentities, delivery) are left out, so they are never a reason to refuse a file.
 */
export const StackOutputsSchema = OutputsContractSchema.pick({ tenantId: true, gateway: true, accounts: true, foundryLocal: true });

/** One of `gateway.certificate.slots`. */
export type CertificateSlotOutputs = z.infer<typeof CertificateSlotSchema>;
/** One of `gateway.clientSecret.slots`. */
export type ClientSecretSlotOutputs = z.infer<typeof ClientSecretSlotSchema>;
