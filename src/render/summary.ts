/**
 * The few properties of each resource type that a reviewer reads in the tree: who gets which role where,
 * whether key auth is off, the token version, scopes and app roles, credential lifetimes. Everything else is
 * in `--format json`.
 */
import { resolveRole } from "../config/roles";
import { AZURE_CLI_CLIENT_ID } from "../../components/foundryLocalApi";
import { shortType, type RenderModel, type RenderResource } from "./model";

type Inputs = Record<string, unknown>;
type Summarizer = (inputs: Inputs, model: RenderModel) => [string, unknown][];

const get = (value: unknown, path: string): unknown =>
    path.split(".").reduce<unknown>((v, k) => (v && typeof v === "object" ? (v as Inputs)[k] : undefined), value);

const list = (value: unknown): Inputs[] => (Array.isArray(value) ? (value as Inputs[]) : []);

/** `/subscriptions/…/resourceGroups/rg/providers/Ns/accounts/name` → `accounts/name (rg)`; `/subscriptions/…/resourceGroups/rg` → `resourceGroups/rg`. */
export function shortScope(scope: unknown): string {
    const text = String(scope);
    const m = /\/resourceGroups\/([^/]+)\/providers\/[^/]+\/(.+)$/i.exec(text);
    if (m) return `${m[2]} (${m[1]})`;
    const group = /^\/subscriptions\/[^/]+\/(resourceGroups\/[^/]+)$/i.exec(text);
    return group?.[1] ?? text;
}

/** The value of the app role with this id, from any app registration in the render. */
function appRoleName(model: RenderModel, id: unknown): string {
    for (const r of model.resources) {
        const role = list(r.inputs.appRoles).find((a) => a.id === id);
        if (role) return `${String(role.value)} (${String(id)})`;
    }
    return String(id);
}

const SUMMARIES: Readonly<Record<string, Summarizer>> = {
    RoleAssignment: (i) => [
        ["role", resolveRole(String(i.roleDefinitionId).split("/").pop() ?? "", "OpenAI").name],
        ["scope", shortScope(i.scope)],
        ["principal", `${String(i.principalType)} ${String(i.principalId)}`],
    ],
    Account: (i) => [
        ["kind", `${String(i.kind)}, sku ${String(get(i, "sku.name"))}, ${String(i.location)}`],
        ["disableLocalAuth", get(i, "properties.disableLocalAuth")],
        ["customSubDomainName", get(i, "properties.customSubDomainName")],
        ["publicNetworkAccess", get(i, "properties.publicNetworkAccess")],
    ],
    Deployment: (i) => [
        ["model", `${String(get(i, "properties.model.name"))} ${String(get(i, "properties.model.version"))}`],
        ["sku", `${String(get(i, "sku.name"))}, capacity ${String(get(i, "sku.capacity"))}`],
    ],
    Application: (i) => [
        ["displayName", i.displayName],
        ["signInAudience", i.signInAudience],
        ["tokenVersion", get(i, "api.requestedAccessTokenVersion")],
        ...list(get(i, "api.oauth2PermissionScopes")).map((s): [string, unknown] => ["scope", `${String(s.value)} (${String(s.type)} consent)`]),
        ...list(i.appRoles).map((a): [string, unknown] => ["appRole", `${String(a.value)} (${list(a.allowedMemberTypes).join(", ")})`]),
    ],
    ServicePrincipal: (i) => [["clientId", i.clientId]],
    ApplicationIdentifierUri: (i) => [["identifierUri", i.identifierUri]],
    ApplicationPreAuthorized: (i) => [
        ["authorizedClientId", i.authorizedClientId === AZURE_CLI_CLIENT_ID ? `${AZURE_CLI_CLIENT_ID} (Azure CLI)` : i.authorizedClientId],
    ],
    AppRoleAssignment: (i, model) => [
        ["appRole", appRoleName(model, i.appRoleId)],
        ["principal", i.principalObjectId],
        ["resource", i.resourceObjectId],
    ],
    ApplicationFederatedIdentityCredential: (i) => [["issuer", i.issuer], ["subject", i.subject]],
    ApplicationPassword: (i) => [["displayName", i.displayName], ["endDate", i.endDate]],
    ApplicationCertificate: (i) => [["type", i.type], ["endDate", i.endDate]],
    PrivateKey: (i) => [["algorithm", `${String(i.algorithm)} ${String(i.rsaBits ?? "")}`.trim()]],
    SelfSignedCert: (i) => [
        ["subject", Object.entries((i.subject ?? {}) as Inputs).map(([k, v]) => `${k}=${String(v)}`).join(", ")],
        ["validityDays", Number(i.validityPeriodHours) / 24],
    ],
    UserAssignedIdentity: (i) => [["resourceName", `${String(i.resourceName)} (${String(i.resourceGroupName)})`]],
    Extension: (i) => [
        ["extensionType", i.extensionType],
        ["version", i.version ?? `latest on ${String(i.releaseTrain)}, auto-upgrade`],
    ],
};

/** `[key, text]` pairs for a resource: its type's key properties, then the options that are set. */
export function summarize(r: RenderResource, model: RenderModel): [string, string][] {
    const fields = SUMMARIES[shortType(r.type)]?.(r.inputs, model) ?? [];
    const o = r.options;
    const options = [
        o.protect ? "protect" : "",
        o.retainOnDelete ? "retainOnDelete" : "",
        o.import !== null ? "import" : "",
        o.ignoreChanges.length > 0 ? `ignoreChanges ${o.ignoreChanges.join(", ")}` : "",
        o.replacementTrigger !== undefined ? `replacementTrigger ${JSON.stringify(o.replacementTrigger)}` : "",
    ].filter((x) => x !== "");
    return [
        ...fields.filter(([, v]) => v !== undefined && v !== null && v !== "").map(([k, v]): [string, string] => [k, String(v)]),
        ...(options.length > 0 ? [["options", options.join("; ")] as [string, string]] : []),
    ];
}
