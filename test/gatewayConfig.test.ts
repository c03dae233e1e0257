/**
 * gateway-config, part 1: reading stack outputs, choosing the credential, the certificate bundle and its
 * thumbprints, and secrets hygiene. Oracles: the real program's outputs (harness), node:crypto, openssl.
 */
import { constants, createPrivateKey, createPublicKey, sign, verify, X509Certificate } from "node:crypto";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { certificateBundle, expiryNotes, resolveAuth } from "../src/gateway/auth";
import { generate } from "../src/gateway";
import { parseStackOutputs, parseStackOutputsText, SECRET_OUTPUT_PATHS, type StackOutputs } from "../src/gateway/outputs";
import { opensslSha1 } from "./helpers";
import { FIXTURE_NOW, pemBlocks, redacted, refusal, removeTempDirs, stackFixture, tempDir, type StackFixture } from "./fixtures/gateway/stacks";

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

let dev: StackFixture;
let full: StackFixture;
let keyless: StackFixture;

afterAll(removeTempDirs);
beforeAll(async () => {
    dev = await stackFixture("test/fixtures/stacks/Pulumi.dev.yaml");
    full = await stackFixture("examples/full.yaml");
    // A stack with neither certificate nor client secret: only the federated credential remains.
    keyless = await stackFixture("test/fixtures/stacks/Pulumi.dev.yaml", {
        key: "gateway",
        change: (g) => ({ ...(g as object), certificate: false, clientSecret: false }),
    });
});

describe("reading stack outputs", () => {
    it("reads the real program's outputs for the dev and full stacks", () => {
        expect(Object.keys(dev.outputs.accounts)).toEqual(["aoai-dev-swc", "foundry-dev-swc"]);
        expect(dev.outputs.accounts["foundry-dev-swc"]?.kind).toBe("AIServices");
        expect(dev.outputs.gateway.certificate?.thumbprint).toBe(opensslSha1(dev.outputs.gateway.certificate?.certificatePem ?? ""));
        expect(full.outputs.accounts["aoai-full-swc"]?.deployments.map((d) => d.name)).toEqual(["gpt-4o-mini", "text-embedding-3-large"]);
        expect(dev.outputs.foundryLocal?.appScope).toMatch(/^api:\/\/[0-9a-f-]{36}\/\.default$/);
    });

    it("treats exactly the outputs the program marks secret as secrets, and they stay Pulumi secrets", async () => {
        for (const f of [dev, full]) {
            expect([...f.run.secretOutputPaths].sort()).toEqual([...SECRET_OUTPUT_PATHS].sort());
            const gateway = f.run.rawOutputs.gateway as Record<string, Record<string, pulumi.Output<unknown>>>;
            expect(await pulumi.isSecret(gateway.certificate!.privateKeyPem!)).toBe(true);
            expect(await pulumi.isSecret(gateway.clientSecret!.value!)).toBe(true);
        }
    });

    it("names the redacted path and the fix when the outputs were printed without --show-secrets", () => {
        const message = refusal(() => parseStackOutputs(redacted(dev.json, SECRET_OUTPUT_PATHS)));
        expect(message).toBe('gateway.certificate.privateKeyPem is "[secret]": the outputs were printed without --show-secrets; run pulumi stack output --json --show-secrets');
        const secretOnly = clone(dev.json);
        (secretOnly.gateway as Record<string, Record<string, unknown>>).clientSecret!.value = "[secret]";
        expect(refusal(() => parseStackOutputs(secretOnly))).toMatch(/^gateway\.clientSecret\.value is "\[secret\]": .*pulumi stack output --json --show-secrets$/);
    });

    it.each([
        ["tenantId", (j: Record<string, any>) => { delete j.tenantId; }, /^tenantId is absent: are these the outputs of a foundry-entra stack/],
        ["gateway.clientId", (j: Record<string, any>) => { j.gateway.clientId = "not-a-guid"; }, /^gateway\.clientId: string "not-a-guid" is not a GUID$/],
        ["a deployment's name", (j: Record<string, any>) => { delete j.accounts["aoai-dev-swc"].deployments[0].name; }, /^accounts\.aoai-dev-swc\.deployments\[0\]\.name is absent/],
        ["an account kind", (j: Record<string, any>) => { j.accounts["foundry-dev-swc"].kind = "Speech"; }, /^accounts\.foundry-dev-swc\.kind: string "Speech" is not OpenAI or AIServices$/],
        ["the private key", (j: Record<string, any>) => { delete j.gateway.certificate.privateKeyPem; }, /^gateway\.certificate\.privateKeyPem is absent: was the stack deployed with certificate: false\?$/],
        ["accounts", (j: Record<string, any>) => { j.accounts = []; }, /^accounts: expected record, got a list/],
    ])("names the path when %s is missing or malformed", (_what, mutate, expected) => {
        const json = clone(dev.json) as Record<string, any>;
        mutate(json);
        expect(refusal(() => parseStackOutputs(json))).toMatch(expected);
    });

    it("never echoes a secret value in a message", () => {
        const json = clone(dev.json) as Record<string, any>;
        json.gateway.certificate.privateKeyPem = "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIFHzBJBgkqhkiG9w0BBQ0wPDAbBgkqhkiG9w0BBQwwDgQI\n";
        expect(refusal(() => parseStackOutputs(json))).toBe("gateway.certificate.privateKeyPem: the value is not a PEM private key");
        json.gateway.certificate.privateKeyPem = dev.outputs.gateway.certificate?.privateKeyPem;
        json.gateway.clientSecret.value = 42;
        expect(refusal(() => parseStackOutputs(json))).toBe("gateway.clientSecret.value: the value is not a string");
    });

    it("counts further problems after the first", () => {
        const json = clone(dev.json) as Record<string, any>;
        delete json.tenantId;
        delete json.gateway.clientId;
        expect(refusal(() => parseStackOutputs(json))).toMatch(/^tenantId is absent: .* \(and 1 more problem\)$/);
    });

    it("refuses text that is not stack-output JSON", () => {
        expect(refusal(() => parseStackOutputsText("", "stdin"))).toBe("stdin is empty: pass what pulumi stack output --json --show-secrets prints");
        expect(refusal(() => parseStackOutputsText("Current stack outputs (3):", "outputs.json"))).toBe("outputs.json is not JSON: pass what pulumi stack output --json --show-secrets prints");
        expect(refusal(() => parseStackOutputsText('{"gateway": {"clientSecret": {"value": "s3cr3t~value" ', "stdin"))).not.toContain("s3cr3t");
        expect(refusal(() => parseStackOutputsText("[1,2]", "outputs.json"))).toMatch(/^expected a JSON object of stack outputs, got a list/);
    });

    it("ignores outputs it does not use, so newer stacks still parse", () => {
        const json = { ...clone(dev.json), delivery: { keyVault: { secretName: "x" } } };
        expect(parseStackOutputs(json)).toEqual(dev.outputs);
    });

    // The committed example outputs (test/fixtures/gateway/outputs.dev.json): test/firstHour.test.ts.
});

