/**
 * `npm run adopt` as a real child process against a tenant set up by hand exactly as the portal guides describe
 * (support/guideTenant.ts), served by a local Microsoft Graph and Azure Resource Manager (support/fakeTenant.ts, shapes
 * from Microsoft's REST references) behind a local Entra ID token service: @azure/identity's DefaultAzureCredential
 * signs in (its EnvironmentCredential, a client secret), every collection is paged, throttling answers 429 with
 * Retry-After, a missing permission answers 403.
 *
 * The proof that the map it writes takes the setup over without downtime: the program, run on the written stack file
 * with lookups answered by the tenant, declares every object that exists with `import` set to its id and creates none
 * of them a second time; adopt's own plan (the plan engine on the import ops, against what the providers would read)
 * has imports, updates and creations of what does not exist only: no replacement, no deletion, no danger. After that
 * up, a day later nothing changes; turning key access off is its own step, and the plan names it.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { loadStackConfigFile, runProgram, type RunResult } from "../harness/run";
import { parseStackConfig } from "../src/config/parse";
import { planStack, type PlanReport } from "../src/plan/cli";
import { buildModel } from "../src/render/model";
import { readPriorState } from "../src/plan/state";
import { RT } from "./helpers";
import { ClientSecretCredential } from "@azure/identity";
import { main as adoptMain } from "../src/adopt/cli";
import { authorityOptions } from "../src/verify/credentials";
import { capturedIo, ROOT, runCli, type CliResult } from "./support/cli";
import { FakeTenant } from "./support/fakeTenant";
import {
    ACCOUNT_ID, AZURE_CLI, CLUSTER_ID, DEPLOYMENT_ID, GUIDE_STACK_YAML, guideTenant, IDS, PORTAL_CERT_THUMBPRINT, TENANT_ID,
} from "./support/guideTenant";
import { testPki, type TestPki } from "./support/tls";
import { TokenService } from "./support/tokenService";

const RUNNER = { clientId: "d0d0d0d0-1111-4222-8333-444444444444", secret: "runner-secret-value" };
const NOW = "2026-02-01T00:00:00Z";

let dir: string;
let pki: TestPki;
let tokens: TokenService;
let tenant: FakeTenant;
let stackFile: string;

beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "foundry-entra-adopt-"));
    pki = testPki();
    tokens = await new TokenService(TENANT_ID).start(pki.server);
    tenant = await new FakeTenant({ tenantId: TENANT_ID, signingKey: tokens.signingKey }, guideTenant()).start(pki.server);
    tokens.apps.set(RUNNER.clientId, { clientId: RUNNER.clientId, certificates: [], secrets: [{ value: RUNNER.secret, expiresOn: new Date(Date.now() + 86_400_000) }] });
    // One server plays both Graph and ARM: tokens are for its URL.
    tokens.apis.set("azure", { clientId: "e5e5e5e5-1111-4222-8333-444444444444", identifierUri: tenant.url, tokenVersion: 1, appRoleAssignments: new Map() });
});

afterAll(async () => {
    await tenant?.close();
    await tokens?.close();
    rmSync(dir, { recursive: true, force: true });
});

/** A fresh stack file and tenant for a run. */
function reset(): void {
    stackFile = join(dir, "Pulumi.dev.yaml");
    writeFileSync(stackFile, GUIDE_STACK_YAML);
    tenant.data.applications = guideTenant().applications;
    tenant.calls.length = 0;
    tenant.throttle.clear();
    tenant.deny.clear();
}

/** The last line on stderr (progress lines come before it). */
const lastLine = (r: CliResult) => r.stderr.trim().split("\n").at(-1) ?? "";

const adoptArgs = (extra: readonly string[]) => ["--config", stackFile, "--authority-host", tokens.url, "--graph-endpoint", tenant.url, "--arm-endpoint", tenant.url, "--now", NOW, ...extra];

/**
 * adopt in this process (its `main`): the same command with a client-secret credential for the runner against the
 * local token service, and waits that return at once but are recorded. The real process is run above and below.
 */
async function adoptHere(extra: string[] = []): Promise<CliResult & { slept: number[] }> {
    const { io, result } = capturedIo();
    const slept: number[] = [];
    const code = await adoptMain(adoptArgs(extra), {
        ...io, cwd: ROOT, projectDir: ROOT,
        credential: (tenantId, authorityHost) => new ClientSecretCredential(tenantId, RUNNER.clientId, RUNNER.secret, authorityOptions(authorityHost ?? tokens.url)),
        sleep: (ms) => {
            slept.push(ms);
            return Promise.resolve();
        },
    });
    return { ...result(code), slept };
}

