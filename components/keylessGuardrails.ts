import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import * as monitor from "@pulumi/azure-native/monitor";
import type { GuardrailsConfig } from "../src/config/guardrails";
import { KEY_ACCESS_DISABLED_POLICY_ID } from "../src/config/guardrails";
import { resourceGroupArmId } from "../src/lib/armIds";
import { stableGuid } from "../src/lib/ids";
import { slug } from "../src/lib/names";

export interface GuardedAccount {
    readonly name: string;
    readonly resourceGroupName: string;
    /** ARM id of the account (the diagnostic setting's resource). */
    readonly id: pulumi.Input<string>;
}

export interface KeylessGuardrailsArgs {
    /** The stack's accounts. */
    readonly accounts: readonly GuardedAccount[];
    /** What to declare, from `foundry-entra:guardrails`. */
    readonly config: GuardrailsConfig;
    /** The subscription the accounts' resource groups are in. */
    readonly subscriptionId: string;
    /** Project and stack the policy assignments' names are derived from. */
    readonly idSeed: { readonly project: string; readonly stack: string };
}

/** The diagnostic setting's name on every account. */
export const DIAGNOSTIC_SETTING_NAME = "foundry-entra-audit";

/**
 * Keeps the stack's accounts keyless outside the pipeline too: the built-in "Azure AI Services resources should have key
 * access disabled" policy with effect Deny at each account's resource group (a portal click or an `az` call turning keys
 * back on is refused), and optionally a diagnostic setting per account sending its resource logs to a Log Analytics
 * workspace, so each call can be traced to the Entra identity that made it.
 */
export class KeylessGuardrails extends pulumi.ComponentResource {
    public readonly policyAssignmentIds: pulumi.Output<string>[];

    constructor(name: string, args: KeylessGuardrailsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("foundry-entra:index:KeylessGuardrails", name, {}, opts);
        const groups = [...new Map(args.accounts.map((a) => [a.resourceGroupName.toLowerCase(), a.resourceGroupName])).values()].sort();
        this.policyAssignmentIds = args.config.denyKeyAuth ? groups.map((rg) => new authorization.PolicyAssignment(`${name}-deny-key-access-${slug(rg)}`, {
            scope: resourceGroupArmId(args.subscriptionId, rg),
            // Derived, so the same stack and group always name the same assignment; another stack assigns its own.
            policyAssignmentName: stableGuid(args.idSeed.project, args.idSeed.stack, "deny-key-access", rg.toLowerCase()),
            policyDefinitionId: KEY_ACCESS_DISABLED_POLICY_ID,
            parameters: { effect: { value: "Deny" } },
            enforcementMode: "Default",
            displayName: `Keys stay off on AI accounts in ${rg} (foundry-entra ${args.idSeed.stack})`,
            description: `Denies turning key access (local authentication) on for Azure AI Services accounts in ${rg}; ` +
                `callers sign in with Entra ID. Assigned by the foundry-entra stack ${args.idSeed.stack}.`,
            nonComplianceMessages: [{ message: "Key access stays off on Azure AI Services accounts here: call them with an Entra ID token (foundry-entra)." }],
        }, { parent: this }).id) : [];

        const diagnostics = args.config.diagnostics;
        if (diagnostics) {
            for (const a of args.accounts) {
                new monitor.DiagnosticSetting(`${name}-${a.name}-audit`, {
                    resourceUri: a.id,
                    name: DIAGNOSTIC_SETTING_NAME,
                    workspaceId: diagnostics.workspaceId,
                    logs: diagnostics.categories.map((category) => ({ category, enabled: true })),
                }, { parent: this });
            }
        }
        this.registerOutputs({ policyAssignmentIds: this.policyAssignmentIds });
    }
}
