/**
 * The bootstrap's configuration (namespace `foundry-entra-bootstrap`): parsed and validated once, before any resource
 * is registered. Every problem becomes one line naming the key path, what was wrong and what is allowed; all
 * problems are reported at once (the same contract as `src/config/parse.ts`).
 */
import { z } from "zod";
import { namespaceReader } from "../src/config/issues";
import { GUID_PATTERN } from "../src/config/roles";
import { slug } from "../src/lib/names";
import { NOT_ASSIGNABLE } from "./roles";

export const NAMESPACE = "foundry-entra-bootstrap";

/** GitHub environments the deployer may deploy from, unless configured. */
export const DEFAULT_ENVIRONMENTS = ["dev", "staging", "prod"] as const;
/** Suffix of the GitHub environment a preview job runs in: `<env>-preview`. */
export const PREVIEW_SUFFIX = "-preview";
/** Entra allows at most 20 federated identity credentials per application. */
export const MAX_FEDERATED_CREDENTIALS = 20;

const show = (v: unknown): string => (typeof v === "string" ? JSON.stringify(v) : String(JSON.stringify(v) ?? v));

const guid = () =>
    z.string().regex(GUID_PATTERN, { error: (i) => `${show(i.input)} is not a GUID; expected 8-4-4-4-12 hexadecimal digits` })
        .refine((v) => !/^0{8}-0{4}-0{4}-0{4}-0{12}$/.test(v), { error: "the nil GUID is a placeholder; put a real object id here" });

// GitHub: owners are 1-39 letters, digits or single hyphens (not at either end); repository names 1-100 of
// letters, digits, ".", "-", "_", and never "." or "..".
const GITHUB_OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;
const GITHUB_REPO = /^(?!\.{1,2}$)[A-Za-z0-9._-]{1,100}$/;
// Environment names end up in the token's `sub` claim; this keeps them to characters that need no escaping there.
const ENVIRONMENT = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
const SCOPE = /^\/subscriptions\/([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})(?:\/resourceGroups\/([-\w.()]{0,89}[-\w()]))?$/i;
const RESOURCE_GROUP = /^[-\w.()]{0,89}[-\w()]$/;
const STORAGE_ACCOUNT = /^[a-z0-9]{3,24}$/;
const KEY_VAULT = /^[A-Za-z](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){2,23}$/;
const DISPLAY_NAME_PREFIX = /^[A-Za-z0-9][A-Za-z0-9 ._-]{0,79}$/;

export const STORAGE_SKUS = ["Standard_LRS", "Standard_ZRS", "Standard_GRS", "Standard_RAGRS", "Standard_GZRS", "Standard_RAGZRS"] as const;

const environment = () => z.string().regex(ENVIRONMENT, {
    error: (i) => `${show(i.input)} is not a usable GitHub environment name; use 1-100 letters, digits, ".", "-" or "_", starting with a letter or digit`,
});

const scope = () => z.string().regex(SCOPE, {
    error: (i) => `${show(i.input)} is not an ARM scope; expected /subscriptions/<guid> or /subscriptions/<guid>/resourceGroups/<name>`,
}).refine((v) => !/^\/subscriptions\/0{8}-0{4}-0{4}-0{4}-0{12}/.test(v), {
    error: "the nil subscription id is a placeholder; put your subscription id here",
});

const assignableRole = () => guid().superRefine((v, ctx) => {
    const refused = NOT_ASSIGNABLE.get(v.toLowerCase());
    if (refused) ctx.addIssue({ code: "custom", message: `"${v}" is the ${refused} role; the deployer may never hand it out (it grants control over access itself)` });
});

