/**
 * Mock providers for running the program offline. They answer the way the real providers would: GUID client
 * and object ids, ARM ids, endpoints, client secret values, and a real self-signed certificate signed with a
 * fixed mock-only key (so thumbprints can be checked with openssl). Every answer is derived from the
 * resource's type and name, so the same config always renders the same values.
 */
import { createHash, createPrivateKey, createPublicKey, sign } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type * as pulumi from "@pulumi/pulumi";
import forge from "node-forge";
import { stableGuid } from "../src/lib/ids";
import { thumbprints } from "../src/lib/thumbprint";
import { stored } from "../src/plan/providers";

type Props = Record<string, unknown>;

const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const SIG_KEY = "4dabf18193072939515e22adb298388d";

/** Strips the runtime's secret wrappers from a mock input value. */
export function unwrapSecrets(v: unknown): unknown {
    if (Array.isArray(v)) return v.map(unwrapSecrets);
    if (v && typeof v === "object") {
        const o = v as Props;
        if (o[SIG_KEY] === SECRET_SIG) return unwrapSecrets(o.value);
        return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, unwrapSecrets(x)]));
    }
    return v;
}

export const MOCK_KEY_PKCS8 = readFileSync(join(__dirname, "fixtures", "mock-only-rsa-2048.pem"), "utf8");
export const MOCK_KEY_PKCS1 = createPrivateKey(MOCK_KEY_PKCS8).export({ type: "pkcs1", format: "pem" }).toString();
const MOCK_PUBLIC_KEY = createPublicKey(MOCK_KEY_PKCS8).export({ type: "spki", format: "pem" }).toString();

/** ASN.1 UTF8String; @types/node-forge types `valueTagClass` as a tag class, while forge reads a tag type there. */
const UTF8_STRING = forge.asn1.Type.UTF8 as number as forge.asn1.Class;
/** The characters of an ASN.1 PrintableString, with the '*' and '&' Go also writes as one. */
const PRINTABLE = /^[A-Za-z0-9 '()+,\-./:=?*&]*$/;

const rfc3339 = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, "Z");

/** Microsoft Graph's well-known client id (the same in every tenant). */
export const MICROSOFT_GRAPH_CLIENT_ID = "00000003-0000-0000-c000-000000000000";

/**
 * Some of Microsoft Graph's application permissions (app roles) by value, with the ids Graph gives them in every
 * tenant (Microsoft Graph permissions reference). The mock Graph service principal answers with these.
 */
export const GRAPH_APP_ROLE_IDS: Readonly<Record<string, string>> = {
    "Application.Read.All": "9a5d68dd-52b0-4cc2-bd40-abcf44ac3a30",
    "Application.ReadWrite.All": "1bfefb4e-e0b5-418b-a88f-73c46d2cc8e9",
    "Application.ReadWrite.OwnedBy": "18a4783c-866b-4cc7-a460-3d5e5662c884",
    "AppRoleAssignment.ReadWrite.All": "06b708a9-e830-4db3-a914-8e69da51d44f",
    "Directory.Read.All": "7ab1d382-f21e-4acd-a863-ba3e13f7da61",
    "Directory.ReadWrite.All": "19dbc75e-c2e2-444c-a770-ec69d8559fc7",
    "Group.Read.All": "5b567255-7703-4780-807c-7be8301ae99b",
    "Group.ReadWrite.All": "62a82d76-70ea-41e2-9197-370581804d09",
    "RoleManagement.ReadWrite.Directory": "9e3f62cf-ca93-4989-b6ce-bf83c28f9fe8",
    "User.Read.All": "df021288-bdef-4463-88db-98f22de89214",
    "User.ReadBasic.All": "97235f07-e226-4f63-ace3-39588e11d3a1",
    "User.ReadWrite.All": "741f803b-c850-494e-b5df-cde7c675a1ca",
};

