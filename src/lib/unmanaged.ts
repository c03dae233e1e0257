/**
 * What the program does not manage on an object it adopts, so the adopted object keeps it.
 *
 * Since Pulumi v3.175 (pulumi/pulumi#19339, "New eventual state import system"; v3.248.0
 * `pkg/resource/deploy/step_generator.go`, the continuation after `NewImportStep`), the `import` option reads the live
 * object and then diffs the program's inputs against what the provider's Read returned, in the same run: an input the
 * program does not declare is not an error any more, it is an **update that removes it**. For azure-native the Read of
 * an imported resource returns every writable property of the live object as an input
 * (`provider/pkg/provider/provider.go` Read: `ResponseToSdkInputs` when there are no previous inputs), its Diff counts
 * a property absent from the new inputs as a change (`diff.go` calculateObjectDiff, `diff.Deletes`), and its Update
 * PUTs the new inputs (`defaultUpdate`): the account's network rules, identity and tags would be gone. For azuread
 * (terraform-provider-azuread, bridged) the Read fills every attribute from Graph and the plan removes an Optional
 * attribute the config does not set (redirect URIs, required resource access, …).
 *
 * `ignoreChanges` on these paths makes the engine copy the live values into the new inputs before the diff
 * (`processIgnoreChanges`, applied to the imported state as to any old state), so the import is followed by no update
 * of them, and every later update sends them as they were. The lists are the resources' input properties (the SDKs'
 * `*Args` types of @pulumi/azuread 6.9.1 and @pulumi/azure-native 3.28.0; test/adopt.config.test.ts compares them with
 * the installed SDKs) minus what the program declares.
 */
import type * as pulumi from "@pulumi/pulumi";

/**
 * Options for an object that exists already (`foundry-entra:adopt`): imported by its id, never deleted by the stack, and
 * keeping what the program does not manage (one of the lists below; none for objects with nothing unmanaged, such as
 * role and app-role assignments). Entra objects are imported by the id terraform-provider-azuread's importer takes
 * (`/applications/<object id>`, `/servicePrincipals/<object id>`: application_resource.go and
 * service_principal_resource.go v3.8.0, `stable.ValidateApplicationID` / `ValidateServicePrincipalID`).
 */
export function adoptedOptions(id: string, unmanaged: readonly string[] = []): pulumi.CustomResourceOptions {
    return { import: id, retainOnDelete: true, ...(unmanaged.length > 0 ? { ignoreChanges: [...unmanaged] } : {}) };
}

/** `azuread.Application` inputs the program never sets (ApplicationArgs), kept as they are on an adopted app. */
export const UNMANAGED_APPLICATION_INPUTS = [
    "appRoles", "api", "description", "deviceOnlyAuthEnabled", "fallbackPublicClientEnabled", "featureTags", "groupMembershipClaims",
    "identifierUris", "logoImage", "marketingUrl", "oauth2PostResponseRequired", "optionalClaims", "privacyStatementUrl", "publicClient",
    "requiredResourceAccesses", "serviceManagementReference", "singlePageApplication", "supportUrl", "tags", "templateId",
    "termsOfServiceUrl", "web",
] as const;

/**
 * The same for the Foundry Local API app, which declares `api` (token version and scope) and `appRoles`: the rest of
 * `api` stays as it is (`ApplicationApi`: knownClientApplications, mappedClaimsEnabled).
 */
export const UNMANAGED_API_APPLICATION_INPUTS = [
    ...UNMANAGED_APPLICATION_INPUTS.filter((k) => k !== "api" && k !== "appRoles"),
    "api.knownClientApplications", "api.mappedClaimsEnabled",
] as const;

/** `azuread.ServicePrincipal` inputs the program never sets (ServicePrincipalArgs minus clientId, owners, useExisting). */
export const UNMANAGED_SERVICE_PRINCIPAL_INPUTS = [
    "accountEnabled", "alternativeNames", "appRoleAssignmentRequired", "description", "featureTags", "features", "loginUrl", "notes",
    "notificationEmailAddresses", "preferredSingleSignOnMode", "samlSingleSignOn", "tags",
] as const;

/**
 * `AccountPropertiesArgs` (cognitiveservices) the program never sets: everything but customSubDomainName,
 * disableLocalAuth and publicNetworkAccess.
 */
export const UNMANAGED_ACCOUNT_PROPERTIES = [
    "allowProjectManagement", "allowedFqdnList", "amlWorkspace", "apiProperties", "associatedProjects", "defaultProject",
    "dynamicThrottlingEnabled", "encryption", "locations", "migrationToken", "networkAcls", "networkInjections", "raiMonitorConfig",
    "restore", "restrictOutboundNetworkAccess", "userOwnedStorage",
] as const;

/** `cognitiveservices.Account` paths an adopted account keeps: its identity, tags and every property above. */
export const UNMANAGED_ACCOUNT_INPUTS = ["identity", "tags", ...UNMANAGED_ACCOUNT_PROPERTIES.map((p) => `properties.${p}`)] as const;

/** `DeploymentPropertiesArgs` (cognitiveservices) the program never sets: everything but `model`. */
export const UNMANAGED_DEPLOYMENT_PROPERTIES = [
    "capacitySettings", "currentCapacity", "parentDeploymentName", "raiPolicyName", "scaleSettings", "spilloverDeploymentName", "versionUpgradeOption",
] as const;

export const UNMANAGED_DEPLOYMENT_INPUTS = ["tags", ...UNMANAGED_DEPLOYMENT_PROPERTIES.map((p) => `properties.${p}`)] as const;

/** `managedidentity.UserAssignedIdentity` inputs the program never sets. */
export const UNMANAGED_IDENTITY_INPUTS = ["tags"] as const;

/**
 * `kubernetesconfiguration.Extension` inputs the program never sets. `configurationProtectedSettings` is write-only
 * (ARM never returns it), so it is absent from the Read and from the program: nothing to keep, nothing sent.
 */
export const UNMANAGED_EXTENSION_INPUTS = ["aksAssignedIdentity", "configurationProtectedSettings", "identity", "plan", "statuses"] as const;
