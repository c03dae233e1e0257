/**
 * Every permission the bootstrap grants, in one table, each with the reason it is needed. The program declares
 * grants from this table only, and `docs/bootstrap.md` carries the same table (a test keeps them equal).
 */
import type { BootstrapConfig } from "./config";
import { BOOTSTRAP_ROLES, isCustomRole, KEY_VAULT_SECRET_WRITER, PROGRAM_ROLES, STATE_KEY_DECRYPTER, type CustomRoleSpec, type RoleRef } from "./roles";

export type Identity = "deployer" | "previewer";

/** The config switch a grant depends on: `always`, or the key that turns it on. */
export type When = "always" | "appRoleAssignments" | "keyVaultDelivery" | "state";

/** A Microsoft Graph application permission, granted with admin consent (an app role assignment to Graph). */
export interface GraphGrant {
    readonly kind: "graph";
    readonly identity: Identity;
    /** The permission's value, e.g. `Application.ReadWrite.OwnedBy`. */
    readonly permission: string;
    readonly when: When;
    readonly reason: string;
}

/** An Azure role assignment. */
export interface AzureGrant {
    readonly kind: "azure";
    readonly identity: Identity;
    readonly role: RoleRef | CustomRoleSpec;
    /** Where: at each configured scope, or on the state backend's container or key. */
    readonly at: "each scope" | "state container" | "state key";
    readonly when: When;
    readonly reason: string;
    /** Assigned with the ABAC condition limiting which roles it may assign. @default false */
    readonly limitedToProgramRoles?: boolean;
}

export type Grant = GraphGrant | AzureGrant;

const R = BOOTSTRAP_ROLES;

export const GRANTS: readonly Grant[] = [
    { kind: "graph", identity: "deployer", permission: "Application.ReadWrite.OwnedBy", when: "always",
        reason: "Create the gateway's and the Foundry Local API's app registrations and service principals, and manage only the ones it owns " +
            "(credentials, federated credentials, identifier URI, pre-authorised clients). Each program stack lists the deployer (the bootstrap output `deployerObjectId`) in `gateway.owners`, so it owns everything it creates." },
    { kind: "graph", identity: "deployer", permission: "User.Read.All", when: "always",
        reason: "Resolve `access[].user` UPNs to object ids (`azuread.getUser` needs `User.Read.All` or `Directory.Read.All` when signed in as an app) " +
            "and name users as owners of app registrations." },
    { kind: "graph", identity: "deployer", permission: "Group.Read.All", when: "always",
        reason: "Resolve `access[].group` display names to object ids (`azuread.getGroup` needs `Group.Read.All` or `Directory.Read.All`)." },
    { kind: "graph", identity: "deployer", permission: "AppRoleAssignment.ReadWrite.All", when: "appRoleAssignments",
        reason: "Grant Foundry Local's `FoundryInferenceAccess` app role to the gateway and to managed identities. **Escalation path:** it can grant " +
            "any app role of any API, Microsoft Graph's included (e.g. `RoleManagement.ReadWrite.Directory`), so whoever controls the deployer can make " +
            "themselves Global Administrator. Set `appRoleAssignments: false` when no stack grants app roles." },
    { kind: "graph", identity: "deployer", permission: "Application.Read.All", when: "appRoleAssignments",
        reason: "`azuread.AppRoleAssignment` reads the resource service principal; the provider needs `Application.Read.All` together with " +
            "`AppRoleAssignment.ReadWrite.All`. Read-only." },
    { kind: "graph", identity: "previewer", permission: "Application.Read.All", when: "always",
        reason: "Read app registrations, service principals, federated credentials and app role assignments when a preview refreshes. Read-only." },
    { kind: "graph", identity: "previewer", permission: "User.Read.All", when: "always",
        reason: "Resolve `access[].user` UPNs during a preview. Read-only." },
    { kind: "graph", identity: "previewer", permission: "Group.Read.All", when: "always",
        reason: "Resolve `access[].group` display names during a preview. Read-only." },

    { kind: "azure", identity: "deployer", role: R.reader, at: "each scope", when: "always",
        reason: "Look up what the program reads but does not manage (the Arc cluster, the delivery Key Vault) and refresh what it manages." },
    { kind: "azure", identity: "deployer", role: R.cognitiveServicesContributor, at: "each scope", when: "always",
        reason: "Create or adopt Azure OpenAI and Foundry accounts and their model deployments. Grants no inference." },
    { kind: "azure", identity: "deployer", role: R.managedIdentityContributor, at: "each scope", when: "always",
        reason: "Create user-assigned managed identities (`managedIdentities[].create`)." },
    { kind: "azure", identity: "deployer", role: R.kubernetesExtensionContributor, at: "each scope", when: "always",
        reason: "Install the Foundry Local extension on the Arc cluster (`foundryLocal.installExtension`)." },
    { kind: "azure", identity: "deployer", role: R.rbacAdministrator, at: "each scope", when: "always", limitedToProgramRoles: true,
        reason: "Create and delete the program's role assignments. An ABAC condition limits it to the roles the program hands out (see below): " +
            "it can never assign Owner, Contributor, User Access Administrator or itself." },
    { kind: "azure", identity: "deployer", role: KEY_VAULT_SECRET_WRITER, at: "each scope", when: "keyVaultDelivery",
        reason: "Write the gateway's credentials as Key Vault secrets (`gatewayDelivery.keyVault`). azure-native writes secrets through ARM " +
            "(`Microsoft.KeyVault/vaults/secrets/write`), which Key Vault Secrets Officer (data plane only) does not grant." },
    { kind: "azure", identity: "deployer", role: R.storageBlobDataContributor, at: "state container", when: "state",
        reason: "Read and write stack state, its history and its locks." },
    { kind: "azure", identity: "deployer", role: R.keyVaultCryptoUser, at: "state key", when: "state",
        reason: "Encrypt and decrypt stack secrets with the state key." },
    { kind: "azure", identity: "previewer", role: R.reader, at: "each scope", when: "always",
        reason: "Read what a preview compares against. No write." },
    { kind: "azure", identity: "previewer", role: R.storageBlobDataReader, at: "state container", when: "state",
        reason: "Read stack state. Previews take no lock on a DIY backend (pulumi/pulumi#13948), so reading is enough." },
    { kind: "azure", identity: "previewer", role: STATE_KEY_DECRYPTER, at: "state key", when: "state",
        reason: "Decrypt stack secrets, which a preview needs. A preview can therefore read every secret of the stack: put required reviewers " +
            "on `<env>-preview` environments (at least `prod-preview`) if pull-request authors must not." },
];