function adopt(extra: string[] = []): Promise<CliResult> {
    return runCli("adopt", adoptArgs(extra), {
        env: { AZURE_TENANT_ID: TENANT_ID, AZURE_CLIENT_ID: RUNNER.clientId, AZURE_CLIENT_SECRET: RUNNER.secret, AZURE_TOKEN_CREDENTIALS: "EnvironmentCredential" },
    });
}

interface AdoptJson {
    written: boolean;
    found: string[];
    missing: string[];
    conflicts: string[];
    problems: string[];
    notes: string[];
    adopt: Record<string, unknown>;
    edits: { key: string; index: number; set: Record<string, unknown> }[];
    plan?: { changes: { urn: string; type: string; name: string; op: string; reasons: string[] }[]; dangers: { urn: string; why: string }[] };
}

const json = (r: CliResult): AdoptJson => {
    try {
        return JSON.parse(r.stdout) as AdoptJson;
    } catch {
        throw new Error(`adopt printed no JSON (exit ${r.code}); stderr: ${r.stderr.slice(0, 3000)}`);
    }
};

/** The program on a stack file, its lookups answered by the tenant, imported objects by what they are (ground truth). */
async function renderAdopted(config: Record<string, string>, now = new Date(NOW)): Promise<RunResult> {
    const data = guideTenant();
    const live = new Map<string, Record<string, unknown>>([
        ...data.applications.map((a) => [`/applications/${String(a.id)}`, { objectId: a.id, clientId: a.appId }] as const),
        ...data.servicePrincipals.map((s) => [`/servicePrincipals/${String(s.id)}`, { objectId: s.id }] as const),
    ]);
    return runProgram({
        config, stack: "dev", now, live,
        invokes: {
            "azuread:index/getUser:getUser": (i) => ({ objectId: data.users.find((u) => u.userPrincipalName === i.userPrincipalName)?.id, userPrincipalName: i.userPrincipalName }),
            "azure-native:kubernetes:getConnectedCluster": () => ({ id: CLUSTER_ID, name: "arc-edge-01", identity: { principalId: IDS.arcPrincipal, tenantId: TENANT_ID, type: "SystemAssigned" } }),
        },
    });
}

