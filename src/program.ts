/**
 * The foundry-entra program: validates the stack config, runs pre-flight lookups, then declares every resource of keyless Foundry
 * access and returns the stack outputs a gateway needs. `index.ts` exports `runStack` for the Pulumi CLI;
 * the offline harness (`harness/`) runs the same function under the SDK's mock runtime.
 */
import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import * as azuread from "@pulumi/azuread";
import { FoundryAccount, GatewayIdentity, InferenceAccess, ManagedIdentityAccess } from "../components";
import { ConfigError, NAMESPACE, parseStackConfig } from "./config/parse";
import type { StackConfig } from "./config/types";
import { isFoundryLocalTarget } from "./config/foundryLocal";
import type { AccessRequest, PrincipalRef, Target } from "./lib/grants";
import { PrincipalResolver } from "./lib/principals";
import { declareDelivery } from "./delivery";
import { declareFoundryLocal } from "./foundryLocal";
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
    const raw = env.FOUNDRY_ENTRA_NOW;
    if (!raw) return new Date();
    const date = new Date(raw);
    if (Number.isNaN(date.getTime())) throw new pulumi.RunError(`FOUNDRY_ENTRA_NOW: "${raw}" is not a date; expected ISO 8601, e.g. 2026-05-01T00:00:00Z`);
    return date;
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
export async function declareStack(config: StackConfig, ctx: DeployContext, facts: PreflightFacts = {}): Promise<Record<string, unknown>> {
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
        ...[...targets.keys(), ...(config.foundryLocal?.targets ?? [])].map((target) => ({ principal: gatewayPrincipal, role: "inference", target })),
        ...config.access.flatMap((e) => e.targets.map((target) => ({ principal: resolver.resolve(e.principal), role: e.role, target }))),
    ];

    new InferenceAccess("access", {
        requests: requests.filter((r) => !isFoundryLocalTarget(r.target)),
        accounts: targets,
        subscriptionId: ctx.subscriptionId,
    });

    const foundryLocal = config.foundryLocal && await declareFoundryLocal(config, config.foundryLocal, ctx, {
        owners, gatewayServicePrincipalObjectId: gateway.servicePrincipalObjectId, requests: requests.filter((r) => isFoundryLocalTarget(r.target)),
    });
    for (const [name, target] of foundryLocal?.targets ?? []) targets.set(name, target);

    const identities = config.managedIdentities.map((m) => [m.name, new ManagedIdentityAccess(`mi-${m.name}`, {
        config: m, targets, subscriptionId: ctx.subscriptionId, ...(foundryLocal ? { foundryLocal: foundryLocal.role } : {}),
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
        ...(foundryLocal ? { foundryLocal: foundryLocal.outputs } : {}),
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
