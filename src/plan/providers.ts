/**
 * What the real providers do between runs, for every resource type the program and `bootstrap/` declare: which input
 * changes replace a resource, what the provider compares the next run's inputs against (its stored state, or the
 * previous inputs), what it writes back into state, and whether a replacement deletes first. The SDK's mock runtime
 * does none of this; the offline mocks (`harness/mocks.ts`) store what `stored()` says, and `npm run plan` diffs with
 * `diffInputs()`. Every entry cites the source it was read from:
 *
 * - AZUREAD: hashicorp/terraform-provider-azuread v3.8.0 (commit 38d1993a1ea6), the version @pulumi/azuread 6.9.1
 *   bridges (pulumi/pulumi-azuread v6.9.1 provider/go.mod), `internal/services/<service>/<resource>_resource.go`,
 *   each attribute's `ForceNew` / `Computed` and the read function. pulumi-azuread's provider/resources.go v6.9.1
 *   overrides none of these.
 * - BRIDGE: pulumi/pulumi-terraform-bridge `pkg/tfbridge/provider.go` Diff: the new inputs are diffed against the
 *   resource's stored state (TF's prior state), and a replacement is create-before-delete unless the schema says
 *   otherwise (`deleteBeforeReplace := len(replaces) > 0 && (res.Schema.DeleteBeforeReplace || nameRequires…)`).
 * - TLS: hashicorp/terraform-provider-tls v4.2.1 `internal/provider/resource_private_key.go`,
 *   `resource_self_signed_cert.go` (every attribute RequiresReplace; ModifyPlan replaces a certificate once
 *   `validity_end_time - early_renewal_hours` has passed: `common_cert.go` modifyPlanIfCertificateReadyForRenewal).
 * - AZURE_NATIVE: pulumi/pulumi-azure-native `provider/pkg/provider/provider.go` Diff (the new inputs are diffed
 *   against the previous *inputs*, not Azure's answer; `deleteBeforeReplace := len(replaces) > 0`),
 *   `provider/pkg/provider/diff.go` (every path parameter replaces; `location` compares ignoring case and spaces),
 *   `provider/pkg/gen/replacement.go` forceNewMap (RoleAssignment: principalId, scope; StorageAccount: location,
 *   isHnsEnabled), and the specs' `x-ms-mutability: ["create","read"]` on a tracked resource's `location`.
 * - ENGINE: pulumi/pulumi v3.248.0 `pkg/resource/deploy/step_generator.go`: ignoreChanges copies the old input
 *   values into the new inputs before the diff and keeps them in the new state (a replacement too);
 *   `shouldTriggerReplace` replaces when a non-null replacementTrigger changes; `import` reads the live resource
 *   and fails when the declared inputs differ ("inputs to import do not match the existing resource");
 *   `retainOnDelete` removes a deleted resource from state without calling the provider.
 */
import { graphDateTime } from "../lib/rotation";

export type ProviderName = "azuread" | "tls" | "azure-native" | "kubernetes";

export interface TypeModel {
    readonly provider: ProviderName;
    /** What the provider diffs the next run's inputs against. */
    readonly diffAgainst: "state" | "inputs";
    /** Top-level inputs whose change replaces the resource; "*" for every input. */
    readonly replaceOn: readonly string[] | "*";
    /** Dotted paths of list inputs the provider compares as sets (TypeSet): order does not count. */
    readonly sets?: readonly string[];
    /** Inputs derived from other inputs by the program: compared through their sources (e.g. a role assignment's name). */
    readonly derived?: Readonly<Record<string, readonly string[]>>;
    /** A replacement deletes the old resource before creating the new one. */
    readonly deleteBeforeReplace: boolean;
    /** Where this entry was read. */
    readonly source: string;
}

const AZUREAD = "terraform-provider-azuread v3.8.0 internal/services";
const AZURE_NATIVE = "pulumi-azure-native provider/pkg/provider/{provider.go Diff, diff.go}, provider/pkg/gen/replacement.go";
const azuread = (replaceOn: readonly string[] | "*", file: string, more: Partial<TypeModel> = {}): TypeModel =>
    ({ provider: "azuread", diffAgainst: "state", replaceOn, deleteBeforeReplace: false, source: `${AZUREAD}/${file}`, ...more });
const arm = (replaceOn: readonly string[], what: string, more: Partial<TypeModel> = {}): TypeModel =>
    ({ provider: "azure-native", diffAgainst: "inputs", replaceOn, deleteBeforeReplace: true, source: `${AZURE_NATIVE} (${what})`, ...more });

