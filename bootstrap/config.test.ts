import { describe, expect, it } from "vitest";
import { DEFAULT_ENVIRONMENTS, parseBootstrapConfig } from "./config";
import { config, DEV_RG, exampleConfig, PROD_RG, refuse, STATE, SUB, SUB2 } from "./helpers";

const OWNER_ROLE = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635";
const RBAC_ADMIN_ROLE = "f58310d9-a9f6-439a-9e8d-f62e7b41a168";

describe("bootstrap config: defaults and the example", () => {
    it("fills in the documented defaults", () => {
        const parsed = parseBootstrapConfig(config(), { stack: "tenant" });
        if (!parsed.ok) throw new Error(parsed.problems.join("\n"));
        const c = parsed.config;
        expect(c.environments).toEqual([...DEFAULT_ENVIRONMENTS]);
        expect(c.previews).toBe(true);
        expect(c.appRoleAssignments).toBe(true);
        expect(c.keyVaultDelivery).toBe(false);
        expect(c.assignableRoles).toEqual([]);
        expect(c.owners).toEqual(["22222222-2222-2222-2222-222222222222"]);
        expect(c.state).toBeUndefined();
        expect(c.displayNamePrefix).toBe("foundry-entra-foundry-entra");
        expect(c.scopes).toEqual([
            { id: DEV_RG, subscriptionId: SUB, resourceGroupName: "rg-foundry-dev" },
            { id: PROD_RG, subscriptionId: SUB, resourceGroupName: "rg-foundry-prod" },
        ]);
        expect(c.subscriptionId).toBe(SUB);
    });

    it("takes the subscription output from the first scope", () => {
        const parsed = parseBootstrapConfig(config({ scopes: [`/subscriptions/${SUB2}`, DEV_RG] }), { stack: "tenant" });
        if (!parsed.ok) throw new Error(parsed.problems.join("\n"));
        expect(parsed.config.subscriptionId).toBe(SUB2);
        expect(parsed.config.scopes[0]).toEqual({ id: `/subscriptions/${SUB2}`, subscriptionId: SUB2 });
    });

    it("parses Pulumi.example.yaml with the bootstrap's own parser", () => {
        const parsed = parseBootstrapConfig(exampleConfig(), { stack: "example" });
        if (!parsed.ok) throw new Error(parsed.problems.join("\n"));
        expect(parsed.config.github).toEqual({ owner: "contoso", repo: "foundry-entra" });
        expect(parsed.config.state?.location).toBe("swedencentral");
        expect(parsed.config.owners).toEqual(["22222222-2222-2222-2222-222222222222"]);
    });

    it("takes the state location from azure-native:location when state.location is absent", () => {
        const { location: _omit, ...noLocation } = STATE;
        const parsed = parseBootstrapConfig(config({ state: noLocation, "azure-native:location": "westeurope" }), { stack: "tenant" });
        if (!parsed.ok) throw new Error(parsed.problems.join("\n"));
        expect(parsed.config.state).toMatchObject({ location: "westeurope", sku: "Standard_ZRS", protect: true });
    });

    it("accepts a <env>-preview deployment environment when previews are off", () => {
        const parsed = parseBootstrapConfig(config({ previews: false, environments: ["dev", "dev-preview"] }), { stack: "tenant" });
        expect(parsed.ok).toBe(true);
    });
});

const { location: _noLocation, ...STATE_WITHOUT_LOCATION } = STATE;

