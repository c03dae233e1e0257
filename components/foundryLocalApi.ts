import * as pulumi from "@pulumi/pulumi";
import * as azuread from "@pulumi/azuread";
import { stableGuid } from "../src/lib/ids";
import { adoptedOptions, UNMANAGED_API_APPLICATION_INPUTS, UNMANAGED_SERVICE_PRINCIPAL_INPUTS } from "../src/lib/unmanaged";

/** The Azure CLI's client id, pre-authorised so users get tokens with `az account get-access-token`. */
export const AZURE_CLI_CLIENT_ID = "04b07795-8ddb-461a-bbee-02f9e1bf7b46";

export interface FoundryLocalApiArgs {
    /** Display name of the API app registration. @default `foundry-entra-<stack>-foundry-local-api` (set by config) */
    readonly displayName: string;
    /** Owners (object ids) of the app registration and service principal. @default [] */
    readonly owners: pulumi.Input<string>[];
    /** Delegated scope users' tokens carry in `scp`. @default "foundry_access" */
    readonly scopeValue: string;
    /** App role service principals' and managed identities' tokens carry in `roles`. @default "FoundryInferenceAccess" */
    readonly appRoleValue: string;
    /** Pre-authorise the Azure CLI for the scope. @default true */
    readonly preAuthorizeAzureCli?: boolean;
    /** Project and stack the scope and app-role GUIDs are derived from, so they stay the same run after run. */
    readonly idSeed: { readonly project: string; readonly stack: string };
    /** Object id of the gateway's service principal, which gets the app role. */
    readonly gatewayServicePrincipalObjectId: pulumi.Input<string>;
    /** Put `protect: true` on the app registration and service principal. @default false */
    readonly protect?: boolean;
    /** An existing API app registration (built from the Microsoft Learn guide) to take over. @default undefined (created) */
    readonly adopt?: AdoptedFoundryLocalApi;
}

/** The parts of an existing Foundry Local API app registration, as `foundry-entra:adopt` names them. */
export interface AdoptedFoundryLocalApi {
    readonly applicationObjectId: string;
    readonly servicePrincipalObjectId?: string;
    /** The live scope id: kept, since a changed id disables the scope (users' consent and pre-authorisations go). */
    readonly scopeId: string;
    /** The live app-role id: kept, since every app-role assignment names it. */
    readonly appRoleId: string;
    /** The live Application ID URI, when it has one: taken over. */
    readonly identifierUri?: string;
    /** The Azure CLI is pre-authorised already: taken over. */
    readonly azureCliPreAuthorized: boolean;
    /** The gateway's existing app-role assignment id. */
    readonly gatewayAppRoleAssignmentId?: string;
}

/**
 * terraform-provider-azuread's import id of an identifier URI: `/applications/<object id>/identifierUris/<URI, base64>`
 * with standard base64 (internal/services/applications/application_identifier_uri_resource.go v3.8.0, Create:
 * `base64.StdEncoding.EncodeToString`; parse/identifier_uri.go `IdentifierUriId.ID`).
 */
export const identifierUriImportId = (applicationObjectId: string, uri: string): string =>
    `/applications/${applicationObjectId}/identifierUris/${Buffer.from(uri, "utf8").toString("base64")}`;

/**
 * terraform-provider-azuread's id of a pre-authorised client: `<application object id>/preAuthorizedApplication/<client
 * id>` (parse/pre_authorized_application.go v3.8.0, `ApplicationPreAuthorizedId.String`). The provider refuses to create
 * one that exists ("requires import": application_pre_authorized_resource.go, `tf.ImportAsExistsDiag`).
 */
export const preAuthorizedImportId = (applicationObjectId: string, clientId: string): string => `${applicationObjectId}/preAuthorizedApplication/${clientId}`;

/** The scope and app-role GUIDs for a project, stack and value; the same inputs always give the same GUIDs. */
export function foundryLocalIds(seed: { project: string; stack: string }, scopeValue: string, appRoleValue: string) {
    return {
        scopeId: stableGuid(seed.project, seed.stack, "foundry-local-api", "scope", scopeValue),
        appRoleId: stableGuid(seed.project, seed.stack, "foundry-local-api", "app-role", appRoleValue),
    };
}

/**
 * The API app registration Foundry Local's authentication sidecar validates tokens against (Microsoft Learn,
 * "Configure Microsoft Entra ID for Foundry Local enabled by Azure Arc"): Application ID URI
 * `api://<client-id>`, v2 access tokens, an admin-consent delegated scope for users, an app role for
 * applications, the Azure CLI pre-authorised, and a service principal.
 */
