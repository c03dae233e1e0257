/**
 * Checks that need a lookup in Azure but must pass before anything is created: they run after config
 * validation and before the first resource is registered, so a failure leaves nothing half-created.
 */
import * as pulumi from "@pulumi/pulumi";
import * as keyvault from "@pulumi/azure-native/keyvault";
import type { StackConfig } from "./config/types";

export interface PreflightFacts {
    /** ARM id of the delivery Key Vault, when one is configured. */
    readonly keyVaultId?: string;
}

export async function preflight(config: StackConfig): Promise<PreflightFacts> {
    const kv = config.gatewayDelivery?.keyVault;
    if (!kv) return {};
    const vault = await keyvault.getVault({ vaultName: kv.name, resourceGroupName: kv.resourceGroupName });
    if (vault.properties.enableRbacAuthorization !== true) {
        // Per-secret role assignments only mean something in an RBAC-mode vault.
        throw new pulumi.RunError(`foundry-entra:gatewayDelivery.keyVault: Key Vault "${kv.name}" uses access policies; ` +
            `use an RBAC-mode vault (az keyvault update -n ${kv.name} -g ${kv.resourceGroupName} --enable-rbac-authorization true)`);
    }
    return { keyVaultId: vault.id };
}
