import * as pulumi from "@pulumi/pulumi";
import * as cognitiveservices from "@pulumi/azure-native/cognitiveservices";
import type { AccountConfig, DeploymentConfig } from "../src/config/types";
import { accountArmId } from "../src/lib/armIds";
import { adoptedOptions, UNMANAGED_ACCOUNT_INPUTS, UNMANAGED_DEPLOYMENT_INPUTS } from "../src/lib/unmanaged";

export interface FoundryAccountArgs {
    /** The account: ARM name (also its custom subdomain), resource group, kind, location, SKU, deployments. */
    readonly config: AccountConfig;
    /** Subscription the account lives in; builds the ARM id an adopted account is imported by. */
    readonly subscriptionId: string;
    /** Put `protect: true` on a created account. Adopted accounts always carry `retainOnDelete`. @default false */
    readonly protect?: boolean;
    /** ARM ids of deployments that exist already, by deployment name: imported, kept on delete. @default none */
    readonly adoptedDeployments?: ReadonlyMap<string, string>;
}

export interface DeploymentOutput {
    readonly name: string;
    readonly model: string;
    readonly version: string;
    readonly sku: string;
}

/** The data-plane endpoints of an account with the given custom subdomain. */
export function accountEndpoints(subdomain: string, kind: "OpenAI" | "AIServices") {
    const openAi = `https://${subdomain}.openai.azure.com/`;
    return { endpoint: kind === "OpenAI" ? openAi : `https://${subdomain}.services.ai.azure.com/`, openAiEndpoint: openAi };
}

/**
 * An Azure OpenAI (`kind: OpenAI`) or Foundry (`kind: AIServices`) account with a custom subdomain (Entra ID
 * auth needs one) and key-based auth off, created or adopted, with its model deployments.
 */
export class FoundryAccount extends pulumi.ComponentResource {
    public readonly account: cognitiveservices.Account;
    public readonly id: pulumi.Output<string>;
    public readonly kind: "OpenAI" | "AIServices";
    /** Where the gateway sends requests: `https://<name>.openai.azure.com/` or `https://<name>.services.ai.azure.com/`. */
    public readonly endpoint: pulumi.Output<string>;
    /** The OpenAI-compatible endpoint, which both kinds serve. */
    public readonly openAiEndpoint: pulumi.Output<string>;
    public readonly localAuthDisabled: pulumi.Output<boolean>;
    public readonly deployments: DeploymentOutput[];

    constructor(name: string, args: FoundryAccountArgs, opts?: pulumi.ComponentResourceOptions) {
        super("foundry-entra:index:FoundryAccount", name, {}, opts);
        const a = args.config;
        const armId = accountArmId(args.subscriptionId, a.resourceGroupName, a.name);
        const adoption: pulumi.CustomResourceOptions = a.existing
            // Adopt, never delete what this stack did not create, and keep what the program does not manage (network
            // rules, identity, tags, …): the import is followed by an update of the declared inputs (src/lib/unmanaged.ts).
            ? adoptedOptions(armId, UNMANAGED_ACCOUNT_INPUTS)
            : { protect: args.protect ?? false };
        this.account = new cognitiveservices.Account(`${name}-account`, {
            accountName: a.name,
            resourceGroupName: a.resourceGroupName,
            location: a.location,
            kind: a.kind,
            sku: { name: a.sku },
            properties: {
                customSubDomainName: a.name,
                disableLocalAuth: a.disableLocalAuth,
                publicNetworkAccess: a.publicNetworkAccess,
            },
        }, { parent: this, ...adoption });
        this.id = this.account.id;
        this.kind = a.kind;
        const endpoints = this.account.properties.apply((p) => accountEndpoints(p.customSubDomainName ?? a.name, a.kind));
        this.endpoint = endpoints.endpoint;
        this.openAiEndpoint = endpoints.openAiEndpoint;
        this.localAuthDisabled = this.account.properties.apply((p) => p.disableLocalAuth === true);

        // One deployment at a time: the service refuses concurrent deployment operations on one account
        // ("Another operation is being performed on the parent resource").
        let previous: cognitiveservices.Deployment | undefined;
        for (const d of a.deployments) {
            previous = this.deployment(name, a.resourceGroupName, d, previous, args.adoptedDeployments?.get(d.name));
        }
        this.deployments = a.deployments.map((d) => ({ name: d.name, model: d.model, version: d.version, sku: d.sku }));
        this.registerOutputs({ id: this.id, endpoint: this.endpoint, localAuthDisabled: this.localAuthDisabled });
    }

    private deployment(name: string, resourceGroupName: string, d: DeploymentConfig, after: cognitiveservices.Deployment | undefined, adoptedId: string | undefined) {
        return new cognitiveservices.Deployment(`${name}-${d.name}`, {
            accountName: this.account.name,
            resourceGroupName,
            deploymentName: d.name,
            sku: { name: d.sku, capacity: d.capacity },
            properties: { model: { format: d.format, name: d.model, version: d.version } },
        }, {
            parent: this,
            ...(after ? { dependsOn: [after] } : {}),
            ...(adoptedId ? adoptedOptions(adoptedId, UNMANAGED_DEPLOYMENT_INPUTS) : {}),
        });
    }
}