export interface MockAnswers {
    /** The clock the mock tls provider stamps certificates with. */
    readonly now: Date;
    /**
     * Who is signed in, as the providers' client config would answer: the stack file's pinned tenant and subscription
     * (`azuread:tenantId`, `azure-native:subscriptionId`) and the deployer's object id. @default derived mock GUIDs
     */
    readonly identity?: { readonly tenantId?: string; readonly subscriptionId?: string; readonly deployerObjectId?: string };
    /** Replaces the answer to an invoke (by token), e.g. to present a vault in access-policy mode. */
    readonly invokes?: Readonly<Record<string, (inputs: Props) => Props>>;
    /**
     * What the provider's Read returns for objects that exist (by import id, lower-cased): an imported resource is
     * answered with the live object's outputs (its object id, client id, principal id, …), as the engine's import step
     * does, and the declared inputs on top (the update that follows the import). @default none: ids taken from the import id
     */
    readonly live?: ReadonlyMap<string, Props>;
}

export class ProviderMocks implements pulumi.runtime.Mocks {
    /** Values the cloud (or a provider) assigns, mapped to a readable placeholder, for renders. */
    readonly assigned = new Map<string, string>();
    /** Every secret value a mock handed out, so tests can grep renders for leaks. */
    readonly secretValues = new Set<string>([MOCK_KEY_PKCS8, MOCK_KEY_PKCS1]);
    readonly tenantId: string;
    readonly subscriptionId: string;
    readonly deployerObjectId: string;

    constructor(private readonly answers: MockAnswers) {
        // Pinned ids are the stack's own: shown as they are, not as placeholders.
        this.tenantId = answers.identity?.tenantId ?? this.guid("tenantId", "tenant");
        this.subscriptionId = answers.identity?.subscriptionId ?? this.guid("subscriptionId", "subscription");
        this.deployerObjectId = answers.identity?.deployerObjectId ?? this.guid("objectId", "deployer");
    }

    /** A deterministic GUID, remembered as a placeholder "<label>". */
    private guid(field: string, ...parts: string[]): string {
        const value = stableGuid("mock", field, ...parts);
        this.assigned.set(value, `${parts.join(":")}.${field}`);
        return value;
    }

    private arm(rg: string, provider: string, name: string): string {
        return `/subscriptions/${this.subscriptionId}/resourceGroups/${rg}/providers/${provider}/${name}`;
    }

    newResource(args: pulumi.runtime.MockResourceArgs): { id: string; state: Props } {
        const inputs = args.inputs as Props;
        const plain = unwrapSecrets(inputs) as Props;
        const { id, state } = this.answer(args.type, args.name, plain, inputs);
        // What the real provider writes back into state (normalised dates, computed fields): see src/plan/providers.ts.
        const created = { ...inputs, ...stored(args.type, plain, this.answers.now), ...state };
        if (!args.id) return { id, state: created };
        // An import: the engine reads the live object, then updates it with the declared inputs (pulumi/pulumi v3.248.0
        // step_generator.go). Its computed outputs are the live object's; without a live answer, what the id says.
        const live = this.answers.live?.get(args.id.toLowerCase());
        const computed = live ? Object.fromEntries(Object.entries(live).filter(([k]) => !(k in plain))) : importedIds(args.type, args.id);
        return { id: args.id, state: { ...created, ...computed } };
    }

