import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import type { RunResult } from "../harness/run";
import { runStack, TOKEN_SCOPE } from "../src/program";
import { runProgram, ProgramFailed } from "../harness/run";
import { config, devConfig, devWith, render, sharedRender } from "./helpers";
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

    describe("where it goes and who owns what", () => {
        const elsewhere = (answer: Record<string, unknown>) => async () => {
            try {
                await runProgram({ config: devConfig(), invokes: {
                    "azure-native:authorization:getClientConfig": () => ({ tenantId: "7a1c2e3f-4b5d-4e6f-8a7b-9c0d1e2f3a4b", subscriptionId: "6c1f3e2a-8b4d-4f5e-9a7b-1c2d3e4f5a60", objectId: "00000000-0000-4000-8000-000000000001", clientId: "x", ...answer }),
                    "azuread:index/getClientConfig:getClientConfig": () => ({ tenantId: "7a1c2e3f-4b5d-4e6f-8a7b-9c0d1e2f3a4b", objectId: "00000000-0000-4000-8000-000000000001", clientId: "x", ...answer }),
                } });
            } catch (err) {
                if (err instanceof ProgramFailed) return { message: err.message, registered: err.resources.length };
                throw err;
            }
            throw new Error("the program ran against another subscription or tenant than the stack pins");
        };

        it("answers offline with the subscription and tenant the stack pins", () => {
            expect(dev.outputs.subscriptionId).toBe("6c1f3e2a-8b4d-4f5e-9a7b-1c2d3e4f5a60");
            expect(dev.outputs.tenantId).toBe("7a1c2e3f-4b5d-4e6f-8a7b-9c0d1e2f3a4b");
        });

        it("refuses to run, registering nothing, when the signed-in subscription is not the pinned one", async () => {
            const r = await elsewhere({ subscriptionId: "11111111-2222-4333-8444-555555555555" })();
            expect(r.registered).toBe(0);
            expect(r.message).toContain("azure-native:subscriptionId pins subscription 6c1f3e2a-8b4d-4f5e-9a7b-1c2d3e4f5a60, but azure-native signed in to 11111111-2222-4333-8444-555555555555");
        });

        it("refuses to run when the signed-in tenant is not the pinned one", async () => {
            const r = await elsewhere({ tenantId: "99999999-2222-4333-8444-555555555555" })();
            expect(r.message).toContain("azuread:tenantId pins tenant 7a1c2e3f-4b5d-4e6f-8a7b-9c0d1e2f3a4b, but azuread signed in to 99999999-2222-4333-8444-555555555555");
        });

        it("declares the same owners whoever runs it: the configured ones, not the runner", async () => {
            const a = await runProgram({ config: devConfig(), as: "aaaaaaaa-1111-4222-8333-444444444444" });
            const b = await runProgram({ config: devConfig(), as: "bbbbbbbb-1111-4222-8333-444444444444" });
            const owners = (r: RunResult) => r.resources.filter((x) => x.type.startsWith("azuread:index/application:") || x.type.startsWith("azuread:index/servicePrincipal:")).map((x) => x.inputs.owners);
            expect(owners(a)).toEqual(owners(b));
            for (const o of owners(a)) expect(o).toEqual(["5b8e1d3c-2f4a-4c6b-8e9d-1a3c5e7f9b20"]);
        });

        it("requires owners in config", async () => {
            const gateway = JSON.parse(devConfig()["foundry-entra:gateway"]!) as Record<string, unknown>;
            delete gateway.owners;
            const { owners: _, ...rest } = gateway;
            void _;
            await expect(runProgram({ config: { ...devConfig(), "foundry-entra:gateway": JSON.stringify(rest) } })).rejects.toThrow(/foundry-entra:gateway\.owners: is required; list the object id/);
            expect(devWith).toBeDefined();
            expect(config).toBeDefined();
        });
    });
});