/** The model per type token. Types not listed are diffed as azure-native-like "inputs, no replacement". */
export const TYPE_MODELS: Readonly<Record<string, TypeModel>> = {
    "azuread:index/application:Application": azuread(["templateId"], "applications/application_resource.go",
        { sets: ["owners", "identifierUris", "appRoles", "api.oauth2PermissionScopes", "api.knownClientApplications", "tags"] }),
    "azuread:index/servicePrincipal:ServicePrincipal": azuread(["clientId"], "serviceprincipals/service_principal_resource.go",
        { sets: ["owners", "tags", "notificationEmailAddresses", "alternativeNames"] }),
    "azuread:index/applicationPassword:ApplicationPassword": azuread("*", "applications/application_password_resource.go"),
    "azuread:index/applicationCertificate:ApplicationCertificate": azuread("*", "applications/application_certificate_resource.go"),
    "azuread:index/applicationIdentifierUri:ApplicationIdentifierUri": azuread(["applicationId", "identifierUri"], "applications/application_identifier_uri_resource.go"),
    "azuread:index/applicationFederatedIdentityCredential:ApplicationFederatedIdentityCredential":
        azuread(["applicationId", "displayName"], "applications/application_federated_identity_credential_resource.go"),
    "azuread:index/applicationPreAuthorized:ApplicationPreAuthorized":
        azuread(["applicationId", "authorizedClientId"], "applications/application_pre_authorized_resource.go", { sets: ["permissionIds"] }),
    "azuread:index/appRoleAssignment:AppRoleAssignment":
        azuread(["appRoleId", "principalObjectId", "resourceObjectId"], "approleassignments/app_role_assignment_resource.go"),
    "tls:index/privateKey:PrivateKey": { provider: "tls", diffAgainst: "state", replaceOn: "*", deleteBeforeReplace: false,
        source: "terraform-provider-tls v4.2.1 internal/provider/resource_private_key.go (every attribute RequiresReplace)" },
    "tls:index/selfSignedCert:SelfSignedCert": { provider: "tls", diffAgainst: "state", deleteBeforeReplace: false,
        replaceOn: ["privateKeyPem", "subject", "validityPeriodHours", "allowedUses", "dnsNames", "ipAddresses", "uris", "isCaCertificate", "setSubjectKeyId", "setAuthorityKeyId"],
        sets: ["allowedUses"],
        source: "terraform-provider-tls v4.2.1 internal/provider/resource_self_signed_cert.go (RequiresReplace; ModifyPlan renews an expired certificate)" },
    "azure-native:cognitiveservices:Account": arm(["resourceGroupName", "accountName", "location"], "path parameters; location x-ms-mutability create/read"),
    "azure-native:cognitiveservices:Deployment": arm(["resourceGroupName", "accountName", "deploymentName"], "path parameters"),
    "azure-native:authorization:RoleAssignment": arm(["scope", "roleAssignmentName", "principalId"], "path parameters; forceNewMap Authorization/RoleAssignment",
        { derived: { roleAssignmentName: ["scope", "principalId", "roleDefinitionId"] } }),
    "azure-native:authorization:RoleDefinition": arm(["scope", "roleDefinitionId"], "path parameters"),
    "azure-native:managedidentity:UserAssignedIdentity": arm(["resourceGroupName", "resourceName", "location"], "path parameters; location x-ms-mutability create/read"),
    "azure-native:kubernetesconfiguration:Extension": arm(["resourceGroupName", "clusterRp", "clusterResourceName", "clusterName", "extensionName"], "path parameters"),
    // Guardrails: no entry in forceNewMap for either; only the path parameters replace.
    "azure-native:authorization:PolicyAssignment": arm(["scope", "policyAssignmentName"], "path parameters"),
    "azure-native:monitor:DiagnosticSetting": arm(["resourceUri", "name"], "path parameters"),
    "azure-native:keyvault:Vault": arm(["resourceGroupName", "vaultName", "location"], "path parameters; location x-ms-mutability create/read"),
    "azure-native:keyvault:Key": arm(["resourceGroupName", "vaultName", "keyName"], "path parameters"),
    "azure-native:keyvault:Secret": arm(["resourceGroupName", "vaultName", "secretName"], "path parameters"),
    "azure-native:storage:StorageAccount": arm(["resourceGroupName", "accountName", "location", "isHnsEnabled"], "path parameters; forceNewMap Storage/StorageAccount"),
    "azure-native:storage:BlobServiceProperties": arm(["resourceGroupName", "accountName", "blobServicesName"], "path parameters"),
    "azure-native:storage:BlobContainer": arm(["resourceGroupName", "accountName", "containerName"], "path parameters"),
    "kubernetes:core/v1:Secret": { provider: "kubernetes", diffAgainst: "inputs", replaceOn: ["metadata", "type"], deleteBeforeReplace: true,
        source: "Kubernetes: an object's name, namespace and a Secret's type cannot change in place; a named object cannot exist twice, so the replacement deletes first" },
    "kubernetes:apiextensions.k8s.io:CustomResource": { provider: "kubernetes", diffAgainst: "inputs", replaceOn: ["metadata", "apiVersion", "kind"], deleteBeforeReplace: true,
        source: "Kubernetes: an object's name, namespace, apiVersion and kind identify it; a named object cannot exist twice, so the replacement deletes first" },
};

const FALLBACK: TypeModel = { provider: "azure-native", diffAgainst: "inputs", replaceOn: [], deleteBeforeReplace: false, source: "not modelled: compared as inputs" };

