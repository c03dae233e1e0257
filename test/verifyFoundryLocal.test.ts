/**
 * `npm run verify` against a local Foundry Local sidecar that validates tokens (v2 only, audience, scp/roles)
 * and checks RBAC, with tokens from the local token service: each sidecar error maps to its cause and fix.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { main } from "../src/verify/cli";
import { capturedIo, checksOf, parseVerifyJson, virtualClock, type CliResult } from "./support/cli";
import { LocalAzure, programOutputs } from "./support/localAzure";

let world: LocalAzure;

beforeAll(async () => {
    world = await LocalAzure.start(await programOutputs(new Date()));
});
afterAll(async () => {
    await world?.close();
});
beforeEach(() => world.resetRegistrations());

/** Runs verify in-process (the real command is run as a process by verify.test.ts), on a virtual clock. */
async function verify(args: string[] = []): Promise<CliResult> {
    const { io, result } = capturedIo();
    return result(await main(["--outputs", world.writeOutputs(), "--authority-host", world.tokens.url, "--auth", "certificate", "--account", "aoai-dev-swc",
        "--backoff-base-ms", "10", "--backoff-cap-ms", "40", "--json", ...args], { ...io, clock: virtualClock() }));
}

const check = (r: CliResult, id: string) => {
    const found = checksOf(parseVerifyJson(r)).find((c) => c.id === id);
    if (!found) throw new Error(`no check ${id}; have ${checksOf(parseVerifyJson(r)).map((c) => c.id).join(", ")}`);
    return found;
};
const failedTitles = (r: CliResult) => checksOf(parseVerifyJson(r)).filter((c) => c.status === "fail").map((c) => c.title);
const api = () => world.tokens.apis.get(world.outputs.foundryLocal.clientId)!;
const sidecarAnswers = () => world.foundryLocal.calls.filter((c) => c.path !== "/v1/models").map((c) => `${c.status} ${c.code ?? ""}`.trim());

describe("Foundry Local", () => {
    it("passes with a v2 token carrying roles [FoundryInferenceAccess], /v1/models without a token and one authenticated call", async () => {
        const r = await verify();
        expect(r.code, r.stdout).toBe(0);
        expect(check(r, "foundryLocal.models")).toMatchObject({ status: "pass", title: "GET /v1/models without a token: 1 model (phi-4-mini)" });
        expect(check(r, "certificate.foundryLocal.token")).toMatchObject({ status: "pass", data: { version: "2.0", audience: [world.outputs.foundryLocal.clientId], roles: ["FoundryInferenceAccess"] } });
        expect(check(r, "certificate.foundryLocal.call")).toMatchObject({ status: "pass", title: "Foundry Local: authenticated chat completion on phi-4-mini" });
        expect(sidecarAnswers()).toEqual(["200"]);
    });

    it("still proves the sidecar let the call through when no model is loaded", async () => {
        world.foundryLocal.reset({ models: [] });
        const r = await verify();
        expect(r.code, r.stdout).toBe(0);
        expect(check(r, "certificate.foundryLocal.call").title).toMatch(/^Foundry Local: authenticated and authorised \(the sidecar let the call through; the model service answered 404 for foundry-entra-verify-probe\)/);
    });

    it("fails on a v1 token: the API app must issue v2 tokens (requestedAccessTokenVersion: 2)", async () => {
        api().tokenVersion = 1;
        const r = await verify();
        expect(r.code).toBe(1);
        expect(check(r, "certificate.foundryLocal.token")).toMatchObject({ status: "info", data: { version: "1.0" } });
        expect(failedTitles(r)).toContain(`token for ${world.outputs.foundryLocal.appScope}: v1 token (issuer https://sts.windows.net/${world.outputs.tenantId}/): the sidecar accepts only v2`);
        const call = check(r, "certificate.foundryLocal.call");
        expect(call.title).toMatch(/^Foundry Local: authenticated call: 401 invalid_token: Token issuer https:\/\/sts\.windows\.net\/.* is not accepted; v2\.0 tokens are required\.$/);
        expect(call.cause).toMatch(/^v1 token .*requestedAccessTokenVersion is not 2/);
        expect(call.fix).toMatch(/`api\.requestedAccessTokenVersion: 2`.*FoundryLocalApi.*pulumi up/);
        expect(sidecarAnswers()).toEqual(["401 invalid_token"]);
    });

    it("fails on an application token without roles: the app role must be assigned", async () => {
        api().appRoleAssignments.clear();
        const r = await verify();
        expect(r.code).toBe(1);
        expect(failedTitles(r)).toContain(`token for ${world.outputs.foundryLocal.appScope}: application token without a roles claim`);
        const call = check(r, "certificate.foundryLocal.call");
        expect(call.title).toBe("Foundry Local: authenticated call: 401 invalid_token: The token has no scope claim (scp or roles).");
        expect(call.cause).toMatch(/no assignment of the FoundryInferenceAccess app role/);
        expect(call.fix).toMatch(/foundry-entra:managedIdentities.*request a new token/);
    });

    it.each(["unavailable-503", "unavailable-500"] as const)("maps rbac_check_unavailable (%s) to the cluster's Arc identity, without retrying", async (mode) => {
        world.foundryLocal.reset({ rbac: mode });
        const r = await verify();
        expect(r.code).toBe(1);
        const call = check(r, "certificate.foundryLocal.call");
        expect(call).toMatchObject({ status: "fail", data: { attempts: 1 } });
        expect(call.title).toMatch(new RegExp(`^Foundry Local: authenticated call: ${mode.slice(-3)} rbac_check_unavailable`));
        expect(call.cause).toMatch(/Arc identity cannot read role assignments/);
        expect(call.fix).toMatch(/`foundry-entra:foundryLocal\.cluster`.*az role assignment create/);
        expect(sidecarAnswers()).toEqual([`${mode.slice(-3)} rbac_check_unavailable`]);
    });

    it("waits for insufficient_permissions (RBAC at the cluster scope propagating) and then passes", async () => {
        world.foundryLocal.reset({ denyFirst: 2 });
        const r = await verify();
        expect(r.code, r.stdout).toBe(0);
        expect(check(r, "certificate.foundryLocal.call")).toMatchObject({ status: "pass", data: { attempts: 3 } });
        expect(r.stderr).toMatch(/Foundry Local: waiting for RBAC to propagate… \d+ s of 600 s \(attempt 2: 403 insufficient_permissions/);
    });

    it("fails on insufficient_permissions once --wait is used up, naming the grant that fixes it", async () => {
        world.foundryLocal.reset({ rbac: "deny" });
        const r = await verify(["--wait", "0.2"]);
        expect(r.code).toBe(1);
        const call = check(r, "certificate.foundryLocal.call");
        expect(call.title).toMatch(/^Foundry Local: RBAC has not propagated after .* 403 insufficient_permissions/);
        expect(call.fix).toMatch(/ArcCluster.*`foundry-entra:access`.*accounts: \[foundry-local\]/);
    });
});
