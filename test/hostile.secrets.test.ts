/**
 * No secret echoed: a value put in a secret position (a client secret where the config takes its options, a
 * private key pasted as `certificate:`, a bare string as the outputs' `gateway.clientSecret`) is never quoted back,
 * nor is anything that looks like a secret, and a long value is quoted as a short excerpt.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseStackConfig } from "../src/config/parse";
import { main as expiry } from "../src/expiry/cli";
import { EXCERPT_LENGTH, excerpt, looksSecret } from "../src/lib/excerpt";
import { parseOutputs as parseOutputsText } from "../src/verify/outputs";
import { MOCK_KEY_PKCS8 } from "../harness/mocks";
import { devWith, ROOT } from "./helpers";
import { runTool } from "./support/inProcess";

const OUTPUTS = JSON.parse(readFileSync(join(ROOT, "test", "fixtures", "gateway", "outputs.dev.json"), "utf8")) as { gateway: Record<string, unknown> };
/** A client secret as Entra ID makes them (40 characters), here made up. */
const CLIENT_SECRET = "Xy78Q~e0bKq3.vVt_N9rYh-ZsA1cDfGhJkLmNoPq";
/** A secret that has no recognisable shape: only its position says it is one. */
const PLAIN_SECRET = "correct horse battery staple";

/** The problem lines the program prints for a config. */
function problems(overrides: Record<string, unknown>): string[] {
    const parsed = parseStackConfig(devWith(overrides), { stack: "dev" });
    if (parsed.ok) throw new Error("the config was accepted");
    return [...parsed.problems];
}

/** No line holds the secret, or any of its lines (a PEM body re-wrapped). */
function expectNoSecret(text: string, secret: string) {
    expect(text).not.toContain(secret);
    for (const line of secret.split("\n").filter((l) => l.length > 16)) expect(text).not.toContain(line);
}

describe("config errors never quote a secret", () => {
    it("a client secret value put where gateway.clientSecret takes its options", () => {
        for (const secret of [CLIENT_SECRET, PLAIN_SECRET]) {
            const lines = problems({ gateway: { clientSecret: secret } });
            expect(lines.join("\n")).toMatch(/^foundry-entra:gateway\.clientSecret: expected object, got a string \(value not shown: it may be a secret\)/m);
            expectNoSecret(lines.join("\n"), secret);
        }
    });

    it("a private key pasted as gateway.certificate", () => {
        const lines = problems({ gateway: { certificate: MOCK_KEY_PKCS8 } });
        expect(lines[0]).toMatch(/^foundry-entra:gateway\.certificate: /);
        expectNoSecret(lines.join("\n"), MOCK_KEY_PKCS8);
    });

    it("a kubeconfig's contents given where a number or a name is expected", () => {
        const kubeconfig = "apiVersion: v1\nkind: Config\nusers:\n- name: u\n  user:\n    token: eyJhbGciOiJSUzI1NiJ9.c2VjcmV0LXRva2Vu.c2ln\n";
        const lines = problems({ gatewayDelivery: { kubernetes: { namespace: kubeconfig, kubeconfig } } });
        expectNoSecret(lines.join("\n"), "eyJhbGciOiJSUzI1NiJ9.c2VjcmV0LXRva2Vu.c2ln");
    });

    it("quotes a 100 KB value as a short excerpt, on one line", () => {
        const long = `${"a".repeat(100_000)}B`;
        for (const overrides of [
            { accounts: [{ name: long, resourceGroupName: "rg", kind: "OpenAI" }] },
            { access: [{ user: "alice@contoso.com", role: long }] },
            { gateway: { owners: [long] } },
            { protect: long },
        ]) {
            const lines = problems(overrides);
            for (const l of lines) {
                expect(l.length, l.slice(0, 200)).toBeLessThan(400);
                expect(l).not.toContain("a".repeat(EXCERPT_LENGTH + 1));
            }
            expect(lines.join("\n")).toContain("(100001 characters)");
        }
    });
});

describe("outputs errors never quote a secret", () => {
    const withGateway = (gateway: Record<string, unknown>) => JSON.stringify({ ...OUTPUTS, gateway: { ...OUTPUTS.gateway, ...gateway } });

    it("expiry on a bare string as gateway.clientSecret", async () => {
        for (const secret of [CLIENT_SECRET, PLAIN_SECRET]) {
            const r = await runTool(expiry, ["--now", "2026-01-01"], { stdin: withGateway({ clientSecret: secret }) });
            expect(r.code).toBe(2);
            expect(r.stderr).toBe("expiry: gateway.clientSecret is a string (value not shown: it may be a secret); expected an object\n");
        }
    });

    it("verify's and token-doctor's reader on a bare string as gateway.clientSecret or gateway.certificate", () => {
        for (const [gateway, secret] of [[{ clientSecret: PLAIN_SECRET }, PLAIN_SECRET], [{ certificate: MOCK_KEY_PKCS8 }, MOCK_KEY_PKCS8]] as const) {
            let message = "";
            try {
                parseOutputsText(withGateway(gateway), "outputs.json");
            } catch (err) {
                message = (err as Error).message;
            }
            expect(message).toMatch(/^outputs\.json: gateway\.(clientSecret|certificate): /);
            expectNoSecret(message, secret);
        }
    });
});

