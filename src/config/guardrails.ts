/**
 * `foundry-entra:guardrails`: keep accounts keyless after the stack turned keys off, outside the pipeline too.
 *
 * - `denyKeyAuth`: assigns Azure Policy's built-in definition "Azure AI Services resources should have key access
 *   disabled (disable local authentication)" with effect Deny at each account's resource group, so a portal click or
 *   an `az` call that turns keys back on is refused (the definition: Azure/azure-policy
 *   `built-in-policies/policyDefinitions/Azure Ai Services/DisableLocalAuth_Audit.json`, id below, parameter `effect`
 *   with allowed values Audit, Deny, Disabled; its rule matches `Microsoft.CognitiveServices/accounts` and
 *   `Microsoft.Search/searchServices` whose `disableLocalAuth` is not true).
 * - `diagnostics`: a diagnostic setting on each account sending its resource logs to a Log Analytics workspace. The
 *   categories are Azure Monitor's for `Microsoft.CognitiveServices/accounts` (Microsoft Learn, "Supported logs for
 *   Microsoft.CognitiveServices/accounts", MicrosoftDocs/azure-monitor-docs
 *   `articles/azure-monitor/reference/supported-logs/microsoft-cognitiveservices-accounts-logs.md`): Audit,
 *   AzureOpenAIRequestUsage, RequestResponse, Trace.
 */
import { z } from "zod";
import { excerpt } from "../lib/excerpt";
import { parseArmResourceId, sameArmId } from "../lib/armIds";
import type { AccountConfig } from "./types";

/** The built-in policy definition "Azure AI Services resources should have key access disabled (disable local authentication)". */
export const KEY_ACCESS_DISABLED_POLICY_ID = "/providers/Microsoft.Authorization/policyDefinitions/71ef260a-8f18-47b7-abcb-62d0673d94dc";

/** Resource log categories of Microsoft.CognitiveServices/accounts. */
export const ACCOUNT_LOG_CATEGORIES = ["Audit", "AzureOpenAIRequestUsage", "RequestResponse", "Trace"] as const;
export type AccountLogCategory = (typeof ACCOUNT_LOG_CATEGORIES)[number];

export const GuardrailsSchema = z.strictObject({
    /** Assign the built-in "key access disabled" policy with effect Deny at each account's resource group. @default true */
    denyKeyAuth: z.boolean({ error: (i) => `expected true or false, got ${excerpt(i.input)}` }).default(true),
    /** Send each account's resource logs to a Log Analytics workspace. @default off */
    diagnostics: z.strictObject({
        /** ARM id of the Log Analytics workspace. */
        workspaceId: z.string().superRefine((v, ctx) => {
            const parsed = parseArmResourceId(v);
            const ok = typeof parsed !== "string" && sameArmId(parsed.provider, "Microsoft.OperationalInsights") && parsed.path.length === 1 && sameArmId(parsed.path[0]![0], "workspaces");
            if (!ok) ctx.addIssue({ code: "custom", message: `${excerpt(v)} is not a Log Analytics workspace id; expected /subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.OperationalInsights/workspaces/<name>` });
        }),
        /** @default ["Audit", "RequestResponse"]: control-plane audit and one record per call, with the caller's identity */
        categories: z.array(z.enum(ACCOUNT_LOG_CATEGORIES, { error: (i) => `${excerpt(i.input)} is not a log category of Cognitive Services accounts; allowed: ${ACCOUNT_LOG_CATEGORIES.join(", ")}` }))
            .min(1, { error: "must name at least one category; leave diagnostics out to send none" })
            .default(["Audit", "RequestResponse"]),
    }).optional(),
});

export type RawGuardrails = z.output<typeof GuardrailsSchema>;

export interface GuardrailsConfig {
    readonly denyKeyAuth: boolean;
    readonly diagnostics?: { readonly workspaceId: string; readonly categories: readonly AccountLogCategory[] };
}

/**
 * Cross-checks: a Deny policy refuses every write to an account whose keys are on, so it may only be assigned once the
 * stack turns keys off on every account in that resource group (otherwise the next update of such an account fails).
 */
export function checkGuardrails(raw: RawGuardrails, accounts: readonly AccountConfig[], problem: (path: readonly PropertyKey[], text: string) => void): GuardrailsConfig {
    if (raw.denyKeyAuth) {
        accounts.forEach((a, i) => {
            if (a.disableLocalAuth) return;
            problem(["accounts", i, "disableLocalAuth"], `is false, but guardrails.denyKeyAuth assigns a Deny policy on key access at resource group ${a.resourceGroupName}: ` +
                "Azure would refuse every update of this account while its keys are on. Turn keys off first (disableLocalAuth: true, docs/adoption.md), " +
                "or set guardrails.denyKeyAuth: false until then");
        });
    }
    const duplicates = raw.diagnostics ? raw.diagnostics.categories.filter((c, i, all) => all.indexOf(c) !== i) : [];
    if (duplicates.length > 0) problem(["guardrails", "diagnostics", "categories"], `lists ${duplicates.join(", ")} twice`);
    return { denyKeyAuth: raw.denyKeyAuth, ...(raw.diagnostics ? { diagnostics: raw.diagnostics } : {}) };
}
