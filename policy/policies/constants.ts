/**
 * What the policy pack knows about the resources it checks: Pulumi type tokens, forbidden roles and limits.
 * The pack is self-contained (it imports nothing from the program) so that it can be published on its own;
 * `policy/constants.test.ts` fails if these drift from the program's own values.
 */

/** Pulumi type tokens of the resources the pack checks. */
export const TYPES = {
    account: "azure-native:cognitiveservices:Account",
    roleAssignment: "azure-native:authorization:RoleAssignment",
    application: "azuread:index/application:Application",
    applicationPassword: "azuread:index/applicationPassword:ApplicationPassword",
    applicationCertificate: "azuread:index/applicationCertificate:ApplicationCertificate",
    privateKey: "tls:index/privateKey:PrivateKey",
    selfSignedCert: "tls:index/selfSignedCert:SelfSignedCert",
} as const;

/**
 * Built-in roles no assignment may grant, by role definition GUID (the same in every tenant). They grant no
 * inference, and all three can change who has access to what.
 */
export const FORBIDDEN_ROLES: ReadonlyMap<string, string> = new Map([
    ["8e3af657-a8ff-443c-a75c-2fe8c4bcb635", "Owner"],
    ["b24988ac-6180-42a0-ab88-20f7382dd24c", "Contributor"],
    ["18d7d88d-d35e-4fb5-a5c3-7773c20a72d9", "User Access Administrator"],
]);

/**
 * How the program marks a grant at a Foundry Local fleet's resource group, made because the stack's config says
 * `foundryLocal.grantScope: resourceGroup`: the end of the assignment's description.
 */
export const FLEET_RESOURCE_GROUP_GRANT_MARK = "(foundryLocal.grantScope: resourceGroup)";

export const DAY_MS = 24 * 60 * 60 * 1000;

/** Entra's maximum client secret lifetime (24 months), in days. */
export const MAX_SECRET_DAYS = 730;

/** Maximum certificate lifetime this project allows (3 years), in days. */
export const MAX_CERTIFICATE_DAYS = 3 * 365;

/** Smallest RSA key accepted for the gateway's certificate, in bits. */
export const MIN_RSA_BITS = 2048;

/** The tls provider's `rsaBits` when none is given. */
export const TLS_DEFAULT_RSA_BITS = 2048;
