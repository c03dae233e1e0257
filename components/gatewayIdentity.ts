import * as pulumi from "@pulumi/pulumi";
import * as azuread from "@pulumi/azuread";
import type { CertificateConfig, ClientSecretConfig, FederatedCredentialConfig } from "../src/config/types";
import { CertificateCredential } from "./certificateCredential";
import { ClientSecretCredential } from "./clientSecretCredential";
import { adoptedOptions, UNMANAGED_APPLICATION_INPUTS, UNMANAGED_SERVICE_PRINCIPAL_INPUTS } from "../src/lib/unmanaged";

/** An existing app registration (and service principal) to take over instead of creating one (`foundry-entra:adopt`). */
export interface AdoptedApplication {
    /** Object id of the app registration. */
    readonly applicationObjectId: string;
    /** Object id of its service principal; created when absent. */
    readonly servicePrincipalObjectId?: string;
}

export interface GatewayIdentityArgs {
    /** Display name of the app registration. @default `foundry-entra-<stack>-gateway` (set by config) */
    readonly displayName: string;
    /** Owners (object ids) of the app registration and its service principal; include the deploying identity. @default [] */
    readonly owners: pulumi.Input<string>[];
    /** The certificate credential, or false for none. @default 2048-bit RSA, 365 days */
    readonly certificate: CertificateConfig | false;
    /** The client secret credential, or false for none. @default 180 days */
    readonly clientSecret: ClientSecretConfig | false;
    /** Federated identity credentials for secretless sign-in (Kubernetes service accounts, CI). @default [] */
    readonly federatedCredentials: readonly FederatedCredentialConfig[];
    /** The date credential lifetimes and rotation are computed from. @default the current time (set by the program) */
    readonly now: Date;
    /** Put `protect: true` on the app registration and service principal. @default false */
    readonly protect?: boolean;
    /** Text stored in the app registration's notes. @default "Managed by foundry-entra" */
    readonly notes?: string;
    /**
     * An existing app registration to take over: imported, kept on delete; its own credentials are left alone (the
     * stack adds its own next to them). @default undefined (created)
     */
    readonly adopt?: AdoptedApplication;
}

/**
 * The identity an AI gateway signs in as: a single-tenant app registration, its service principal, and its
 * credentials (certificate, client secret, federated credentials).
 */
export class GatewayIdentity extends pulumi.ComponentResource {
    public readonly application: azuread.Application;
    public readonly clientId: pulumi.Output<string>;
    /** `/applications/<objectId>`: what child resources of the app registration take. */
    public readonly applicationId: pulumi.Output<string>;
    public readonly servicePrincipalObjectId: pulumi.Output<string>;
    public readonly certificate?: CertificateCredential;
    public readonly clientSecret?: ClientSecretCredential;
    public readonly federatedCredentials: azuread.ApplicationFederatedIdentityCredential[];

    constructor(name: string, args: GatewayIdentityArgs, opts?: pulumi.ComponentResourceOptions) {
        super("foundry-entra:index:GatewayIdentity", name, {}, opts);
        const protect = args.protect ?? false;
        this.application = new azuread.Application(`${name}-app`, {
            displayName: args.displayName,
            signInAudience: "AzureADMyOrg",
            owners: args.owners,
            notes: args.notes ?? "Managed by foundry-entra",
        }, {
            parent: this, protect,
            ...(args.adopt ? adoptedOptions(`/applications/${args.adopt.applicationObjectId}`, UNMANAGED_APPLICATION_INPUTS) : {}),
        });
        this.clientId = this.application.clientId;
        this.applicationId = this.application.id;
        const sp = new azuread.ServicePrincipal(`${name}-sp`, {
            clientId: this.application.clientId,
            owners: args.owners,
        }, {
            parent: this, protect,
            ...(args.adopt?.servicePrincipalObjectId ? adoptedOptions(`/servicePrincipals/${args.adopt.servicePrincipalObjectId}`, UNMANAGED_SERVICE_PRINCIPAL_INPUTS) : {}),
        });
        this.servicePrincipalObjectId = sp.objectId;

        if (args.certificate) {
            this.certificate = new CertificateCredential(`${name}-certificate`, {
                applicationId: this.application.id, config: args.certificate, now: args.now,
            }, { parent: this });
        }
        if (args.clientSecret) {
            this.clientSecret = new ClientSecretCredential(`${name}-secret`, {
                applicationId: this.application.id, config: args.clientSecret, now: args.now,
            }, { parent: this });
        }
        this.federatedCredentials = args.federatedCredentials.map((f) => new azuread.ApplicationFederatedIdentityCredential(`${name}-fic-${f.name}`, {
            applicationId: this.application.id,
            displayName: f.name,
            issuer: f.issuer,
            subject: f.subject,
            audiences: [...f.audiences],
            ...(f.description ? { description: f.description } : {}),
        }, { parent: this }));

        this.registerOutputs({ clientId: this.clientId, servicePrincipalObjectId: this.servicePrincipalObjectId });
    }
}