    private answer(type: string, name: string, p: Props, raw: Props): { id: string; state: Props } {
        const str = (k: string) => String(p[k] ?? "");
        switch (type) {
            case "azuread:index/application:Application": {
                const objectId = this.guid("objectId", name);
                const clientId = this.guid("clientId", name);
                return { id: `/applications/${objectId}`, state: { objectId, clientId } };
            }
            case "azuread:index/servicePrincipal:ServicePrincipal": {
                const objectId = this.guid("objectId", name);
                return { id: `/servicePrincipals/${objectId}`, state: { objectId, applicationTenantId: this.tenantId } };
            }
            case "azuread:index/applicationPassword:ApplicationPassword": {
                const value = `mock-client-secret~${createHash("sha256").update(name).digest("base64url").slice(0, 32)}`;
                this.secretValues.add(value);
                const keyId = this.guid("keyId", name);
                // terraform-provider-azuread's credential ids are `<application object id>/password/<key id>`
                // (internal/services/applications/parse/credentials.go, CredentialId.String).
                return { id: `${str("applicationId").replace(/^\/applications\//, "")}/password/${keyId}`, state: { value, keyId } };
            }
            case "azuread:index/applicationCertificate:ApplicationCertificate": {
                const keyId = this.guid("keyId", name);
                return { id: `${str("applicationId").replace(/^\/applications\//, "")}/certificate/${keyId}`, state: { keyId } };
            }
            case "azuread:index/applicationIdentifierUri:ApplicationIdentifierUri":
                // `/applications/<object id>/identifierUris/<URI in standard base64>` (terraform-provider-azuread v3.8.0
                // application_identifier_uri_resource.go Create, parse/identifier_uri.go).
                return { id: `${str("applicationId")}/identifierUris/${Buffer.from(str("identifierUri")).toString("base64")}`, state: {} };
            case "azuread:index/applicationPreAuthorized:ApplicationPreAuthorized":
                // `<application object id>/preAuthorizedApplication/<client id>` (parse/pre_authorized_application.go).
                return { id: `${str("applicationId").replace(/^\/applications\//, "")}/preAuthorizedApplication/${str("authorizedClientId")}`, state: {} };
            case "azuread:index/applicationFederatedIdentityCredential:ApplicationFederatedIdentityCredential": {
                const credentialId = this.guid("credentialId", name);
                return { id: `${str("applicationId")}/federatedIdentityCredential/${credentialId}`, state: { credentialId } };
            }
            case "azuread:index/appRoleAssignment:AppRoleAssignment":
                return { id: `/servicePrincipals/${str("resourceObjectId")}/appRoleAssignedTo/${this.guid("id", name)}`, state: {} };
            case "tls:index/privateKey:PrivateKey":
                this.assigned.set(MOCK_PUBLIC_KEY, `${name}.publicKeyPem`);
                return { id: createHash("sha1").update(name).digest("hex"), state: {
                    privateKeyPem: MOCK_KEY_PKCS1, privateKeyPemPkcs8: MOCK_KEY_PKCS8,
                    publicKeyPem: MOCK_PUBLIC_KEY,
                } };
            case "tls:index/selfSignedCert:SelfSignedCert":
                return this.selfSignedCert(name, p);
            case "azure-native:cognitiveservices:Account": {
                const sub = (p.properties as Props | undefined)?.customSubDomainName ?? p.accountName;
                const openAi = `https://${String(sub)}.openai.azure.com/`;
                const endpoint = p.kind === "OpenAI" ? openAi : `https://${String(sub)}.cognitiveservices.azure.com/`;
                return { id: this.arm(str("resourceGroupName"), "Microsoft.CognitiveServices/accounts", str("accountName")), state: {
                    name: p.accountName,
                    properties: { ...(raw.properties as Props), endpoint, provisioningState: "Succeeded" },
                } };
            }
            case "azure-native:cognitiveservices:Deployment":
                return { id: this.arm(str("resourceGroupName"), "Microsoft.CognitiveServices/accounts", `${str("accountName")}/deployments/${str("deploymentName")}`), state: { name: p.deploymentName } };
            case "azure-native:authorization:RoleAssignment":
                return { id: `${str("scope")}/providers/Microsoft.Authorization/roleAssignments/${str("roleAssignmentName")}`, state: { name: p.roleAssignmentName } };
            case "azure-native:managedidentity:UserAssignedIdentity":
                return { id: this.arm(str("resourceGroupName"), "Microsoft.ManagedIdentity/userAssignedIdentities", str("resourceName")), state: {
                    principalId: this.guid("principalId", name), clientId: this.guid("clientId", name), tenantId: this.tenantId, name: p.resourceName,
                } };
            case "azure-native:kubernetesconfiguration:Extension":
                return { id: this.arm(str("resourceGroupName"), "Microsoft.Kubernetes/connectedClusters", `${str("clusterName")}/providers/Microsoft.KubernetesConfiguration/extensions/${str("extensionName")}`), state: {} };
            case "azure-native:authorization:PolicyAssignment":
                return { id: `${str("scope")}/providers/Microsoft.Authorization/policyAssignments/${str("policyAssignmentName")}`, state: { name: p.policyAssignmentName } };
            case "azure-native:monitor:DiagnosticSetting":
                return { id: `${str("resourceUri")}/providers/Microsoft.Insights/diagnosticSettings/${str("name")}`, state: {} };
            case "azure-native:authorization:RoleDefinition":
                return { id: `${str("scope")}/providers/Microsoft.Authorization/roleDefinitions/${str("roleDefinitionId")}`, state: { name: p.roleDefinitionId } };
            case "azure-native:storage:StorageAccount":
                return { id: this.arm(str("resourceGroupName"), "Microsoft.Storage/storageAccounts", str("accountName")), state: {
                    name: p.accountName,
                    primaryEndpoints: { blob: `https://${str("accountName")}.blob.core.windows.net/` },
                } };
            case "azure-native:storage:BlobServiceProperties":
                return { id: this.arm(str("resourceGroupName"), "Microsoft.Storage/storageAccounts", `${str("accountName")}/blobServices/default`), state: { name: "default" } };
            case "azure-native:storage:BlobContainer":
                return { id: this.arm(str("resourceGroupName"), "Microsoft.Storage/storageAccounts", `${str("accountName")}/blobServices/default/containers/${str("containerName")}`), state: { name: p.containerName } };
            case "azure-native:keyvault:Vault":
                return { id: this.arm(str("resourceGroupName"), "Microsoft.KeyVault/vaults", str("vaultName")), state: {
                    name: p.vaultName,
                    properties: { ...(raw.properties as Props), vaultUri: `https://${str("vaultName")}.vault.azure.net/` },
                } };
            case "azure-native:keyvault:Key":
                return { id: this.arm(str("resourceGroupName"), "Microsoft.KeyVault/vaults", `${str("vaultName")}/keys/${str("keyName")}`), state: {
                    name: p.keyName,
                    keyUri: `https://${str("vaultName")}.vault.azure.net/keys/${str("keyName")}`,
                } };
            case "azure-native:keyvault:Secret": {
                const vault = str("vaultName");
                const secretName = str("secretName");
                const version = createHash("sha256").update(name).digest("hex").slice(0, 32);
                this.assigned.set(version, `${name}.version`);
                return { id: this.arm(str("resourceGroupName"), "Microsoft.KeyVault/vaults", `${vault}/secrets/${secretName}`), state: {
                    name: secretName,
                    // ARM never returns a secret's value; the rest of the properties echo back.
                    properties: { ...omit((p.properties as Props | undefined) ?? {}, "value"), secretUri: `https://${vault}.vault.azure.net/secrets/${secretName}`,
                        secretUriWithVersion: `https://${vault}.vault.azure.net/secrets/${secretName}/${version}` },
                } };
            }
            default:
                return { id: `${name}-id`, state: {} };
        }
    }