export class FoundryLocalApi extends pulumi.ComponentResource {
    public readonly clientId: pulumi.Output<string>;
    public readonly identifierUri: pulumi.Output<string>;
    /** `api://<client-id>/<scope>`: what users request. */
    public readonly userScope: pulumi.Output<string>;
    /** `api://<client-id>/.default`: what applications request. */
    public readonly appScope: pulumi.Output<string>;
    public readonly servicePrincipalObjectId: pulumi.Output<string>;
    public readonly scopeId: string;
    public readonly appRoleId: string;

    constructor(name: string, args: FoundryLocalApiArgs, opts?: pulumi.ComponentResourceOptions) {
        super("foundry-entra:index:FoundryLocalApi", name, {}, opts);
        const protect = args.protect ?? false;
        const adopt = args.adopt;
        // An adopted API keeps its live ids: the scope users consented to, the role every assignment names.
        const ids = adopt ? { scopeId: adopt.scopeId, appRoleId: adopt.appRoleId } : foundryLocalIds(args.idSeed, args.scopeValue, args.appRoleValue);
        this.scopeId = ids.scopeId;
        this.appRoleId = ids.appRoleId;

        const app = new azuread.Application(`${name}-app`, {
            displayName: args.displayName,
            signInAudience: "AzureADMyOrg",
            owners: args.owners,
            notes: "Managed by foundry-entra: Foundry Local inference API",
            api: {
                // The sidecar rejects v1 tokens (issuer https://sts.windows.net/...).
                requestedAccessTokenVersion: 2,
                oauth2PermissionScopes: [{
                    id: ids.scopeId,
                    value: args.scopeValue,
                    type: "Admin",
                    enabled: true,
                    adminConsentDisplayName: "Access Foundry Local inference endpoints",
                    adminConsentDescription: "Allows the application to access Foundry Local inference endpoints on behalf of the signed-in user",
                }],
            },
            appRoles: [{
                id: ids.appRoleId,
                value: args.appRoleValue,
                allowedMemberTypes: ["Application"],
                displayName: args.appRoleValue,
                description: "Access Foundry Local inference endpoints",
                enabled: true,
            }],
        }, {
            parent: this,
            protect,
            // The URI is declared by ApplicationIdentifierUri below (an app cannot name its own client id);
            // without this, every later update of the Application would erase it (pulumi/pulumi-azuread#1036).
            ...(adopt ? adoptedOptions(`/applications/${adopt.applicationObjectId}`, UNMANAGED_API_APPLICATION_INPUTS)
                : { ignoreChanges: ["identifierUris"] }),
        });
        this.clientId = app.clientId;

        const adoptedUri = adopt?.identifierUri;
        const uri = new azuread.ApplicationIdentifierUri(`${name}-uri`, {
            applicationId: app.id,
            identifierUri: adoptedUri ?? pulumi.interpolate`api://${app.clientId}`,
        }, { parent: this, ...(adoptedUri ? adoptedOptions(identifierUriImportId(adopt.applicationObjectId, adoptedUri)) : {}) });
        this.identifierUri = uri.identifierUri;
        this.userScope = pulumi.interpolate`${uri.identifierUri}/${args.scopeValue}`;
        this.appScope = pulumi.interpolate`${uri.identifierUri}/.default`;

        if (args.preAuthorizeAzureCli ?? true) {
            new azuread.ApplicationPreAuthorized(`${name}-azure-cli`, {
                applicationId: app.id,
                authorizedClientId: AZURE_CLI_CLIENT_ID,
                permissionIds: [ids.scopeId],
            }, {
                parent: this,
                ...(adopt?.azureCliPreAuthorized ? adoptedOptions(preAuthorizedImportId(adopt.applicationObjectId, AZURE_CLI_CLIENT_ID)) : {}),
            });
        }

        const sp = new azuread.ServicePrincipal(`${name}-sp`, { clientId: app.clientId, owners: args.owners }, {
            parent: this, protect,
            ...(adopt?.servicePrincipalObjectId ? adoptedOptions(`/servicePrincipals/${adopt.servicePrincipalObjectId}`, UNMANAGED_SERVICE_PRINCIPAL_INPUTS) : {}),
        });
        this.servicePrincipalObjectId = sp.objectId;

        // The gateway calls Foundry Local as an application: its tokens need the app role in `roles`.
        new azuread.AppRoleAssignment(`${name}-gateway-app-role`, {
            appRoleId: ids.appRoleId,
            principalObjectId: args.gatewayServicePrincipalObjectId,
            resourceObjectId: sp.objectId,
        }, { parent: this, ...(adopt?.gatewayAppRoleAssignmentId ? adoptedOptions(adopt.gatewayAppRoleAssignmentId) : {}) });

        this.registerOutputs({ clientId: this.clientId, identifierUri: this.identifierUri });
    }
}
