/** Test helpers for the bootstrap: configs, a render under the SDK's mock runtime, and lookups into what it declared. */
import { join } from "node:path";
import { loadStackConfigFile, runProgram, type HarnessResource, type RunResult } from "../harness/run";
import { stableGuid } from "../src/lib/ids";
import { config as encode, named, ofType, refuse as refuseWith } from "../test/helpers";
import { NAMESPACE } from "./config";
import { runBootstrap } from "./program";

export const ROOT = join(__dirname, "..");
export const EXAMPLE_FILE = join(__dirname, "Pulumi.example.yaml");
export const SUB = "11111111-1111-1111-1111-111111111111";
export const SUB2 = "44444444-4444-4444-4444-444444444444";
export const DEV_RG = `/subscriptions/${SUB}/resourceGroups/rg-foundry-dev`;
export const PROD_RG = `/subscriptions/${SUB}/resourceGroups/rg-foundry-prod`;

/** The example stack's config, as the runtime holds it. */
export function exampleConfig(): Record<string, string> {
    return loadStackConfigFile(EXAMPLE_FILE).config;
}

/** A minimal valid config plus overrides (`undefined` removes a key); keys without a namespace get the bootstrap's. */
export function config(overrides: Record<string, unknown> = {}): Record<string, string> {
    const values: Record<string, unknown> = {
        github: { owner: "contoso", repo: "foundry-entra" },
        scopes: [DEV_RG, PROD_RG],
        owners: ["22222222-2222-2222-2222-222222222222"],
        ...overrides,
    };
    const present = Object.entries(values).filter(([, v]) => v !== undefined);
    return encode(Object.fromEntries(present.map(([k, v]) => [k.includes(":") ? k : `${NAMESPACE}:${k}`, v])));
}

export const STATE = { resourceGroupName: "rg-pulumi-state", storageAccountName: "contosopulumistate", keyVaultName: "kv-contoso-pulumi", location: "swedencentral" };

/** @param as the object id of the administrator running it @default the harness's mock deployer */
export function render(cfg: Record<string, string>, as?: string): Promise<RunResult> {
    return runProgram({ config: cfg, program: runBootstrap, project: NAMESPACE, stack: "tenant", ...(as ? { as } : {}) });
}

/** Runs a config that must be refused; returns the error's lines and how many resources got registered. */
export const refuse = (cfg: Record<string, string>) => refuseWith(cfg, render);

export const RT = {
    app: "azuread:index/application:Application",
    sp: "azuread:index/servicePrincipal:ServicePrincipal",
    fic: "azuread:index/applicationFederatedIdentityCredential:ApplicationFederatedIdentityCredential",
    appRoleAssignment: "azuread:index/appRoleAssignment:AppRoleAssignment",
    roleAssignment: "azure-native:authorization:RoleAssignment",
    roleDefinition: "azure-native:authorization:RoleDefinition",
    storageAccount: "azure-native:storage:StorageAccount",
    blobService: "azure-native:storage:BlobServiceProperties",
    container: "azure-native:storage:BlobContainer",
    vault: "azure-native:keyvault:Vault",
    key: "azure-native:keyvault:Key",
} as const;

export { named, ofType };

/** Resources whose parent is the named component. */
export function childrenOf(r: RunResult, componentName: string, type?: string): HarnessResource[] {
    const parent = named(r, componentName).urn;
    return r.resources.filter((x) => x.parent === parent && (type === undefined || x.type === type));
}

/** The object id the mock provider gives a resource or lookup (see harness/mocks.ts). */
export const mockObjectId = (...parts: string[]): string => stableGuid("mock", "objectId", ...parts);
/** The client id the mock provider gives an app registration. */
export const mockClientId = (name: string): string => stableGuid("mock", "clientId", name);

/** The role definition GUID at the end of a role assignment's `roleDefinitionId`. */
export const roleGuidOf = (assignment: HarnessResource): string => String(assignment.inputs.roleDefinitionId).split("/").pop() ?? "";
