/** Policies on Cognitive Services (Azure OpenAI / Foundry) accounts. */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { TYPES } from "./constants";
import { field, nonEmptyString, ofType, show } from "./guards";

/** The account's ARM name (the config's `accounts[].name`), for messages. */
export function accountLabel(props: Readonly<Record<string, unknown>>, fallback: string): string {
    const name = props.accountName;
    return nonEmptyString(name) ? name : fallback;
}

/** Key (local) auth must be off: gateways and people authenticate with Entra ID tokens only. */
export const keyAuthDisabled: ResourceValidationPolicy = {
    name: "cognitive-services-key-auth-disabled",
    description: "Every Cognitive Services account has key (local) authentication disabled (properties.disableLocalAuth: true).",
    enforcementLevel: "mandatory",
    severity: "high",
    validateResource: ofType(TYPES.account, (props, args, report) => {
        const value = field(props.properties, "disableLocalAuth");
        if (value === true) return;
        report(`Account "${accountLabel(props, args.name)}" has properties.disableLocalAuth ${show(value)}, so API keys work. ` +
            `Remove "disableLocalAuth: false" from its entry in foundry-entra:accounts (the default is true): ` +
            `callers must use Entra ID tokens, which RBAC can grant and revoke per identity.`);
    }),
};
