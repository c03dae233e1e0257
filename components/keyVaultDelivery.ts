import * as pulumi from "@pulumi/pulumi";
import * as keyvault from "@pulumi/azure-native/keyvault";
import type { BuiltInRole } from "../src/config/roles";
import { assignRole } from "../src/lib/rbac";
import type { PrincipalRef } from "../src/lib/grants";

/** Built-in role that reads secret values (data plane), here granted per secret. */
export const KEY_VAULT_SECRETS_USER: BuiltInRole = {
    name: "Key Vault Secrets User", guid: "4633458b-17de-408a-b874-0445c86b69e6", slug: "kv-secrets-user", cloudInference: false,
};

/** A credential to store: its value (a Pulumi secret) and when it expires. */
export interface StoredCredential {
    readonly value: pulumi.Output<string>;
    /** ISO 8601; becomes the Key Vault secret's expiry attribute. */
    readonly expiresOn: pulumi.Input<string>;
}

export interface KeyVaultDeliveryArgs {
    /** An existing Key Vault in RBAC mode (`enableRbacAuthorization: true`; the program checks before it starts). */
    readonly vaultName: string;
    /** ARM id of the vault. */
    readonly vaultId: string;
    /** Resource group of the vault. Required. */
    readonly resourceGroupName: string;
    /** Secret names are `<prefix>-client-secret` and `<prefix>-certificate`. @default `<stack>-gateway` (set by config) */
    readonly secretPrefix: string;
    /** The client secret to store, if the gateway has one. @default undefined */
    readonly clientSecret?: StoredCredential;
    /** The certificate bundle (private key, then certificate, PEM) to store, if the gateway has one. @default undefined */
    readonly certificateBundle?: StoredCredential;
    /** Principals granted Key Vault Secrets User on each stored secret (not on the whole vault). @default [] */
    readonly readers: readonly PrincipalRef[];
    /** Subscription holding the role definitions. Required. */
    readonly subscriptionId: string;
}

/**
 * Stores the gateway's credentials as Key Vault secrets, so a gateway (or TrueFoundry's external secret store
 * sync) reads them from the vault instead of from stack outputs. Rotation writes a new secret version; the
 * versionless URIs always return the newest.
 */
export class KeyVaultDelivery extends pulumi.ComponentResource {
    /** Versionless URI of the client secret, e.g. `https://<vault>.vault.azure.net/secrets/<name>`. */
    public readonly clientSecretUri?: pulumi.Output<string>;
    /** Versionless URI of the certificate bundle. */
    public readonly certificateUri?: pulumi.Output<string>;
    public readonly vaultId: pulumi.Output<string>;

    constructor(name: string, args: KeyVaultDeliveryArgs, opts?: pulumi.ComponentResourceOptions) {
        super("foundry-entra:index:KeyVaultDelivery", name, {}, opts);
        this.vaultId = pulumi.output(args.vaultId);
        const store = (suffix: string, credential: StoredCredential, contentType: string) => {
            const secret = new keyvault.Secret(`${name}-${suffix}`, {
                vaultName: args.vaultName,
                resourceGroupName: args.resourceGroupName,
                secretName: `${args.secretPrefix}-${suffix}`,
                properties: {
                    value: pulumi.secret(credential.value),
                    contentType,
                    attributes: { enabled: true, expires: pulumi.output(credential.expiresOn).apply((d) => Math.floor(new Date(d).getTime() / 1000)) },
                },
                tags: { "managed-by": "foundry-entra" },
            }, { parent: this });
            for (const reader of args.readers) {
                assignRole(`${name}-${suffix}-${reader.key}-${KEY_VAULT_SECRETS_USER.slug}`, {
                    principalId: reader.principalId,
                    principalType: reader.principalType,
                    role: KEY_VAULT_SECRETS_USER,
                    scope: secret.id,
                    description: `foundry-entra: read the gateway's ${suffix} (${reader.label})`,
                }, args.subscriptionId, { parent: this });
            }
            return secret.properties.apply((p) => p.secretUri ?? "");
        };
        if (args.clientSecret) this.clientSecretUri = store("client-secret", args.clientSecret, "text/plain");
        if (args.certificateBundle) this.certificateUri = store("certificate", args.certificateBundle, "application/x-pem-file");
        this.registerOutputs({ vaultId: this.vaultId });
    }
}