describe("choosing the credential", () => {
    const all = { supported: ["certificate", "client-secret", "workload-identity"] as const, unsupported: {} };
    const noCert = { supported: ["client-secret", "workload-identity"] as const, unsupported: { certificate: "no certificates here; use --auth client-secret" } };

    it("defaults to the certificate when the stack has one, else the client secret, else workload identity", () => {
        expect(resolveAuth(dev.outputs, undefined, "x", all).mode).toBe("certificate");
        expect(resolveAuth(dev.outputs, undefined, "x", noCert).mode).toBe("client-secret");
        const noCertOutputs = clone(dev.outputs);
        delete noCertOutputs.gateway.certificate;
        expect(resolveAuth(noCertOutputs, undefined, "x", all).mode).toBe("client-secret");
        expect(resolveAuth(keyless.outputs, undefined, "x", all).mode).toBe("workload-identity");
    });

    it("says certificate: false when the real program ran without a certificate", () => {
        expect(keyless.json.gateway).not.toHaveProperty("certificate");
        expect(keyless.json.gateway).not.toHaveProperty("clientSecret");
        expect(refusal(() => generate("truefoundry", keyless.outputs, { auth: "certificate" })))
            .toBe("--auth certificate: gateway.certificate is absent: was the stack deployed with certificate: false?");
        expect(refusal(() => generate("litellm", keyless.outputs, { auth: "client-secret" })))
            .toBe("--auth client-secret: gateway.clientSecret is absent: was the stack deployed with clientSecret: false?");
    });

    it("needs a federated credential for workload identity", () => {
        const none = clone(keyless.outputs);
        none.gateway.federatedCredentials = [];
        expect(refusal(() => resolveAuth(none, "workload-identity", "x", all))).toMatch(/^--auth workload-identity: gateway\.federatedCredentials is empty: /);
        expect(refusal(() => resolveAuth(none, undefined, "x", all))).toMatch(/^no credential x can use: gateway\.certificate is absent.*; gateway\.clientSecret is absent.*; gateway\.federatedCredentials is empty/);
    });

    it("refuses a mode the gateway does not support, saying what to use", () => {
        expect(refusal(() => resolveAuth(dev.outputs, "certificate", "portkey", noCert))).toBe("portkey has no certificate option: no certificates here; use --auth client-secret");
        expect(refusal(() => generate("envoy", dev.outputs, { auth: "certificate" }))).toMatch(/^envoy has no certificate option: .*use --auth client-secret or workload-identity$/);
        // Envoy's workload identity is oidcExchangeToken, which a Kubernetes service-account credential cannot feed.
        expect(refusal(() => generate("envoy", dev.outputs, { auth: "workload-identity" }))).toMatch(/^envoy --auth workload-identity: .*oidcExchangeToken.*none of gateway\.federatedCredentials/);
        expect(refusal(() => generate("portkey", dev.outputs, { auth: "certificate" }))).toMatch(/^portkey has no certificate option: .*client-secret or workload-identity$/);
    });

    it("refuses options that do not apply, rather than ignoring them", () => {
        expect(refusal(() => generate("envoy", dev.outputs, { thumbprint: "x5t" }))).toBe("--thumbprint does not apply to --format envoy");
        expect(refusal(() => generate("litellm", dev.outputs, { secretRef: "tfy-secret://t:g" }))).toBe("--secret-ref does not apply to --format litellm");
        expect(refusal(() => generate("truefoundry", dev.outputs, { auth: "client-secret", thumbprint: "x5t" }))).toBe("--thumbprint applies to certificate auth, not client-secret");
        expect(refusal(() => generate("truefoundry", dev.outputs, { secretRef: "tfy-secret://only-tenant" }))).toMatch(/^--secret-ref "tfy-secret:\/\/only-tenant" is not tfy-secret:\/\/<tenant>:<secret-group>$/);
    });

    it("warns about a credential that has expired or is about to", () => {
        const secret = resolveAuth(dev.outputs, "client-secret", "x", all);
        expect(expiryNotes(secret, FIXTURE_NOW)).toEqual([]);
        expect(expiryNotes(secret, new Date("2026-06-20T00:00:00Z"))).toEqual(["gateway.clientSecret.expiresOn 2026-06-30T00:00:00Z is 10 days away; rotate with pulumi up before then"]);
        expect(expiryNotes(secret, new Date("2026-07-01T00:00:00Z"))[0]).toMatch(/has passed: the gateway's sign-in will fail \(AADSTS7000222\)/);
        expect(generate("portkey", dev.outputs, { now: new Date("2026-07-01T00:00:00Z") }).notes[0]).toMatch(/^gateway\.clientSecret\.expiresOn .* has passed/);
    });
});

describe("the certificate bundle", () => {
    /** The bundle TrueFoundry gets in `auth_data.certificate`, read back from the generated YAML. */
    const bundleFrom = (f: StackFixture, thumbprint?: "hex" | "x5t") => {
        const doc = parseYaml(generate("truefoundry", f.outputs, { auth: "certificate", ...(thumbprint ? { thumbprint } : {}) }).files[0]?.content ?? "") as
            { auth_data: { certificate: string; certificate_thumbprint: string } };
        return doc.auth_data;
    };

    it("is the private key followed by the certificate, a pair that signs and verifies", () => {
        for (const f of [dev, full]) {
            const { certificate } = bundleFrom(f);
            const blocks = pemBlocks(certificate);
            expect(blocks.map((b) => b.label)).toEqual(["PRIVATE KEY", "CERTIFICATE"]);
            expect(blocks.map((b) => b.pem).join("")).toBe(certificate);
            const key = createPrivateKey(certificate); // reads the first key in the bundle
            const cert = new X509Certificate(blocks[1]!.pem);
            const data = Buffer.from(`client assertion for ${f.outputs.gateway.clientId}`);
            const signature = sign("sha256", data, { key, padding: constants.RSA_PKCS1_PSS_PADDING });
            expect(verify("sha256", data, { key: cert.publicKey, padding: constants.RSA_PKCS1_PSS_PADDING }, signature)).toBe(true);
            expect(verify("sha256", Buffer.from("something else"), { key: cert.publicKey, padding: constants.RSA_PKCS1_PSS_PADDING }, signature)).toBe(false);
            // The certificate in the bundle is the one uploaded to the app registration.
            expect(blocks[1]!.pem.trim()).toBe(f.outputs.gateway.certificate?.certificatePem.trim());
        }
    });

    it("is read by openssl as a key and a certificate with the same public key", () => {
        const { certificate } = bundleFrom(dev);
        const fromKey = execFileSync("openssl", ["pkey", "-pubout"], { input: certificate }).toString();
        const fromCert = execFileSync("openssl", ["x509", "-noout", "-pubkey"], { input: certificate }).toString();
        expect(fromKey).toContain("BEGIN PUBLIC KEY");
        expect(fromKey).toBe(fromCert);
    });

    it("writes the thumbprint as openssl's SHA-1 in hex by default, and as its base64url with --thumbprint x5t", () => {
        for (const f of [dev, full]) {
            const pem = f.outputs.gateway.certificate?.certificatePem ?? "";
            const hex = opensslSha1(pem);
            expect(bundleFrom(f).certificate_thumbprint).toBe(hex);
            const x5t = bundleFrom(f, "x5t").certificate_thumbprint;
            expect(x5t).toBe(Buffer.from(hex, "hex").toString("base64url"));
            expect(Buffer.from(x5t, "base64url").toString("hex").toUpperCase()).toBe(hex);
            expect(x5t).toBe(f.outputs.gateway.certificate?.x5t);
        }
    });

    it("refuses a key that does not belong to the certificate", () => {
        const dir = tempDir();
        execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=other", "-days", "1",
            "-keyout", join(dir, "k.pem"), "-out", join(dir, "c.pem")], { stdio: "ignore" });
        const cert = clone(dev.outputs.gateway.certificate!);
        cert.privateKeyPem = readFileSync(join(dir, "k.pem"), "utf8");
        expect(refusal(() => certificateBundle(cert))).toMatch(/^gateway\.certificate\.privateKeyPem does not belong to gateway\.certificate\.certificatePem/);
        // …and a thumbprint that is not the certificate's.
        const other = clone(dev.outputs.gateway.certificate!);
        other.thumbprint = opensslSha1(readFileSync(join(dir, "c.pem"), "utf8"));
        expect(refusal(() => certificateBundle(other))).toMatch(/^gateway\.certificate\.thumbprint [0-9A-F]{40} is not the SHA-1 of gateway\.certificate\.certificatePem/);
        expect(createPublicKey(cert.privateKeyPem).asymmetricKeyType).toBe("rsa");
    });
});

