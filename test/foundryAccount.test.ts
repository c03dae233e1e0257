import { beforeAll, describe, expect, it } from "vitest";
import type { RunResult } from "../harness/run";
import { at, devConfig, devWith, named, ofType, render, RT, sharedRender } from "./helpers";

const adopted = {
    name: "aoai-legacy", resourceGroupName: "rg-legacy", kind: "OpenAI", existing: true,
    deployments: [{ name: "a", model: "gpt-4o", version: "2024-08-06" }, { name: "b", model: "gpt-4o-mini", version: "2024-07-18" }],
};

/** The dev config with only these accounts (and no access entries that name the dev accounts). */
const only = (accounts: unknown[]) => devWith({ accounts, access: undefined, managedIdentities: undefined });
/** The stack with only the adopted account, read by two tests. */
const adoptedRun = () => sharedRender(only([adopted]));

describe("FoundryAccount", () => {
    let dev: RunResult;
    beforeAll(async () => {
        dev = await sharedRender(devConfig());
    });

    it("creates accounts with a custom subdomain and key-based auth disabled", () => {
        const account = named(dev, "aoai-dev-swc-account");
        expect(account.inputs).toMatchObject({
            accountName: "aoai-dev-swc", resourceGroupName: "rg-ai-dev", kind: "OpenAI", location: "swedencentral", sku: { name: "S0" },
            properties: { customSubDomainName: "aoai-dev-swc", disableLocalAuth: true, publicNetworkAccess: "Enabled" },
        });
        expect(named(dev, "foundry-dev-swc-account").inputs).toMatchObject({ kind: "AIServices", properties: { disableLocalAuth: true } });
        expect(account.options.import).toBeUndefined();
        expect(account.options.retainOnDelete).toBe(false);
    });

    it("turns key auth back on only when the config says so explicitly", async () => {
        const r = await render(only([{ name: "aoai-keys", resourceGroupName: "rg", kind: "OpenAI", disableLocalAuth: false }]));
        expect(named(r, "aoai-keys-account").inputs).toMatchObject({ properties: { disableLocalAuth: false } });
        expect(at(r.outputs, "accounts.aoai-keys.localAuthDisabled")).toBe(false);
    });

    it("adopts an existing account by import and never deletes it", async () => {
        const r = await adoptedRun();
        const account = named(r, "aoai-legacy-account");
        expect(account.options.import).toBe(`/subscriptions/${r.mocks.subscriptionId}/resourceGroups/rg-legacy/providers/Microsoft.CognitiveServices/accounts/aoai-legacy`);
        expect(account.options.retainOnDelete).toBe(true);
        expect(account.inputs).toMatchObject({ properties: { disableLocalAuth: true } });
    });

    it("declares model deployments one after another on the same account", async () => {
        const r = await adoptedRun();
        const [a, b] = [named(r, "aoai-legacy-a"), named(r, "aoai-legacy-b")];
        expect(a.inputs).toMatchObject({ deploymentName: "a", sku: { name: "GlobalStandard", capacity: 10 }, properties: { model: { format: "OpenAI", name: "gpt-4o", version: "2024-08-06" } } });
        expect(a.propertyDependencies.accountName).toEqual([named(r, "aoai-legacy-account").urn]);
        // `dependencies` is explicit dependsOn plus property dependencies: b waits for a, though no input of b comes from a.
        expect(a.dependencies).not.toContain(b.urn);
        expect(b.dependencies).toContain(a.urn);
        expect(Object.values(b.propertyDependencies).flat()).not.toContain(a.urn);
    });

    it("exports kind, endpoints, key-auth state and deployments per account", () => {
        expect(at(dev.outputs, "accounts.aoai-dev-swc")).toEqual({
            kind: "OpenAI",
            endpoint: "https://aoai-dev-swc.openai.azure.com/",
            openAiEndpoint: "https://aoai-dev-swc.openai.azure.com/",
            resourceId: `/subscriptions/${dev.mocks.subscriptionId}/resourceGroups/rg-ai-dev/providers/Microsoft.CognitiveServices/accounts/aoai-dev-swc`,
            localAuthDisabled: true,
            deployments: [{ name: "gpt-4o-mini", model: "gpt-4o-mini", version: "2024-07-18", sku: "GlobalStandard" }],
        });
        expect(at(dev.outputs, "accounts.foundry-dev-swc.endpoint")).toBe("https://foundry-dev-swc.services.ai.azure.com/");
        expect(ofType(dev, RT.account)).toHaveLength(2);
    });
});
