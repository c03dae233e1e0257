import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import type { RunResult } from "../harness/run";
import { runStack, TOKEN_SCOPE } from "../src/program";
import { devConfig, render, sharedRender } from "./helpers";
import entry from "../index";

describe("the program", () => {
    let dev: RunResult;
    beforeAll(async () => {
        dev = await sharedRender(devConfig());
    });

    it("is what index.ts exports to the Pulumi CLI", async () => {
        expect(entry).toBe(runStack);
    });

    it("exports exactly the outputs contract", () => {
        const o = dev.outputs as Record<string, any>;
        expect(Object.keys(o).sort()).toEqual(["accounts", "foundryLocal", "gateway", "managedIdentities", "subscriptionId", "tenantId"]);
        expect(o.tenantId).toBe(dev.mocks.tenantId);
        expect(Object.keys(o.gateway).sort()).toEqual(["certificate", "clientId", "clientSecret", "displayName", "federatedCredentials", "servicePrincipalObjectId", "tokenScope"]);
        expect(o.gateway.tokenScope).toBe(TOKEN_SCOPE);
        expect(TOKEN_SCOPE).toBe("https://cognitiveservices.azure.com/.default");
        expect(Object.keys(o.gateway.certificate).sort()).toEqual(["certificatePem", "notAfter", "privateKeyPem", "slots", "thumbprint", "x5t", "x5tS256"]);
        expect(o.gateway.certificate.thumbprint).toMatch(/^[0-9A-F]{40}$/);
        expect(o.gateway.certificate.x5t).toMatch(/^[A-Za-z0-9_-]{27}$/);
        expect(Object.keys(o.gateway.clientSecret).sort()).toEqual(["expiresOn", "keyId", "slots", "value"]);
        expect(Object.keys(o.accounts).sort()).toEqual(["aoai-dev-swc", "foundry-dev-swc"]);
        expect(Object.keys(o.foundryLocal).sort()).toEqual(["appRole", "appRoleId", "appScope", "clientId", "clusterId", "endpoint", "identifierUri", "scopeId", "userScope"]);
        expect(o.managedIdentities["batch-worker"]).toEqual({ principalId: expect.stringMatching(/^[0-9a-f-]{36}$/), clientId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    });

    it("marks exactly the private key and the client secret as secret outputs", async () => {
        expect([...dev.secretOutputPaths].sort()).toEqual(["gateway.certificate.privateKeyPem", "gateway.clientSecret.value"]);
        const gateway = dev.rawOutputs.gateway as Record<string, Record<string, pulumi.Output<unknown>>>;
        expect(await pulumi.isSecret(gateway.clientSecret!.value!)).toBe(true);
    });

    it("renders the same graph and outputs for the same config, run after run", async () => {
        const again = await render(devConfig());
        const shape = (r: RunResult) => JSON.stringify({
            resources: r.resources.map(({ urn, parent, inputs, propertyDependencies, dependencies, options, secretInputPaths }) =>
                ({ urn, parent, inputs, propertyDependencies, dependencies: [...dependencies].sort(), options, secretInputPaths })).sort((a, b) => a.urn.localeCompare(b.urn)),
            outputs: r.outputs,
        });
        expect(shape(again)).toBe(shape(dev));
    });

    it("registers every resource under a foundry-entra component", () => {
        const components = dev.resources.filter((r) => !r.custom);
        for (const c of components) expect(c.type).toMatch(/^foundry-entra:index:[A-Z]\w+$/);
        for (const r of dev.resources.filter((x) => x.custom)) expect(r.parent, r.name).toBeDefined();
    });

    it("keeps two runs started together apart (the harness queues them)", async () => {
        const [a, b] = await Promise.all([render(devConfig(), { stack: "alpha" }), render(devConfig(), { stack: "beta" })]);
        expect(a.resources.every((r) => r.urn.startsWith("urn:pulumi:alpha::"))).toBe(true);
        expect(b.resources.every((r) => r.urn.startsWith("urn:pulumi:beta::"))).toBe(true);
        expect(a.resources).toHaveLength(dev.resources.length);
        expect(b.resources).toHaveLength(dev.resources.length);
    });
});
