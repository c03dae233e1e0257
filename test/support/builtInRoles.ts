/**
 * Built-in Azure role GUIDs as Microsoft lists them ("Azure built-in roles",
 * https://learn.microsoft.com/azure/role-based-access-control/built-in-roles), written as literals copied from
 * that list: tests compare the program's role definition ids with these, never with the program's own constants.
 *
 * Checked against MicrosoftDocs/azure-docs, articles/role-based-access-control/built-in-roles/ (the JSON definition
 * of each role, `"name": "<guid>"` beside its `"roleName"`): the four Cognitive Services roles (ai-machine-learning.md),
 * Key Vault Secrets User and Key Vault Crypto User (security.md), Managed Identity Contributor, Storage Blob Data
 * Contributor and Reader, Reader and Owner. Azure AI User (now shown as "Foundry User"), Kubernetes Extension
 * Contributor, Role Based Access Control Administrator, Contributor and User Access Administrator are on the current
 * page but not in the copy read here; their GUIDs agree with Microsoft's published Bicep and CLI samples.
 */
/** Microsoft's list, by role name: the literal GUIDs. */
export const MICROSOFT = {
    "Cognitive Services OpenAI User": "5e0bd9bd-7b93-4f28-af87-19fc36ad61bd",
    "Cognitive Services OpenAI Contributor": "a001fd3d-188f-4b5d-821b-7da978bf7442",
    "Cognitive Services User": "a97b65f3-24c7-4388-baec-2e87135dc908",
    "Cognitive Services Contributor": "25fbc0a9-bd7c-42a3-aa1a-3b75d497ee68",
    "Azure AI User": "53ca6127-db72-4b80-b1b0-d745d6d5456d",
    // Preview role; its definition (no actions, data actions Microsoft.CognitiveServices/*) as listed by
    // azure-rbac-catalog.org/roles/19c28022-e58e-450d-a464-0b2a53034789 and azadvertizer.net (docs/day-two.md).
    "Cognitive Services Data Contributor (Preview)": "19c28022-e58e-450d-a464-0b2a53034789",
    "Reader": "acdd72a7-3385-48ef-bd42-f606fba81ae7",
    "Key Vault Secrets User": "4633458b-17de-408a-b874-0445c86b69e6",
    "Key Vault Crypto User": "12338af0-0e69-4776-bea7-57ae8d297424",
    "Managed Identity Contributor": "e40ec5ca-96e0-45a2-b4ff-59039f2c2b59",
    "Kubernetes Extension Contributor": "85cb6faf-e071-4c9b-8136-154b5a04f717",
    "Role Based Access Control Administrator": "f58310d9-a9f6-439a-9e8d-f62e7b41a168",
    "Storage Blob Data Contributor": "ba92f5b4-2d11-453d-a403-e96b0029c9fe",
    "Storage Blob Data Reader": "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1",
    "Owner": "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
    "Contributor": "b24988ac-6180-42a0-ab88-20f7382dd24c",
    "User Access Administrator": "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9",
} as const;

/** The same list, looked up by any name (undefined for a role not in it). */
export const MICROSOFT_BY_NAME: Readonly<Record<string, string | undefined>> = MICROSOFT;
