import * as pulumi from "@pulumi/pulumi";
import * as azuread from "@pulumi/azuread";
import { slug } from "../../src/lib/names";

/** GitHub Actions' OIDC token issuer. */
export const GITHUB_ISSUER = "https://token.actions.githubusercontent.com";
/** The audience Entra expects in a federated token exchange. */
export const TOKEN_EXCHANGE_AUDIENCE = "api://AzureADTokenExchange";
/** Microsoft Graph's client id, the same in every tenant. */
export const MICROSOFT_GRAPH_CLIENT_ID = "00000003-0000-0000-c000-000000000000";

/** One federated identity credential: a GitHub environment and the token subject it trusts. */
export interface FederatedSubject {
    /** The GitHub environment, e.g. `prod` or `prod-preview`. */
    readonly environment: string;
    /** The token's `sub` claim, e.g. `repo:contoso/foundry-entra:environment:prod`. */
    readonly subject: string;
}

/** A Microsoft Graph application permission to grant with admin consent. */
export interface GraphPermission {
    /** The permission's value, e.g. `Application.ReadWrite.OwnedBy`. */
    readonly permission: string;
    /** Why it is granted (stored nowhere in Azure; kept for readers of the code). */
    readonly reason: string;
}

/** The Microsoft Graph service principal of the tenant. */
export interface GraphServicePrincipal {
    readonly objectId: pulumi.Input<string>;
    /** Graph's app role ids by permission value. */
    readonly appRoleIds: pulumi.Input<Record<string, string>>;
}

export interface PipelineIdentityArgs {
    /** Display name of the app registration. Required. */
    readonly displayName: string;
    /** Owners (object ids) of the app registration and its service principal; include the administrator running the bootstrap. @default [] */
    readonly owners: readonly pulumi.Input<string>[];
    /** One federated identity credential per subject, issuer GitHub Actions, audience `api://AzureADTokenExchange`. At most 20. @default [] */
    readonly subjects: readonly FederatedSubject[];
    /** The tenant's Microsoft Graph service principal. Required. */
    readonly graph: GraphServicePrincipal;
    /** Graph application permissions, granted with admin consent and listed on the app registration. @default [] */
    readonly graphPermissions: readonly GraphPermission[];
    /** Text stored in the app registration's notes. @default "Managed by foundry-entra-bootstrap" */
    readonly notes?: string;
}

/**
 * An identity a GitHub Actions workflow signs in as without a secret: a single-tenant app registration, its
 * service principal, one federated credential per GitHub environment, and its Microsoft Graph permissions.
 * Used for the deployer and for the read-only previewer.
 */
export class PipelineIdentity extends pulumi.ComponentResource {
    public readonly clientId: pulumi.Output<string>;
    public readonly servicePrincipalObjectId: pulumi.Output<string>;
    /** The `sub` claims this identity trusts, in config order. */
    public readonly subjects: readonly string[];

    constructor(name: string, args: PipelineIdentityArgs, opts?: pulumi.ComponentResourceOptions) {
        super("foundry-entra:index:PipelineIdentity", name, {}, opts);
        const appRoleId = (permission: string) => pulumi.output(args.graph.appRoleIds).apply((ids) => {
            const id = ids[permission];
            if (!id) throw new Error(`Microsoft Graph has no application permission "${permission}" in this tenant`);
            return id;
        });

        const app = new azuread.Application(`${name}-app`, {
            displayName: args.displayName,
            signInAudience: "AzureADMyOrg",
            owners: [...args.owners],
            notes: args.notes ?? "Managed by foundry-entra-bootstrap",
            // Listed here so the portal shows them as configured; granted below (admin consent).
            requiredResourceAccesses: args.graphPermissions.length === 0 ? [] : [{
                resourceAppId: MICROSOFT_GRAPH_CLIENT_ID,
                resourceAccesses: args.graphPermissions.map((g) => ({ id: appRoleId(g.permission), type: "Role" })),
            }],
        }, { parent: this });
        this.clientId = app.clientId;
        const sp = new azuread.ServicePrincipal(`${name}-sp`, {
            clientId: app.clientId,
            owners: [...args.owners],
        }, { parent: this });
        this.servicePrincipalObjectId = sp.objectId;

        this.subjects = args.subjects.map((s) => s.subject);
        for (const s of args.subjects) {
            new azuread.ApplicationFederatedIdentityCredential(`${name}-fic-${slug(s.environment)}`, {
                applicationId: app.id,
                displayName: `github-${slug(s.environment)}`,
                description: `GitHub Actions jobs in environment ${s.environment}`,
                issuer: GITHUB_ISSUER,
                audiences: [TOKEN_EXCHANGE_AUDIENCE],
                subject: s.subject,
            }, { parent: this });
        }

        for (const g of args.graphPermissions) {
            new azuread.AppRoleAssignment(`${name}-graph-${slug(g.permission)}`, {
                appRoleId: appRoleId(g.permission),
                principalObjectId: sp.objectId,
                resourceObjectId: args.graph.objectId,
            }, { parent: this });
        }

        this.registerOutputs({ clientId: this.clientId, servicePrincipalObjectId: this.servicePrincipalObjectId });
    }
}
