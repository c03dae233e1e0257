/**
 * A throw-away PKI for the local servers: a test CA, a server certificate for 127.0.0.1 signed by it, and
 * self-signed client certificates (the "other certificate" an app registration may hold). Keys come from
 * node:crypto, certificates from node-forge. The CA and server certificate are made once per test run by
 * test/support/globalSetup.ts, which has every test worker and child process trust the CA through
 * NODE_EXTRA_CA_CERTS (Node 20 applies it to both https and fetch, undici); nothing outside the run trusts it.
 */
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import forge from "node-forge";

export interface KeyAndCertificate {
    readonly keyPem: string;
    readonly certPem: string;
}

export interface TestPki {
    readonly caPem: string;
    /** The CA written to disk, for NODE_EXTRA_CA_CERTS. */
    readonly caFile: string;
    /** Server certificate for IP 127.0.0.1 and DNS localhost. */
    readonly server: KeyAndCertificate;
}

function rsaKeys(): { keyPem: string; forgeKey: forge.pki.rsa.PrivateKey; forgePublic: forge.pki.rsa.PublicKey } {
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const keyPem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    const forgeKey = forge.pki.privateKeyFromPem(privateKey.export({ type: "pkcs1", format: "pem" }).toString());
    return { keyPem, forgeKey, forgePublic: forge.pki.setRsaPublicKey(forgeKey.n, forgeKey.e) };
}

function baseCertificate(publicKey: forge.pki.rsa.PublicKey, cn: string, notBefore: Date, notAfter: Date): forge.pki.Certificate {
    const cert = forge.pki.createCertificate();
    cert.publicKey = publicKey;
    cert.serialNumber = `01${randomBytes(15).toString("hex")}`;
    cert.validity.notBefore = notBefore;
    cert.validity.notAfter = notAfter;
    cert.setSubject([{ name: "commonName", value: cn }]);
    return cert;
}

const hoursFromNow = (h: number) => new Date(Date.now() + h * 3_600_000);

/** The environment variable naming the folder the run's PKI was written to (set by the global setup). */
export const PKI_DIR_ENV = "FOUNDRY_ENTRA_TEST_PKI";
const FILES = { ca: "test-ca.pem", key: "server-key.pem", cert: "server-cert.pem" } as const;

/** Creates the CA and the server certificate and writes them to `dir` (the CA as `test-ca.pem`). */
export function writeTestPki(dir: string): TestPki {
    const ca = rsaKeys();
    const caCert = baseCertificate(ca.forgePublic, "foundry-entra test CA", hoursFromNow(-1), hoursFromNow(24));
    caCert.setIssuer(caCert.subject.attributes);
    caCert.setExtensions([{ name: "basicConstraints", cA: true, critical: true }, { name: "keyUsage", keyCertSign: true, cRLSign: true, critical: true }]);
    caCert.sign(ca.forgeKey, forge.md.sha256.create());

    const srv = rsaKeys();
    const srvCert = baseCertificate(srv.forgePublic, "127.0.0.1", hoursFromNow(-1), hoursFromNow(24));
    srvCert.setIssuer(caCert.subject.attributes);
    srvCert.setExtensions([
        { name: "basicConstraints", cA: false },
        { name: "keyUsage", digitalSignature: true, keyEncipherment: true },
        { name: "extKeyUsage", serverAuth: true },
        { name: "subjectAltName", altNames: [{ type: 7, ip: "127.0.0.1" }, { type: 2, value: "localhost" }] },
    ]);
    srvCert.sign(ca.forgeKey, forge.md.sha256.create());

    const caPem = forge.pki.certificateToPem(caCert);
    const caFile = join(dir, FILES.ca);
    const server = { keyPem: srv.keyPem, certPem: forge.pki.certificateToPem(srvCert) };
    writeFileSync(caFile, caPem);
    writeFileSync(join(dir, FILES.key), server.keyPem, { mode: 0o600 });
    writeFileSync(join(dir, FILES.cert), server.certPem);
    return { caPem, caFile, server };
}

let runPki: TestPki | undefined;

/** The test run's PKI, which this process trusts (see test/support/globalSetup.ts). */
export function testPki(): TestPki {
    const dir = process.env[PKI_DIR_ENV];
    if (!dir) throw new Error(`${PKI_DIR_ENV} is not set: run the tests with vitest (vitest.config.mts names the global setup that makes the test PKI)`);
    const read = (name: string) => readFileSync(join(dir, name), "utf8");
    runPki ??= { caPem: read(FILES.ca), caFile: join(dir, FILES.ca), server: { keyPem: read(FILES.key), certPem: read(FILES.cert) } };
    return runPki;
}

/** A self-signed client certificate, like the one an app registration holds. */
export function selfSignedCertificate(cn: string, validity: { notBefore?: Date; notAfter?: Date } = {}): KeyAndCertificate {
    const k = rsaKeys();
    const cert = baseCertificate(k.forgePublic, cn, validity.notBefore ?? hoursFromNow(-1), validity.notAfter ?? hoursFromNow(24 * 365));
    cert.setIssuer(cert.subject.attributes);
    cert.setExtensions([{ name: "keyUsage", digitalSignature: true, critical: true }]);
    cert.sign(k.forgeKey, forge.md.sha256.create());
    return { keyPem: k.keyPem, certPem: forge.pki.certificateToPem(cert) };
}
