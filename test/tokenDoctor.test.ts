/**
 * `npm run token-doctor`: the acceptance rules on tokens minted like Entra ID's (in process, through the same
 * `diagnose` the CLI calls), and the CLI's exit codes, stdin and JSON as a real child process.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { diagnose, expectationsFromOutputs } from "../src/token/doctor";
import { TARGETS, type Expectations, type Target } from "../src/token/rules";
import { parseOutputs } from "../src/verify/outputs";
import { main } from "../src/token/cli";
import { capturedIo, runCli } from "./support/cli";
import { programOutputs, type OutputsJson } from "./support/localAzure";
import { createSigningKey, mintAccessToken, type AccessTokenSpec } from "./support/tokens";

const key = createSigningKey();
let outputs: OutputsJson;
let expect_: Expectations;
let dir: string;

beforeAll(async () => {
    outputs = await programOutputs(new Date());
    expect_ = expectationsFromOutputs(parseOutputs(JSON.stringify(outputs), "dev outputs"), new Date());
    dir = mkdtempSync(join(tmpdir(), "foundry-entra-doctor-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const gatewayApp = (): Omit<AccessTokenSpec, "version" | "audience"> => ({ tenantId: outputs.tenantId, clientId: outputs.gateway.clientId });
const cognitive = (over: Partial<AccessTokenSpec> = {}) => mintAccessToken(key, { ...gatewayApp(), version: 1, audience: "https://cognitiveservices.azure.com", ...over });
const foundryLocal = (over: Partial<AccessTokenSpec> = {}) => mintAccessToken(key, { ...gatewayApp(), version: 2, audience: outputs.foundryLocal.clientId, roles: ["FoundryInferenceAccess"], ...over });

function run(token: string, targets: readonly Target[] = TARGETS) {
    const r = diagnose(token, { targets, expect: expect_ });
    const findings = r.groups.slice(1).flatMap((g) => g.checks);
    return { ...r, failed: findings.filter((c) => c.status === "fail"), findings };
}

describe("Azure OpenAI / Foundry rules", () => {
    it("accept a v1 application token for https://cognitiveservices.azure.com of the stack's tenant", async () => {
        const r = run(await cognitive(), ["azure-openai"]);
        expect(r.exitCode).toBe(0);
        expect(r.findings.map((f) => f.title)).toContain(`v1 token (issuer https://sts.windows.net/${outputs.tenantId}/); Azure OpenAI accepts v1 and v2`);
    });

    it("accept a v2 token for the same audience", async () => {
        expect(run(await cognitive({ version: 2 }), ["azure-openai"]).exitCode).toBe(0);
    });

    it("refuse another audience, and say which scope to request", async () => {
        const arm = run(await cognitive({ audience: "https://management.azure.com/" }), ["azure-openai"]);
        expect(arm.exitCode).toBe(1);
        expect(arm.failed).toEqual([expect.objectContaining({ title: "audience https://management.azure.com/ is not https://cognitiveservices.azure.com", fix: expect.stringMatching(/cognitiveservices\.azure\.com\/\.default.*gateway\.tokenScope/) })]);
        const project = run(await cognitive({ audience: "https://ai.azure.com" }), ["azure-openai"]);
        expect(project.failed[0]?.title).toMatch(/is for Foundry project endpoints/);
    });

    it("refuse an expired token", async () => {
        const r = run(await cognitive({ issuedAt: new Date(Date.now() - 3 * 3_600_000) }), ["azure-openai"]);
        expect(r.exitCode).toBe(1);
        expect(r.failed).toEqual([expect.objectContaining({ title: expect.stringMatching(/^expired at .* \(120 min ago\)$/) })]);
    });

    it("refuse a token from another tenant", async () => {
        const r = run(await cognitive({ tenantId: "11111111-2222-3333-4444-555555555555" }), ["azure-openai"]);
        expect(r.failed).toEqual([expect.objectContaining({ title: `issued by tenant 11111111-2222-3333-4444-555555555555, expected ${outputs.tenantId}` })]);
    });
});

describe("Foundry Local sidecar rules", () => {
    it("accept a v2 application token for the API app with roles [FoundryInferenceAccess]", async () => {
        const r = run(await foundryLocal(), ["foundry-local"]);
        expect(r.exitCode, JSON.stringify(r.failed)).toBe(0);
    });

    it("refuse a v1 token, pointing at requestedAccessTokenVersion", async () => {
        const r = run(await foundryLocal({ version: 1, audience: outputs.foundryLocal.identifierUri }), ["foundry-local"]);
        expect(r.exitCode).toBe(1);
        expect(r.failed).toEqual([expect.objectContaining({ title: `v1 token (issuer https://sts.windows.net/${outputs.tenantId}/): the sidecar accepts only v2`, fix: expect.stringMatching(/requestedAccessTokenVersion: 2/) })]);
    });

    it("refuse an application token without roles, and one with other roles", async () => {
        expect(run(await foundryLocal({ roles: [] }), ["foundry-local"]).failed).toEqual([expect.objectContaining({ title: "application token without a roles claim", fix: expect.stringMatching(/managedIdentities/) })]);
        expect(run(await foundryLocal({ roles: ["Reader"] }), ["foundry-local"]).failed[0]?.title).toBe("application token with roles [Reader], without FoundryInferenceAccess");
    });

    it("accept a user token by scp foundry_access and refuse one with another scope (scp vs roles)", async () => {
        const user = (scp: string) => foundryLocal({ clientId: "04b07795-8ddb-461a-bbee-02f9e1bf7b46", scp, roles: [] });
        expect(run(await user("foundry_access"), ["foundry-local"]).exitCode).toBe(0);
        const wrong = run(await user("user_impersonation"), ["foundry-local"]);
        expect(wrong.failed).toEqual([expect.objectContaining({ title: "user token without the foundry_access scope (scp: user_impersonation)", fix: expect.stringMatching(/az account get-access-token --resource api:\/\//) })]);
    });

    it("refuse a token for Azure OpenAI or for another API app", async () => {
        const forAoai = run(await cognitive({ version: 2 }), ["foundry-local"]);
        expect(forAoai.failed.map((f) => f.title)).toContain("audience https://cognitiveservices.azure.com is Azure OpenAI, not the Foundry Local API");
        const other = run(await foundryLocal({ audience: "9f5704fd-fc06-5325-9b06-2990a07c92b2" }), ["foundry-local"]);
        expect(other.failed[0]?.fix).toMatch(/entraAuth\.clientId/);
    });
});

describe("the command line", () => {
    /** The command in-process; the first test also runs the real command, a child process. */
    const doctor = async (args: string[], stdin?: string) => {
        const { io, result } = capturedIo(stdin === undefined ? {} : { stdin });
        return result(await main(args, io));
    };

    it("exits 0 when every target accepts, 1 when one refuses, and reads the token from stdin", async () => {
        const file = join(dir, "outputs.json");
        writeFileSync(file, JSON.stringify(outputs));
        const ok = await runCli("token-doctor", ["--for", "foundry-local", "--outputs", file, "-"], { stdin: await foundryLocal() });
        expect(ok.code, ok.stdout + ok.stderr).toBe(0);
        expect(ok.stdout).toMatch(/^Token\n  · version 2\.0, issuer https:\/\/login\.microsoftonline\.com\//);
        expect(ok.stdout).toContain("Foundry Local sidecar: accepted\n  ✓ v2 token");
        // Without --for, the token is judged for the service its audience names (issue 16).
        const aoai = await doctor(["--outputs", file, await cognitive()]);
        expect(aoai.code).toBe(0);
        expect(aoai.stdout).toContain("Azure OpenAI / Foundry: accepted");
        const local = await doctor(["--for", "foundry-local", "--outputs", file, await cognitive()]);
        expect(local.code).toBe(1);
        expect(local.stdout).toMatch(/Foundry Local sidecar: rejected\n  ✗ v1 token .*\n      cause: .*\n      fix:   set `api\.requestedAccessTokenVersion: 2`/);
    });

    it("prints JSON for scripts", async () => {
        const r = await doctor(["--json", "--tenant", "11111111-2222-3333-4444-555555555555", await cognitive()]);
        expect(r.code).toBe(1);
        const json = JSON.parse(r.stdout) as { ok: boolean; accepted: Record<string, boolean>; exitCode: number };
        expect(json).toMatchObject({ ok: false, exitCode: 1, accepted: { "azure-openai": false } });
    });

    it("exits 2 when the input is not a JWT", async () => {
        const r = await doctor(["-"], "s3cr3t~not-a-token");
        expect(r.code).toBe(2);
        expect(r.stderr).toBe("token-doctor: not a JWT: expected three dot-separated parts, got 1\n");
        const garbled = await doctor(["--json", "aaa.bbb.ccc"]);
        expect(garbled.code).toBe(2);
        expect(JSON.parse(garbled.stdout)).toMatchObject({ ok: false, exitCode: 2, error: expect.stringMatching(/^not a JWT/) });
    });
});
