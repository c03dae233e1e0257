/**
 * `foundry-entra:adopt` and `foundry-entra:guardrails` in the program: adopted objects render as imports (the given ids,
 * kept on delete, an adopted grant keeping its name and scope), never as a second copy; bad maps fail with one line per
 * problem naming the key and register nothing; what the program does not manage on an adopted object is kept, for every
 * input property the installed SDKs have; the guardrails render as the built-in policy and diagnostic settings; expiry
 * lists an adopted app's own credentials as not managed here.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runProgram, type RunResult } from "../harness/run";
import { checkExpiry } from "../src/expiry/check";
import { formatText as expiryText } from "../src/expiry/format";
import {
    UNMANAGED_ACCOUNT_INPUTS, UNMANAGED_ACCOUNT_PROPERTIES, UNMANAGED_API_APPLICATION_INPUTS, UNMANAGED_APPLICATION_INPUTS, UNMANAGED_DEPLOYMENT_INPUTS,
    UNMANAGED_DEPLOYMENT_PROPERTIES, UNMANAGED_EXTENSION_INPUTS, UNMANAGED_IDENTITY_INPUTS, UNMANAGED_SERVICE_PRINCIPAL_INPUTS,
} from "../src/lib/unmanaged";
import { policies } from "../policy/policies";
import { devWith, named, ofType, refuse, ROOT, RT } from "./helpers";

const SUB = "6c1f3e2a-8b4d-4f5e-9a7b-1c2d3e4f5a60";
const RG = `/subscriptions/${SUB}/resourceGroups/rg-ai-dev`;
const AOAI = `${RG}/providers/Microsoft.CognitiveServices/accounts/aoai-dev-swc`;
const CLUSTER = `/subscriptions/${SUB}/resourceGroups/rg-edge/providers/Microsoft.Kubernetes/connectedClusters/arc-edge-01`;
const ra = (scope: string, name: string) => `${scope}/providers/Microsoft.Authorization/roleAssignments/${name}`;

const G = {
    app: "11111111-1111-4111-8111-000000000001", sp: "11111111-1111-4111-8111-000000000002",
    api: "11111111-1111-4111-8111-000000000003", apiSp: "11111111-1111-4111-8111-000000000004",
    scope: "11111111-1111-4111-8111-000000000005", role: "11111111-1111-4111-8111-000000000006",
    mi: "11111111-1111-4111-8111-000000000007", group: "11111111-1111-4111-8111-000000000008", arc: "11111111-1111-4111-8111-000000000009",
    alice: "11111111-1111-4111-8111-00000000000a",
};
const NAMES = ["a0000000-0000-4000-8000-000000000001", "a0000000-0000-4000-8000-000000000002", "a0000000-0000-4000-8000-000000000003",
    "a0000000-0000-4000-8000-000000000004", "a0000000-0000-4000-8000-000000000005"];
const MI_ID = `${RG}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/batch-worker`;
const DEPLOYMENT = `${AOAI}/deployments/gpt-4o-mini`;

/** The base dev stack with its OpenAI account existing and everything the guides would have made adopted. */
const ACCOUNTS = [
    { name: "aoai-dev-swc", resourceGroupName: "rg-ai-dev", kind: "OpenAI", existing: true, disableLocalAuth: false, deployments: [{ name: "gpt-4o-mini", model: "gpt-4o-mini", version: "2024-07-18" }] },
    { name: "foundry-dev-swc", resourceGroupName: "rg-ai-dev", kind: "AIServices" },
];
const ADOPT = {
    gatewayApplication: G.app, gatewayServicePrincipal: G.sp,
    foundryLocalApplication: G.api, foundryLocalServicePrincipal: G.apiSp, foundryLocalScopeId: G.scope, foundryLocalAppRoleId: G.role,
    foundryLocalIdentifierUri: "api://22222222-2222-4222-8222-000000000003", foundryLocalAzureCliPreAuthorized: true,
    userAssignedIdentities: [{ id: MI_ID, principalId: G.mi }],
    deployments: [DEPLOYMENT],
    roleAssignments: [
        { id: ra(AOAI, NAMES[0]!), principalId: G.sp, role: "inference" },
        { id: ra(AOAI, NAMES[1]!), principalId: G.group, role: "admin" },
        { id: ra(AOAI, NAMES[2]!), principalId: G.mi, role: "Cognitive Services OpenAI User" },
        { id: ra(CLUSTER, NAMES[3]!), principalId: G.arc, role: "5e0bd9bd-7b93-4f28-af87-19fc36ad61bd" },
        { id: ra(CLUSTER, NAMES[4]!), principalId: G.alice, role: "inference" },
    ],
    appRoleAssignments: [
        { id: `/servicePrincipals/${G.apiSp}/appRoleAssignedTo/gateway-assignment`, principalId: G.sp },
        { id: `/servicePrincipals/${G.apiSp}/appRoleAssignedTo/mi-assignment`, principalId: G.mi },
    ],
    gatewayCredentials: [{ type: "clientSecret", keyId: "33333333-3333-4333-8333-000000000001", displayName: "truefoundry", endDate: "2026-03-01T00:00:00Z" }],
};

