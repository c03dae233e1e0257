/**
 * `npm run verify` in-process (its `main`, on a virtual clock) and as a real child process, with the real
 * @azure/identity and openai clients, against a local token service that verifies client assertions and
 * secrets, and local Azure OpenAI accounts.
 */
import { createHash, X509Certificate } from "node:crypto";
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { main } from "../src/verify/cli";
import { capturedIo, checksOf, parseVerifyJson, runCli, virtualClock, type CliResult } from "./support/cli";
import { LocalAzure, programOutputs, type OutputsJson } from "./support/localAzure";
import { selfSignedCertificate } from "./support/tls";

let world: LocalAzure;
const DAY = 86_400_000;

beforeAll(async () => {
    world = await LocalAzure.start(await programOutputs(new Date()));
});
afterAll(async () => {
    await world?.close();
});
beforeEach(() => world.resetRegistrations());

/** Runs verify in-process against the local world; `edit` changes the outputs file first. */
async function verify(args: string[], edit?: (o: OutputsJson) => void, stdin?: string): Promise<CliResult> {
    const outputs = stdin === undefined ? world.writeOutputs(edit) : "-";
    const { io, result } = capturedIo(stdin === undefined ? {} : { stdin });
    return result(await main(["--outputs", outputs, "--authority-host", world.tokens.url, "--backoff-base-ms", "10", "--backoff-cap-ms", "40", ...args], { ...io, clock: virtualClock() }));
}

const check = (r: CliResult, id: string) => {
    const found = checksOf(parseVerifyJson(r)).find((c) => c.id === id);
    if (!found) throw new Error(`no check ${id}; have ${checksOf(parseVerifyJson(r)).map((c) => c.id).join(", ")}`);
    return found;
};
const gatewayId = () => world.outputs.gateway.clientId;
const account = (name: string) => world.accounts.get(name)!;

describe("verify with the certificate", () => {
    it("gets a token with a client assertion Entra would accept and calls every account and Foundry Local", async () => {
        const r = await verify(["--auth", "certificate", "--json"]);
        expect(r.code, r.stderr).toBe(0);
        const json = parseVerifyJson(r);
        expect(json).toMatchObject({ ok: true, failed: 0 });
        expect(check(r, "certificate.token")).toMatchObject({ status: "pass", data: { version: "1.0", clientId: gatewayId(), tenantId: world.outputs.tenantId } });
        // The token service verified every assertion: @azure/identity 4.13 signs PS256 with x5t#S256.
        const sha256 = createHash("sha256").update(new X509Certificate(world.outputs.gateway.certificate.certificatePem).raw).digest("hex").toUpperCase();
        expect(world.tokens.requests.length).toBeGreaterThanOrEqual(2);
        for (const q of world.tokens.requests) expect(q).toMatchObject({ credential: "certificate", status: 200, assertion: { alg: "PS256", thumbprintHeader: "x5t#S256", thumbprintHex: sha256 } });
        expect(world.tokens.requests.map((q) => q.scope)).toContain(world.outputs.foundryLocal.appScope);
        for (const name of ["aoai-dev-swc", "foundry-dev-swc"]) {
            expect(account(name).calls.filter((c) => c.auth === "bearer")).toEqual([expect.objectContaining({ status: 200, clientId: gatewayId() })]);
        }
        expect(account("aoai-dev-swc").calls.find((c) => c.auth === "bearer")?.path).toBe("/openai/deployments/gpt-4o-mini/chat/completions");
        expect(account("foundry-dev-swc").calls.find((c) => c.auth === "bearer")?.path).toBe("/openai/models");
        expect(world.foundryLocal.calls.map((c) => `${c.method} ${c.path} ${c.status}`)).toEqual(["GET /v1/models 200", "POST /v1/chat/completions 200"]);
    });

    it("fails with AADSTS700027 when the app registration holds another certificate (wrong thumbprint)", async () => {
        world.tokens.apps.get(gatewayId())!.certificates = [{ pem: selfSignedCertificate("rotated-elsewhere").certPem }];
        const r = await verify(["--auth", "certificate", "--json"]);
        expect(r.code).toBe(1);
        const token = check(r, "certificate.token");
        expect(token.status).toBe("fail");
        expect(token.cause).toMatch(/AADSTS700027: the certificate in the outputs \(thumbprint [0-9A-F]{40}\) is not registered on app/);
        expect(token.fix).toMatch(/pulumi up.*ApplicationCertificate/);
        expect(world.tokens.requests.map((q) => q.scope)).toEqual([world.outputs.gateway.tokenScope, world.outputs.foundryLocal.appScope]);
        for (const q of world.tokens.requests) expect(q).toMatchObject({ status: 401, error: expect.stringMatching(/^AADSTS700027: The certificate with identifier used to sign the client assertion is not registered/) });
        expect(check(r, "certificate.foundryLocal.token").cause).toMatch(/^AADSTS700027/);
        for (const fake of world.accounts.values()) expect(fake.calls.filter((c) => c.auth === "bearer")).toEqual([]);
    });

    it("fails when the outputs' thumbprint does not match the certificate", async () => {
        const r = await verify(["--auth", "certificate", "--json", "--no-foundry-local"], (o) => { o.gateway.certificate.thumbprint = "84E05C1D98BCE3A5421D225B140B36E86A3D5534"; });
        expect(r.code).toBe(1);
        expect(check(r, "outputs.certificate.1")).toMatchObject({ status: "fail", title: expect.stringMatching(/thumbprint 84E05C1D98BCE3A5421D225B140B36E86A3D5534 ≠ [0-9A-F]{40}/), cause: expect.stringMatching(/AADSTS700027/) });
    });

    it("warns, and still passes, when the certificate expires within 30 days", async () => {
        const old = await programOutputs(new Date(Date.now() - 345 * DAY));
        world.tokens.apps.get(gatewayId())!.certificates.push({ pem: old.gateway.certificate.certificatePem });
        const r = await verify(["--auth", "certificate", "--json", "--no-foundry-local"], (o) => { o.gateway.certificate = old.gateway.certificate; });
        expect(r.code, r.stdout).toBe(0);
        expect(parseVerifyJson(r)).toMatchObject({ ok: true, warnings: 1 });
        expect(check(r, "outputs.expiry.1")).toMatchObject({ status: "warn", title: expect.stringMatching(/^certificate expires on .* \(in 19 days\)$/), fix: expect.stringMatching(/rotateEveryDays/) });
    });
});

