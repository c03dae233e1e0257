/**
 * The parts of verify that need no child process: backoff with an injected clock (attempt counts, never
 * timings), the mapping of Entra, Azure OpenAI and Foundry Local answers to causes and fixes, and the
 * troubleshooting table covering every one of them.
 */
import { readFileSync } from "node:fs";
import { request } from "node:https";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { explainTokenError } from "../src/verify/aadErrors";
import { classifyAccountError, classifyKeyProbe, type AccountRef } from "../src/verify/azureOpenAi";
import { classifyFoundryLocalError } from "../src/verify/foundryLocal";
import { explainFoundryLocalError, FOUNDRY_LOCAL_ERRORS, foundryLocalCode, type FoundryLocalErrorCode } from "../src/verify/foundryLocalErrors";
import { backoffDelay, retryWithBackoff, WaitBudget, type Attempt, type Clock } from "../src/verify/retry";
import { AAD } from "./support/aadErrors";
import { AZURE_ANSWERS } from "./support/fakeAzureOpenAi";
import { FakeFoundryLocal } from "./support/fakeFoundryLocal";
import { testPki, type TestPki } from "./support/tls";
import { createSigningKey, mintAccessToken } from "./support/tokens";

/** A clock whose sleep only moves time forward. */
function fakeClock(random = 0.5): Clock & { slept: number[] } {
    let t = 0;
    const slept: number[] = [];
    return { slept, now: () => t, random: () => random, sleep: async (ms) => { slept.push(ms); t += ms; } };
}

describe("backoff", () => {
    it("doubles from the base, caps, and keeps half of each delay fixed (equal jitter)", () => {
        const policy = { baseMs: 1000, capMs: 8000 };
        expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelay(n, policy, () => 0))).toEqual([500, 1000, 2000, 4000, 4000, 4000]);
        expect([1, 2, 3, 4, 5].map((n) => backoffDelay(n, policy, () => 0.999999))).toEqual([1000, 2000, 4000, 8000, 8000]);
    });

    it("retries until the attempt is done and reports attempts and the time waited", async () => {
        const clock = fakeClock(0);
        const out = await retryWithBackoff<string>(async (n): Promise<Attempt<string>> => (n < 4 ? { done: false, reason: "401", value: "denied" } : { done: true, value: "ok" }),
            { policy: { baseMs: 100, capMs: 10_000 }, budget: new WaitBudget(60_000, clock), clock });
        expect(out).toEqual({ value: "ok", attempts: 4, waitedMs: 50 + 100 + 200, exhausted: false });
        expect(clock.slept).toEqual([50, 100, 200]);
    });

    it("stops when the budget is used up, clipping the last delay to what is left", async () => {
        const clock = fakeClock(1 - Number.EPSILON);
        const waits: number[] = [];
        const out = await retryWithBackoff<string>(async () => ({ done: false, reason: "401 PermissionDenied", value: "denied" }),
            { policy: { baseMs: 1000, capMs: 4000 }, budget: new WaitBudget(10_000, clock), clock, onWait: (p) => waits.push(p.waitedMs) });
        expect(clock.slept).toEqual([1000, 2000, 4000, 3000]);
        expect(out).toEqual({ value: "denied", attempts: 5, waitedMs: 10_000, exhausted: true });
        expect(waits).toEqual([0, 1000, 3000, 7000]);
    });

    it("shares one budget between calls", async () => {
        const clock = fakeClock(0);
        const budget = new WaitBudget(1000, clock);
        const never = async (): Promise<Attempt<number>> => ({ done: false, reason: "403", value: 0 });
        const first = await retryWithBackoff(never, { policy: { baseMs: 400, capMs: 400 }, budget, clock });
        const second = await retryWithBackoff(never, { policy: { baseMs: 400, capMs: 400 }, budget, clock });
        expect(first.waitedMs).toBe(1000);
        expect(second).toMatchObject({ attempts: 1, waitedMs: 0, exhausted: true });
    });
});

const ctx = { credential: "certificate" as const, clientId: "87b9d943-83d2-5782-847b-d9e38af056a0", tenantId: "abdf3545-11d5-5d93-a887-29b42d267f4b", authorityHost: "https://login.microsoftonline.com", scope: "https://cognitiveservices.azure.com/.default", thumbprint: "ABC" };
const description = (r: { json?: unknown }) => String((r.json as { error_description: string }).error_description);

