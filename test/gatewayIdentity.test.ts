import { createPrivateKey, X509Certificate } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import type { RunResult } from "../harness/run";
import { base64UrlToHex, hexToBase64Url, thumbprints } from "../src/lib/thumbprint";
import { at, devConfig, devWith, named, ofType, opensslSha1, render, RT, sharedRender } from "./helpers";

describe("GatewayIdentity", () => {
    let dev: RunResult;
    beforeAll(async () => {
        dev = await sharedRender(devConfig());
    });

    it("declares a single-tenant app registration owned by the deploying identity, and its service principal", () => {
        const app = named(dev, "gateway-app");
        expect(app.inputs.displayName).toBe("ai-gateway-dev");
        expect(app.inputs.signInAudience).toBe("AzureADMyOrg");
        expect(app.inputs.owners).toEqual([dev.mocks.deployerObjectId]);
        const sp = named(dev, "gateway-sp");
        expect(sp.inputs.clientId).toBe(at(dev.outputs, "gateway.clientId"));
        expect(sp.propertyDependencies.clientId).toEqual([app.urn]);
    });

    it("defaults the display name from the stack", async () => {
        const r = await render(devWith({ gateway: {} }), { stack: "qa" });
        expect(named(r, "gateway-app").inputs.displayName).toBe("foundry-entra-qa-gateway");
    });

    it("makes an RSA key of the configured size and a self-signed certificate valid for the configured days", async () => {
        const r = await render(devWith({ gateway: { certificate: { rsaBits: 3072, validityDays: 90 } } }));
        expect(named(r, "gateway-certificate-key").inputs).toMatchObject({ algorithm: "RSA", rsaBits: 3072 });
        const cert = named(r, "gateway-certificate-cert");
        expect(cert.inputs.validityPeriodHours).toBe(90 * 24);
        expect(cert.inputs.allowedUses).toEqual(["digital_signature", "client_auth"]);
        expect(cert.secretInputPaths).toContain("privateKeyPem");
    });

    it("uploads the certificate with the certificate's own end date", () => {
        const upload = named(dev, "gateway-certificate-upload");
        const cert = named(dev, "gateway-certificate-cert");
        expect(upload.inputs.type).toBe("AsymmetricX509Cert");
        expect(upload.inputs.encoding).toBe("pem");
        expect(upload.inputs.applicationId).toMatch(/^\/applications\/[0-9a-f-]{36}$/);
        expect(upload.propertyDependencies.applicationId).toEqual([named(dev, "gateway-app").urn]);
        expect(upload.propertyDependencies.endDate).toEqual([cert.urn]);
        const pem = String(upload.inputs.value);
        const notAfter = new Date(new X509Certificate(pem).validTo).toISOString().replace(".000Z", "Z");
        expect(upload.inputs.endDate).toBe(notAfter);
        expect(at(dev.outputs, "gateway.certificate.notAfter")).toBe(notAfter);
    });

    it("exports a thumbprint and x5t equal to what openssl computes for the same certificate", () => {
        const pem = String(at(dev.outputs, "gateway.certificate.certificatePem"));
        const hex = opensslSha1(pem);
        expect(at(dev.outputs, "gateway.certificate.thumbprint")).toBe(hex);
        expect(hex).toMatch(/^[0-9A-F]{40}$/);
        expect(at(dev.outputs, "gateway.certificate.x5t")).toBe(Buffer.from(hex, "hex").toString("base64url"));
    });

    it("converts thumbprints like Microsoft's published test vector", () => {
        expect(hexToBase64Url("84E05C1D98BCE3A5421D225B140B36E86A3D5534")).toBe("hOBcHZi846VCHSJbFAs26Go9VTQ");
        expect(base64UrlToHex("hOBcHZi846VCHSJbFAs26Go9VTQ")).toBe("84E05C1D98BCE3A5421D225B140B36E86A3D5534");
        const pem = String(at(dev.outputs, "gateway.certificate.certificatePem"));
        expect(thumbprints(pem).x5t).toBe(hexToBase64Url(opensslSha1(pem)));
    });

    it("exports a private key that belongs to the exported certificate", () => {
        const pem = String(at(dev.outputs, "gateway.certificate.certificatePem"));
        const key = String(at(dev.outputs, "gateway.certificate.privateKeyPem"));
        expect(key).toContain("BEGIN PRIVATE KEY");
        expect(new X509Certificate(pem).checkPrivateKey(createPrivateKey(key))).toBe(true);
    });

    it("creates a client secret whose lifetime is bounded by the configured days, fixed at creation", () => {
        const secret = named(dev, "gateway-secret-password");
        expect(secret.type).toBe(RT.password);
        const end = new Date(String(secret.inputs.endDate));
        const days = (end.getTime() - new Date("2026-01-01T00:00:00Z").getTime()) / 86_400_000;
        expect(days).toBe(180);
        expect(secret.options.ignoreChanges).toEqual(["endDate"]);
        // Sent, and exported, in the form Graph stores: no fractional seconds (see graphDateTime).
        expect(secret.inputs.endDate).toBe("2026-06-30T00:00:00Z");
        expect(at(dev.outputs, "gateway.clientSecret.expiresOn")).toBe("2026-06-30T00:00:00Z");
    });

    it("marks the private key and the client secret as Pulumi secrets", async () => {
        const gateway = dev.rawOutputs.gateway as { certificate: Record<string, pulumi.Output<string>>; clientSecret: Record<string, pulumi.Output<string>> };
        expect(await pulumi.isSecret(gateway.certificate.privateKeyPem!)).toBe(true);
        expect(await pulumi.isSecret(gateway.clientSecret.value!)).toBe(true);
        expect(await pulumi.isSecret(gateway.certificate.certificatePem!)).toBe(false);
        expect(dev.secretOutputPaths).toEqual(expect.arrayContaining(["gateway.certificate.privateKeyPem", "gateway.clientSecret.value"]));
    });

    it("switches either credential off", async () => {
        const noCert = await render(devWith({ gateway: { certificate: false } }));
        expect(ofType(noCert, RT.key)).toHaveLength(0);
        expect(ofType(noCert, RT.appCert)).toHaveLength(0);
        expect(at(noCert.outputs, "gateway.certificate")).toBeUndefined();
        expect(ofType(noCert, RT.password)).toHaveLength(1);

        const noSecret = await render(devWith({ gateway: { clientSecret: false } }));
        expect(ofType(noSecret, RT.password)).toHaveLength(0);
        expect(at(noSecret.outputs, "gateway.clientSecret")).toBeUndefined();
        expect(ofType(noSecret, RT.appCert)).toHaveLength(1);
    });

    it("declares federated identity credentials for secretless sign-in", () => {
        const [fic] = ofType(dev, RT.fic);
        expect(fic?.inputs).toMatchObject({
            displayName: "gateway-k8s",
            issuer: "https://oidc.prod-aks.azure.com/11111111-2222-3333-4444-555555555555/",
            subject: "system:serviceaccount:ai-gateway:gateway",
            audiences: ["api://AzureADTokenExchange"],
        });
        expect(fic?.propertyDependencies.applicationId).toEqual([named(dev, "gateway-app").urn]);
    });

    it("parents every credential under the gateway component", () => {
        const gateway = named(dev, "gateway");
        expect(gateway.type).toBe("foundry-entra:index:GatewayIdentity");
        for (const n of ["gateway-app", "gateway-sp", "gateway-certificate", "gateway-secret", "gateway-fic-gateway-k8s"]) {
            expect(named(dev, n).parent, n).toBe(gateway.urn);
        }
        expect(named(dev, "gateway-certificate-upload").parent).toBe(named(dev, "gateway-certificate").urn);
    });
});