    private selfSignedCert(name: string, p: Props): { id: string; state: Props } {
        const hours = Number(p.validityPeriodHours ?? 24 * 365);
        const notBefore = new Date(Math.floor(this.answers.now.getTime() / 1000) * 1000);
        const notAfter = new Date(notBefore.getTime() + hours * 3600_000);
        const key = forge.pki.privateKeyFromPem(String(p.privateKeyPem ?? MOCK_KEY_PKCS1));
        const cert = forge.pki.createCertificate();
        cert.publicKey = forge.pki.setRsaPublicKey(key.n, key.e);
        // A positive serial derived from the name keeps every certificate distinct and every render identical.
        cert.serialNumber = `0${createHash("sha256").update(name).digest("hex").slice(0, 31)}`;
        cert.validity.notBefore = notBefore;
        cert.validity.notAfter = notAfter;
        const cn = String((p.subject as Props | undefined)?.commonName ?? name);
        // As the real tls provider (Go's encoding/asn1, golang/go src/encoding/asn1/marshal.go) encodes a name: a
        // PrintableString when every character is one, else a UTF8String. forge's default string type takes only
        // Latin-1, so an en dash, an emoji or CJK in a display name (which Entra accepts) made the render fail.
        // forge UTF-8-encodes the value itself for that tag (lib/x509.js).
        const subject = [{ name: "commonName", value: cn, ...(PRINTABLE.test(cn) ? {} : { valueTagClass: UTF8_STRING }) }];
        cert.setSubject(subject);
        cert.setIssuer(subject);
        signNatively(cert, String(p.privateKeyPem ?? MOCK_KEY_PKCS1));
        const certPem = forge.pki.certificateToPem(cert).replace(/\r\n/g, "\n");
        // The certificate and its thumbprints are generated at deploy time: renders show placeholders for them.
        const prints = thumbprints(certPem);
        for (const [value, field] of [[certPem, "certPem"], [prints.hex, "thumbprint"], [prints.x5t, "x5t"], [prints.x5tS256, "x5tS256"]] as const) {
            this.assigned.set(value, `${name}.${field}`);
        }
        return { id: cert.serialNumber, state: { certPem, validityStartTime: rfc3339(notBefore), validityEndTime: rfc3339(notAfter) } };
    }

