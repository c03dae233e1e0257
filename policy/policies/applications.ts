/** Policies on Entra ID app registrations (`azuread:index/application:Application`). */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { TYPES } from "./constants";
import { field, list, nonEmptyString, ofType, show, type Props } from "./guards";

function appLabel(props: Props, fallback: string): string {
    return nonEmptyString(props.displayName) ? props.displayName : fallback;
}

/** An app exposes an API when it declares delegated scopes, app roles or identifier URIs. */
export function exposesApi(props: Props): boolean {
    return list(field(props.api, "oauth2PermissionScopes")).length > 0 || list(props.appRoles).length > 0 || list(props.identifierUris).length > 0;
}

/** Only the home tenant may sign in: no multi-tenant or personal-account audiences. */
export const singleTenant: ResourceValidationPolicy = {
    name: "entra-app-single-tenant",
    description: "Every app registration is single-tenant (signInAudience: AzureADMyOrg, stated explicitly).",
    enforcementLevel: "mandatory",
    severity: "high",
    validateResource: ofType(TYPES.application, (props, args, report) => {
        if (props.signInAudience === "AzureADMyOrg") return;
        report(`App registration "${appLabel(props, args.name)}" has signInAudience ${show(props.signInAudience)}. ` +
            `Set signInAudience: "AzureADMyOrg" explicitly on the azuread.Application (components/gatewayIdentity.ts, ` +
            `components/foundryLocalApi.ts): only identities of your own tenant may sign in.`);
    }),
};

/** Foundry Local's authentication sidecar accepts only v2 tokens (issuer `https://login.microsoftonline.com/<tenant>/v2.0`). */
export const apiV2Tokens: ResourceValidationPolicy = {
    name: "entra-api-app-v2-tokens",
    description: "Every app registration that exposes an API (scopes, app roles or identifier URIs) requests v2 access tokens.",
    enforcementLevel: "mandatory",
    severity: "high",
    validateResource: ofType(TYPES.application, (props, args, report) => {
        if (!exposesApi(props)) return;
        const version = field(props.api, "requestedAccessTokenVersion");
        if (version === 2) return;
        report(`API app registration "${appLabel(props, args.name)}" has api.requestedAccessTokenVersion ${show(version)} ` +
            `(the provider uses 1 when it is not set). Set api.requestedAccessTokenVersion: 2 (components/foundryLocalApi.ts): ` +
            `Foundry Local rejects v1 tokens (issuer https://sts.windows.net/...).`);
    }),
};

/** Users cannot consent to the API's scopes for themselves; an administrator grants them. */
export const adminConsentScopes: ResourceValidationPolicy = {
    name: "entra-api-scopes-admin-consent",
    description: "Every delegated scope an app registration exposes requires admin consent (type: Admin).",
    enforcementLevel: "mandatory",
    severity: "medium",
    validateResource: ofType(TYPES.application, (props, args, report) => {
        for (const scope of list(field(props.api, "oauth2PermissionScopes"))) {
            const type = field(scope, "type");
            if (type === "Admin") continue;
            report(`App registration "${appLabel(props, args.name)}" exposes scope ${show(field(scope, "value"))} with type ${show(type)} ` +
                `(the provider uses "User" when it is not set: any user could consent for themselves). Set type: "Admin" on the scope ` +
                `(components/foundryLocalApi.ts).`);
        }
    }),
};