describe("verify with the client secret", () => {
    it("gets a token with the secret and calls every account", async () => {
        const r = await verify(["--auth", "client-secret", "--json", "--no-foundry-local"]);
        expect(r.code, r.stderr).toBe(0);
        expect(world.tokens.requests.every((q) => q.credential === "client-secret" && q.status === 200)).toBe(true);
        expect(check(r, "client-secret.account.aoai-dev-swc")).toMatchObject({ status: "pass", data: { attempts: 1 } });
    });

    it("fails with AADSTS7000222 when the secret has expired, and says how to rotate it", async () => {
        world.tokens.apps.get(gatewayId())!.secrets = [{ value: world.outputs.gateway.clientSecret.value, expiresOn: new Date(Date.now() - DAY) }];
        const yesterday = new Date(Date.now() - DAY).toISOString();
        const r = await verify(["--auth", "client-secret", "--json", "--no-foundry-local"], (o) => { o.gateway.clientSecret.expiresOn = yesterday; });
        expect(r.code).toBe(1);
        expect(check(r, "client-secret.token")).toMatchObject({ status: "fail", cause: expect.stringMatching(/^AADSTS7000222: the client secret of app .* has expired/), fix: expect.stringMatching(/clientSecret\.rotateEveryDays.*pulumi up/) });
        expect(check(r, "outputs.expiry.1")).toMatchObject({ status: "fail", title: `client secret expired on ${yesterday}` });
    });

    it("says where to look when the tenant's OpenID configuration cannot be read (wrong tenant)", async () => {
        const r = await verify(["--auth", "client-secret", "--json", "--no-foundry-local"], (o) => { o.tenantId = "11111111-2222-3333-4444-555555555555"; });
        expect(r.code).toBe(1);
        expect(check(r, "client-secret.token")).toMatchObject({ status: "fail", title: expect.stringMatching(/refused \(endpoints_resolution_error\)/), cause: expect.stringMatching(/OpenID configuration of tenant 11111111-2222-3333-4444-555555555555/) });
    });

    it("fails with AADSTS7000215 when the secret value is wrong", async () => {
        const r = await verify(["--auth", "client-secret", "--json", "--no-foundry-local"], (o) => { o.gateway.clientSecret.value = "8c91584a-a1ee-54f7-b0d1-a2b8da449d05"; });
        expect(r.code).toBe(1);
        expect(check(r, "client-secret.token")).toMatchObject({ status: "fail", cause: expect.stringMatching(/^AADSTS7000215: .*the secret's id instead of its value/) });
    });
});

describe("RBAC propagation", () => {
    it("retries a PermissionDenied with backoff until the role assignment works, and reports the wait", async () => {
        account("aoai-dev-swc").reset({ denyFirst: 3 });
        const r = await verify(["--auth", "certificate", "--account", "aoai-dev-swc", "--json", "--no-foundry-local"]);
        expect(r.code, r.stdout).toBe(0);
        const c = check(r, "certificate.account.aoai-dev-swc");
        expect(c).toMatchObject({ status: "pass", data: { attempts: 4 } });
        expect(c.data?.waitedMs).toBeGreaterThan(0);
        expect(c.title).toMatch(/after 4 attempts, [\d.]+ s waiting for RBAC/);
        expect(r.stderr.match(/aoai-dev-swc: waiting for RBAC to propagate… \d+ s of 600 s \(attempt \d: 401 PermissionDenied/g)).toHaveLength(3);
        expect(account("aoai-dev-swc").calls.filter((x) => x.auth === "bearer").map((x) => x.status)).toEqual([401, 401, 401, 200]);
    });

    it("also treats 403 PermissionDenied as RBAC not yet propagated", async () => {
        account("aoai-dev-swc").reset({ denyFirst: 1, denialStatus: 403 });
        const r = await verify(["--auth", "certificate", "--account", "aoai-dev-swc", "--json", "--no-foundry-local"]);
        expect(r.code).toBe(0);
        expect(check(r, "certificate.account.aoai-dev-swc").data).toMatchObject({ attempts: 2 });
    });

    it("fails when --wait is exhausted, with the role to assign", async () => {
        account("aoai-dev-swc").reset({ denyFirst: 1_000_000 });
        const r = await verify(["--auth", "certificate", "--account", "aoai-dev-swc", "--wait", "0.3", "--json", "--no-foundry-local"]);
        expect(r.code).toBe(1);
        const c = check(r, "certificate.account.aoai-dev-swc");
        expect(c.status).toBe("fail");
        expect(c.title).toMatch(/^aoai-dev-swc: RBAC has not propagated after [\d.]+ s of --wait 0.3 s \(\d+ attempts; last: aoai-dev-swc: 401: The principal `[0-9a-f-]+` lacks the required data action/);
        expect(c.data?.attempts).toBeGreaterThanOrEqual(2);
        expect(c.fix).toMatch(/Cognitive Services OpenAI User.*larger --wait/);
        expect(account("aoai-dev-swc").calls.filter((x) => x.auth === "bearer").every((x) => x.status === 401)).toBe(true);
    });

    it("does not retry other failures (a missing deployment fails at once)", async () => {
        const r = await verify(["--auth", "certificate", "--account", "aoai-dev-swc", "--json", "--no-foundry-local"], (o) => { o.accounts["aoai-dev-swc"]!.deployments = [{ name: "gpt-missing" }]; });
        expect(r.code).toBe(1);
        expect(check(r, "certificate.account.aoai-dev-swc")).toMatchObject({ status: "fail", data: { attempts: 1 }, cause: "deployment gpt-missing does not exist on aoai-dev-swc" });
        expect(account("aoai-dev-swc").calls.filter((x) => x.auth === "bearer")).toHaveLength(1);
    });
});

describe("key-based auth", () => {
    it("passes when a bogus api-key is refused as 'Key based authentication is disabled'", async () => {
        const r = await verify(["--auth", "certificate", "--json", "--no-foundry-local"]);
        expect(check(r, "keyAuth.aoai-dev-swc")).toMatchObject({ status: "pass", title: 'aoai-dev-swc: api-key refused: 403 AuthenticationTypeDisabled "Key based authentication is disabled for this resource."' });
        expect(account("aoai-dev-swc").calls.filter((c) => c.auth === "api-key")).toEqual([expect.objectContaining({ status: 403 })]);
    });

    it("fails when the bogus key is refused as an invalid key: key auth is still on", async () => {
        account("aoai-dev-swc").reset({ keyAuth: "enabled" });
        const r = await verify(["--auth", "certificate", "--json", "--no-foundry-local"]);
        expect(r.code).toBe(1);
        expect(check(r, "keyAuth.aoai-dev-swc")).toMatchObject({ status: "fail", title: expect.stringMatching(/key-based auth is ON.*Access denied due to invalid subscription key/), fix: expect.stringMatching(/disableLocalAuth: true/) });
        expect(check(r, "keyAuth.foundry-dev-swc").status).toBe("pass");
    });
});

describe("the command line", () => {
    it("prints a checklist a person reads, and reads the outputs from stdin", async () => {
        const r = await verify(["--no-foundry-local"], undefined, readFileSync(world.writeOutputs(), "utf8"));
        expect(r.code, r.stdout).toBe(0);
        expect(r.stdout).toMatch(/^Stack outputs\n  ✓ stdin: tenant /);
        expect(r.stdout).toContain("Certificate credential (thumbprint ");
        expect(r.stdout).toContain("Client secret credential\n  ✓ token for https://cognitiveservices.azure.com/.default: v1.0");
        expect(r.stdout).not.toContain("✗");
        expect(r.stdout.trim().split("\n").pop()).toMatch(/^✓ all \d+ checks passed$/);
    });

    it("shows cause and fix under a failed line", async () => {
        account("foundry-dev-swc").reset({ keyAuth: "enabled" });
        const r = await verify(["--auth", "client-secret", "--no-foundry-local"]);
        expect(r.code).toBe(1);
        expect(r.stdout).toMatch(/  ✗ foundry-dev-swc: key-based auth is ON.*\n      cause: the account still accepts keys.*\n      fix:   set `disableLocalAuth: true` for foundry-dev-swc/);
        expect(r.stdout.trim().split("\n").pop()).toMatch(/^✗ 1 failed, \d+ passed$/);
    });

    it("reads `pulumi stack output --json --show-secrets` when no --outputs is given (the real command, a child process)", async () => {
        const bin = join(world.dir, "bin");
        mkdirSync(bin, { recursive: true });
        const script = join(bin, "pulumi");
        writeFileSync(script, `#!/bin/sh\n[ "$*" = "stack output --json --show-secrets --stack dev" ] || { echo "unexpected arguments: $*" >&2; exit 3; }\ncat '${world.writeOutputs()}'\n`);
        chmodSync(script, 0o755);
        const args = ["--stack", "dev", "--authority-host", world.tokens.url, "--auth", "client-secret", "--no-foundry-local", "--json"];
        const r = await runCli("verify", args, { env: { PATH: `${bin}:${process.env.PATH}` } });
        expect(r.code, r.stderr).toBe(0);
        expect(check(r, "outputs.read").title).toMatch(/^pulumi stack output: tenant /);
        const missing = await runCli("verify", args, { env: { PATH: join(world.dir, "empty") } });
        expect(missing.code).toBe(2);
        expect(missing.stderr).toBe("verify: the pulumi CLI is not installed or not on PATH; pass --outputs FILE (or - for stdin)\n");
    });

    it("exits 2 on an unknown account or redacted secrets", async () => {
        const unknown = await verify(["--account", "nope"]);
        expect(unknown.code).toBe(2);
        expect(unknown.stderr).toContain("verify: --account nope: no such account in the outputs; have: aoai-dev-swc, foundry-dev-swc");
        const redacted = await verify([], (o) => { o.gateway.clientSecret.value = "[secret]"; });
        expect(redacted.code).toBe(2);
        expect(redacted.stderr).toMatch(/gateway\.clientSecret\.value shows "\[secret\]"; read the outputs with `pulumi stack output --json --show-secrets`/);
    });
});