    call(args: pulumi.runtime.MockCallArgs): Props {
        const p = unwrapSecrets(args.inputs) as Props;
        const override = this.answers.invokes?.[args.token];
        if (override) return override(p);
        switch (args.token) {
            case "azuread:index/getClientConfig:getClientConfig":
            case "azure-native:authorization:getClientConfig":
                return { tenantId: this.tenantId, subscriptionId: this.subscriptionId, objectId: this.deployerObjectId,
                    clientId: this.guid("clientId", "deployer"), id: this.tenantId };
            case "azuread:index/getUser:getUser":
                return { objectId: this.guid("objectId", "user", String(p.userPrincipalName)), userPrincipalName: p.userPrincipalName };
            case "azuread:index/getGroup:getGroup":
                return { objectId: this.guid("objectId", "group", String(p.displayName)), displayName: p.displayName };
            case "azuread:index/getServicePrincipal:getServicePrincipal": {
                if (p.clientId !== MICROSOFT_GRAPH_CLIENT_ID) throw new Error(`mock: no service principal with client id ${String(p.clientId)}`);
                const objectId = this.guid("objectId", "microsoft-graph");
                return {
                    id: `/servicePrincipals/${objectId}`, objectId, clientId: MICROSOFT_GRAPH_CLIENT_ID, displayName: "Microsoft Graph",
                    appRoleIds: { ...GRAPH_APP_ROLE_IDS },
                    appRoles: Object.entries(GRAPH_APP_ROLE_IDS).map(([value, id]) => ({
                        id, value, displayName: value, description: value, enabled: true, allowedMemberTypes: ["Application"],
                    })),
                };
            }
            case "azure-native:kubernetes:getConnectedCluster":
                return {
                    id: this.arm(String(p.resourceGroupName), "Microsoft.Kubernetes/connectedClusters", String(p.clusterName)),
                    name: p.clusterName,
                    identity: { principalId: this.guid("principalId", "arc", String(p.clusterName)), tenantId: this.tenantId, type: "SystemAssigned" },
                };
            case "azure-native:keyvault:getVault":
                return {
                    id: this.arm(String(p.resourceGroupName), "Microsoft.KeyVault/vaults", String(p.vaultName)),
                    name: p.vaultName,
                    properties: { enableRbacAuthorization: true, vaultUri: `https://${String(p.vaultName)}.vault.azure.net/`, tenantId: this.tenantId },
                };
            default:
                throw new Error(`mock: no answer for invoke ${args.token}; add one to harness/mocks.ts`);
        }
    }
}

/** The computed ids an import id carries (`/applications/<object id>`, `/servicePrincipals/<object id>`). */
function importedIds(type: string, id: string): Props {
    const objectId = /^\/(?:applications|servicePrincipals)\/([0-9a-fA-F-]{36})$/.exec(id)?.[1]?.toLowerCase();
    if (objectId && (type === "azuread:index/application:Application" || type === "azuread:index/servicePrincipal:ServicePrincipal")) return { objectId };
    return {};
}

/**
 * Signs a certificate as forge's `cert.sign(key, sha256)` would, but with Node's native RSA (forge's pure-JS signing
 * was most of a render's time): the same TBSCertificate, algorithm and signature bytes.
 */
function signNatively(cert: forge.pki.Certificate, keyPem: string): void {
    const oid = forge.pki.oids.sha256WithRSAEncryption!;
    cert.signatureOid = oid;
    cert.siginfo.algorithmOid = oid;
    // getTBSCertificate is public in node-forge (lib/x509.js) but missing from @types/node-forge.
    const tbs = (forge.pki as unknown as { getTBSCertificate(c: forge.pki.Certificate): forge.asn1.Asn1 }).getTBSCertificate(cert);
    (cert as unknown as { tbsCertificate: forge.asn1.Asn1 }).tbsCertificate = tbs;
    const der = Buffer.from(forge.asn1.toDer(tbs).getBytes(), "binary");
    cert.signature = sign("sha256", der, createPrivateKey(keyPem)).toString("binary");
}

function omit(o: Props, key: string): Props {
    return Object.fromEntries(Object.entries(o).filter(([k]) => k !== key));
}