describe("secrets in generated files", () => {
    /** Whether text holds the client secret (plain or base64) or any line of the private key. */
    const holdsSecret = (text: string, o: StackOutputs): boolean => {
        const secret = o.gateway.clientSecret?.value;
        const keyLines = (o.gateway.certificate?.privateKeyPem ?? "").split("\n").filter((l) => l.length > 20 && !l.startsWith("-----"));
        return Boolean(secret && (text.includes(secret) || text.includes(Buffer.from(secret).toString("base64"))))
            || keyLines.some((l) => text.includes(l));
    };

    it("marks a file sensitive exactly when it holds a secret, for every format and credential", () => {
        const cases = [
            ["truefoundry", "certificate"], ["truefoundry", "client-secret"], ["truefoundry", "workload-identity"],
            ["litellm", "certificate"], ["litellm", "client-secret"], ["litellm", "workload-identity"],
            ["envoy", "client-secret"], ["portkey", "client-secret"], ["portkey", "workload-identity"],
        ] as const;
        for (const f of [dev, full]) {
            for (const [format, auth] of cases) {
                const config = generate(format, f.outputs, { auth, now: FIXTURE_NOW });
                for (const file of config.files) expect(file.sensitive, `${format} ${auth} ${file.name}`).toBe(holdsSecret(file.content, f.outputs));
                expect(config.notes.some((n) => holdsSecret(n, f.outputs)), `${format} ${auth} notes`).toBe(false);
            }
            // With secret references, no manifest holds a secret; the values are handed over separately.
            for (const auth of ["certificate", "client-secret"] as const) {
                const config = generate("truefoundry", f.outputs, { auth, secretRef: "tfy-secret://acme:gateway" });
                for (const file of config.files) expect([file.sensitive, holdsSecret(file.content, f.outputs)]).toEqual([false, false]);
                expect(config.secretValues.every((v) => holdsSecret(v.content, f.outputs))).toBe(true);
            }
        }
    });
});
