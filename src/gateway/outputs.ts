/**
 * Reads the JSON that `pulumi stack output --json --show-secrets` prints and validates it into a typed
 * object. Every problem names the output path and its likely cause, e.g.
 * `gateway.clientSecret.value is "[secret]": …run pulumi stack output --json --show-secrets`.
 * Unknown keys are ignored, so newer stacks (e.g. with `delivery` outputs) still parse.
 */
import { z } from "zod";
import { GUID_PATTERN } from "../config/roles";
import { GatewayConfigError } from "./errors";

/** What `pulumi stack output --json` prints in place of a secret unless asked with `--show-secrets`. */
export const SECRET_PLACEHOLDER = "[secret]";

/** Output paths that hold Pulumi secrets; the program marks exactly these (test/gatewayConfig.test.ts checks it). */
export const SECRET_OUTPUT_PATHS = ["gateway.certificate.privateKeyPem", "gateway.clientSecret.value"] as const;

const guid = z.string().regex(GUID_PATTERN, "is not a GUID");
const https = z.string().refine((v) => URL.canParse(v) && new URL(v).protocol === "https:", "is not an https:// URL");
const nonEmpty = z.string().min(1, "is empty");

const CertificateSchema = z.object({
    thumbprint: z.string().regex(/^[0-9A-Fa-f]{40}$/, "is not a 40-digit hexadecimal SHA-1 thumbprint"),
    x5t: z.string().regex(/^[A-Za-z0-9_-]{27}$/, "is not a base64url SHA-1 thumbprint (27 characters)"),
    certificatePem: z.string().includes("-----BEGIN CERTIFICATE-----", { message: "is not a PEM certificate" }),
    privateKeyPem: z.string().regex(/-----BEGIN (RSA |EC )?PRIVATE KEY-----/, "is not a PEM private key"),
    notAfter: nonEmpty,
});

const ClientSecretSchema = z.object({
    value: nonEmpty,
    expiresOn: nonEmpty,
});

const FederatedCredentialSchema = z.object({ name: nonEmpty, issuer: https, subject: nonEmpty });

const DeploymentSchema = z.object({ name: nonEmpty, model: nonEmpty, version: z.string(), sku: nonEmpty });

const AccountSchema = z.object({
    kind: z.enum(["OpenAI", "AIServices"], { message: "is not OpenAI or AIServices" }),
    endpoint: https,
    openAiEndpoint: https,
    deployments: z.array(DeploymentSchema),
});

const FoundryLocalSchema = z.object({ clientId: guid, appScope: nonEmpty, endpoint: https });

const StackOutputsSchema = z.object({
    tenantId: guid,
    gateway: z.object({
        displayName: nonEmpty,
        clientId: guid,
        tokenScope: nonEmpty,
        certificate: CertificateSchema.optional(),
        clientSecret: ClientSecretSchema.optional(),
        federatedCredentials: z.array(FederatedCredentialSchema).default([]),
    }),
    accounts: z.record(z.string(), AccountSchema),
    foundryLocal: FoundryLocalSchema.optional(),
});

export type StackOutputs = z.infer<typeof StackOutputsSchema>;
export type AccountOutputs = StackOutputs["accounts"][string];
export type CertificateOutputs = NonNullable<StackOutputs["gateway"]["certificate"]>;
export type FederatedCredentialOutputs = StackOutputs["gateway"]["federatedCredentials"][number];

/** Renders a path as a user reads it: `accounts.aoai-dev.deployments[0].name`. */
export function outputPath(path: readonly PropertyKey[]): string {
    return path.reduce<string>((out, part) => {
        if (typeof part === "number") return `${out}[${part}]`;
        const key = String(part);
        const plain = /^[A-Za-z0-9_-]+$/.test(key) ? key : JSON.stringify(key);
        return out === "" ? plain : `${out}.${plain}`;
    }, "");
}

/** Where a missing value usually comes from, by the path's prefix. */
const MISSING_CAUSES: readonly (readonly [string, string])[] = [
    ["gateway.certificate", "was the stack deployed with certificate: false?"],
    ["gateway.clientSecret", "was the stack deployed with clientSecret: false?"],
    ["foundryLocal", "is foundry-entra:foundryLocal configured?"],
];
const GENERIC_CAUSE = "are these the outputs of a foundry-entra stack (pulumi stack output --json --show-secrets)?";