/** The model of a type; types outside the table compare their inputs and never replace. */
export function modelOf(type: string): TypeModel {
    return TYPE_MODELS[type] ?? (type.startsWith("kubernetes:") ? TYPE_MODELS["kubernetes:apiextensions.k8s.io:CustomResource"]! : FALLBACK);
}

/**
 * The form Microsoft Graph returns a credential's `startDateTime`/`endDateTime` in, and so the form
 * terraform-provider-azuread stores (its read sets `end_date` to Graph's string as is): a zero fractional part is
 * dropped. `2026-12-16T00:00:00.000Z` → `2026-12-16T00:00:00Z`.
 */
export function graphStoredDate(value: unknown): unknown {
    return typeof value === "string" ? value.replace(/\.0+Z$/, "Z") : value;
}

/**
 * What a provider stores for a resource created with these inputs, beyond echoing them: the normalised forms and the
 * computed fields the next run is compared against. `now` is the creation time (for computed start dates).
 */
export function stored(type: string, inputs: Record<string, unknown>, now: Date): Record<string, unknown> {
    const created = graphDateTime(now);
    switch (type) {
        case "azuread:index/applicationPassword:ApplicationPassword":
        case "azuread:index/applicationCertificate:ApplicationCertificate":
            // Read back from Graph: start_date and end_date are Optional+Computed and stored in Graph's form.
            return { startDate: graphStoredDate(inputs.startDate ?? created), endDate: graphStoredDate(inputs.endDate) };
        case "azuread:index/application:Application":
            // Defaults the provider fills in (application_resource.go: sign_in_audience default, prevent_duplicate_names false).
            return { signInAudience: inputs.signInAudience ?? "AzureADMyOrg", preventDuplicateNames: inputs.preventDuplicateNames ?? false };
        case "azuread:index/servicePrincipal:ServicePrincipal":
            return { accountEnabled: inputs.accountEnabled ?? true, appRoleAssignmentRequired: inputs.appRoleAssignmentRequired ?? false };
        default:
            return {};
    }
}

/** One top-level input that differs, and whether its change replaces the resource. */
export interface InputChange {
    readonly key: string;
    readonly replaces: boolean;
    /** Why, for changes that are not a plain value difference (e.g. "aoai-dev-swc-account is replaced"). */
    readonly because?: string;
}

/** Values that stand for "whatever the real lookup returns": equal to anything (a plan against a real export). */
export type Wildcard = (value: unknown) => boolean;

const normaliseLocation = (v: unknown) => (typeof v === "string" ? v.toLowerCase().replace(/ /g, "") : v);

/** A value in a canonical form for comparison: set paths sorted, object keys sorted. */
function canonical(value: unknown, path: string, sets: ReadonlySet<string>): unknown {
    if (Array.isArray(value)) {
        const items = value.map((v) => canonical(v, path, sets));
        return sets.has(path) ? [...items].sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1)) : items;
    }
    if (value && typeof value === "object") {
        return Object.fromEntries(Object.keys(value).sort().map((k) => [k, canonical((value as Record<string, unknown>)[k], path ? `${path}.${k}` : k, sets)]));
    }
    return value;
}

function equalWith(a: unknown, b: unknown, wildcard: Wildcard | undefined): boolean {
    if (wildcard && (wildcard(a) || wildcard(b))) return true;
    if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => equalWith(x, b[i], wildcard));
    if (a && b && typeof a === "object" && typeof b === "object") {
        const ka = Object.keys(a);
        const kb = Object.keys(b);
        return ka.length === kb.length && ka.every((k) => equalWith((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], wildcard));
    }
    return a === b;
}

/**
 * Diffs a resource's new inputs against what the provider compares them with (`old`: its stored state or its
 * previous inputs, per the model). Only keys of the new inputs are compared: an input the program does not send
 * is Optional+Computed or defaulted for the provider, and not a change. Keys in `skip` (inputs flowing from
 * another resource that is not replaced, in a plan against real state) are not compared.
 */
export function diffInputs(type: string, news: Record<string, unknown>, old: Record<string, unknown>,
    options: { skip?: ReadonlySet<string>; wildcard?: Wildcard } = {}): InputChange[] {
    const model = modelOf(type);
    const sets = new Set(model.sets ?? []);
    const changes: InputChange[] = [];
    const derivedKeys = new Set(Object.keys(model.derived ?? {}));
    for (const key of Object.keys(news).sort()) {
        if (options.skip?.has(key) || derivedKeys.has(key)) continue;
        let a = canonical(news[key], key, sets);
        let b = canonical(old[key], key, sets);
        if (model.provider === "azure-native" && key === "location") {
            a = normaliseLocation(a);
            b = normaliseLocation(b);
        }
        if (!equalWith(a, b, options.wildcard)) changes.push({ key, replaces: model.replaceOn === "*" || model.replaceOn.includes(key) });
    }
    // A derived input changes exactly when one of its sources does; it replaces if it is itself a replacing input.
    for (const [key, from] of Object.entries(model.derived ?? {})) {
        const source = changes.find((c) => from.includes(c.key));
        if (key in news && source) changes.push({ key, replaces: model.replaceOn === "*" || model.replaceOn.includes(key), because: `derived from ${source.key}` });
    }
    return changes;
}
