import { createPrivateKey, createSign, verify, X509Certificate } from "node:crypto";
import { describe, expect, it } from "vitest";
import { KEY_VAULT_SECRETS_USER } from "../components/keyVaultDelivery";
import { ProgramFailed, runProgram } from "../harness/run";
import { at, devWith, named, ofType, refuse, render, sharedRender } from "./helpers";

const KV = { name: "kv-ai-dev", resourceGroupName: "rg-ai-dev" };
const READER = "5c4b3a29-1807-4f6e-8d5c-4b3a29180716";
const SECRET = "azure-native:keyvault:Secret";
/** The base stack delivering to Key Vault, read by several tests. */
const keyVaultRun = () => sharedRender(devWith({ gatewayDelivery: { keyVault: KV } }));

describe("gateway delivery to Key Vault", () => {
    it("stores the client secret and the certificate bundle as Key Vault secrets with their expiry", async () => {
        const r = await keyVaultRun();
        const secret = named(r, "key-vault-client-secret");
        expect(secret.inputs).toMatchObject({
            vaultName: "kv-ai-dev", resourceGroupName: "rg-ai-dev", secretName: "dev-gateway-client-secret",
            properties: { contentType: "text/plain", value: at(r.outputs, "gateway.clientSecret.value") },
        });
        const expires = at(secret.inputs, "properties.attributes.expires");
        expect(expires).toBe(new Date(String(at(r.outputs, "gateway.clientSecret.expiresOn"))).getTime() / 1000);
        expect(secret.secretInputPaths).toContain("properties");

        const bundle = named(r, "key-vault-certificate");
        expect(bundle.inputs).toMatchObject({ secretName: "dev-gateway-certificate", properties: { contentType: "application/x-pem-file" } });
        expect(at(bundle.inputs, "properties.attributes.expires")).toBe(new Date(String(at(r.outputs, "gateway.certificate.notAfter"))).getTime() / 1000);
        expect(at(r.outputs, "delivery.keyVault")).toEqual({
            vaultName: "kv-ai-dev",
            clientSecretUri: "https://kv-ai-dev.vault.azure.net/secrets/dev-gateway-client-secret",
            certificateUri: "https://kv-ai-dev.vault.azure.net/secrets/dev-gateway-certificate",
        });
    });

    it("stores a bundle whose private key signs what its certificate verifies", async () => {
        const r = await keyVaultRun();
        const pem = String(at(named(r, "key-vault-certificate").inputs, "properties.value"));
        const key = createPrivateKey(pem);
        const cert = new X509Certificate(pem.slice(pem.indexOf("-----BEGIN CERTIFICATE-----")));
        const signature = createSign("sha256").update("foundry-entra").sign(key);
        expect(verify("sha256", Buffer.from("foundry-entra"), cert.publicKey, signature)).toBe(true);
        expect(cert.fingerprint.replace(/:/g, "")).toBe(at(r.outputs, "gateway.certificate.thumbprint"));
    });

    it("grants Key Vault Secrets User on each stored secret, to the gateway and to listed readers, only when asked", async () => {
        const none = await keyVaultRun();
        expect(none.resources.filter((x) => x.name.includes(KEY_VAULT_SECRETS_USER.slug))).toEqual([]);

        const r = await render(devWith({ gatewayDelivery: { keyVault: { ...KV, grantGateway: true, readers: [{ principalId: READER }] } } }));
        const gw = named(r, `key-vault-client-secret-gateway-${KEY_VAULT_SECRETS_USER.slug}`);
        expect(gw.inputs).toMatchObject({
            principalId: at(r.outputs, "gateway.servicePrincipalObjectId"), principalType: "ServicePrincipal",
            roleDefinitionId: `/subscriptions/${r.mocks.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/4633458b-17de-408a-b874-0445c86b69e6`,
            scope: `/subscriptions/${r.mocks.subscriptionId}/resourceGroups/rg-ai-dev/providers/Microsoft.KeyVault/vaults/kv-ai-dev/secrets/dev-gateway-client-secret`,
        });
        expect(gw.propertyDependencies.scope).toEqual([named(r, "key-vault-client-secret").urn]);
        const reader = named(r, `key-vault-certificate-sp-${READER}-${KEY_VAULT_SECRETS_USER.slug}`);
        expect(reader.inputs).toMatchObject({ principalId: READER, principalType: "ServicePrincipal" });
        expect(r.resources.filter((x) => x.name.endsWith(KEY_VAULT_SECRETS_USER.slug))).toHaveLength(4);
    });

    it("stores only the credentials the gateway has", async () => {
        const r = await render(devWith({ gateway: { certificate: false }, gatewayDelivery: { keyVault: KV } }));
        expect(ofType(r, SECRET).map((x) => x.name)).toEqual(["key-vault-client-secret"]);
        expect(at(r.outputs, "delivery.keyVault.certificateUri")).toBeUndefined();
    });

    it("refuses a vault that uses access policies, before any resource exists", async () => {
        const run = runProgram({
            config: devWith({ gatewayDelivery: { keyVault: KV } }),
            invokes: { "azure-native:keyvault:getVault": (p) => ({ id: `/x/${String(p.vaultName)}`, properties: { enableRbacAuthorization: false } }) },
        });
        const failure = await run.then(() => undefined, (e: unknown) => e);
        expect(failure).toBeInstanceOf(ProgramFailed);
        expect((failure as ProgramFailed).message).toBe('foundry-entra:gatewayDelivery.keyVault: Key Vault "kv-ai-dev" uses access policies; ' +
            "use an RBAC-mode vault (az keyvault update -n kv-ai-dev -g rg-ai-dev --enable-rbac-authorization true)");
        expect((failure as ProgramFailed).resources).toEqual([]);
    });
});

