/**
 * The foundry-entra program: validates the stack config, runs pre-flight lookups, then declares every resource of keyless Foundry
 * access and returns the stack outputs a gateway needs. `index.ts` exports `runStack` for the Pulumi CLI;
 * the offline harness (`harness/`) runs the same function under the SDK's mock runtime.
 */
import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import * as azuread from "@pulumi/azuread";
import { FoundryAccount, GatewayIdentity, InferenceAccess, KeylessGuardrails, ManagedIdentityAccess } from "../components";
import { ConfigError, NAMESPACE, parseStackConfig } from "./config/parse";
import type { StackConfig } from "./config/types";
import { isFoundryLocalTarget } from "./config/foundryLocal";
import type { AccessRequest, PrincipalRef, Target } from "./lib/grants";
import { PrincipalResolver } from "./lib/principals";
import { GATEWAY_PRINCIPAL_KEY, GRANT_PREFIX } from "./lib/names";
import type { AdoptedGrants } from "./lib/grants";
import { declareDelivery } from "./delivery";
import { nowFromEnvironment } from "./lib/dates";
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

/** Where the deployment goes and who runs it, from the providers' client config. */
export interface DeployContext {
    readonly now: Date;
    readonly tenantId: string;
    readonly subscriptionId: string;
}

/** The subscription and tenant a stack file pins (`azure-native:subscriptionId`, `azuread:tenantId`). */
export interface Pins {
    readonly subscriptionId?: string;
    readonly tenantId?: string;
}

export function pinsOf(all: Readonly<Record<string, string>>): Pins {
    const sub = all["azure-native:subscriptionId"];
    const tenant = all["azuread:tenantId"];
    return { ...(sub ? { subscriptionId: sub.toLowerCase() } : {}), ...(tenant ? { tenantId: tenant.toLowerCase() } : {}) };
}

/**
 * Refuses to run when the signed-in identity's subscription or tenant is not the one the stack pins: otherwise
 * whatever `az login` selected last would decide where prod goes (for a provider not given the pin) or the run would
 * fail half-way with authorisation errors. Returns the problems, one line each.
 */
export function checkPins(pins: Pins, signedIn: { subscriptionId: string; tenantId: string; armTenantId?: string }): string[] {
    const problems: string[] = [];
    const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
    if (pins.subscriptionId && !same(pins.subscriptionId, signedIn.subscriptionId)) {
        problems.push(`azure-native:subscriptionId pins subscription ${pins.subscriptionId}, but azure-native signed in to ${signedIn.subscriptionId}; ` +
            "replace the pin if it is a placeholder, or sign in to the pinned subscription (az account set --subscription <id>, or ARM_SUBSCRIPTION_ID)");
    }
    if (pins.tenantId && !same(pins.tenantId, signedIn.tenantId)) {
        problems.push(`azuread:tenantId pins tenant ${pins.tenantId}, but azuread signed in to ${signedIn.tenantId}; ` +
            "replace the pin if it is a placeholder, or sign in to the pinned tenant (az login --tenant <id>, or ARM_TENANT_ID)");
    }
    if (pins.tenantId && signedIn.armTenantId && !same(pins.tenantId, signedIn.armTenantId)) {
        problems.push(`azuread:tenantId pins tenant ${pins.tenantId}, but azure-native signed in to tenant ${signedIn.armTenantId}; both providers must use the pinned tenant`);
    }
    return problems;
}

export function clockFromEnv(env: NodeJS.ProcessEnv = process.env): Date {
    return nowFromEnvironment(env, (message) => new pulumi.RunError(message)) ?? new Date();
}