describe("the excerpt rule", () => {
    it("withholds what looks like a secret, whatever the position", () => {
        for (const s of [CLIENT_SECRET, MOCK_KEY_PKCS8, "https://user:p4ssw0rd@example.com/x", "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln", "kind: Config\nusers: []"]) {
            expect(looksSecret(s), s).toBe(true);
            expect(excerpt(s)).toBe("(value not shown: it may be a secret)");
        }
        for (const s of ["aoai-dev-swc", "alice@contoso.com", "https://foundry.edge.contoso.com", "2026-02-30", "GlobalStandard"]) expect(looksSecret(s), s).toBe(false);
    });

    it("cuts long values, says how long they were, and keeps control and bidi characters on one visible line", () => {
        expect(excerpt("x".repeat(50))).toBe(`"${"x".repeat(40)}…" (50 characters)`);
        expect(excerpt("a\nb\u202ec")).toBe('"a\\nb\\u202ec"');
        expect(excerpt(12)).toBe("12");
        expect(excerpt({ a: 1 })).toBe("an object");
    });
});

describe("adopt and guardrails errors never quote a secret", () => {
    it("a client secret pasted as adopt.gatewayApplication or guardrails.diagnostics.workspaceId", () => {
        for (const [overrides, key] of [
            [{ adopt: { gatewayApplication: CLIENT_SECRET } }, "adopt.gatewayApplication"],
            [{ guardrails: { diagnostics: { workspaceId: CLIENT_SECRET } } }, "guardrails.diagnostics.workspaceId"],
        ] as const) {
            const lines = problems(overrides);
            expect(lines.some((l) => l.startsWith(`foundry-entra:${key}: (value not shown: it may be a secret) is not`)), lines.join("\n")).toBe(true);
            expectNoSecret(lines.join("\n"), CLIENT_SECRET);
        }
    });
});

describe("expiry never quotes a secret from an unmanaged credential", () => {
    const unmanaged = (credential: Record<string, unknown>) =>
        JSON.stringify({ ...OUTPUTS, gateway: { ...OUTPUTS.gateway, unmanagedCredentials: [{ type: "certificate", endDate: "2026-01-20T00:00:00Z", ...credential }] } });

    it("a client secret as its displayName or as its thumbprint, in the text and the JSON report", async () => {
        for (const credential of [{ displayName: CLIENT_SECRET }, { thumbprint: CLIENT_SECRET }]) {
            for (const json of [[], ["--json"]]) {
                const r = await runTool(expiry, ["--now", "2026-01-01", ...json], { stdin: unmanaged(credential) });
                expect(r.stderr).toBe("");
                expect(r.stdout).toContain("gateway.unmanagedCredentials[0]");
                expectNoSecret(r.stdout, CLIENT_SECRET);
            }
        }
    });

    it("a displayName with a terminal escape and a line break is quoted escaped, on its line", async () => {
        const r = await runTool(expiry, ["--now", "2026-01-01"], { stdin: unmanaged({ displayName: "old\u001b[2J\nsecret" }) });
        expect(r.stdout).not.toContain("\u001b");
        expect(r.stdout).toContain('external gateway.unmanagedCredentials[0], not managed here (certificate "old\\u001b[2J\\nsecret"): expires 2026-01-20');
        expect(r.stdout).toContain('note: gateway.unmanagedCredentials[0] (certificate "old\\u001b[2J\\nsecret") is not managed here');
    });
});

describe("expiry's --within never quotes what it refuses whole", () => {
    it("a client secret given as --within is not printed; a value with a line break stays on one line", async () => {
        const secret = await runTool(expiry, ["--within", CLIENT_SECRET], { stdin: JSON.stringify(OUTPUTS) });
        expect(secret.code).toBe(2);
        expect(secret.stderr).toMatch(/^expiry: .*--within.* is not a whole number of days\n$/);
        expectNoSecret(secret.stderr, CLIENT_SECRET);
        // Longer than an excerpt, so commander's own quote of it is an excerpt too.
        const broken = await runTool(expiry, ["--within", `3\n${"0".repeat(60)}`], { stdin: JSON.stringify(OUTPUTS) });
        expect(broken.code).toBe(2);
        expect(broken.stderr.split("\n")).toEqual([expect.stringMatching(/^expiry: .*"3\\n0{38}…" \(62 characters\) is not a whole number of days$/), ""]);
    });
});
