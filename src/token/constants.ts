/** Audiences and scopes the acceptance rules know. See /work/shared/reference/azure-facts.md, "Token scopes". */

/** The scope a gateway requests for Azure OpenAI and Foundry's `/openai/` surface (output `gateway.tokenScope`). */
export const COGNITIVE_SERVICES_SCOPE = "https://cognitiveservices.azure.com/.default";
/** The audience of tokens for that scope (v1 tokens carry it without a trailing slash). */
export const COGNITIVE_SERVICES_AUDIENCES: readonly string[] = ["https://cognitiveservices.azure.com", "https://cognitiveservices.azure.com/"];
/** Foundry project endpoints (`/api/projects/...`) take this audience, the `/openai/` surface does not. */
export const FOUNDRY_PROJECT_AUDIENCES: readonly string[] = ["https://ai.azure.com", "https://ai.azure.com/"];
/** Defaults of `foundry-entra:foundryLocal.scopeValue` and `.appRoleValue`. */
export const DEFAULT_FOUNDRY_LOCAL_SCOPE = "foundry_access";
export const DEFAULT_FOUNDRY_LOCAL_APP_ROLE = "FoundryInferenceAccess";
/** Clock skew tolerated for `nbf`, and how close to `exp` a token counts as about to expire. */
export const CLOCK_SKEW_MS = 5 * 60_000;