/** Entry point: parse and validate the whole config first, so bad input registers nothing. */
export async function runStack(options: RunOptions = {}): Promise<Record<string, unknown>> {
    const parsed = parseStackConfig(pulumi.runtime.allConfig(), { project: NAMESPACE, stack: pulumi.getStack() });
    if (!parsed.ok) throw new pulumi.RunError(new ConfigError(parsed.problems).message);
    const now = options.now ?? clockFromEnv();
    const pins = pinsOf(pulumi.runtime.allConfig());
    const [arm, aad] = await Promise.all([authorization.getClientConfig(), azuread.getClientConfig()]);
    const wrongPlace = checkPins(pins, { subscriptionId: arm.subscriptionId, tenantId: aad.tenantId, armTenantId: arm.tenantId });
    if (wrongPlace.length > 0) throw new pulumi.RunError(`Refusing to run: the signed-in identity points elsewhere than the stack pins:\n${wrongPlace.map((p) => `  ${p}`).join("\n")}`);
    if (!pins.subscriptionId || !pins.tenantId) {
        pulumi.log.warn(`${[!pins.subscriptionId && "azure-native:subscriptionId", !pins.tenantId && "azuread:tenantId"].filter(Boolean).join(" and ")} not set in the ` +
            `stack file: whichever subscription and tenant the runner signed in to last decide where this stack goes. Pin them (see README, "Day two").`);
    }
    if (!pulumi.runtime.isDryRun() && !parsed.config.gateway.owners.includes(aad.objectId.toLowerCase())) {
        pulumi.log.warn(`The identity running this (object id ${aad.objectId}) is not in ${NAMESPACE}:gateway.owners. The provider removes it as owner of ` +
            "the app registrations it creates; an identity that relies on Application.ReadWrite.OwnedBy (the pipeline's deployer) then cannot update them.");
    }
    const facts = await preflight(parsed.config);
    return declareStack(parsed.config, { now, tenantId: aad.tenantId, subscriptionId: arm.subscriptionId }, facts);
}

