/**
 * Secrets hygiene: walks every stack output and every resource input of the example stacks and fails if a
 * private key or a secret value can be reached without passing through a Pulumi secret. Sensitive means: a
 * PEM private key marker, any secret value a mock provider handed out (the mock RSA key in both encodings,
 * every client secret), a whole line of a key's base64 body, or the base64 of a secret value (as a Kubernetes
 * Secret or a bundle would carry it). A Pulumi secret marks its whole subtree.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { RunResult } from "../harness/run";
import { at, stackRun } from "./helpers";

interface Leak {
    readonly where: string;
    readonly path: string;
    readonly why: string;
}

/** Every string leaf of a value, with its dotted path. */
function* strings(v: unknown, path = ""): Generator<[string, string]> {
    if (typeof v === "string") yield [path, v];
    else if (Array.isArray(v)) for (const [i, x] of v.entries()) yield* strings(x, path === "" ? String(i) : `${path}.${i}`);
    else if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) yield* strings(x, path === "" ? k : `${path}.${k}`);
}

const under = (path: string, secrets: readonly string[]) => secrets.some((s) => s === "" || path === s || path.startsWith(`${s}.`));

/** What makes a string sensitive, built from the values the mock providers handed out. */
function sensitivity(r: RunResult): (s: string) => string | undefined {
    const values = [...r.mocks.secretValues];
    const keyLines = values.flatMap((v) => v.split("\n")).filter((l) => l.length >= 40 && !l.startsWith("-----"));
    const encoded = values.flatMap((v) => [Buffer.from(v).toString("base64"), Buffer.from(v).toString("base64url")]);
    return (s) => {
        if (s.includes("PRIVATE KEY")) return "a PEM private key";
        if (values.some((v) => s.includes(v))) return "a secret value";
        if (keyLines.some((l) => s.includes(l))) return "a line of a private key";
        if (encoded.some((e) => s.includes(e))) return "a base64-encoded secret value";
        return undefined;
    };
}

/** Sensitive strings reachable outside a Pulumi secret, and how many sensitive strings were found in all. */
function audit(r: RunResult): { leaks: Leak[]; sensitive: number } {
    const why = sensitivity(r);
    const leaks: Leak[] = [];
    let sensitive = 0;
    const check = (where: string, value: unknown, secrets: readonly string[]) => {
        for (const [path, s] of strings(value)) {
            const reason = why(s);
            if (!reason) continue;
            sensitive++;
            if (!under(path, secrets)) leaks.push({ where, path, why: reason });
        }
    };
    check("stack outputs", r.outputs, r.secretOutputPaths);
    for (const res of r.resources) check(`${res.name} (${res.type}) input`, res.inputs, res.secretInputPaths);
    return { leaks, sensitive };
}

const STACKS = ["examples/full.yaml", "Pulumi.prod.yaml", "Pulumi.staging.yaml", "Pulumi.dev.yaml"] as const;

describe("secrets hygiene", () => {
    const runs: Partial<Record<(typeof STACKS)[number], RunResult>> = {};
    beforeAll(async () => {
        for (const file of STACKS) runs[file] = await stackRun(file);
    });

    for (const file of STACKS) {
        it(`${file}: no private key or secret value is reachable outside a Pulumi secret`, () => {
            const r = runs[file]!;
            const { leaks, sensitive } = audit(r);
            expect(leaks.map((l) => `${l.where} ${l.path}: ${l.why} without pulumi.secret`)).toEqual([]);
            // Not vacuous: the keys and secrets are there, under secret paths (at least two: prod and staging
            // hold the two rotation slots of a certificate and no client secret).
            expect(r.mocks.secretValues.size).toBeGreaterThanOrEqual(2);
            expect(sensitive).toBeGreaterThanOrEqual(2);
        });
    }

    it("looks where secrets are: both rotation slots of the full example, outputs and inputs", () => {
        const r = runs["examples/full.yaml"]!;
        expect([...r.secretOutputPaths].sort()).toEqual(["gateway.certificate.privateKeyPem", "gateway.clientSecret.value"]);
        const certs = r.resources.filter((x) => x.type === "tls:index/selfSignedCert:SelfSignedCert");
        expect(certs).toHaveLength(2);
        for (const cert of certs) {
            expect(cert.secretInputPaths).toContain("privateKeyPem");
            expect(String(cert.inputs.privateKeyPem)).toContain("PRIVATE KEY");
        }
    });

    it("catches a leak: an unmarked key in the outputs, a secret in an input, its base64", () => {
        const r = runs["examples/full.yaml"]!;
        const secretValue = [...r.mocks.secretValues].find((v) => v.startsWith("mock-client-secret~"))!;
        const leaky: RunResult = {
            ...r,
            outputs: { ...r.outputs, debug: { key: at(r.outputs, "gateway.certificate.privateKeyPem") } },
            resources: [...r.resources, { ...r.resources[0]!, name: "leaky", inputs: { notes: `secret=${secretValue}`, data: Buffer.from(secretValue).toString("base64") }, secretInputPaths: [] }],
        };
        expect(audit(leaky).leaks).toEqual([
            { where: "stack outputs", path: "debug.key", why: "a PEM private key" },
            { where: `leaky (${r.resources[0]!.type}) input`, path: "notes", why: "a secret value" },
            { where: `leaky (${r.resources[0]!.type}) input`, path: "data", why: "a base64-encoded secret value" },
        ]);
    });
});