describe("token errors", () => {
    it.each([
        ["certificate not registered", description(AAD.certificateNotRegistered(ctx.clientId, "ABC")), /^AADSTS700027: the certificate in the outputs \(thumbprint ABC\) is not registered/, /ApplicationCertificate/],
        ["certificate expired", description(AAD.certificateExpired(ctx.clientId, "ABC")), /^AADSTS700027: the certificate uploaded .* has expired/, /certificate\.rotateEveryDays/],
        ["bad signature", description(AAD.badSignature()), /^AADSTS700027: .*private key does not belong/, /privateKeyPem/],
        ["assertion time range", description(AAD.assertionTime()), /^AADSTS700024: .*clock/, /NTP/],
        ["invalid secret", description(AAD.invalidSecret(ctx.clientId)), /^AADSTS7000215: /, /gateway\.clientSecret\.value/],
        ["expired secret", description(AAD.expiredSecret(ctx.clientId)), /^AADSTS7000222: /, /clientSecret\.rotateEveryDays/],
        ["unknown app", description(AAD.appNotFound(ctx.clientId, ctx.tenantId)), /^AADSTS700016: /, /gateway\.clientId/],
        ["unknown tenant", description(AAD.tenantNotFound(ctx.tenantId)), /^AADSTS90002: /, /--authority-host/],
        ["unknown resource", description(AAD.resourceNotFound("api://x", ctx.tenantId)), /^AADSTS500011: /, /gateway\.tokenScope/],
        ["network", "request to https://login.microsoftonline.com failed, reason: getaddrinfo ENOTFOUND login.microsoftonline.com", /cannot reach the token endpoint: the host name .* does not resolve here \(ENOTFOUND\)/, /--authority-host/],
        ["no answer (MSAL network_error)", "network_error: See https://aka.ms/msal.js.errors#network_error for details", /cannot reach the token endpoint: .* does not answer from here .*MSAL network_error/, /firewalls and proxies/],
        ["untrusted TLS", "request failed: unable to verify the first certificate (UNABLE_TO_VERIFY_LEAF_SIGNATURE)", /does not trust the TLS certificate/, /NODE_EXTRA_CA_CERTS/],
        ["no OpenID configuration", "endpoints_resolution_error: See https://aka.ms/msal.js.errors#endpoints_resolution_error for details", /could not read the OpenID configuration of tenant/, /--authority-host/],
    ])("%s", (_, message, cause, fix) => {
        const x = explainTokenError(`invalid_client: Error(s): 1 - Description: ${message}`, ctx);
        expect(x.cause).toMatch(cause);
        expect(x.fix).toMatch(fix);
    });

    it("names the Foundry Local API app when its resource is missing", () => {
        expect(explainTokenError(description(AAD.resourceNotFound("api://x", ctx.tenantId)), { ...ctx, scope: "api://x/.default" }).fix).toMatch(/FoundryLocalApi/);
    });
});

const ref: AccountRef = { name: "aoai", apiVersion: "2024-10-21", account: { kind: "OpenAI", endpoint: "https://aoai.openai.azure.com/", resourceId: "/subscriptions/s/accounts/aoai", deployments: [{ name: "gpt" }] } };
const body = (r: { status: number; json?: unknown }) => ({ status: r.status, code: (r.json as { error: { code: string } }).error.code, message: (r.json as { error: { message: string } }).error.message });

describe("Azure OpenAI answers", () => {
    it("key probe: AuthenticationTypeDisabled passes (403 as Azure sends it, 401 too); an invalid-key answer means key auth is on", () => {
        expect(classifyKeyProbe(ref, body(AZURE_ANSWERS.keyAuthDisabled())).outcome).toBe("pass");
        expect(classifyKeyProbe(ref, { status: 401, message: "Key based authentication is disabled for this resource." }).outcome).toBe("pass");
        const on = classifyKeyProbe(ref, body(AZURE_ANSWERS.invalidKey()));
        expect(on).toMatchObject({ outcome: "fail", title: expect.stringMatching(/key-based auth is ON/) });
        expect(on.outcome !== "pass" && on.fix).toMatch(/az resource update --ids \/subscriptions\/s\/accounts\/aoai --set properties\.disableLocalAuth=true/);
        expect(classifyKeyProbe(ref, { status: 404, code: "404", message: "Resource not found" }).outcome).toBe("fail");
    });

    it("retries RBAC denials only", () => {
        expect(classifyAccountError(ref, body(AZURE_ANSWERS.permissionDenied(401, "oid", "a", "b")), "gpt").outcome).toBe("retry");
        expect(classifyAccountError(ref, body(AZURE_ANSWERS.permissionDenied(403, "oid", "a", "b")), "gpt").outcome).toBe("retry");
        expect(classifyAccountError(ref, { status: 401, code: "PermissionDenied", message: "Principal does not have access to API/Operation." }, "gpt").outcome).toBe("retry");
        expect(classifyAccountError(ref, body(AZURE_ANSWERS.badToken()), "gpt")).toMatchObject({ outcome: "fail", fix: expect.stringMatching(/gateway\.tokenScope/) });
        expect(classifyAccountError(ref, body(AZURE_ANSWERS.deploymentNotFound()), "gpt")).toMatchObject({ outcome: "fail", cause: "deployment gpt does not exist on aoai" });
        expect(classifyAccountError(ref, { status: 403, code: "403", message: "Public access is disabled. Please configure private endpoint." }, "gpt")).toMatchObject({ outcome: "fail", fix: expect.stringMatching(/publicNetworkAccess/) });
        expect(classifyAccountError(ref, { status: 429, code: "429", message: "Rate limit" }, "gpt").outcome).toBe("warn");
        expect(classifyAccountError(ref, { message: "fetch failed: getaddrinfo ENOTFOUND aoai.openai.azure.com", network: "ENOTFOUND" }, "gpt")).toMatchObject({ outcome: "fail", title: expect.stringMatching(/cannot reach/) });
    });
});

