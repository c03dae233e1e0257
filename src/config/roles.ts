/**
 * Azure built-in roles this project hands out, and how the config's role words map onto them.
 * GUIDs are the same in every tenant (see docs/configuration.md, "Roles").
 */

import { excerpt } from "../lib/excerpt";

export interface BuiltInRole {
    readonly name: string;
    readonly guid: string;
    /** A short slug used in resource names. */
    readonly slug: string;
    /** Whether the role can call models on a cloud (OpenAI / AIServices) account. */
    readonly cloudInference: boolean;
}

export const ROLES = {
    openAiUser: { name: "Cognitive Services OpenAI User", guid: "5e0bd9bd-7b93-4f28-af87-19fc36ad61bd", slug: "openai-user", cloudInference: true },
    openAiContributor: { name: "Cognitive Services OpenAI Contributor", guid: "a001fd3d-188f-4b5d-821b-7da978bf7442", slug: "openai-contributor", cloudInference: true },
    cognitiveServicesUser: { name: "Cognitive Services User", guid: "a97b65f3-24c7-4388-baec-2e87135dc908", slug: "cs-user", cloudInference: true },
    cognitiveServicesContributor: { name: "Cognitive Services Contributor", guid: "25fbc0a9-bd7c-42a3-aa1a-3b75d497ee68", slug: "cs-contributor", cloudInference: false },
    azureAiUser: { name: "Azure AI User", guid: "53ca6127-db72-4b80-b1b0-d745d6d5456d", slug: "ai-user", cloudInference: true },
    /** No control-plane actions at all, data actions `Microsoft.CognitiveServices/*`: inference on every model, no keys. Preview. */
    cognitiveServicesDataContributor: { name: "Cognitive Services Data Contributor (Preview)", guid: "19c28022-e58e-450d-a464-0b2a53034789", slug: "cs-data-contributor", cloudInference: true },
    reader: { name: "Reader", guid: "acdd72a7-3385-48ef-bd42-f606fba81ae7", slug: "reader", cloudInference: false },
} as const satisfies Record<string, BuiltInRole>;

const BY_NAME: ReadonlyMap<string, BuiltInRole> = new Map<string, BuiltInRole>([
    ...Object.values(ROLES).map((r): [string, BuiltInRole] => [r.name.toLowerCase(), r]),
    // The portal now shows "Azure AI User" as "Foundry User".
    ["foundry user", ROLES.azureAiUser],
]);

const BY_GUID: ReadonlyMap<string, BuiltInRole> = new Map(Object.values(ROLES).map((r) => [r.guid, r]));

/**
 * Roles refused even by GUID: they grant no inference and far more than a gateway needs.
 * The policy pack refuses them too.
 */
export const FORBIDDEN_ROLES: ReadonlyMap<string, string> = new Map([
    ["8e3af657-a8ff-443c-a75c-2fe8c4bcb635", "Owner"],
    ["b24988ac-6180-42a0-ab88-20f7382dd24c", "Contributor"],
    ["18d7d88d-d35e-4fb5-a5c3-7773c20a72d9", "User Access Administrator"],
]);

/** Reserved target name meaning "the Foundry Local cluster". */
export const FOUNDRY_LOCAL = "foundry-local";

/** What a role assignment targets: a cloud account of a kind, or the Foundry Local cluster. */
export type TargetKind = "OpenAI" | "AIServices" | "FoundryLocal";

export const GUID_PATTERN = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

export const ROLE_WORDS = ["inference", "admin"] as const;

/** Human list of accepted role values, for error messages and docs. */
export const ACCEPTED_ROLES_TEXT =
    `"inference", "admin", a role name (${Object.values(ROLES).map((r) => r.name).join(", ")}, Foundry User) or a role definition GUID`;

/** Checks a role value from config. Returns an error text (quoting a short excerpt), or undefined when the value is acceptable. */
export function checkRoleSpec(spec: string): string | undefined {
    if ((ROLE_WORDS as readonly string[]).includes(spec)) return undefined;
    if (BY_NAME.has(spec.toLowerCase())) return undefined;
    if (GUID_PATTERN.test(spec)) {
        const forbidden = FORBIDDEN_ROLES.get(spec.toLowerCase());
        return forbidden
            ? `"${spec}" is the ${forbidden} role, which grants no inference and far more than needed; use "inference" or "admin"`
            : undefined;
    }
    return `${excerpt(spec)} is not a known role; allowed: ${ACCEPTED_ROLES_TEXT}`;
}

/**
 * What "inference" means on a Foundry (AIServices) account unless `foundry-entra:aiServicesInferenceRole` says
 * otherwise: Cognitive Services OpenAI User. It serves the OpenAI surface gateways call (`/openai/...`, `/openai/v1/`:
 * chat completions, responses, embeddings) through its `accounts/OpenAI/*` data actions and, unlike the seed guide's
 * Cognitive Services User, holds no `accounts/listkeys/action` (Microsoft Learn, "Role-based access control for Azure
 * OpenAI" and the built-in role definitions; evidence in docs/day-two.md). It does not serve the model-inference
 * surface of non-OpenAI models (`/models/...`, `accounts/MaaS/*` data actions): config validation asks for another
 * role when an AIServices account deploys such a model.
 */
export const DEFAULT_AI_SERVICES_INFERENCE: BuiltInRole = ROLES.openAiUser;

/**
 * The role a role value means at a target. `inference` depends on the target's kind (and, on AIServices accounts,
 * on `foundry-entra:aiServicesInferenceRole`).
 */
export function resolveRole(spec: string, target: TargetKind, aiServicesInference: BuiltInRole = DEFAULT_AI_SERVICES_INFERENCE): BuiltInRole {
    if (spec === "inference") {
        return target === "AIServices" ? aiServicesInference : ROLES.openAiUser;
    }
    if (spec === "admin") return ROLES.cognitiveServicesContributor;
    const named = BY_NAME.get(spec.toLowerCase());
    if (named) return named;
    const guid = spec.toLowerCase();
    return BY_GUID.get(guid) ?? { name: `role ${guid}`, guid, slug: guid.slice(0, 8), cloudInference: false };
}

/** The ARM id of a built-in role definition, at subscription level. */
export function roleDefinitionId(subscriptionId: string, guid: string): string {
    return `/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${guid}`;
}
