/**
 * Stable ids: the Foundry Local scope id and app-role id are derived (UUIDv5 of project, stack and value), not
 * generated. Tokens, pre-authorisations and app-role assignments reference them; a changed id deletes and
 * recreates the scope or role and breaks every assignment. They must be the same on every run, unaffected by
 * unrelated config, and change only with the stack or the scope / app-role value. Role-assignment names
 * (GUIDs too) must likewise not move when unrelated config changes.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { RunResult } from "../harness/run";
import { foundryLocalIds } from "../components/foundryLocalApi";
import { at, devConfig, devWith, named, ofType, render, RT, sharedRender } from "./helpers";

interface Ids { scopeId: string; appRoleId: string }

const ids = (r: RunResult): Ids => ({
    scopeId: String(at(r.outputs, "foundryLocal.scopeId")),
    appRoleId: String(at(r.outputs, "foundryLocal.appRoleId")),
});

/** Role-assignment name (a GUID) by resource name, for RBAC and app-role assignments. */
const assignmentNames = (r: RunResult) => new Map([
    ...ofType(r, RT.roleAssignment).map((x) => [x.name, String(x.inputs.roleAssignmentName)] as const),
    ...ofType(r, RT.appRoleAssignment).map((x) => [x.name, String(x.inputs.appRoleId)] as const),
]);

const fl = () => JSON.parse(devConfig()["foundry-entra:foundryLocal"]!) as Record<string, unknown>;

describe("scope and app-role ids", () => {
    let dev: RunResult;
    beforeAll(async () => {
        dev = await sharedRender(devConfig());
    });

    it("are pinned for the dev stack: a change to how they are derived fails here first", () => {
        expect(ids(dev)).toEqual({ scopeId: "619fd607-5971-5755-bd29-abe88b1f282b", appRoleId: "cc819113-2f16-53c2-9c89-3e98b7a691b4" });
        expect(foundryLocalIds({ project: "foundry-entra", stack: "dev" }, "foundry_access", "FoundryInferenceAccess")).toEqual(ids(dev));
    });

    it("are what the API app registration declares and what the assignments reference", () => {
        const app = named(dev, "foundry-local-api-app").inputs as { api: { oauth2PermissionScopes: { id: string }[] }; appRoles: { id: string }[] };
        expect(app.api.oauth2PermissionScopes.map((s) => s.id)).toEqual([ids(dev).scopeId]);
        expect(app.appRoles.map((s) => s.id)).toEqual([ids(dev).appRoleId]);
        expect(named(dev, "foundry-local-api-azure-cli").inputs.permissionIds).toEqual([ids(dev).scopeId]);
        for (const a of ofType(dev, RT.appRoleAssignment)) expect(a.inputs.appRoleId, a.name).toBe(ids(dev).appRoleId);
    });

    it("are the same run after run, and on another date", async () => {
        expect(ids(await render(devConfig()))).toEqual(ids(dev));
        expect(ids(await render(devConfig(), { now: new Date("2027-08-15T13:00:00Z") }))).toEqual(ids(dev));
    });

    const unrelated: [string, Record<string, unknown>][] = [
        ["an added account", { accounts: [...JSON.parse(devConfig()["foundry-entra:accounts"]!) as unknown[], { name: "aoai-dev-extra", resourceGroupName: "rg-ai-dev", kind: "OpenAI" }] }],
        ["an added user", { access: [...JSON.parse(devConfig()["foundry-entra:access"]!) as unknown[], { user: "carol@contoso.com" }] }],
        ["another gateway display name", { gateway: { ...JSON.parse(devConfig()["foundry-entra:gateway"]!) as object, displayName: "ai-gateway-renamed" } }],
        ["the certificate off", { gateway: { ...JSON.parse(devConfig()["foundry-entra:gateway"]!) as object, certificate: false } }],
        ["protect on", { protect: true }],
        ["another API display name and no Azure CLI pre-authorisation", { foundryLocal: { ...fl(), apiDisplayName: "edge-api", preAuthorizeAzureCli: false } }],
        ["the extension installed", { foundryLocal: { ...fl(), installExtension: true } }],
    ];
    for (const [what, overrides] of unrelated) {
        it(`do not move with ${what}, nor do existing role-assignment names`, async () => {
            const r = await render(devWith(overrides));
            expect(ids(r)).toEqual(ids(dev));
            const before = assignmentNames(dev);
            const after = assignmentNames(r);
            const common = [...before.keys()].filter((k) => after.has(k));
            expect(common.length).toBeGreaterThan(5);
            for (const k of common) expect(after.get(k), k).toBe(before.get(k));
        });
    }

    it("change with the stack, and each only with its own value", async () => {
        const qa = ids(await render(devConfig(), { stack: "qa" }));
        expect(qa.scopeId).not.toBe(ids(dev).scopeId);
        expect(qa.appRoleId).not.toBe(ids(dev).appRoleId);
        const scope = ids(await render(devWith({ foundryLocal: { ...fl(), scopeValue: "edge_access" } })));
        expect(scope.scopeId).not.toBe(ids(dev).scopeId);
        expect(scope.appRoleId).toBe(ids(dev).appRoleId);
        const role = ids(await render(devWith({ foundryLocal: { ...fl(), appRoleValue: "EdgeInference" } })));
        expect(role.appRoleId).not.toBe(ids(dev).appRoleId);
        expect(role.scopeId).toBe(ids(dev).scopeId);
    });
});