export const BootstrapSchema = z.strictObject({
    /** The repository whose GitHub Actions workflows may sign in. */
    github: z.strictObject({
        owner: z.string({ error: (i) => (i.input === undefined ? "is required (the GitHub user or organisation)" : `expected a string, got ${show(i.input)}`) })
            .regex(GITHUB_OWNER, { error: (i) => `${show(i.input)} is not a GitHub owner name; use 1-39 letters, digits or single hyphens, not starting or ending with a hyphen` }),
        repo: z.string({ error: (i) => (i.input === undefined ? "is required (the repository name)" : `expected a string, got ${show(i.input)}`) })
            .regex(GITHUB_REPO, { error: (i) => `${show(i.input)} is not a GitHub repository name; use 1-100 letters, digits, ".", "-" or "_"` }),
    }, { error: (i) => (i.input === undefined ? "is required: { owner, repo } of the repository whose workflows deploy" : `expected an object { owner, repo }, got ${show(i.input)}`) }),
    environments: z.array(environment(), { error: (i) => `expected a list of GitHub environment names, got ${show(i.input)}` })
        .min(1, { error: "must name at least one GitHub environment" })
        .max(MAX_FEDERATED_CREDENTIALS, { error: `names more than ${MAX_FEDERATED_CREDENTIALS} environments; Entra allows ${MAX_FEDERATED_CREDENTIALS} federated credentials per app` })
        .default([...DEFAULT_ENVIRONMENTS]),
    previews: z.boolean({ error: (i) => `expected true or false, got ${show(i.input)}` }).default(true),
    scopes: z.array(scope(), { error: (i) => (i.input === undefined
        ? "is required: the ARM scopes (/subscriptions/<guid> or /subscriptions/<guid>/resourceGroups/<name>) the deployer manages"
        : `expected a list of ARM scopes, got ${show(i.input)}`) })
        .min(1, { error: "must name at least one scope: /subscriptions/<guid> or /subscriptions/<guid>/resourceGroups/<name>" }),
    // Required and from config only, like the program's gateway.owners: the provider compares owners on every run, and
    // a list that followed whoever runs the bootstrap would change with each administrator who does.
    owners: z.array(guid(), { error: (i) => (i.input === undefined
        ? "is required; list the object ids of the administrators who own the pipeline identities (yours: az ad signed-in-user show --query id -o tsv)"
        : `expected a list of object ids, got ${show(i.input)}`) })
        .min(1, { error: "is empty; list the object ids of the administrators who own the pipeline identities" }),
    appRoleAssignments: z.boolean({ error: (i) => `expected true or false, got ${show(i.input)}` }).default(true),
    keyVaultDelivery: z.boolean({ error: (i) => `expected true or false, got ${show(i.input)}` }).default(false),
    assignableRoles: z.array(assignableRole(), { error: (i) => `expected a list of role definition GUIDs, got ${show(i.input)}` }).default([]),
    displayNamePrefix: z.string().regex(DISPLAY_NAME_PREFIX, {
        error: (i) => `${show(i.input)} is not a usable display name prefix; use 1-80 letters, digits, spaces, ".", "-" or "_"`,
    }).optional(),
    state: z.strictObject({
        resourceGroupName: z.string({ error: "is required (an existing resource group for the state storage account and Key Vault)" })
            .regex(RESOURCE_GROUP, { error: (i) => `${show(i.input)} is not a valid resource group name` }),
        storageAccountName: z.string({ error: "is required (3-24 lower-case letters and digits, globally unique)" })
            .regex(STORAGE_ACCOUNT, { error: (i) => `${show(i.input)} is not a valid storage account name; use 3-24 lower-case letters and digits` }),
        keyVaultName: z.string({ error: "is required (3-24 letters, digits and hyphens, globally unique)" })
            .regex(KEY_VAULT, { error: (i) => `${show(i.input)} is not a valid Key Vault name; use 3-24 letters, digits or single hyphens, starting with a letter` }),
        location: z.string().min(1).optional(),
        sku: z.enum(STORAGE_SKUS, { error: (i) => `${show(i.input)} is not a storage SKU; allowed: ${STORAGE_SKUS.join(", ")}` }).default("Standard_ZRS"),
        protect: z.boolean({ error: (i) => `expected true or false, got ${show(i.input)}` }).default(true),
    }, { error: (i) => `expected an object { resourceGroupName, storageAccountName, keyVaultName, location?, sku?, protect? }, got ${show(i.input)}` }).optional(),
});

export type RawBootstrapConfig = z.output<typeof BootstrapSchema>;

/** An ARM scope the deployer manages, split into its parts. */
export interface Scope {
    /** As configured, e.g. `/subscriptions/<guid>/resourceGroups/rg-foundry`. */
    readonly id: string;
    readonly subscriptionId: string;
    readonly resourceGroupName?: string;
}

export interface StateConfig {
    readonly resourceGroupName: string;
    readonly storageAccountName: string;
    readonly keyVaultName: string;
    readonly location: string;
    readonly sku: (typeof STORAGE_SKUS)[number];
    readonly protect: boolean;
}

/** The validated configuration the program declares resources from. */
export interface BootstrapConfig {
    readonly stack: string;
    readonly github: { readonly owner: string; readonly repo: string };
    readonly environments: readonly string[];
    readonly previews: boolean;
    readonly scopes: readonly Scope[];
    /** The subscription of the first scope: what pipelines select (`AZURE_SUBSCRIPTION_ID`). */
    readonly subscriptionId: string;
    /** Owners (lower-case object ids) of both app registrations. */
    readonly owners: readonly string[];
    readonly appRoleAssignments: boolean;
    readonly keyVaultDelivery: boolean;
    /** Extra role definition GUIDs (lower case) the deployer may assign, beyond the program's own. */
    readonly assignableRoles: readonly string[];
    /** Display names are `<prefix>-deployer` and `<prefix>-previewer`. */
    readonly displayNamePrefix: string;
    readonly state?: StateConfig;
}