describe("gateway delivery to Kubernetes", () => {
    it("declares a generic Secret with env-style keys through an explicit provider", async () => {
        const r = await render(devWith({ gatewayDelivery: { kubernetes: { namespace: "ai-gateway", kubeconfig: "~/.kube/edge.yaml", context: "edge" } } }));
        const provider = named(r, "kubernetes-provider");
        expect(provider.type).toBe("pulumi:providers:kubernetes");
        expect(provider.inputs).toMatchObject({ kubeconfig: "~/.kube/edge.yaml", context: "edge", namespace: "ai-gateway" });
        const secret = named(r, "kubernetes-secret");
        expect(secret.options.provider).toMatch(/^urn:pulumi:.*::kubernetes-provider::/);
        expect(secret.inputs).toMatchObject({
            metadata: { name: "foundry-entra-gateway", namespace: "ai-gateway" },
            type: "Opaque",
            stringData: {
                AZURE_TENANT_ID: r.mocks.tenantId,
                AZURE_CLIENT_ID: at(r.outputs, "gateway.clientId"),
                AZURE_CLIENT_SECRET: at(r.outputs, "gateway.clientSecret.value"),
                "client-certificate-thumbprint": at(r.outputs, "gateway.certificate.thumbprint"),
            },
        });
        const data = secret.inputs.stringData as Record<string, string>;
        expect(data["client-certificate.pem"]).toContain("BEGIN CERTIFICATE");
        expect(data["client-certificate.pem"]).toMatch(/^-----BEGIN PRIVATE KEY-----/);
        expect(secret.secretInputPaths).toContain("stringData");
        expect(r.resources.some((x) => x.type.includes("CustomResource") || x.name.includes("backend-security-policy"))).toBe(false);
    });

    it("declares the Envoy AI Gateway Secret (key client-secret) and an AzureCredentials BackendSecurityPolicy", async () => {
        const r = await render(devWith({ gatewayDelivery: { kubernetes: { namespace: "envoy-ai-gateway", format: "envoy", backendName: "aoai" } } }));
        const secret = named(r, "kubernetes-secret");
        expect(secret.inputs.stringData).toEqual({ "client-secret": at(r.outputs, "gateway.clientSecret.value") });
        const policy = named(r, "kubernetes-backend-security-policy");
        expect(policy.inputs).toMatchObject({
            apiVersion: "aigateway.envoyproxy.io/v1beta1",
            kind: "BackendSecurityPolicy",
            metadata: { name: "foundry-entra-gateway", namespace: "envoy-ai-gateway" },
            spec: {
                targetRefs: [{ group: "aigateway.envoyproxy.io", kind: "AIServiceBackend", name: "aoai" }],
                type: "AzureCredentials",
                azureCredentials: {
                    clientID: at(r.outputs, "gateway.clientId"),
                    tenantID: r.mocks.tenantId,
                    clientSecretRef: { name: "foundry-entra-gateway", namespace: "envoy-ai-gateway" },
                },
            },
        });
        expect(policy.propertyDependencies.spec).toContain(secret.urn);
        expect(at(r.outputs, "delivery.kubernetes")).toEqual({
            namespace: "envoy-ai-gateway", secretName: "foundry-entra-gateway", format: "envoy", backendSecurityPolicy: "foundry-entra-gateway",
        });
    });

    it("refuses the envoy format without a client secret, before anything exists", async () => {
        const { lines, registered } = await refuse(devWith({ gateway: { clientSecret: false }, gatewayDelivery: { kubernetes: { namespace: "x", format: "envoy" } } }));
        expect(lines).toContain("foundry-entra:gatewayDelivery.kubernetes.format: envoy needs gateway.clientSecret: Envoy AI Gateway's AzureCredentials take a client secret, not a certificate");
        expect(registered).toBe(0);
    });
});
