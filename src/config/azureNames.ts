/**
 * Azure's and Entra ID's naming and count rules for every name and value the program sends, each with its
 * source, as zod schemas the stack config schema (schema.ts) uses field by field. A value Azure would refuse
 * at `pulumi up` — after other resources were already created — is refused here, before anything is
 * registered, with one line naming the key and the rule.
 *
 * Sources:
 * - [ARM] Microsoft Learn, "Naming rules and restrictions for Azure resources",
 *   https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules — also: "resource
 *   names are case-insensitive unless specifically noted", and a name is one segment of the resource id (so
 *   never a `/`).
 * - [FIC] Microsoft Learn, "Important considerations and restrictions for federated identity credentials",
 *   https://learn.microsoft.com/entra/workload-id/workload-identity-federation-considerations — at most 20 per
 *   application; issuer and subject at most 600 characters each; whitespace around the issuer blocks the exchange;
 *   the name at most 120 characters, URL friendly (Microsoft Graph, federatedIdentityCredential resource type).
 * - [OIDC] OpenID Connect Discovery 1.0, section 3: an issuer is an https URL with no query or fragment.
 * - [DNS] RFC 1035 section 2.3.1 and RFC 1123 section 2.1: a domain label is 1-63 letters, digits and
 *   hyphens, starting and ending with a letter or digit (the domain of a user principal name).
 * - [REGIONS] `az account list-locations --query "[].name"`: region names as ARM takes them, lower-case letters and
 *   digits (`swedencentral`, `eastus2`); display names ("Sweden Central") are for people.
 */
import { z } from "zod";
import { excerpt } from "../lib/excerpt";

const show = (v: unknown) => excerpt(v);

/** [ARM] Microsoft.CognitiveServices/accounts: 2-64, alphanumerics and hyphens, start and end alphanumeric. The
 * name is also the custom subdomain (`https://<name>.openai.azure.com/`), so lower case only. */
export const ACCOUNT_NAME = /^[a-z0-9][a-z0-9-]{0,62}[a-z0-9]$/;
export const accountName = () => z.string().regex(ACCOUNT_NAME, {
    error: (i) => `${show(i.input)} is not a valid account name; use 2-64 lower-case letters, digits or "-", starting and ending with a letter or digit (it is also the endpoint's subdomain)`,
});

/** A cluster name as `clusterName()` accepts it. */
export const CLUSTER_NAME = /^(?!.*\.\.)[A-Za-z0-9](?:[A-Za-z0-9_.-]{0,61}[A-Za-z0-9])?$/;

/**
 * A grant target in an `accounts:` list: an account name, `foundry-local` (every Foundry Local site), or
 * `foundry-local/<cluster name>` (one site of a fleet). Whether it names something declared is checked later.
 */
export const grantTarget = () => z.string().refine((v) => ACCOUNT_NAME.test(v) || (v.startsWith("foundry-local/") && CLUSTER_NAME.test(v.slice("foundry-local/".length))), {
    error: (i) => `${show(i.input)} is not a valid target; use an account name (2-64 lower-case letters, digits or "-"), foundry-local, or foundry-local/<cluster name>`,
});

/** [ARM] Microsoft.KeyVault/vaults: 3-24, alphanumerics and hyphens, start with a letter, end with a letter or
 * digit, no consecutive hyphens. */
export const keyVaultName = () => z.string().regex(/^[A-Za-z](?!.*--)[A-Za-z0-9-]{1,22}[A-Za-z0-9]$/, {
    error: (i) => `${show(i.input)} is not a valid Key Vault name; use 3-24 letters, digits or "-", starting with a letter, ending with a letter or digit, without "--"`,
});

/** [ARM] Microsoft.KeyVault/vaults/secrets: 1-127 alphanumerics and hyphens. The prefix takes a suffix such as
 * `-client-secret`, so it is kept to 60 characters and to an alphanumeric start and end (no `--` in the name). */
export const keyVaultSecretPrefix = () => z.string().regex(/^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,58}[A-Za-z0-9])?)?$/, {
    error: (i) => `${show(i.input)} is not a valid secret name prefix; use up to 60 letters, digits or "-", starting and ending with a letter or digit`,
});

/** [ARM] Microsoft.ManagedIdentity/userAssignedIdentities: 3-128, alphanumerics, hyphens and underscores, start
 * with a letter or number. */
export const identityName = () => z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{2,127}$/, {
    error: (i) => `${show(i.input)} is not a valid identity name; use 3-128 letters, digits, "-" or "_", starting with a letter or digit`,
});

/** Deployment names: letters, digits, `.`, `-`, `_`, starting with a letter or digit, at most 64 (what the
 * Foundry portal takes); [ARM] compares them without regard to case. */
export const deploymentName = () => z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, {
    error: (i) => `${show(i.input)} is not a valid deployment name; use 1-64 letters, digits, ".", "-" or "_", starting with a letter or digit`,
});

/**
 * A connected cluster's name, sent in the ARM id of the cluster and so in the scope of every role assignment on
 * it: [ARM] one segment of a resource id — no `/`, no `..` — and, as for Microsoft.ContainerService/managedClusters,
 * 1-63 alphanumerics, underscores, hyphens and periods, starting and ending with a letter or digit.
 */
export const clusterName = () => z.string().regex(CLUSTER_NAME, {
    error: (i) => `${show(i.input)} is not a valid cluster name; use 1-63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit (it is one segment of the cluster's resource id)`,
});

