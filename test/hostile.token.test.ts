/**
 * Hostile tokens and outputs for `token-doctor`, run in-process through its `main`: unsigned and look-alike
 * tokens are findings (never "accepted"), numbers out of range are findings (never a crash, and `--json` always
 * prints JSON), claims of the wrong type do not crash it, and it reads outputs without secrets. Without `--for`
 * it judges the target the token was issued for (its `aud`).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../src/token/cli";
import { ROOT } from "./helpers";
import { runTool } from "./support/inProcess";
import { createSigningKey, mintAccessToken, type AccessTokenSpec } from "./support/tokens";

const OUTPUTS_FILE = join(ROOT, "test", "fixtures", "gateway", "outputs.dev.json");
const OUTPUTS = JSON.parse(readFileSync(OUTPUTS_FILE, "utf8")) as {
    tenantId: string; gateway: { clientId: string; clientSecret: { value: string }; certificate: { privateKeyPem: string } };
    foundryLocal: { clientId: string };
};
const TENANT = OUTPUTS.tenantId;
const key = createSigningKey();

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
/** A token with the given header and claims and no (or the given) signature. */
const unsigned = (header: Record<string, unknown>, claims: Record<string, unknown>, signature = "") => `${b64(header)}.${b64(claims)}.${signature}`;

const now = () => Math.floor(Date.now() / 1000);
/** The claims of a good v2 application token for Azure OpenAI, from the stack's tenant. */
const goodClaims = (over: Record<string, unknown> = {}) => ({
    aud: "https://cognitiveservices.azure.com", iss: `https://login.microsoftonline.com/${TENANT}/v2.0`, tid: TENANT,
    azp: OUTPUTS.gateway.clientId, ver: "2.0", iat: now() - 60, nbf: now() - 60, exp: now() + 3000, oid: "9ba7d9f1-568c-5166-ac2f-36f26039b0b0", ...over,
});
const aoai = (over: Partial<AccessTokenSpec> = {}) =>
    mintAccessToken(key, { version: 2, tenantId: TENANT, clientId: OUTPUTS.gateway.clientId, audience: "https://cognitiveservices.azure.com", ...over });

const doctor = (args: string[], stdin = "") => runTool(main, args, { stdin });
/** Every line of the report, as JSON. */
const report = async (args: string[], stdin = "") => {
    const r = await doctor(["--json", ...args], stdin);
    expect(() => JSON.parse(r.stdout), `stdout is not JSON:\n${r.stdout}\n${r.stderr}`).not.toThrow();
    return { ...r, json: JSON.parse(r.stdout) as { ok: boolean; exitCode: number; accepted?: Record<string, boolean>; groups?: { checks: { status: string; title: string }[] }[] } };
};
const failed = (json: { groups?: { checks: { status: string; title: string }[] }[] }) =>
    (json.groups ?? []).flatMap((g) => g.checks).filter((c) => c.status === "fail").map((c) => c.title);

describe("token-doctor on hostile tokens", () => {
    it("refuses alg none with an empty signature: an unsigned token is never accepted", async () => {
        const r = await report(["--for", "azure-openai", "--tenant", TENANT, unsigned({ alg: "none", typ: "JWT" }, goodClaims())]);
        expect(r.code).toBe(1);
        expect(r.json.accepted).toEqual({ "azure-openai": false });
        expect(failed(r.json).join("\n")).toMatch(/unsigned/);
    });

    it("refuses an RS256 header with the signature stripped", async () => {
        const signed = await aoai();
        const stripped = `${signed.split(".").slice(0, 2).join(".")}.`;
        const r = await report(["--for", "azure-openai", stripped]);
        expect(r.code).toBe(1);
        expect(failed(r.json).join("\n")).toMatch(/no signature/);
    });

    it.each([
        [`https://login.evil.com/${"TENANT"}/v2.0`],
        [`https://sts.attacker.net/${"TENANT"}/`],
        [`https://login.microsoftonline.com.evil.com/${"TENANT"}/v2.0`],
    ])("refuses the look-alike issuer %s", async (template) => {
        const iss = template.replace("TENANT", TENANT);
        const r = await report(["--tenant", TENANT, await aoai({ claims: { iss } })]);
        expect(r.code).toBe(1);
        expect(failed(r.json).join("\n")).toContain(`issuer ${iss} is not Entra ID`);
    });

    it("makes numbers out of range findings: nbf 1e13 is not accepted, exp 1e13 does not crash", async () => {
        const nbf = await report(["--for", "azure-openai", await aoai({ claims: { nbf: 1e13 } })]);
        expect(nbf.code).toBe(1);
        expect(failed(nbf.json).join("\n")).toMatch(/nbf 10000000000000 is not a time/);
        const exp = await report(["--for", "azure-openai", await aoai({ claims: { exp: 1e13 } })]);
        expect(exp.code).toBe(1);
        expect(failed(exp.json).join("\n")).toMatch(/exp 10000000000000 is not a time/);
        const text = await doctor(["--for", "azure-openai", await aoai({ claims: { exp: 1e13, iat: -1e300 } })]);
        expect(text.code).toBe(1);
        expect(text.stderr).toBe("");
        expect(text.stdout).toContain("✗ exp 10000000000000 is not a time");
    });

    it("does not crash on aud [123] with --api-client-id, nor on claims of the wrong type", async () => {
        const aud = await report(["--api-client-id", OUTPUTS.foundryLocal.clientId, await aoai({ claims: { aud: [123] } })]);
        expect(aud.code).toBe(1);
        expect(failed(aud.json).join("\n")).toMatch(/aud holds a number/);
        const odd = await report([await aoai({ claims: { iss: 42, tid: ["x"], roles: "r", scp: 7, azp: {}, upn: null } })]);
        expect(odd.code).toBe(1);
        expect(odd.stderr).toBe("");
    });

    it("prints JSON with --json whatever goes wrong", async () => {
        for (const input of ["", "x", "a.b.c", unsigned({ alg: "RS256" }, { exp: "soon" }, "sig"), `${b64({})}.${b64([1, 2])}.`]) {
            const r = await report([], input);
            expect([1, 2], input).toContain(r.code);
        }
        const missing = await report(["--outputs", join(ROOT, "no-such-file.json"), await aoai()]);
        expect(missing.code).toBe(2);
        expect(missing.json).toMatchObject({ ok: false, exitCode: 2, error: expect.stringContaining("no such file") });
    });
});