/** Declares every resource for a validated config and returns the stack outputs. */
export async function declareStack(config: StackConfig, ctx: DeployContext, facts: PreflightFacts = {}): Promise<Record<string, unknown>> {
    // From config only: the provider compares owners on every run, so a list that followed the runner would change
    // with each person or pipeline that runs the stack (see GatewaySchema.owners).
    const owners = [...config.gateway.owners];
    const adopt = config.adopt;
    const adoptedGrants = adoptedGrantLookup(facts);
    const gateway = new GatewayIdentity("gateway", {
        displayName: config.gateway.displayName,
        owners,
        certificate: config.gateway.certificate,
        clientSecret: config.gateway.clientSecret,
        federatedCredentials: config.gateway.federatedCredentials,
        now: ctx.now,
        protect: config.protect,
        notes: `Managed by foundry-entra (stack ${config.stack}): the identity AI gateways sign in as`,
        ...(adopt?.gatewayApplication ? {
            adopt: { applicationObjectId: adopt.gatewayApplication, ...(adopt.gatewayServicePrincipal ? { servicePrincipalObjectId: adopt.gatewayServicePrincipal } : {}) },
        } : {}),
    });
    const gatewayPrincipal: PrincipalRef = {
        key: GATEWAY_PRINCIPAL_KEY,
        label: `gateway ${config.gateway.displayName}`,
        principalId: gateway.servicePrincipalObjectId,
        principalType: "ServicePrincipal",
    };

    const accounts = new Map(config.accounts.map((a) => [a.name, new FoundryAccount(a.name, {
        config: a, subscriptionId: ctx.subscriptionId, protect: config.protect,
        ...(adopt ? { adoptedDeployments: new Map(a.deployments.flatMap((d) => {
            const id = adopt.deployments.get(`${a.name}/${d.name}`);
            return id ? [[d.name, id] as const] : [];
        })) } : {}),
    })]));
    const targets = new Map<string, Target>([...accounts].map(([n, a]) => [n, {
        kind: a.kind, scope: a.id, ...(a.kind === "AIServices" ? { inferenceRole: config.aiServicesInferenceRole } : {}),
    }]));

    // Expand access entries into one request per principal and target; the gateway always gets inference.
    const resolver = new PrincipalResolver();
    const requests: AccessRequest[] = [
        ...[...targets.keys(), ...(config.foundryLocal?.targets ?? [])].map((target) => ({ principal: gatewayPrincipal, role: "inference", target })),
        ...config.access.flatMap((e) => e.targets.map((target) => ({ principal: resolver.resolve(e.principal), role: e.role, target }))),
    ];

    new InferenceAccess(GRANT_PREFIX.accounts, {
        requests: requests.filter((r) => !isFoundryLocalTarget(r.target)),
        accounts: targets,
        subscriptionId: ctx.subscriptionId,
        adopted: adoptedGrants,
    });

    const foundryLocal = config.foundryLocal && await declareFoundryLocal(config, config.foundryLocal, ctx, {
        owners, gatewayServicePrincipalObjectId: gateway.servicePrincipalObjectId, requests: requests.filter((r) => isFoundryLocalTarget(r.target)),
        ...(adopt ? {
            adopt: {
                grants: adoptedGrants,
                ...(adopt.foundryLocalExtension ? { extensionId: adopt.foundryLocalExtension } : {}),
                ...(adopt.foundryLocalApplication ? {
                    api: {
                        applicationObjectId: adopt.foundryLocalApplication,
                        ...(adopt.foundryLocalServicePrincipal ? { servicePrincipalObjectId: adopt.foundryLocalServicePrincipal } : {}),
                        // Required with foundryLocalApplication (config validation).
                        scopeId: adopt.foundryLocalScopeId ?? "",
                        appRoleId: adopt.foundryLocalAppRoleId ?? "",
                        ...(adopt.foundryLocalIdentifierUri ? { identifierUri: adopt.foundryLocalIdentifierUri } : {}),
                        azureCliPreAuthorized: adopt.foundryLocalAzureCliPreAuthorized,
                        ...(adopt.appRoleAssignments.get("gateway") ? { gatewayAppRoleAssignmentId: adopt.appRoleAssignments.get("gateway")! } : {}),
                    },
                } : {}),
            },
        } : {}),
    });
    for (const [name, target] of foundryLocal?.targets ?? []) targets.set(name, target);

    // The Foundry Local app role only for identities that call Foundry Local: it puts `roles` in their tokens for the API.
    const identities = config.managedIdentities.map((m) => [m.name, new ManagedIdentityAccess(GRANT_PREFIX.managedIdentity(m.name), {
        config: m, targets, subscriptionId: ctx.subscriptionId,
        ...(foundryLocal && m.targets.some(isFoundryLocalTarget) ? { foundryLocal: foundryLocal.role } : {}),
        ...(adopt ? {
            adopt: {
                grants: adoptedGrants,
                ...(adopt.userAssignedIdentities.get(m.name) ? { identity: adopt.userAssignedIdentities.get(m.name)! } : {}),
                ...(adopt.appRoleAssignments.get(`mi:${m.name}`) ? { appRoleAssignmentId: adopt.appRoleAssignments.get(`mi:${m.name}`)! } : {}),
            },
        } : {}),
    })] as const);

    const delivery = declareDelivery(config, gateway, gatewayPrincipal, ctx, facts);
    if (config.guardrails && config.accounts.length > 0) {
        new KeylessGuardrails("guardrails", {
            accounts: config.accounts.map((a) => ({ name: a.name, resourceGroupName: a.resourceGroupName, id: accounts.get(a.name)!.id })),
            config: config.guardrails,
            subscriptionId: ctx.subscriptionId,
            idSeed: { project: config.project, stack: config.stack },
        });
    }
    adoptedGrants.assertAllTaken();

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

/** The adopted role assignments by the declared grant they are (matched before anything was registered). */
function adoptedGrantLookup(facts: PreflightFacts): AdoptedGrants & { assertAllTaken(): void } {
    const byResource = facts.adoptedRoleAssignments ?? new Map();
    const taken = new Set<string>();
    const lookup = (resource: string) => {
        const a = byResource.get(resource);
        if (!a) return undefined;
        taken.add(resource);
        return { id: a.id, name: a.name, scope: a.scope };
    };
    return Object.assign(lookup, {
        assertAllTaken() {
            const left = [...byResource.keys()].filter((k) => !taken.has(k));
            if (left.length > 0) throw new Error(`internal: adopted role assignments matched to grants the program did not declare: ${left.join(", ")}`);
        },
    });
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
        // Credentials the adopted app had before the stack: never touched by it; `expiry` lists them as not managed here.
        ...(config.adopt && config.adopt.gatewayCredentials.length > 0 ? {
            unmanagedCredentials: config.adopt.gatewayCredentials.map((c) => ({
                type: c.type, keyId: c.keyId.toLowerCase(), endDate: c.endDate,
                ...(c.displayName !== undefined ? { displayName: c.displayName } : {}),
                ...(c.thumbprint ? { thumbprint: c.thumbprint.toUpperCase() } : {}),
            })),
        } : {}),
    };
}