describe("Foundry Local sidecar answers, read from the local sidecar over HTTPS", () => {
    let pki: TestPki;
    let sidecar: FakeFoundryLocal;
    const key = createSigningKey();
    const apiClientId = "8f709b5c-5869-5a10-8c9b-cd2d55388810";
    const tenantId = ctx.tenantId;

    beforeAll(async () => {
        pki = testPki();
        sidecar = await new FakeFoundryLocal({ tenantId, apiClientId, appRole: "FoundryInferenceAccess", scopeValue: "foundry_access", signingKey: key }).start(pki.server);
    });
    afterAll(async () => {
        await sidecar?.close();
    });

    function post(headers: Record<string, string>): Promise<{ status: number; code?: string; message: string }> {
        return new Promise((resolve, reject) => {
            const req = request(`${sidecar.url}/v1/chat/completions`, { method: "POST", ca: pki.caPem, headers: { "content-type": "application/json", ...headers } }, (res) => {
                let text = "";
                res.on("data", (d: Buffer) => (text += d.toString()));
                res.on("end", () => {
                    const e = (JSON.parse(text) as { error?: { code?: string; message?: string } }).error;
                    resolve({ status: res.statusCode ?? 0, ...(e?.code ? { code: e.code } : {}), message: e?.message ?? text });
                });
            });
            req.on("error", reject);
            req.end(JSON.stringify({ model: "phi-4-mini", messages: [] }));
        });
    }

    const userToken = (scp: string) => mintAccessToken(key, { version: 2, tenantId, audience: apiClientId, clientId: "04b07795-8ddb-461a-bbee-02f9e1bf7b46", scp });

    it.each<[FoundryLocalErrorCode, () => Promise<Record<string, string>>, RegExp]>([
        ["missing_credentials", async () => ({}), /Authorization header through the ingress/],
        ["ambiguous_auth", async () => ({ authorization: `Bearer ${await userToken("foundry_access")}`, "api-key": "k" }), /remove the api-key header/],
        ["invalid_api_key", async () => ({ "api-key": "k" }), /Authorization: Bearer/],
        ["invalid_token", async () => ({ authorization: `Bearer ${await userToken("user_impersonation")}` }), /token-doctor/],
    ])("%s", async (code, headers, fix) => {
        sidecar.reset();
        const answer = await post(await headers());
        expect(answer.status).toBe(FOUNDRY_LOCAL_ERRORS[code].statuses[0]);
        expect(foundryLocalCode(answer.code, answer.message)).toBe(code);
        const classified = classifyFoundryLocalError(answer, "phi-4-mini", []);
        expect(classified).toMatchObject({ outcome: "fail", cause: FOUNDRY_LOCAL_ERRORS[code].cause });
        expect(classified.outcome !== "pass" && classified.fix).toMatch(fix);
    });

    it("accepts a user token with scp foundry_access", async () => {
        sidecar.reset();
        expect((await post({ authorization: `Bearer ${await userToken("foundry_access")}` })).status).toBe(200);
    });

    it("finds codes in plain-text answers too, and explains invalid_token by the token's own failure", () => {
        expect(foundryLocalCode(undefined, "401 Unauthorized: invalid_token")).toBe("invalid_token");
        const x = explainFoundryLocalError("invalid_token", [{ status: "fail", title: "v1 token", cause: "v1", fix: "requestedAccessTokenVersion" }]);
        expect(x).toEqual({ cause: "v1 token: v1", fix: "requestedAccessTokenVersion", retry: false });
    });
});

describe("the troubleshooting tables (docs/troubleshooting.md)", () => {
    it("have a row (symptom → cause → fix) for every error verify and token-doctor explain", () => {
        const doc = readFileSync(join(__dirname, "..", "docs", "troubleshooting.md"), "utf8");
        const rows = doc.split("\n").filter((l) => l.startsWith("| ") && !l.startsWith("| symptom") && !l.startsWith("|---"));
        const needles = [
            "AADSTS700027", "not registered on application", "The key used is expired", "failed signature validation", "AADSTS700024", "AADSTS7000215", "AADSTS7000222",
            "AADSTS700016", "AADSTS90002", "AADSTS500011", "AADSTS501051", "AADSTS700021", "ENOTFOUND", "endpoints_resolution_error", "does not trust the TLS certificate",
            "AuthenticationTypeDisabled", "Access denied due to invalid subscription key", "PermissionDenied", "lacks the required data action", "audience is incorrect", "DeploymentNotFound",
            ...Object.keys(FOUNDRY_LOCAL_ERRORS),
            "sts.windows.net", "without a roles claim", "scp", "expired at", "thumbprints do not match", "expires on", "https://ai.azure.com",
        ];
        for (const n of needles) expect(rows.some((r) => r.includes(n)), `no troubleshooting row mentions ${n}`).toBe(true);
        for (const r of rows) expect(r.split(" | ").length, r).toBe(3);
    });
});