describe("token-doctor reads the outputs without secrets", () => {
    it("takes plain `pulumi stack output --json` (every secret \"[secret]\"): a diagnosis needs none", async () => {
        const plain = structuredClone(OUTPUTS);
        plain.gateway.clientSecret.value = "[secret]";
        plain.gateway.certificate.privateKeyPem = "[secret]";
        const r = await doctor(["--outputs", "-", await aoai()], JSON.stringify(plain));
        expect(r.stderr).toBe("");
        expect(r.stdout).toContain(`✓ tenant ${TENANT}`);
        expect(r.code).toBe(0);
    });

    it("refuses outputs nested 100,000 deep with one line, not a stack overflow", async () => {
        const deep = `{"tenantId":"${TENANT}","x":${"[".repeat(100_000)}${"]".repeat(100_000)}}`;
        const r = await doctor(["--outputs", "-", await aoai()], deep);
        expect(r.code).toBe(2);
        expect(r.stderr).toMatch(/^token-doctor: stdin: nested more than \d+ levels deep/);
    });

    it("never prints a secret of the outputs", async () => {
        const broken = structuredClone(OUTPUTS) as unknown as { tenantId: unknown; gateway: Record<string, unknown> };
        broken.tenantId = 7;
        const r = await doctor(["--outputs", "-", await aoai()], JSON.stringify(broken));
        expect(r.code).toBe(2);
        for (const s of [OUTPUTS.gateway.clientSecret.value, OUTPUTS.gateway.certificate.privateKeyPem.split("\n")[1]!]) {
            expect(r.stdout + r.stderr).not.toContain(s);
        }
    });
});

describe("token-doctor without --for (issue 16)", () => {
    it("judges a good Azure OpenAI token for Azure OpenAI, the target its aud names: exit 0", async () => {
        const r = await doctor(["--tenant", TENANT, await aoai()]);
        expect(r.stdout).toContain("Azure OpenAI / Foundry: accepted");
        expect(r.stdout).not.toContain("Foundry Local sidecar");
        expect(r.stdout).toMatch(/judged for Azure OpenAI \/ Foundry: the token's audience/);
        expect(r.code).toBe(0);
    });

    it("judges a token for the Foundry Local API app for the sidecar", async () => {
        const token = await mintAccessToken(key, { version: 2, tenantId: TENANT, clientId: OUTPUTS.gateway.clientId, audience: OUTPUTS.foundryLocal.clientId, roles: ["FoundryInferenceAccess"] });
        const r = await doctor(["--api-client-id", OUTPUTS.foundryLocal.clientId, token]);
        expect(r.stdout).toContain("Foundry Local sidecar: accepted");
        expect(r.stdout).not.toContain("Azure OpenAI / Foundry:");
        expect(r.code).toBe(0);
    });

    it("judges by both when the audience names neither, and --for still chooses", async () => {
        const other = await aoai({ audience: "https://management.azure.com/" });
        const both = await doctor([other]);
        expect(both.stdout).toContain("Azure OpenAI / Foundry: rejected");
        expect(both.stdout).toContain("Foundry Local sidecar: rejected");
        const chosen = await doctor(["--for", "foundry-local", await aoai()]);
        expect(chosen.stdout).toContain("Foundry Local sidecar: rejected");
        expect(chosen.stdout).not.toContain("Azure OpenAI / Foundry:");
    });
});