/** Each config must be refused before any resource exists, with a line starting with the key path. */
const MALFORMED: readonly [string, Record<string, unknown>, string, RegExp][] = [
    ["github missing", { github: undefined }, "foundry-entra-bootstrap:github", /is required/],
    ["github owner with a leading hyphen", { github: { owner: "-contoso", repo: "r" } }, "foundry-entra-bootstrap:github.owner", /not a GitHub owner name/],
    ["github owner missing", { github: { repo: "r" } }, "foundry-entra-bootstrap:github.owner", /is required/],
    ["github repo ..", { github: { owner: "contoso", repo: ".." } }, "foundry-entra-bootstrap:github.repo", /not a GitHub repository name/],
    ["github unknown key", { github: { owner: "contoso", repo: "r", branch: "main" } }, "foundry-entra-bootstrap:github.branch", /unknown key; allowed here: owner, repo/],
    ["scopes missing", { scopes: undefined }, "foundry-entra-bootstrap:scopes", /is required/],
    ["scopes empty", { scopes: [] }, "foundry-entra-bootstrap:scopes", /at least one scope/],
    ["scope not a GUID", { scopes: ["/subscriptions/not-a-guid"] }, "foundry-entra-bootstrap:scopes[0]", /not an ARM scope/],
    ["scope below a resource group", { scopes: [`${DEV_RG}/providers/Microsoft.CognitiveServices/accounts/a`] }, "foundry-entra-bootstrap:scopes[0]", /not an ARM scope/],
    ["scope with the nil subscription", { scopes: ["/subscriptions/00000000-0000-0000-0000-000000000000"] }, "foundry-entra-bootstrap:scopes[0]", /placeholder/],
    ["scope twice", { scopes: [DEV_RG, DEV_RG.toUpperCase().replace("/SUBSCRIPTIONS/", "/subscriptions/")] }, "foundry-entra-bootstrap:scopes[1]", /already listed/],
    ["scope inside another", { scopes: [`/subscriptions/${SUB}`, DEV_RG] }, "foundry-entra-bootstrap:scopes[1]", /overlaps/],
    ["environments empty", { environments: [] }, "foundry-entra-bootstrap:environments", /at least one/],
    ["environment twice by case", { environments: ["dev", "DEV"] }, "foundry-entra-bootstrap:environments[1]", /already listed/],
    ["environments differing in punctuation", { environments: ["team.a", "team-a"] }, "foundry-entra-bootstrap:environments[1]", /only in case or punctuation/],
    ["environment that is another's preview", { environments: ["dev", "dev-preview"] }, "foundry-entra-bootstrap:environments[1]", /preview environment of "dev"/],
    ["environment with a space", { environments: ["my env"] }, "foundry-entra-bootstrap:environments[0]", /not a usable GitHub environment name/],
    ["21 environments", { environments: Array.from({ length: 21 }, (_, i) => `env${i}`) }, "foundry-entra-bootstrap:environments", /20 federated credentials/],
    ["owner not a GUID", { owners: ["alice@contoso.com"] }, "foundry-entra-bootstrap:owners[0]", /not a GUID/],
    ["previews not a boolean", { previews: "yes" }, "foundry-entra-bootstrap:previews", /expected true or false/],
    ["assignable Owner", { assignableRoles: [OWNER_ROLE] }, "foundry-entra-bootstrap:assignableRoles[0]", /Owner role/],
    ["assignable RBAC Administrator", { assignableRoles: [RBAC_ADMIN_ROLE] }, "foundry-entra-bootstrap:assignableRoles[0]", /Role Based Access Control Administrator/],
    ["state without a storage account", { state: { resourceGroupName: "rg", keyVaultName: "kv-abc", location: "x" } }, "foundry-entra-bootstrap:state.storageAccountName", /is required/],
    ["state storage account name", { state: { ...STATE, storageAccountName: "Bad_Name" } }, "foundry-entra-bootstrap:state.storageAccountName", /3-24 lower-case/],
    ["state Key Vault name", { state: { ...STATE, keyVaultName: "1kv" } }, "foundry-entra-bootstrap:state.keyVaultName", /not a valid Key Vault name/],
    ["state without a location", { state: STATE_WITHOUT_LOCATION }, "foundry-entra-bootstrap:state.location", /azure-native:location is not set/],
    ["state SKU", { state: { ...STATE, sku: "Premium_LRS" } }, "foundry-entra-bootstrap:state.sku", /allowed: Standard_LRS/],
    ["unknown key", { scope: DEV_RG }, "foundry-entra-bootstrap:scope", /unknown key; allowed: .*foundry-entra-bootstrap:scopes/],
];

describe("bootstrap config: refused before any resource is registered", () => {
    it.each(MALFORMED)("%s", async (_title, overrides, path, text) => {
        const { lines, registered } = await refuse(config(overrides));
        expect(registered).toBe(0);
        const line = lines.find((l) => l.startsWith(`${path}:`));
        expect(line, `no line for ${path} in:\n${lines.join("\n")}`).toBeDefined();
        expect(line).toMatch(text);
    });

    it("reports every problem at once, one line each", async () => {
        const { lines, registered } = await refuse(config({ github: { owner: "-x", repo: ".." }, scopes: ["nope"], owners: ["x"] }));
        expect(registered).toBe(0);
        expect(lines[0]).toMatch(/^Invalid stack configuration \(4 problems\):$/);
        expect(lines.slice(1).map((l) => l.split(":")[0] + ":" + l.split(":")[1])).toEqual([
            "foundry-entra-bootstrap:github.owner",
            "foundry-entra-bootstrap:github.repo",
            "foundry-entra-bootstrap:scopes[0]",
            "foundry-entra-bootstrap:owners[0]",
        ]);
    });
});