export type ParseResult =
    | { readonly ok: true; readonly config: BootstrapConfig }
    | { readonly ok: false; readonly problems: readonly string[] };

const reader = namespaceReader(NAMESPACE, BootstrapSchema);

/** Renders a path as the key a user types, e.g. `foundry-entra-bootstrap:scopes[1]`. */
export const keyPath = reader.keyPath;

/**
 * Parses the whole stack config (as `pulumi.runtime.allConfig()` returns it: `"<namespace>:<key>"` → string).
 * Keys of other namespaces are ignored, except `azure-native:location` (the default state location).
 */
export function parseBootstrapConfig(all: Readonly<Record<string, string>>, ctx: { readonly stack: string }): ParseResult {
    const { input, problems } = reader.read(all);
    const parsed = BootstrapSchema.safeParse(input, { reportInput: true });
    if (!parsed.success) problems.push(...parsed.error.issues.flatMap((i) => reader.issueLines(i)));
    if (problems.length > 0 || !parsed.success) return { ok: false, problems };
    const config = normalise(parsed.data, ctx.stack, all["azure-native:location"], problems);
    return problems.length > 0 ? { ok: false, problems } : { ok: true, config };
}

function normalise(raw: RawBootstrapConfig, stack: string, defaultLocation: string | undefined, problems: string[]): BootstrapConfig {
    const problem = (path: readonly PropertyKey[], text: string) => problems.push(`${keyPath(path)}: ${text}`);

    // GitHub compares environment names without regard to case, and resource names are slugs of them: two entries
    // differing only in case or punctuation would be one environment, or one resource.
    const firstEnv = new Map<string, number>();
    raw.environments.forEach((e, i) => {
        const first = firstEnv.get(slug(e));
        if (first !== undefined) {
            problem(["environments", i], `"${e}" is already listed at ${keyPath(["environments", first])} (names may not differ only in case or punctuation)`);
        } else {
            firstEnv.set(slug(e), i);
        }
    });
    if (raw.previews) {
        // `dev-preview` as a deployment environment would also be the preview environment of `dev`: a pull-request
        // preview job could then sign in as the deployer.
        raw.environments.forEach((e, i) => {
            if (!e.toLowerCase().endsWith(PREVIEW_SUFFIX)) return;
            const base = slug(e.slice(0, -PREVIEW_SUFFIX.length));
            const other = firstEnv.get(base);
            if (other !== undefined) {
                problem(["environments", i], `"${e}" is the preview environment of "${raw.environments[other] ?? ""}" ` +
                    "(previews are on); a pull-request preview could sign in as the deployer. Rename it or set previews: false");
            }
        });
    }

    const scopes: Scope[] = raw.scopes.map((id) => {
        const m = SCOPE.exec(id);
        const rg = m?.[2];
        return { id, subscriptionId: (m?.[1] ?? "").toLowerCase(), ...(rg ? { resourceGroupName: rg } : {}) };
    });
    scopes.forEach((s, i) => {
        scopes.slice(0, i).forEach((t, j) => {
            const a = s.id.toLowerCase();
            const b = t.id.toLowerCase();
            if (a === b) problem(["scopes", i], `"${s.id}" is already listed at ${keyPath(["scopes", j])}; scopes must be unique`);
            else if (a.startsWith(`${b}/`) || b.startsWith(`${a}/`)) {
                problem(["scopes", i], `"${s.id}" overlaps ${keyPath(["scopes", j])} ("${t.id}"); list either the subscription or its resource groups`);
            }
        });
    });

    let state: StateConfig | undefined;
    if (raw.state) {
        const location = raw.state.location ?? defaultLocation;
        if (!location) problem(["state", "location"], "is required because azure-native:location is not set (e.g. swedencentral)");
        state = { ...raw.state, location: location ?? "" };
    }

    return {
        stack,
        github: raw.github,
        environments: raw.environments,
        previews: raw.previews,
        scopes,
        subscriptionId: scopes[0]?.subscriptionId ?? "",
        owners: [...new Set(raw.owners.map((o) => o.toLowerCase()))],
        appRoleAssignments: raw.appRoleAssignments,
        keyVaultDelivery: raw.keyVaultDelivery,
        assignableRoles: [...new Set(raw.assignableRoles.map((r) => r.toLowerCase()))],
        displayNamePrefix: raw.displayNamePrefix ?? `foundry-entra-${raw.github.repo}`,
        ...(state ? { state } : {}),
    };
}

/** The `sub` claim GitHub Actions puts in a job's OIDC token when the job runs in an environment (default subject format). */
export function environmentSubject(github: { readonly owner: string; readonly repo: string }, environment: string): string {
    return `repo:${github.owner}/${github.repo}:environment:${environment}`;
}
