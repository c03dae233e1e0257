import * as pulumi from "@pulumi/pulumi";
import * as keyvault from "@pulumi/azure-native/keyvault";
import * as storage from "@pulumi/azure-native/storage";
import type { StateConfig } from "../config";
import { customRoleGuid, defineCustomRole, grantRole } from "../rbac";
import { isCustomRole, type CustomRoleSpec, type RoleRef } from "../roles";

/** The blob container holding every stack's state. */
export const STATE_CONTAINER = "pulumi-state";
/** The Key Vault key encrypting every stack's secrets. */
export const STATE_KEY = "pulumi-state";

/** A principal given access to the state. */
export interface StatePrincipal {
    /** Short name used in resource names, e.g. `deployer`. */
    readonly key: string;
    /** Object id of its service principal. */
    readonly principalId: pulumi.Input<string>;
    /** Its role on the state container and on the state key, from the grants table (`bootstrap/permissions.ts`). */
    readonly roles: { readonly container: RoleRef | CustomRoleSpec; readonly key: RoleRef | CustomRoleSpec };
}

export interface StateBackendArgs {
    /** Names, location, storage SKU and protection of the backend. Required. */
    readonly config: StateConfig;
    /** Tenant the Key Vault trusts. Required. */
    readonly tenantId: pulumi.Input<string>;
    /** Principals that read and write state and encrypt and decrypt secrets (the deployer). @default [] */
    readonly writers: readonly StatePrincipal[];
    /** Principals that only read state and decrypt secrets (the previewer). @default [] */
    readonly readers: readonly StatePrincipal[];
    /** Appended to the custom role name, which must be unique in the tenant, e.g. `contoso/foundry-entra`. Required. */
    readonly customRoleSuffix: string;
}

/**
 * The shared Pulumi state backend: a hardened storage account with a private container (state) and an RBAC-mode
 * Key Vault with purge protection and an RSA key (secrets), with data-plane roles for the pipeline identities.
 */
export class StateBackend extends pulumi.ComponentResource {
    /** `pulumi login` URL: `azblob://pulumi-state?storage_account=<account>`. */
    public readonly backendUrl: string;
    /** `--secrets-provider` value: `azurekeyvault://<vault>.vault.azure.net/keys/pulumi-state`. */
    public readonly secretsProvider: string;
    public readonly containerId: pulumi.Output<string>;
    public readonly keyId: pulumi.Output<string>;

    constructor(name: string, args: StateBackendArgs, opts?: pulumi.ComponentResourceOptions) {
        super("foundry-entra:index:StateBackend", name, {}, opts);
        const c = args.config;
        // Deleting any of these deletes every stack's state or makes its secrets unreadable.
        const keep = { parent: this, protect: c.protect };
        const tags = { "managed-by": "foundry-entra-bootstrap" };

        const account = new storage.StorageAccount(`${name}-account`, {
            accountName: c.storageAccountName,
            resourceGroupName: c.resourceGroupName,
            location: c.location,
            kind: "StorageV2",
            sku: { name: c.sku },
            allowBlobPublicAccess: false,
            allowSharedKeyAccess: false,
            defaultToOAuthAuthentication: true,
            allowCrossTenantReplication: false,
            minimumTlsVersion: "TLS1_2",
            enableHttpsTrafficOnly: true,
            tags,
        }, keep);
        new storage.BlobServiceProperties(`${name}-blob-service`, {
            accountName: account.name,
            resourceGroupName: c.resourceGroupName,
            blobServicesName: "default",
            isVersioningEnabled: true,
            deleteRetentionPolicy: { enabled: true, days: 30 },
            containerDeleteRetentionPolicy: { enabled: true, days: 30 },
        }, keep);
        const container = new storage.BlobContainer(`${name}-container`, {
            accountName: account.name,
            resourceGroupName: c.resourceGroupName,
            containerName: STATE_CONTAINER,
            publicAccess: "None",
        }, keep);
        this.containerId = container.id;

        const vault = new keyvault.Vault(`${name}-vault`, {
            vaultName: c.keyVaultName,
            resourceGroupName: c.resourceGroupName,
            location: c.location,
            properties: {
                tenantId: args.tenantId,
                sku: { family: "A", name: "standard" },
                enableRbacAuthorization: true,
                enableSoftDelete: true,
                softDeleteRetentionInDays: 90,
                enablePurgeProtection: true,
            },
            tags,
        }, keep);
        const key = new keyvault.Key(`${name}-key`, {
            vaultName: vault.name,
            resourceGroupName: c.resourceGroupName,
            keyName: STATE_KEY,
            // Pulumi's azurekeyvault secrets provider encrypts and decrypts with RSA-OAEP-256.
            properties: { kty: "RSA", keySize: 3072, keyOps: ["encrypt", "decrypt"] },
            tags,
        }, keep);
        this.keyId = key.id;

        // Custom roles cannot be assignable at a single resource: the resource group it is, assigned on the resource.
        const resourceGroupId = vault.id.apply((id) => id.split("/providers/")[0] ?? id);
        const subscriptionId = vault.id.apply((id) => /^\/subscriptions\/[^/]+/i.exec(id)?.[0] ?? id);
        const customRoles = new Map<string, pulumi.Output<string>>();
        const grant = (who: StatePrincipal, label: string, scope: pulumi.Input<string>, role: RoleRef | CustomRoleSpec, description: string) => {
            let definitionId: pulumi.Output<string> | undefined;
            if (isCustomRole(role)) {
                definitionId = customRoles.get(role.name);
                if (!definitionId) {
                    definitionId = defineCustomRole(`${name}-${label}-role`, role, args.customRoleSuffix, subscriptionId, [resourceGroupId], { parent: this }).id;
                    customRoles.set(role.name, definitionId);
                }
            }
            grantRole(`${name}-${who.key}-${label}`, {
                principalId: who.principalId, scope,
                roleGuid: isCustomRole(role) ? customRoleGuid(role, args.customRoleSuffix) : role.guid,
                ...(definitionId ? { roleDefinitionId: definitionId } : {}),
                description,
            }, { parent: this });
        };
        for (const w of args.writers) {
            grant(w, "blob-contributor", container.id, w.roles.container, "foundry-entra-bootstrap: read and write Pulumi state");
            grant(w, "crypto-user", key.id, w.roles.key, "foundry-entra-bootstrap: encrypt and decrypt Pulumi stack secrets");
        }
        for (const r of args.readers) {
            grant(r, "blob-reader", container.id, r.roles.container, "foundry-entra-bootstrap: read Pulumi state (previews)");
            grant(r, "key-reader", key.id, r.roles.key, "foundry-entra-bootstrap: decrypt Pulumi stack secrets (previews)");
        }

        this.backendUrl = `azblob://${STATE_CONTAINER}?storage_account=${c.storageAccountName}`;
        this.secretsProvider = `azurekeyvault://${c.keyVaultName}.vault.azure.net/keys/${STATE_KEY}`;
        this.registerOutputs({ containerId: this.containerId, keyId: this.keyId });
    }
}