/** Whether a grant applies under a config. */
export function applies(grant: Grant, config: Pick<BootstrapConfig, "appRoleAssignments" | "keyVaultDelivery" | "previews"> & { readonly state?: unknown }): boolean {
    if (grant.identity === "previewer" && !config.previews) return false;
    switch (grant.when) {
        case "always":
            return true;
        case "appRoleAssignments":
            return config.appRoleAssignments;
        case "keyVaultDelivery":
            return config.keyVaultDelivery;
        case "state":
            return config.state !== undefined;
    }
}

export function graphGrants(identity: Identity, config: Parameters<typeof applies>[1]): GraphGrant[] {
    return GRANTS.filter((g): g is GraphGrant => g.kind === "graph" && g.identity === identity && applies(g, config));
}

export function azureGrants(identity: Identity, at: AzureGrant["at"], config: Parameters<typeof applies>[1]): AzureGrant[] {
    return GRANTS.filter((g): g is AzureGrant => g.kind === "azure" && g.identity === identity && g.at === at && applies(g, config));
}

const WHEN_TEXT: Record<When, string> = {
    always: "always",
    appRoleAssignments: "`appRoleAssignments: true` (default)",
    keyVaultDelivery: "`keyVaultDelivery: true`",
    state: "`state` set",
};

/** The table as Markdown, for `docs/bootstrap.md`. */
export function renderGrantsTable(): string {
    const rows = GRANTS.map((g) => {
        const what = g.kind === "graph"
            ? `Graph \`${g.permission}\``
            : isCustomRole(g.role)
                ? `custom role *${g.role.name}* (${[...g.role.actions, ...g.role.dataActions].map((a) => `\`${a}\``).join(", ")})`
                : `${g.role.name}${g.limitedToProgramRoles ? " (with condition)" : ""} \`${g.role.guid}\``;
        const where = g.kind === "graph" ? "tenant" : g.at;
        return `| ${g.identity} | ${what} | ${where} | ${WHEN_TEXT[g.when]} | ${g.reason} |`;
    });
    return ["| identity | permission or role | where | when | why |", "|---|---|---|---|---|", ...rows].join("\n");
}

/** The roles the deployer may assign (the ABAC condition's list, before `assignableRoles`), as Markdown. */
export function renderAssignableRolesTable(): string {
    const rows = [...PROGRAM_ROLES].sort((a, b) => a.name.localeCompare(b.name)).map((r) => `| ${r.name} | \`${r.guid}\` |`);
    return ["| role the deployer may assign and delete | GUID |", "|---|---|", ...rows].join("\n");
}
