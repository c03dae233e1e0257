/**
 * The Azure roles the bootstrap hands out, the roles the deployer may hand out in turn, and the ABAC condition that
 * holds it to them. Built-in role GUIDs are the same in every tenant; each appears here (or in `src/config/roles.ts`,
 * or in the component that uses it) exactly once, with its name.
 */
import { FORBIDDEN_ROLES, roleDefinitionId, ROLES } from "../src/config/roles";
import { KEY_VAULT_SECRETS_USER } from "../components/keyVaultDelivery";

/** A built-in Azure role: its name (for people) and its definition GUID (for ARM). */
export interface RoleRef {
    readonly name: string;
    readonly guid: string;
}

/** A custom role the bootstrap defines, because no built-in role is narrow enough. */
export interface CustomRoleSpec {
    /** Prefix of the role's name; the repository is appended, since custom role names are unique per tenant. */
    readonly name: string;
    readonly description: string;
    readonly actions: readonly string[];
    readonly dataActions: readonly string[];
}

export const BOOTSTRAP_ROLES = {
    reader: ROLES.reader,
    cognitiveServicesContributor: ROLES.cognitiveServicesContributor,
    managedIdentityContributor: { name: "Managed Identity Contributor", guid: "e40ec5ca-96e0-45a2-b4ff-59039f2c2b59" },
    kubernetesExtensionContributor: { name: "Kubernetes Extension Contributor", guid: "85cb6faf-e071-4c9b-8136-154b5a04f717" },
    rbacAdministrator: { name: "Role Based Access Control Administrator", guid: "f58310d9-a9f6-439a-9e8d-f62e7b41a168" },
    storageBlobDataContributor: { name: "Storage Blob Data Contributor", guid: "ba92f5b4-2d11-453d-a403-e96b0029c9fe" },
    storageBlobDataReader: { name: "Storage Blob Data Reader", guid: "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1" },
    keyVaultCryptoUser: { name: "Key Vault Crypto User", guid: "12338af0-0e69-4776-bea7-57ae8d297424" },
} as const satisfies Record<string, RoleRef>;

export const isCustomRole = (role: RoleRef | CustomRoleSpec): role is CustomRoleSpec => "actions" in role;

/**
 * The program writes Key Vault secrets through ARM (`azure-native:keyvault:Secret`), a control-plane write
 * (`Microsoft.KeyVault/vaults/secrets/write`). Key Vault Secrets Officer only grants data-plane actions, so it would
 * not do; Key Vault Contributor would, but it can also change the vault's access model. This role is just the write.
 */
export const KEY_VAULT_SECRET_WRITER: CustomRoleSpec = {
    name: "foundry-entra Key Vault secret writer",
    description: "Create and update Key Vault secrets through Azure Resource Manager (foundry-entra in-stack delivery). No data-plane access.",
    actions: ["Microsoft.KeyVault/vaults/read", "Microsoft.KeyVault/vaults/secrets/read", "Microsoft.KeyVault/vaults/secrets/write"],
    dataActions: [],
};

/**
 * `foundry-entra:guardrails` in a program stack: a policy assignment at each account's resource group (the built-in
 * "key access disabled" definition with effect Deny) and a diagnostic setting on each account. Resource Policy
 * Contributor would do the first but can also write policy definitions and exemptions; Monitoring Contributor the
 * second, with much more. This role is the two writes (and reads and deletes) and nothing else.
 */
export const GUARDRAILS_WRITER: CustomRoleSpec = {
    name: "foundry-entra guardrails writer",
    description: "Assign policies and write diagnostic settings at the stack's scopes (foundry-entra guardrails). Cannot define policies or exempt from them.",
    actions: [
        "Microsoft.Authorization/policyAssignments/read", "Microsoft.Authorization/policyAssignments/write", "Microsoft.Authorization/policyAssignments/delete",
        "Microsoft.Insights/diagnosticSettings/read", "Microsoft.Insights/diagnosticSettings/write", "Microsoft.Insights/diagnosticSettings/delete",
    ],
    dataActions: [],
};

/**
 * Previews decrypt stack secrets with the state key and nothing else. Key Vault Crypto User would also let them
 * update the key's attributes (disable it, set an expiry) and back it up: writes a preview must not make.
 */
export const STATE_KEY_DECRYPTER: CustomRoleSpec = {
    name: "foundry-entra Pulumi state key reader",
    description: "Read a key and encrypt or decrypt with it (Pulumi's azurekeyvault secrets provider). Cannot change or back up the key.",
    actions: [],
    dataActions: ["Microsoft.KeyVault/vaults/keys/read", "Microsoft.KeyVault/vaults/keys/encrypt/action", "Microsoft.KeyVault/vaults/keys/decrypt/action"],
};

/**
 * Roles the deployer may never assign, even if asked to by `assignableRoles`: each one hands out control over
 * access itself (or everything), which would undo every other limit.
 */
export const NOT_ASSIGNABLE: ReadonlyMap<string, string> = new Map([
    ...FORBIDDEN_ROLES,
    [BOOTSTRAP_ROLES.rbacAdministrator.guid, BOOTSTRAP_ROLES.rbacAdministrator.name],
]);

/**
 * Every role the main program assigns: the roles its config words and names map to (`ROLES`, which includes the
 * role the Arc cluster identity gets) and Key Vault Secrets User for in-stack delivery.
 */
export const PROGRAM_ROLES: readonly RoleRef[] = [...Object.values(ROLES), KEY_VAULT_SECRETS_USER]
    .map((r) => ({ name: r.name, guid: r.guid }));

/** The role GUIDs the deployer may assign and delete: the program's roles plus `extra`, sorted and unique. */
export function assignableRoleGuids(extra: readonly string[] = []): string[] {
    return [...new Set([...PROGRAM_ROLES.map((r) => r.guid), ...extra].map((g) => g.toLowerCase()))].sort();
}

/**
 * The ABAC condition (version 2.0) for Role Based Access Control Administrator that limits
 * `Microsoft.Authorization/roleAssignments/write` and `/delete` to the given role definitions. It needs one clause per
 * action, because a new assignment's role is a request attribute and an existing one's a resource attribute
 * ("Delegate Azure role assignment management to others with conditions", Microsoft Learn).
 */
export function roleAssignmentCondition(roleGuids: readonly string[]): string {
    const list = `{${roleGuids.join(", ")}}`;
    const clause = (action: "write" | "delete", source: "Request" | "Resource") => [
        "(",
        " (",
        `  !(ActionMatches{'Microsoft.Authorization/roleAssignments/${action}'})`,
        " )",
        " OR",
        " (",
        `  @${source}[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals ${list}`,
        " )",
        ")",
    ];
    return [...clause("write", "Request"), "AND", ...clause("delete", "Resource")].join("\n");
}

/** The ARM id of a role definition in the subscription an ARM id (a scope or resource) belongs to. */
export function roleDefinitionIdAt(armId: string, roleGuid: string): string {
    const sub = /^\/subscriptions\/([^/]+)/i.exec(armId)?.[1];
    if (!sub) throw new Error(`"${armId}" is not an ARM id under /subscriptions/<id>`);
    return roleDefinitionId(sub, roleGuid);
}