/** The likely cause of a missing output at `path`. */
export function missingCause(path: string): string {
    return MISSING_CAUSES.find(([prefix]) => path === prefix || path.startsWith(`${prefix}.`))?.[1] ?? GENERIC_CAUSE;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
    let v: unknown = root;
    for (const part of path) {
        if (v === null || typeof v !== "object") return undefined;
        v = (v as Record<PropertyKey, unknown>)[part as string];
    }
    return v;
}

/** The first path (depth first) whose value is Pulumi's "[secret]" placeholder. */
function findPlaceholder(v: unknown, path: PropertyKey[] = []): PropertyKey[] | undefined {
    if (v === SECRET_PLACEHOLDER) return path;
    if (Array.isArray(v)) {
        for (let i = 0; i < v.length; i++) {
            const found = findPlaceholder(v[i], [...path, i]);
            if (found) return found;
        }
    } else if (v && typeof v === "object") {
        for (const [k, x] of Object.entries(v)) {
            const found = findPlaceholder(x, [...path, k]);
            if (found) return found;
        }
    }
    return undefined;
}

function describe(value: unknown): string {
    if (value === null) return "null";
    if (Array.isArray(value)) return "a list";
    if (typeof value === "object") return "an object";
    const text = JSON.stringify(value);
    return text.length > 40 ? `${typeof value} ${text.slice(0, 37)}…"` : `${typeof value} ${text}`;
}

function issueMessage(root: unknown, issue: z.core.$ZodIssue): string {
    const path = outputPath(issue.path);
    const value = valueAt(root, issue.path);
    if (value === undefined) return `${path} is absent: ${missingCause(path)}`;
    // Never echo (part of) a secret into a message.
    if ((SECRET_OUTPUT_PATHS as readonly string[]).includes(path)) return `${path}: the value ${issue.code === "invalid_type" ? `is not a ${issue.expected}` : issue.message}`;
    if (issue.code === "invalid_type") return `${path}: expected ${issue.expected}, got ${describe(value)}`;
    return `${path}: ${describe(value)} ${issue.message}`;
}

/**
 * Validates parsed stack-output JSON. Throws a GatewayConfigError naming the first problem (and how many
 * more there are).
 */
export function parseStackOutputs(raw: unknown): StackOutputs {
    if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
        throw new GatewayConfigError(`expected a JSON object of stack outputs, got ${describe(raw)}: pass what pulumi stack output --json --show-secrets prints`);
    }
    const placeholder = findPlaceholder(raw);
    if (placeholder) {
        throw new GatewayConfigError(`${outputPath(placeholder)} is "${SECRET_PLACEHOLDER}": the outputs were printed without --show-secrets; run pulumi stack output --json --show-secrets`);
    }
    const result = StackOutputsSchema.safeParse(raw);
    if (result.success) return result.data;
    const [first, ...rest] = result.error.issues;
    const more = rest.length > 0 ? ` (and ${rest.length} more problem${rest.length === 1 ? "" : "s"})` : "";
    throw new GatewayConfigError(`${first ? issueMessage(raw, first) : "invalid stack outputs"}${more}`);
}

/** Parses stack-output JSON text; `source` names the input in messages, e.g. `outputs.json` or `stdin`. */
export function parseStackOutputsText(text: string, source: string): StackOutputs {
    if (text.trim() === "") {
        throw new GatewayConfigError(`${source} is empty: pass what pulumi stack output --json --show-secrets prints`);
    }
    let raw: unknown;
    try {
        raw = JSON.parse(text);
    } catch (err) {
        // JSON.parse's message can quote the input, which may hold secrets: keep only the position.
        const position = /position (\d+)/.exec((err as Error).message)?.[1];
        throw new GatewayConfigError(`${source} is not JSON${position ? ` (at character ${position})` : ""}: pass what pulumi stack output --json --show-secrets prints`);
    }
    return parseStackOutputs(raw);
}