/** Lookups answered with the tenant's ids (the program's lookups of users, groups and the cluster). */
const LOOKUPS = {
    "azuread:index/getUser:getUser": (i: Record<string, unknown>) => ({ objectId: G.alice, userPrincipalName: i.userPrincipalName }),
    "azuread:index/getGroup:getGroup": (i: Record<string, unknown>) => ({ objectId: G.group, displayName: i.displayName }),
    "azure-native:kubernetes:getConnectedCluster": () => ({ id: CLUSTER, name: "arc-edge-01", identity: { principalId: G.arc, type: "SystemAssigned" } }),
};

const adopted = (overrides: Record<string, unknown> = {}) => devWith({ accounts: ACCOUNTS, adopt: ADOPT, ...overrides });
const run = (config: Record<string, string>): Promise<RunResult> => runProgram({ config, invokes: LOOKUPS });

describe("foundry-entra:adopt renders as imports", () => {
    it("declares every adopted object with import set to its id and retainOnDelete, once", async () => {
        const r = await run(adopted());
        const imports = Object.fromEntries(r.resources.filter((x) => x.options.import).map((x) => [x.name, x.options.import]));
        expect(imports).toEqual({
            "gateway-app": `/applications/${G.app}`,
            "gateway-sp": `/servicePrincipals/${G.sp}`,
            "foundry-local-api-app": `/applications/${G.api}`,
            "foundry-local-api-sp": `/servicePrincipals/${G.apiSp}`,
            // terraform-provider-azuread's ids: standard base64 of the URI; `<object id>/preAuthorizedApplication/<client id>`.
            "foundry-local-api-uri": `/applications/${G.api}/identifierUris/YXBpOi8vMjIyMjIyMjItMjIyMi00MjIyLTgyMjItMDAwMDAwMDAwMDAz`,
            "foundry-local-api-azure-cli": `${G.api}/preAuthorizedApplication/04b07795-8ddb-461a-bbee-02f9e1bf7b46`,
            "foundry-local-api-gateway-app-role": `/servicePrincipals/${G.apiSp}/appRoleAssignedTo/gateway-assignment`,
            "mi-batch-worker-app-role": `/servicePrincipals/${G.apiSp}/appRoleAssignedTo/mi-assignment`,
            "mi-batch-worker-identity": MI_ID,
            "aoai-dev-swc-account": AOAI,
            "aoai-dev-swc-gpt-4o-mini": DEPLOYMENT,
            "access-gateway-aoai-dev-swc-openai-user": ra(AOAI, NAMES[0]!),
            "access-group-ai-engineers-aoai-dev-swc-cs-contributor": ra(AOAI, NAMES[1]!),
            "mi-batch-worker-identity-aoai-dev-swc-openai-user": ra(AOAI, NAMES[2]!),
            "arc-cluster-arc-identity-openai-user": ra(CLUSTER, NAMES[3]!),
            "arc-cluster-user-alice-contoso-com-foundry-local-openai-user": ra(CLUSTER, NAMES[4]!),
        });
        for (const x of r.resources.filter((y) => y.options.import)) expect(x.options.retainOnDelete, x.name).toBe(true);
        // One app registration, one service principal per app: the adopted ones, no second copy.
        expect(ofType(r, RT.app).map((x) => x.name).sort()).toEqual(["foundry-local-api-app", "gateway-app"]);
        expect(ofType(r, RT.sp).map((x) => x.name).sort()).toEqual(["foundry-local-api-sp", "gateway-sp"]);
        // Grants that did not exist are still created, named as always.
        expect(named(r, "access-gateway-foundry-dev-swc-openai-user").options.import).toBeUndefined();
    });

    it("keeps an adopted grant's name and scope; the offline identities answer with the import ids", async () => {
        const r = await run(adopted());
        const grant = named(r, "mi-batch-worker-identity-aoai-dev-swc-openai-user");
        expect(grant.inputs).toMatchObject({ roleAssignmentName: NAMES[2], scope: AOAI, principalId: G.mi });
        expect(named(r, "access-gateway-aoai-dev-swc-openai-user").inputs.principalId).toBe(G.sp);
        expect(named(r, "foundry-local-api-gateway-app-role").inputs).toMatchObject({ principalObjectId: G.sp, resourceObjectId: G.apiSp, appRoleId: G.role });
        // The adopted API keeps its live scope and app-role ids, and its URI.
        const api = named(r, "foundry-local-api-app").inputs as { api: { oauth2PermissionScopes: { id: string }[] }; appRoles: { id: string }[] };
        expect([api.api.oauth2PermissionScopes[0]!.id, api.appRoles[0]!.id]).toEqual([G.scope, G.role]);
        expect(named(r, "foundry-local-api-uri").inputs.identifierUri).toBe(ADOPT.foundryLocalIdentifierUri);
        // What the program does not manage stays as it is on the adopted account and apps.
        expect([...named(r, "aoai-dev-swc-account").options.ignoreChanges].sort()).toEqual([...UNMANAGED_ACCOUNT_INPUTS].sort());
        expect([...named(r, "gateway-app").options.ignoreChanges].sort()).toEqual([...UNMANAGED_APPLICATION_INPUTS].sort());
        // The app's own credentials are not managed: no `password` block, which terraform-provider-azuread would reconcile.
        expect(named(r, "gateway-app").inputs).not.toHaveProperty("password");
        expect(named(r, "gateway-app").options.ignoreChanges).not.toContain("password");
    });

    it("exports the adopted app's own credentials, which expiry lists as not managed here without failing", async () => {
        const r = await run(adopted());
        const gateway = r.outputs.gateway as Record<string, unknown>;
        expect(gateway.unmanagedCredentials).toEqual([{ type: "clientSecret", keyId: "33333333-3333-4333-8333-000000000001", displayName: "truefoundry", endDate: "2026-03-01T00:00:00Z" }]);
        const report = checkExpiry(JSON.parse(JSON.stringify(r.outputs)) as Record<string, unknown>, { now: new Date("2026-02-15T00:00:00Z"), withinDays: 30 });
        expect(report.failing).toEqual([]);
        const text = expiryText(report);
        expect(text).toContain("external gateway.unmanagedCredentials[0], not managed here (client secret \"truefoundry\"): expires 2026-03-01 (14 days left)");
        expect(text).toMatch(/note: gateway\.unmanagedCredentials\[0\] \(client secret "truefoundry"\) is not managed here and expires on 2026-03-01: make sure the gateway uses the stack's credential/);
    });
});

describe("the Foundry Local extension", () => {
    const EXTENSION = `${CLUSTER}/providers/Microsoft.KubernetesConfiguration/extensions/inference-operator`;
    const fl = { cluster: { name: "arc-edge-01", resourceGroupName: "rg-edge" }, endpoint: "https://foundry.edge.contoso.com", installExtension: true };

    it("is imported by its ARM id, keeping its identity, plan and protected settings", async () => {
        const r = await run(adopted({ foundryLocal: fl, adopt: { ...ADOPT, foundryLocalExtension: EXTENSION } }));
        const ext = named(r, "arc-cluster-foundry-local");
        expect(ext.options).toMatchObject({ import: EXTENSION, retainOnDelete: true });
        expect([...ext.options.ignoreChanges].sort()).toEqual([...UNMANAGED_EXTENSION_INPUTS].sort());
    });

    it("is refused when the stack installs another one, or none", async () => {
        const other = await refuse(adopted({ foundryLocal: fl, adopt: { ...ADOPT, foundryLocalExtension: EXTENSION.replace("inference-operator", "other") } }), run);
        expect(other.lines).toContain(`foundry-entra:adopt.foundryLocalExtension: is not the extension this stack installs (${EXTENSION})`);
        const none = await refuse(adopted({ adopt: { ...ADOPT, foundryLocalExtension: EXTENSION } }), run);
        expect(none.lines).toContain("foundry-entra:adopt.foundryLocalExtension: matches nothing this stack declares: foundryLocal.installExtension is false");
    });
});

describe("a bad foundry-entra:adopt map is refused before anything is registered, one line per problem", () => {
    const cases: [string, Record<string, unknown>, string][] = [
        ["a malformed role assignment id", { roleAssignments: [{ id: "aoai/roleAssignments/x", principalId: G.sp, role: "inference" }] },
            "foundry-entra:adopt.roleAssignments[0].id: is not a role assignment id; expected <scope>/providers/Microsoft.Authorization/roleAssignments/<GUID>"],
        ["another subscription", { roleAssignments: [{ id: ra(AOAI.replace(SUB, "99999999-9999-4999-8999-999999999999"), NAMES[0]!), principalId: G.sp, role: "inference" }] },
            `foundry-entra:adopt.roleAssignments[0].id: is in subscription 99999999-9999-4999-8999-999999999999, not in ${SUB}, which the stack pins (azure-native:subscriptionId)`],
        ["a scope the stack grants nothing at", { roleAssignments: [{ id: ra(RG, NAMES[0]!), principalId: G.sp, role: "inference" }] },
            `foundry-entra:adopt.roleAssignments[0].id: its scope ${RG} is not one this stack grants roles at; it grants at: aoai-dev-swc (${AOAI})`],
        ["a role the stack does not grant there", { roleAssignments: [{ id: ra(AOAI, NAMES[0]!), principalId: G.sp, role: "Reader" }] },
            "foundry-entra:adopt.roleAssignments[0].role: \"Reader\" is not a role this stack grants on aoai-dev-swc; it grants there: \"Cognitive Services OpenAI User\""],
        ["a principal the stack does not grant the role to", { roleAssignments: [{ id: ra(AOAI, NAMES[0]!), principalId: G.arc, role: "inference" }] },
            `foundry-entra:adopt.roleAssignments[0].principalId: ${G.arc} is not a principal this stack grants "Cognitive Services OpenAI User" on aoai-dev-swc; it grants it to: the gateway's service principal (${G.sp})`],
        ["a grant on an account the stack creates", { roleAssignments: [{ id: ra(`${RG}/providers/Microsoft.CognitiveServices/accounts/foundry-dev-swc`, NAMES[0]!), principalId: G.sp, role: "inference" }] },
            "foundry-entra:adopt.roleAssignments[0].id: is on account foundry-dev-swc, which this stack creates (accounts[].existing is false), so no assignment on it can exist yet"],
        ["the same assignment twice", { roleAssignments: [{ id: ra(AOAI, NAMES[0]!), principalId: G.sp, role: "inference" }, { id: ra(AOAI, NAMES[0]!), principalId: G.sp, role: "inference" }] },
            "foundry-entra:adopt.roleAssignments[1]: adopts the same role assignment as foundry-entra:adopt.roleAssignments[0]"],
        ["a service principal without its app", { gatewayApplication: undefined },
            "foundry-entra:adopt.gatewayServicePrincipal: needs gatewayApplication: the stack creates the gateway's app registration, whose service principal cannot exist yet"],
        ["an API app without its scope id", { foundryLocalScopeId: undefined },
            "foundry-entra:adopt.foundryLocalScopeId: is required with foundryLocalApplication: the id of the adopted API's \"foundry_access\" scope"],
        ["an app-role assignment on another service principal", { appRoleAssignments: [{ id: `/servicePrincipals/${G.sp}/appRoleAssignedTo/x`, principalId: G.sp }] },
            `foundry-entra:adopt.appRoleAssignments[0].id: is an assignment on service principal ${G.sp}, but this stack assigns app roles only on the Foundry Local API's`],
        ["a deployment the stack does not declare", { deployments: [`${AOAI}/deployments/gpt-5`] },
            `foundry-entra:adopt.deployments[0]: matches no deployment this stack declares; it declares: ${DEPLOYMENT}`],
        ["an identity the stack does not create", { userAssignedIdentities: [{ id: MI_ID.replace("batch-worker", "other"), principalId: G.mi }] },
            "foundry-entra:adopt.userAssignedIdentities[0].id: matches no identity this stack creates (managedIdentities[].create); it creates: batch-worker in rg-ai-dev"],
        ["an unknown key", { roleAssignments: [{ id: ra(AOAI, NAMES[0]!), principalId: G.sp, role: "inference", scope: "x" }] },
            "foundry-entra:adopt.roleAssignments[0].scope: unknown key; allowed here: id, principalId, role"],
    ];
    it.each(cases)("%s", async (_, change, line) => {
        const known = { ...ADOPT, roleAssignments: [ADOPT.roleAssignments[0]], ...change };
        const cfg = devWith({ access: [], accounts: ACCOUNTS, adopt: Object.fromEntries(Object.entries(known).filter(([, v]) => v !== undefined)) });
        const { lines, registered } = await refuse(cfg, run);
        expect(lines.some((l) => l.startsWith(line)), `${line}\nnot in:\n${lines.join("\n")}`).toBe(true);
        expect(registered).toBe(0);
    });

    it("refuses Foundry Local keys without foundry-entra:foundryLocal, and ids without a pinned subscription, all at once", async () => {
        const cfg = devWith({ "azure-native:subscriptionId": undefined, foundryLocal: undefined, managedIdentities: [], accounts: ACCOUNTS, adopt: { ...ADOPT, userAssignedIdentities: [], appRoleAssignments: [] } });
        const { lines, registered } = await refuse(cfg, run);
        expect(lines).toContain("foundry-entra:adopt.foundryLocalApplication: matches nothing this stack declares: foundry-entra:foundryLocal is not configured");
        expect(lines).toContain("foundry-entra:adopt: Azure resource ids need the subscription they are compared with: pin azure-native:subscriptionId in the stack file");
        expect(registered).toBe(0);
    });

    it("matches a grant to a user once the program has looked the user up, and refuses an id the lookup does not give", async () => {
        const wrong = { ...ADOPT, roleAssignments: [{ id: ra(CLUSTER, NAMES[4]!), principalId: G.group, role: "inference" }] };
        const { lines, registered } = await refuse(adopted({ adopt: wrong }), run);
        expect(lines).toContain(`foundry-entra:adopt.roleAssignments[0].principalId: ${G.group} is none of the principals this stack grants "Cognitive Services OpenAI User" at its scope: ` +
            `user alice@contoso.com is ${G.alice}, the cluster's Arc identity is ${G.arc}`);
        expect(registered).toBe(0);
    });
});

/** The keys of an exported `interface <name> {…}` of a .d.ts (top-level or inside a namespace). */
function interfaceKeys(file: string, name: string, namespace?: string): string[] {
    let text = readFileSync(join(ROOT, "node_modules", file), "utf8");
    if (namespace) {
        const start = text.indexOf(`export declare namespace ${namespace} {`);
        text = text.slice(start, text.indexOf("\nexport declare namespace", start + 1));
    }
    const start = text.search(new RegExp(`interface ${name} \\{`));
    expect(start, `${file}: interface ${name}`).toBeGreaterThanOrEqual(0);
    const body = text.slice(start, text.indexOf("\n}", start) === -1 ? undefined : text.indexOf(namespace ? "\n    }" : "\n}", start));
    return [...body.matchAll(/^\s{4,8}(\w+)\??:/gm)].map((m) => m[1]!).sort();
}

describe("what an adopted object keeps covers every input the installed SDKs have", () => {
    // Each SDK interface = what the program declares + what it keeps as it is (+ provider-only flags that send nothing).
    it.each([
        ["azuread Application", "@pulumi/azuread/application.d.ts", "ApplicationArgs", undefined, UNMANAGED_APPLICATION_INPUTS, ["displayName", "notes", "owners", "signInAudience", "password", "preventDuplicateNames"]],
        ["azuread Application (Foundry Local API)", "@pulumi/azuread/application.d.ts", "ApplicationArgs", undefined,
            UNMANAGED_API_APPLICATION_INPUTS.filter((k) => !k.includes(".")), ["api", "appRoles", "displayName", "notes", "owners", "signInAudience", "password", "preventDuplicateNames"]],
        ["azuread ServicePrincipal", "@pulumi/azuread/servicePrincipal.d.ts", "ServicePrincipalArgs", undefined, UNMANAGED_SERVICE_PRINCIPAL_INPUTS, ["clientId", "owners", "useExisting"]],
        ["Account", "@pulumi/azure-native/cognitiveservices/account.d.ts", "AccountArgs", undefined,
            UNMANAGED_ACCOUNT_INPUTS.filter((k) => !k.includes(".")), ["accountName", "kind", "location", "properties", "resourceGroupName", "sku"]],
        ["Account properties", "@pulumi/azure-native/types/input.d.ts", "AccountPropertiesArgs", "cognitiveservices", UNMANAGED_ACCOUNT_PROPERTIES, ["customSubDomainName", "disableLocalAuth", "publicNetworkAccess"]],
        ["Deployment", "@pulumi/azure-native/cognitiveservices/deployment.d.ts", "DeploymentArgs", undefined,
            UNMANAGED_DEPLOYMENT_INPUTS.filter((k) => !k.includes(".")), ["accountName", "deploymentName", "properties", "resourceGroupName", "sku"]],
        ["Deployment properties", "@pulumi/azure-native/types/input.d.ts", "DeploymentPropertiesArgs", "cognitiveservices", UNMANAGED_DEPLOYMENT_PROPERTIES, ["model"]],
        ["UserAssignedIdentity", "@pulumi/azure-native/managedidentity/userAssignedIdentity.d.ts", "UserAssignedIdentityArgs", undefined, UNMANAGED_IDENTITY_INPUTS, ["location", "resourceGroupName", "resourceName"]],
        ["Extension", "@pulumi/azure-native/kubernetesconfiguration/extension.d.ts", "ExtensionArgs", undefined, UNMANAGED_EXTENSION_INPUTS,
            ["autoUpgradeMinorVersion", "clusterName", "clusterResourceName", "clusterRp", "configurationSettings", "extensionName", "extensionType", "releaseTrain", "resourceGroupName", "scope", "version"]],
    ] as const)("%s", (_, file, name, namespace, kept, declared) => {
        expect(interfaceKeys(file, name, namespace)).toEqual([...kept, ...declared].sort());
    });
});

describe("foundry-entra:guardrails", () => {
    const keyless = [{ name: "aoai-dev-swc", resourceGroupName: "rg-ai-dev", kind: "OpenAI" }, { name: "foundry-dev-swc", resourceGroupName: "rg-ai-dev", kind: "AIServices" },
        { name: "aoai-dev-neu", resourceGroupName: "rg-ai-neu", kind: "OpenAI", location: "northeurope" }];
    const workspace = `/subscriptions/${SUB}/resourceGroups/rg-ops/providers/Microsoft.OperationalInsights/workspaces/law-ops`;

    it("assigns the built-in key-access policy with Deny once per resource group, and sends each account's logs to the workspace", async () => {
        const r = await runProgram({ config: devWith({ accounts: keyless, guardrails: { diagnostics: { workspaceId: workspace } } }) });
        const policies = ofType(r, "azure-native:authorization:PolicyAssignment");
        expect(policies.map((p) => p.inputs.scope)).toEqual([RG, `/subscriptions/${SUB}/resourceGroups/rg-ai-neu`]);
        for (const p of policies) {
            // Azure/azure-policy built-in-policies/policyDefinitions/Azure Ai Services/DisableLocalAuth_Audit.json: its id and `effect` parameter.
            expect(p.inputs).toMatchObject({ policyDefinitionId: "/providers/Microsoft.Authorization/policyDefinitions/71ef260a-8f18-47b7-abcb-62d0673d94dc", parameters: { effect: { value: "Deny" } }, enforcementMode: "Default" });
        }
        const settings = ofType(r, "azure-native:monitor:DiagnosticSetting");
        expect(settings).toHaveLength(3);
        expect(settings[0]!.inputs).toMatchObject({ resourceUri: AOAI, workspaceId: workspace, logs: [{ category: "Audit", enabled: true }, { category: "RequestResponse", enabled: true }] });
    });

    it("refuses a Deny policy over an account whose keys are still on, and a workspace id that is not one", async () => {
        const { lines } = await refuse(devWith({ accounts: [{ ...keyless[0], disableLocalAuth: false }], guardrails: { diagnostics: { workspaceId: "law-ops", categories: ["Audit", "Metrics"] } } }));
        expect(lines).toContain("foundry-entra:guardrails.diagnostics.workspaceId: \"law-ops\" is not a Log Analytics workspace id; expected /subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.OperationalInsights/workspaces/<name>");
        expect(lines).toContain("foundry-entra:guardrails.diagnostics.categories[1]: \"Metrics\" is not a log category of Cognitive Services accounts; allowed: Audit, AzureOpenAIRequestUsage, RequestResponse, Trace");
        const keys = await refuse(devWith({ accounts: [{ ...keyless[0], disableLocalAuth: false }], guardrails: {} }));
        expect(keys.lines.some((l) => l.startsWith("foundry-entra:accounts[0].disableLocalAuth: is false, but guardrails.denyKeyAuth assigns a Deny policy on key access at resource group rg-ai-dev"))).toBe(true);
    });
});

describe("the takeover run's policy pack config", () => {
    it("names a policy of the pack and makes only it advisory", () => {
        const config = JSON.parse(readFileSync(join(ROOT, "policy", "takeover-config.json"), "utf8")) as Record<string, unknown>;
        expect(config).toEqual({ "cognitive-services-key-auth-disabled": "advisory" });
        expect(policies.map((p) => p.name)).toContain("cognitive-services-key-auth-disabled");
    });
});
