/**
 * The outputs that are Pulumi secrets, and the placeholder `pulumi stack output --json` prints for every secret
 * unless asked with `--show-secrets`. The contract schema lets the secret outputs be "[secret]"; a consumer that
 * needs their values requires them here.
 */
import { OutputsError } from "./errors";
import { outputPath, valueAt } from "./paths";

/** What `pulumi stack output --json` prints in place of a secret unless asked with `--show-secrets`. */
export const SECRET_PLACEHOLDER = "[secret]";

/** Output paths that hold Pulumi secrets; the program marks exactly these (test/outputsContract.test.ts checks it). */
export const SECRET_OUTPUT_PATHS = ["gateway.certificate.privateKeyPem", "gateway.clientSecret.value"] as const;

/** One of SECRET_OUTPUT_PATHS. */
export type SecretOutputPath = (typeof SECRET_OUTPUT_PATHS)[number];

/**
 * The outputs that hold a secret output: a value found there in place of the object (a client secret or a private
 * key pasted as `gateway.clientSecret` or `gateway.certificate`) is most likely the secret itself.
 */
const SECRET_CONTAINERS: readonly string[] = ["gateway.clientSecret", "gateway.certificate"];

/** Whether `path` (as `outputPath` renders it) may hold a secret, whose value must never appear in a message. */
export function isSecretPath(path: string): boolean {
    return (SECRET_OUTPUT_PATHS as readonly string[]).includes(path) || SECRET_CONTAINERS.includes(path);
}

/** The first path (depth first) whose value is Pulumi's "[secret]" placeholder. */
function findPlaceholder(v: unknown, path: readonly PropertyKey[] = []): PropertyKey[] | undefined {
    if (v === SECRET_PLACEHOLDER) return [...path];
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

/** Refuses outputs printed without `--show-secrets`: names the first "[secret]" anywhere in them, and the fix. */
export function requireSecrets(raw: unknown): void {
    const placeholder = findPlaceholder(raw);
    if (placeholder) {
        throw new OutputsError(`${outputPath(placeholder)} is "${SECRET_PLACEHOLDER}": the outputs were printed without --show-secrets; run pulumi stack output --json --show-secrets`);
    }
}

/** The secret outputs that read "[secret]", in SECRET_OUTPUT_PATHS order. */
export function redactedSecrets(outputs: unknown): SecretOutputPath[] {
    return SECRET_OUTPUT_PATHS.filter((p) => valueAt(outputs, p.split(".")) === SECRET_PLACEHOLDER);
}