/** [REGIONS] An Azure region's name. */
export const location = () => z.string().regex(/^[a-z][a-z0-9]{1,39}$/, {
    error: (i) => `${show(i.input)} is not an Azure region name; use the name \`az account list-locations --query "[].name"\` prints, e.g. swedencentral or eastus2`,
});

/** An account SKU name (`S0`, `F0`): a capital letter, then letters and digits. */
export const accountSku = () => z.string().regex(/^[A-Z][A-Za-z0-9]{0,15}$/, {
    error: (i) => `${show(i.input)} is not an account SKU name; e.g. S0 (a capital letter, then letters and digits)`,
});

/** A model name as the model catalog lists it (`gpt-4o-mini`, `DeepSeek-R1`, `Phi-4`). */
export const modelName = () => z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, {
    error: (i) => `${show(i.input)} is not a model name; use the name the model catalog lists, e.g. gpt-4o-mini (letters, digits, ".", "-", "_")`,
});

/** A model version (`2024-07-18`, `1`, `0613`). */
export const modelVersion = () => z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, {
    error: (i) => `${show(i.input)} is not a model version; e.g. 2024-07-18 (letters, digits, ".", "-", "_")`,
});

/** A model format, the model's publisher (`OpenAI`, `Microsoft`, `Mistral AI`): words of letters and digits. */
export const modelFormat = () => z.string().regex(/^[A-Za-z0-9](?:[A-Za-z0-9 ._-]{0,62}[A-Za-z0-9])?$/, {
    error: (i) => `${show(i.input)} is not a model format; use the model's publisher as the catalog names it, e.g. OpenAI or Mistral AI`,
});

/** [DNS] A user principal name: a local part without spaces or control characters, `@`, a domain of labels. */
const DOMAIN_LABEL = "[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?";
const UPN = new RegExp(`^[^@\\s\\p{Cc}]{1,64}@${DOMAIN_LABEL}(?:\\.${DOMAIN_LABEL})+$`, "u");
export const upn = () => z.string().regex(UPN, {
    error: (i) => `${show(i.input)} is not a user principal name; expected name@domain, e.g. alice@contoso.com (each domain label starts and ends with a letter or digit)`,
});

/** An https URL without credentials in it (`user:password@`), which would be stored in the state and shown in plans. */
export const httpsUrl = () => z.string().superRefine((v, ctx) => {
    const url = URL.canParse(v) ? new URL(v) : undefined;
    if (url?.protocol !== "https:") {
        ctx.addIssue({ code: "custom", message: `${show(v)} is not an https:// URL` });
    } else if (url.username !== "" || url.password !== "") {
        ctx.addIssue({ code: "custom", message: "must not carry credentials (user:password@): they would be stored in the stack's state and printed in plans; the value is not shown" });
    }
});

/** [FIC] [OIDC] A federated credential's issuer: an https URL, no query or fragment, no surrounding white space, at most 600 characters. */
export const ficIssuer = () => httpsUrl().superRefine((v, ctx) => {
    if (v.length > 600) ctx.addIssue({ code: "custom", message: `is ${v.length} characters long; Entra ID takes at most 600` });
    else if (v.trim() !== v) ctx.addIssue({ code: "custom", message: "has white space around it, which blocks the token exchange" });
    else if (URL.canParse(v) && (new URL(v).search !== "" || new URL(v).hash !== "")) {
        ctx.addIssue({ code: "custom", message: `${show(v)} has a query or fragment; an OIDC issuer has neither` });
    }
});

/** [FIC] A federated credential's subject: 1-600 characters, matched exactly against the token's `sub`, so no
 * control character (a newline from a YAML block scalar) and no surrounding white space. */
export const ficSubject = () => z.string()
    .min(1, { error: "must not be empty; e.g. system:serviceaccount:<namespace>:<service-account>" })
    .max(600, { error: (i) => `is ${String((i.input as string).length)} characters long; Entra ID takes at most 600` })
    .refine((v) => !/\p{Cc}/u.test(v), { error: "holds a control character (a newline?); the subject must match the token's sub claim exactly" })
    .refine((v) => v.trim() === v, { error: "has white space around it; the subject must match the token's sub claim exactly" });

/** [FIC] At most 20 federated identity credentials per application. */
export const MAX_FEDERATED_CREDENTIALS = 20;
export const ficList = <T extends z.ZodType>(item: T) => z.array(item).max(MAX_FEDERATED_CREDENTIALS, {
    error: (i) => `declares ${Array.isArray(i.input) ? i.input.length : "more than 20"} federated credentials; Entra ID allows at most ${MAX_FEDERATED_CREDENTIALS} per application`,
});

/**
 * [ARM] A list whose entries' `key` names must differ the way Azure compares them: without regard to case. Two
 * names equal but for case are one resource in Azure (the second create would overwrite or fail). Names equal
 * exactly are reported by the config parser (parse.ts); this adds the case-insensitive comparison.
 */
export function caseInsensitivelyUnique<T extends z.ZodType>(item: T, key: string, what: string) {
    return z.array(item).superRefine((list, ctx) => {
        const seen = new Map<string, { index: number; name: string }>();
        list.forEach((entry, index) => {
            const name = (entry as Record<string, unknown> | null)?.[key];
            if (typeof name !== "string") return;
            const first = seen.get(name.toLowerCase());
            if (!first) seen.set(name.toLowerCase(), { index, name });
            else if (first.name !== name) {
                ctx.addIssue({ code: "custom", path: [index, key], message: `${show(name)} differs from entry ${first.index} (${show(first.name)}) only in case; Azure compares ${what} names without regard to case, so both name one ${what}` });
            }
        });
    });
}
