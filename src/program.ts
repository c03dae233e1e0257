/**
 * The foundry-entra program: validates the stack config, runs pre-flight lookups, then declares every resource of keyless Foundry
 * access and returns the stack outputs a gateway needs. `index.ts` exports `runStack` for the Pulumi CLI;
 * the offline harness (`harness/`) runs the same function under the SDK's mock runtime.
 */
import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import * as azuread from "@pulumi/azuread";
import { ArcCluster, FoundryAccount, FoundryLocalApi, GatewayIdentity, InferenceAccess, ManagedIdentityAccess } from "../components";
import { ConfigError, NAMESPACE, parseStackConfig } from "./config/parse";
import type { StackConfig } from "./config/types";
import { FOUNDRY_LOCAL } from "./config/schema";
import type { AccessRequest, PrincipalRef, Target } from "./lib/grants";
import { PrincipalResolver } from "./lib/principals";
import { declareDelivery } from "./delivery";
import { nowFromEnvironment } from "./lib/dates";
import { preflight, type PreflightFacts } from "./preflight";

/** The scope a gateway requests tokens for, for Azure OpenAI and the `/openai/v1/` surface of Foundry. */
export const TOKEN_SCOPE = "https://cognitiveservices.azure.com/.default";

export interface RunOptions {
    /**
     * The date credential lifetimes and rotation are computed from.
     * @default `FOUNDRY_ENTRA_NOW` from the environment when set, else the current time
     */
    readonly now?: Date;
}

/** Who runs the deployment, from the providers' client config. */
export interface DeployContext {
    readonly now: Date;
    readonly tenantId: string;
    readonly subscriptionId: string;
    /** Object id of the identity running `pulumi up`; it owns the app registrations it creates. */
    readonly deployerObjectId: string;
}

export function clockFromEnv(env: NodeJS.ProcessEnv = process.env): Date {
    return nowFromEnvironment(env, (message) => new pulumi.RunError(message)) ?? new Date();
}

/** Entry point: parse and validate the whole config first, so bad input registers nothing. */
export async function runStack(options: RunOptions = {}): Promise<Record<string, unknown>> {
    const parsed = parseStackConfig(pulumi.runtime.allConfig(), { project: NAMESPACE, stack: pulumi.getStack() });
    if (!parsed.ok) throw new pulumi.RunError(new ConfigError(parsed.problems).message);
    const now = options.now ?? clockFromEnv();
    const [arm, aad, facts] = await Promise.all([authorization.getClientConfig(), azuread.getClientConfig(), preflight(parsed.config)]);
    return declareStack(parsed.config, { now, tenantId: aad.tenantId, subscriptionId: arm.subscriptionId, deployerObjectId: aad.objectId }, facts);
}