describe("adopt on a tenant the portal guides built", () => {
    let result: CliResult;
    let out: AdoptJson;

    beforeAll(async () => {
        reset();
        result = await adopt(["--write", "--format", "json"]);
        out = json(result);
    });

    it("finds every object the guides made and writes the map (exit 0)", () => {
        expect(result.code, result.stderr).toBe(0);
        expect(out).toMatchObject({ written: true, conflicts: [], problems: [] });
        expect(out.adopt).toEqual({
            gatewayApplication: IDS.gatewayApp,
            gatewayCredentials: [
                { type: "clientSecret", keyId: IDS.secretKey, displayName: "truefoundry", endDate: "2026-07-09T08:05:00Z" },
                { type: "certificate", keyId: IDS.certKey, displayName: "CN=ai-gateway", endDate: "2027-01-10T00:00:00Z", thumbprint: PORTAL_CERT_THUMBPRINT },
            ],
            gatewayServicePrincipal: IDS.gatewaySp,
            foundryLocalApplication: IDS.apiApp,
            foundryLocalScopeId: IDS.scope,
            foundryLocalAppRoleId: IDS.appRole,
            foundryLocalIdentifierUri: `api://${IDS.apiAppId}`,
            foundryLocalAzureCliPreAuthorized: true,
            foundryLocalServicePrincipal: IDS.apiSp,
            deployments: [DEPLOYMENT_ID],
            roleAssignments: [
                { id: `${ACCOUNT_ID}/providers/Microsoft.Authorization/roleAssignments/${IDS.raGatewayAccount}`, principalId: IDS.gatewaySp, role: "Cognitive Services OpenAI User" },
                { id: `${CLUSTER_ID}/providers/Microsoft.Authorization/roleAssignments/${IDS.raAliceCluster}`, principalId: IDS.alice, role: "Cognitive Services OpenAI User" },
                { id: `${CLUSTER_ID}/providers/Microsoft.Authorization/roleAssignments/${IDS.raArcCluster}`, principalId: IDS.arcPrincipal, role: "Cognitive Services OpenAI User" },
            ],
            appRoleAssignments: [{ id: `/servicePrincipals/${IDS.apiSp}/appRoleAssignedTo/${IDS.appRoleAssignment}`, principalId: IDS.gatewaySp }],
        });
        // The account is taken over as it is: key access stays on until a later, explicit step.
        expect(out.edits).toEqual([expect.objectContaining({ key: "accounts", index: 0, set: { existing: true, disableLocalAuth: false } })]);
        // The inherited subscription-level assignment (listed by atScope()) is not the stack's.
        expect(JSON.stringify(out.adopt)).not.toContain(IDS.raInherited);
        // The deployer must be an owner before a pipeline with Application.ReadWrite.OwnedBy can update the apps.
        expect(out.notes.join("\n")).toContain(`az ad app owner add --id ${IDS.gatewayAppId} --owner-object-id ${IDS.deployer}`);
    });

    it("followed every page: Graph's @odata.nextLink and ARM's nextLink", () => {
        // Three assignments apply at the cluster (two made there, one inherited): two pages of two.
        expect(tenant.calls.some((c) => c.path.endsWith("/roleAssignments") && c.path.startsWith(CLUSTER_ID) && c.query.includes("%24skipToken=2"))).toBe(true);
        // The gateway app has three owners: two pages of two; the one on the second page is among those the note names.
        expect(tenant.calls.some((c) => c.path === `/v1.0/applications/${IDS.gatewayApp}/owners` && c.query.includes("%24skiptoken=2"))).toBe(true);
        expect(out.notes.join("\n")).toContain(`app registration "ai-gateway-dev" is owned by ${IDS.alice}, ${IDS.bob}, ${IDS.carol};`);
    });

    it("keeps the stack file's comments and makes it a valid stack", () => {
        const text = readFileSync(stackFile, "utf8");
        expect(text).toContain("# Pinned: adopt reads this tenant and subscription.");
        expect(text).toContain("displayName: ai-gateway-dev # the app registration the gateway uses today");
        expect(text).toContain("# What existed before this stack, taken over by the next pulumi up");
        expect(text).toMatch(/# taken over as it is by npm run adopt; turn key access off in a later step/);
        const doc = parseYaml(text) as { config: Record<string, unknown> };
        expect((doc.config["foundry-entra:accounts"] as Record<string, unknown>[])[0]).toMatchObject({ name: "aoai-dev-swc", existing: true, disableLocalAuth: false });
        const { config } = loadStackConfigFile(stackFile);
        expect(parseStackConfig(config, { stack: "dev" })).toMatchObject({ ok: true });
    });

    it("plans imports, updates and creations of what does not exist only: nothing replaced, deleted or in danger", () => {
        const plan = out.plan!;
        expect(plan.dangers).toEqual([]);
        expect(plan.changes.filter((c) => c.op === "replace" || c.op === "delete")).toEqual([]);
        const imported = plan.changes.filter((c) => c.op === "import").map((c) => c.name).sort();
        expect(imported).toEqual([
            "access-gateway-aoai-dev-swc-openai-user", "aoai-dev-swc-account", "aoai-dev-swc-gpt-4o-mini",
            "arc-cluster-arc-identity-openai-user", "arc-cluster-user-alice-contoso-com-foundry-local-openai-user",
            "foundry-local-api-app", "foundry-local-api-azure-cli", "foundry-local-api-gateway-app-role", "foundry-local-api-sp", "foundry-local-api-uri",
            "gateway-app", "gateway-sp",
        ]);
        const reasons = Object.fromEntries(plan.changes.filter((c) => c.op === "import").map((c) => [c.name, c.reasons]));
        // The updates right after the imports: owners and notes the stack manages, the grants' descriptions; the
        // account, its deployment and network rules as they are.
        expect(reasons["aoai-dev-swc-account"]).toEqual([]);
        expect(reasons["aoai-dev-swc-gpt-4o-mini"]).toEqual([]);
        expect(reasons["gateway-app"]).toEqual(["notes", "owners"]);
        expect(reasons["access-gateway-aoai-dev-swc-openai-user"]).toEqual(["description"]);
        expect(reasons["foundry-local-api-gateway-app-role"]).toEqual([]);
        // What is created does not exist: the stack's own credentials and the gateway's grant at the cluster.
        const created = plan.changes.filter((c) => c.op === "create");
        expect(created.map((c) => c.type).filter((t) => ![RT.key, RT.cert, RT.appCert, RT.password, RT.roleAssignment].includes(t as never))).toEqual([]);
        expect(created.filter((c) => c.type === RT.roleAssignment).map((c) => c.name)).toEqual(["arc-cluster-gateway-foundry-local-openai-user"]);
    });

    it("the program on the written file declares each existing object once, with import set to its id, and creates none again", async () => {
        const { config } = loadStackConfigFile(stackFile);
        const run = await renderAdopted(config);
        const imports = run.resources.filter((r) => r.options.import).map((r) => r.options.import!);
        const existing = [
            `/applications/${IDS.gatewayApp}`, `/servicePrincipals/${IDS.gatewaySp}`, `/applications/${IDS.apiApp}`, `/servicePrincipals/${IDS.apiSp}`,
            `/applications/${IDS.apiApp}/identifierUris/${Buffer.from(`api://${IDS.apiAppId}`).toString("base64")}`,
            `${IDS.apiApp}/preAuthorizedApplication/${AZURE_CLI}`,
            `/servicePrincipals/${IDS.apiSp}/appRoleAssignedTo/${IDS.appRoleAssignment}`,
            ACCOUNT_ID, DEPLOYMENT_ID,
            ...[IDS.raGatewayAccount, IDS.raAliceCluster, IDS.raArcCluster].map((n, i) => `${i === 0 ? ACCOUNT_ID : CLUSTER_ID}/providers/Microsoft.Authorization/roleAssignments/${n}`),
        ];
        expect([...imports].sort()).toEqual([...existing].sort());
        for (const r of run.resources.filter((x) => x.options.import)) expect(r.options.retainOnDelete, r.name).toBe(true);
        // Nothing that exists is declared a second time: no other app by these names, no second grant of a role that
        // exists (same scope, principal and role), no second app-role assignment.
        const created = run.resources.filter((r) => r.custom && !r.options.import);
        expect(created.filter((r) => r.type === RT.app || r.type === RT.sp || r.type === RT.account || r.type === RT.deployment || r.type === RT.appRoleAssignment)).toEqual([]);
        const grants = guideTenant().roleAssignments.map((a) => a.properties as Record<string, string>);
        for (const r of created.filter((x) => x.type === RT.roleAssignment)) {
            const same = grants.find((g) => String(g.scope).toLowerCase() === String(r.inputs.scope).toLowerCase() && g.principalId === r.inputs.principalId && g.roleDefinitionId === r.inputs.roleDefinitionId);
            expect(same, `${r.name} would be a second ${String(r.inputs.roleDefinitionId)} for ${String(r.inputs.principalId)}`).toBeUndefined();
        }
        // Adopted grants keep their names (the GUID at the end of their ids), not derived ones.
        expect(run.resources.find((r) => r.name === "arc-cluster-arc-identity-openai-user")?.inputs.roleAssignmentName).toBe(IDS.raArcCluster);
    });

    it("a day after that up nothing changes; turning key access off later is an update the plan names as a danger", async () => {
        const { config } = loadStackConfigFile(stackFile);
        const afterUp = readPriorState(JSON.parse(JSON.stringify(buildModel(await renderAdopted(config), new Date(NOW)))));
        const later = new Date("2026-02-02T00:00:00Z");
        const data = guideTenant();
        const invokes = {
            "azuread:index/getUser:getUser": (i: Record<string, unknown>) => ({ objectId: data.users.find((u) => u.userPrincipalName === i.userPrincipalName)?.id, userPrincipalName: i.userPrincipalName }),
            "azure-native:kubernetes:getConnectedCluster": () => ({ id: CLUSTER_ID, name: "arc-edge-01", identity: { principalId: IDS.arcPrincipal, tenantId: TENANT_ID, type: "SystemAssigned" } }),
        };
        const live = new Map<string, Record<string, unknown>>([
            ...data.applications.map((a) => [`/applications/${String(a.id)}`, { objectId: a.id, clientId: a.appId }] as const),
            ...data.servicePrincipals.map((s) => [`/servicePrincipals/${String(s.id)}`, { objectId: s.id }] as const),
        ]);
        const same: PlanReport = await planStack({ config, stack: "dev", prior: afterUp, now: later, invokes, live: [...live].map(([id, outputs]) => ({ type: "", id, inputs: {}, outputs })) });
        expect(same.changes.filter((c) => c.op !== "same")).toEqual([]);
        expect(same.dangers).toEqual([]);

        const accounts = JSON.parse(config["foundry-entra:accounts"]!) as Record<string, unknown>[];
        const keysOff = { ...config, "foundry-entra:accounts": JSON.stringify([{ ...accounts[0], disableLocalAuth: true }]) };
        const step = await planStack({ config: keysOff, stack: "dev", prior: afterUp, now: later, invokes, live: [...live].map(([id, outputs]) => ({ type: "", id, inputs: {}, outputs })) });
        expect(step.changes.filter((c) => c.op !== "same")).toEqual([expect.objectContaining({ name: "aoai-dev-swc-account", op: "update", reasons: ["properties"] })]);
        expect(step.dangers).toEqual([expect.objectContaining({ why: expect.stringMatching(/^key access is turned off on aoai-dev-swc-account: every client that still calls it with an api-key/) })]);
    });
});

describe("adopt against a tenant that answers back", () => {
    beforeEach(reset);

    it("waits as 429's Retry-After asks, says so, and carries on", async () => {
        tenant.throttle.set("/v1.0/applications", { count: 1, retryAfter: "1" });
        tenant.throttle.set(`${ACCOUNT_ID}/providers/Microsoft.Authorization/roleAssignments`, { count: 1, retryAfter: "1" });
        const r = await adoptHere(["--format", "json"]);
        expect(r.code, r.stderr).toBe(0);
        expect(r.stderr).toMatch(/adopt: Graph is throttling \(429 TooManyRequests\); waiting 1 s as Retry-After asks, then retrying to list app registrations named "ai-gateway-dev" \(1 of 6\)/);
        expect(r.stderr).toMatch(/adopt: ARM is throttling \(429 TooManyRequests\); waiting 1 s as Retry-After asks, then retrying to list the role assignments at/);
        const apps = tenant.calls.filter((c) => c.path === "/v1.0/applications");
        expect(apps.slice(0, 2).map((c) => c.status)).toEqual([429, 200]);
        expect(r.slept, "it waited what Retry-After asked, twice").toEqual([1000, 1000]);
        expect(json(r).written).toBe(false);
    });

    it("names the Graph permission it lacks (403), and writes nothing", async () => {
        tenant.deny.add(/^\/v1\.0\/users\//);
        const r = await adoptHere();
        expect(r.code).toBe(1);
        expect(lastLine(r)).toBe("adopt: Graph refused to look up user alice@contoso.com (403: Authorization_RequestDenied: Insufficient privileges to complete the operation.); " +
            "the identity adopt signs in as needs the Microsoft Graph permission User.Read.All (or User.ReadBasic.All, Directory.Read.All)");
        expect(readFileSync(stackFile, "utf8")).toBe(GUIDE_STACK_YAML);
    });

    it("names the Azure action it lacks (403 AuthorizationFailed)", async () => {
        tenant.deny.add(/\/providers\/Microsoft\.Authorization\/roleAssignments$/);
        const r = await adoptHere();
        expect(r.code).toBe(1);
        expect(lastLine(r)).toMatch(/^adopt: ARM refused to list the role assignments at \/subscriptions\/.+ \(403: AuthorizationFailed\); the identity adopt signs in as needs Microsoft\.Authorization\/roleAssignments\/read \(the Azure role Reader at /);
    });

    it("refuses two app registrations with the gateway's name, listing both, and writes nothing", async () => {
        const copy = { ...guideTenant().applications[1]!, id: "9a0f3c11-2b4d-4e6f-8a1b-3c5d7e9f1aff", appId: "c1e2d3f4-5a6b-4c7d-8e9f-0a1b2c3d4eff", createdDateTime: "2026-01-20T08:00:00Z" };
        tenant.data.applications = [...guideTenant().applications, copy];
        const r = await adoptHere(["--write"]);
        expect(r.code).toBe(1);
        expect(r.stdout).toContain(`gateway app registration "ai-gateway-dev": 2 app registrations have this name (client id ${IDS.gatewayAppId}, object id ${IDS.gatewayApp}, created 2026-01-10; ` +
            `client id ${copy.appId}, object id ${copy.id}, created 2026-01-20)`);
        expect(r.stdout).toContain("Nothing written");
        expect(readFileSync(stackFile, "utf8")).toBe(GUIDE_STACK_YAML);
    });

    it("cannot sign in with a wrong secret: one line, exit 1", async () => {
        const r = await runCli("adopt", ["--config", stackFile, "--authority-host", tokens.url, "--graph-endpoint", tenant.url, "--arm-endpoint", tenant.url], {
                env: { AZURE_TENANT_ID: TENANT_ID, AZURE_CLIENT_ID: RUNNER.clientId, AZURE_CLIENT_SECRET: "wrong", AZURE_TOKEN_CREDENTIALS: "EnvironmentCredential" },
        });
        expect(r.code).toBe(1);
        expect(r.stderr.split("\n").filter((l) => l.startsWith("adopt: could not")), r.stderr).toHaveLength(1);
        expect(lastLine(r)).toMatch(/^adopt: could not sign in with DefaultAzureCredential .*AADSTS7000215/);
    });
});