/** Declares every resource for a validated config and returns the stack outputs. */
export function declareStack(config: StackConfig, ctx: DeployContext, facts: PreflightFacts = {}): Record<string, unknown> {
    const owners = [...new Set([ctx.deployerObjectId, ...config.gateway.owners])];
    const gateway = new GatewayIdentity("gateway", {
        displayName: config.gateway.displayName,
        owners,
        certificate: config.gateway.certificate,
        clientSecret: config.gateway.clientSecret,
        federatedCredentials: config.gateway.federatedCredentials,
        now: ctx.now,
        protect: config.protect,
        notes: `Managed by foundry-entra (stack ${config.stack}): the identity AI gateways sign in as`,
    });
    const gatewayPrincipal: PrincipalRef = {
        key: "gateway",
        label: `gateway ${config.gateway.displayName}`,
        principalId: gateway.servicePrincipalObjectId,
        principalType: "ServicePrincipal",
    };

    const accounts = new Map(config.accounts.map((a) => [a.name, new FoundryAccount(a.name, {
        config: a, subscriptionId: ctx.subscriptionId, protect: config.protect,
    })]));
    const targets = new Map<string, Target>([...accounts].map(([n, a]) => [n, { kind: a.kind, scope: a.id }]));

    // Expand access entries into one request per principal and target; the gateway always gets inference.
    const resolver = new PrincipalResolver();
    const requests: AccessRequest[] = [
        ...[...targets.keys(), ...(config.foundryLocal ? [FOUNDRY_LOCAL] : [])].map((target) => ({ principal: gatewayPrincipal, role: "inference", target })),
        ...config.access.flatMap((e) => e.targets.map((target) => ({ principal: resolver.resolve(e.principal), role: e.role, target }))),
    ];

    new InferenceAccess("access", {
        requests: requests.filter((r) => r.target !== FOUNDRY_LOCAL),
        accounts: targets,
        subscriptionId: ctx.subscriptionId,
    });

    let foundryLocalOutputs: Record<string, unknown> | undefined;
    let foundryLocalRole: { appRoleId: string; servicePrincipalObjectId: pulumi.Output<string> } | undefined;
    if (config.foundryLocal) {
        const fl = config.foundryLocal;
        const api = new FoundryLocalApi("foundry-local-api", {
            displayName: fl.apiDisplayName,
            owners,
            scopeValue: fl.scopeValue,
            appRoleValue: fl.appRoleValue,
            preAuthorizeAzureCli: fl.preAuthorizeAzureCli,
            idSeed: { project: config.project, stack: config.stack },
            gatewayServicePrincipalObjectId: gateway.servicePrincipalObjectId,
            protect: config.protect,
        });
        const cluster = new ArcCluster("arc-cluster", {
            config: fl,
            subscriptionId: ctx.subscriptionId,
            requests: requests.filter((r) => r.target === FOUNDRY_LOCAL),
            tenantId: ctx.tenantId,
            apiClientId: api.clientId,
        });
        targets.set(FOUNDRY_LOCAL, { kind: "FoundryLocal", scope: cluster.clusterId });
        foundryLocalRole = { appRoleId: api.appRoleId, servicePrincipalObjectId: api.servicePrincipalObjectId };
        foundryLocalOutputs = {
            clientId: api.clientId,
            identifierUri: api.identifierUri,
            userScope: api.userScope,
            appScope: api.appScope,
            endpoint: fl.endpoint,
            clusterId: cluster.clusterId,
            scopeId: api.scopeId,
            appRoleId: api.appRoleId,
            appRole: fl.appRoleValue,
        };
    }

    const identities = config.managedIdentities.map((m) => [m.name, new ManagedIdentityAccess(`mi-${m.name}`, {
        config: m, targets, subscriptionId: ctx.subscriptionId, ...(foundryLocalRole ? { foundryLocal: foundryLocalRole } : {}),
    })] as const);

    const delivery = declareDelivery(config, gateway, gatewayPrincipal, ctx, facts);

    return {
        tenantId: ctx.tenantId,
        subscriptionId: ctx.subscriptionId,
        gateway: gatewayOutputs(config, gateway),
        accounts: Object.fromEntries([...accounts].map(([n, a]) => [n, {
            kind: a.kind,
            endpoint: a.endpoint,
            openAiEndpoint: a.openAiEndpoint,
            resourceId: a.id,
            localAuthDisabled: a.localAuthDisabled,
            deployments: a.deployments,
        }])),
        ...(foundryLocalOutputs ? { foundryLocal: foundryLocalOutputs } : {}),
        managedIdentities: Object.fromEntries(identities.map(([n, m]) => [n, {
            principalId: m.principalId,
            ...(m.clientId ? { clientId: m.clientId } : {}),
        }])),
        ...(delivery ? { delivery } : {}),
    };
}

function gatewayOutputs(config: StackConfig, gateway: GatewayIdentity) {
    const cert = gateway.certificate;
    const secret = gateway.clientSecret;
    return {
        displayName: config.gateway.displayName,
        clientId: gateway.clientId,
        servicePrincipalObjectId: gateway.servicePrincipalObjectId,
        tokenScope: TOKEN_SCOPE,
        ...(cert ? {
            certificate: {
                thumbprint: cert.thumbprint,
                x5t: cert.x5t,
                x5tS256: cert.x5tS256,
                certificatePem: cert.certificatePem,
                privateKeyPem: cert.privateKeyPem,
                notAfter: cert.notAfter,
                slots: cert.slots,
                ...(cert.nextRotationOn ? { nextRotationOn: cert.nextRotationOn } : {}),
            },
        } : {}),
        ...(secret ? {
            clientSecret: {
                value: secret.value,
                expiresOn: secret.expiresOn,
                keyId: secret.keyId,
                slots: secret.slots,
                ...(secret.nextRotationOn ? { nextRotationOn: secret.nextRotationOn } : {}),
            },
        } : {}),
        federatedCredentials: config.gateway.federatedCredentials.map((f) => ({ name: f.name, issuer: f.issuer, subject: f.subject })),
    };
}
