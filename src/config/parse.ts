/**
 * Parses and validates the whole stack configuration once, before any resource is registered.
 * Every problem becomes one line naming the key path, what was wrong and what is allowed; all problems
 * are reported at once.
 */
import { principalLabel, principalSlug, type Principal } from "../lib/names";
import { firstSeen, foundryLocalTargets, isFoundryLocalTarget, normaliseFoundryLocal } from "./foundryLocal";
import { namespaceReader } from "./issues";
import { countRoleAssignments, roleAssignmentLimitProblem } from "./roleAssignments";
import { requireDate } from "../lib/dates";
import { addDays, scheduledStartBefore } from "../lib/rotation";
import { DEFAULT_AI_SERVICES_INFERENCE, resolveRole, type BuiltInRole } from "./roles";
import { checkAdoption } from "./adopt";
import { checkGuardrails } from "./guardrails";
import { FOUNDRY_LOCAL, StackConfigSchema, type RawStackConfig } from "./schema";
import type { AccessGrantConfig, ManagedIdentityConfig, StackConfig } from "./types";

export const NAMESPACE = "foundry-entra";
const ROLE_OPENAI_USER = DEFAULT_AI_SERVICES_INFERENCE.guid;

export interface ParseContext {
    readonly project?: string;
    readonly stack: string;
}

export type ParseResult =
    | { readonly ok: true; readonly config: StackConfig }
    | { readonly ok: false; readonly problems: readonly string[] };

/** The error thrown by the program for bad config: one line per problem, no stack trace. */
export class ConfigError extends Error {
    constructor(readonly problems: readonly string[]) {
        super(`Invalid stack configuration (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` +
            problems.map((p) => `  ${p}`).join("\n"));
        this.name = "ConfigError";
    }
}

const reader = namespaceReader(NAMESPACE, StackConfigSchema, ["enabled"]);

/** Renders a zod path as the config key path a user types, e.g. `foundry-entra:access[2].principalId`. */
export const keyPath = reader.keyPath;

/**
 * Parses the stack's whole config (as `pulumi.runtime.allConfig()` returns it: `"<namespace>:<key>"` → string).
 */
export function parseStackConfig(all: Readonly<Record<string, string>>, ctx: ParseContext): ParseResult {
    const { input, problems } = reader.read(all);
    const parsed = StackConfigSchema.safeParse(input, { reportInput: true });
    if (!parsed.success) problems.push(...parsed.error.issues.flatMap((i) => reader.issueLines(i)));
    if (problems.length > 0 || !parsed.success) return { ok: false, problems };

    const location = all["azure-native:location"];
    const subscriptionId = all["azure-native:subscriptionId"];
    const normalised = normalise(parsed.data, { ...ctx, ...(location ? { location } : {}), ...(subscriptionId ? { subscriptionId } : {}) }, problems);
    if (problems.length > 0) return { ok: false, problems };
    const overLimit = roleAssignmentLimitProblem(countRoleAssignments(normalised));
    if (overLimit) return { ok: false, problems: [`${keyPath(normalised.foundryLocal?.form === "clusters" ? ["foundryLocal", "clusters"] : ["access"])}: ${overLimit}`] };
    return { ok: true, config: normalised };
}

type Ctx = ParseContext & { readonly location?: string; readonly subscriptionId?: string };

function normalise(raw: RawStackConfig, ctx: Ctx, problems: string[]): StackConfig {
    const project = ctx.project ?? NAMESPACE;
    const problem = (path: readonly PropertyKey[], text: string) => problems.push(`${keyPath(path)}: ${text}`);
    const gatewayName = raw.gateway.displayName ?? `${project}-${ctx.stack}-gateway`;

    duplicates(raw.accounts.map((a) => a.name), ["accounts"], "name", problem);
    duplicates(raw.managedIdentities.map((m) => m.name), ["managedIdentities"], "name", problem);
    duplicates(raw.gateway.federatedCredentials.map((f) => f.name), ["gateway", "federatedCredentials"], "name", problem);
    duplicates(raw.gateway.federatedCredentials.map((f) => `${f.issuer} ${f.subject}`), ["gateway", "federatedCredentials"], "subject", problem,
        "the same issuer and subject are already used by");
    raw.accounts.forEach((a, i) => duplicates(a.deployments.map((d) => d.name), ["accounts", i, "deployments"], "name", problem));

    const reporter = { problem, keyPath };
    const fl = raw.foundryLocal;
    if (fl && fl.scopeValue === fl.appRoleValue) {
        problem(["foundryLocal", "appRoleValue"], `"${fl.appRoleValue}" equals scopeValue; scope and app role values share one namespace in Entra and must differ`);
    }
    const foundryLocal = fl && normaliseFoundryLocal(fl, fl.apiDisplayName ?? `${project}-${ctx.stack}-foundry-local-api`, reporter);

    const accountNames = new Set(raw.accounts.map((a) => a.name));
    const allTargets = [...raw.accounts.map((a) => a.name), ...(foundryLocal?.targets ?? [])];
    // Targets as written are checked here; what is kept are concrete ones (foundry-local expands to its sites).
    const checkTargets = (list: readonly string[] | undefined, path: readonly PropertyKey[]): string[] => {
        if (list === undefined) return allTargets;
        const concrete = list.flatMap((t, j) => {
            if (isFoundryLocalTarget(t)) return foundryLocalTargets(foundryLocal, t, [...path, j], reporter);
            if (!accountNames.has(t)) {
                problem([...path, j], `"${t}" is not a declared account; declared: ${[...accountNames, ...(raw.foundryLocal ? [FOUNDRY_LOCAL] : [])].join(", ") || "(none)"}`);
            }
            return [t];
        });
        duplicates([...list], path, undefined, problem);
        return concrete;
    };

    const access: AccessGrantConfig[] = [];
    raw.access.forEach((e, i) => {
        const path = ["access", i];
        // Exactly-one-of and principalType rules are checked by the schema.
        let principal: Principal;
        if (e.user !== undefined) principal = { kind: "user", upn: e.user };
        else if (e.group !== undefined) principal = { kind: "group", displayName: e.group };
        else principal = { kind: "principalId", id: (e.principalId ?? "").toLowerCase(), principalType: e.principalType ?? "User" };
        access.push({ principal, role: e.role, targets: checkTargets(e.accounts, [...path, "accounts"]) });
    });

    const managedIdentities: ManagedIdentityConfig[] = [];
    raw.managedIdentities.forEach((m, i) => {
        const path = ["managedIdentities", i];
        const location = m.create?.location ?? ctx.location;
        if (m.create && !location) problem([...path, "create", "location"], "is required because azure-native:location is not set");
        managedIdentities.push({
            name: m.name,
            ...(m.principalId ? { principalId: m.principalId.toLowerCase() } : {}),
            ...(m.create ? { create: { resourceGroupName: m.create.resourceGroupName, location: location ?? "" } } : {}),
            role: m.role,
            targets: checkTargets(m.accounts, [...path, "accounts"]),
        });
    });

    const accounts = raw.accounts.map((a, i) => {
        const location = a.location ?? ctx.location;
        if (!location) problem(["accounts", i, "location"], "is required because azure-native:location is not set");
        return { ...a, location: location ?? "" };
    });

    const credential = <T extends { enabled: boolean; validityDays: number; rotateEveryDays?: number | undefined; graceDays: number; renewOn?: string | undefined }>(
        c: T, key: "certificate" | "clientSecret") => {
        if (!c.enabled) return false as const;
        // A rotated client secret's end date counts from 00:00 UTC of its generation's first day, so a pipeline that
        // runs later that day takes hours off the overlap: one spare day keeps the full grace period.
        const spare = key === "clientSecret" ? 1 : 0;
        if (c.rotateEveryDays !== undefined && c.validityDays < c.rotateEveryDays + c.graceDays + spare) {
            problem(["gateway", key, "validityDays"], `${c.validityDays} is shorter than rotateEveryDays + graceDays${spare ? " + 1" : ""} ` +
                `(${c.rotateEveryDays} + ${c.graceDays}${spare ? " + 1" : ""}); a credential must outlive its successor's arrival by the grace period` +
                `${spare ? " (plus a day for the time of day the pipeline runs)" : ""}, so raise validityDays or lower rotateEveryDays`);
        }
        // The schema let through only calendar days (calendarDay): midnight UTC of that day.
        const renewOn = c.renewOn === undefined ? undefined : requireDate(c.renewOn);
        if (renewOn && c.rotateEveryDays === undefined) {
            problem(["gateway", key, "renewOn"], "needs rotateEveryDays: without rotation there is one credential, and renewing it replaces it at once (see docs/day-two.md)");
        }
        if (renewOn && c.rotateEveryDays !== undefined) {
            // The renewal drops the credential before the current one: that one's successor must have had its grace period.
            const scheduled = scheduledStartBefore(renewOn, c.rotateEveryDays);
            const earliest = addDays(scheduled, c.graceDays);
            if (renewOn < earliest) {
                problem(["gateway", key, "renewOn"], `${c.renewOn} is ${Math.round((renewOn.getTime() - scheduled.getTime()) / 86_400_000)} days after the scheduled ` +
                    `rotation of ${scheduled.toISOString().slice(0, 10)}; gateways still holding the credential before it would lose it before graceDays ` +
                    `(${c.graceDays}) have passed; choose ${earliest.toISOString().slice(0, 10)} or later`);
            }
        }
        const rotation = c.rotateEveryDays !== undefined
            ? { rotation: { everyDays: c.rotateEveryDays, graceDays: c.graceDays, ...(renewOn ? { renewOn } : {}) } } : {};
        return { validityDays: c.validityDays, ...rotation };
    };
    const cert = raw.gateway.certificate;
    const certificate = credential(cert, "certificate");
    const clientSecret = credential(raw.gateway.clientSecret, "clientSecret");
    if (!certificate && !clientSecret && raw.gateway.federatedCredentials.length === 0) {
        problem(["gateway"], "certificate and clientSecret are both off and no federatedCredentials are declared; the gateway would have no way to sign in");
    }

    const aiServicesInference = raw.aiServicesInferenceRole === undefined ? DEFAULT_AI_SERVICES_INFERENCE : resolveRole(raw.aiServicesInferenceRole, "AIServices");
    if (raw.aiServicesInferenceRole !== undefined && !aiServicesInference.cloudInference && !/^[0-9a-f-]{36}$/i.test(raw.aiServicesInferenceRole)) {
        problem(["aiServicesInferenceRole"], `"${aiServicesInference.name}" grants no inference on Foundry accounts; use "Cognitive Services OpenAI User", "Cognitive Services User" or "Cognitive Services Data Contributor (Preview)"`);
    }
    if (aiServicesInference.guid === ROLE_OPENAI_USER) {
        raw.accounts.forEach((a, i) => a.kind === "AIServices" && a.deployments.forEach((d, j) => {
            if (d.format !== "OpenAI") {
                problem(["accounts", i, "deployments", j, "format"], `"${d.format}" models are served by the /models surface, whose data actions ` +
                    `(accounts/MaaS/*) the default inference role Cognitive Services OpenAI User does not hold; set ${NAMESPACE}:aiServicesInferenceRole ` +
                    `to "Cognitive Services Data Contributor (Preview)" (no keys) or "Cognitive Services User" (the seed guide's role, which can also list keys)`);
            }
        }));
    }

    checkGrantCollisions(access, managedIdentities, accounts, aiServicesInference, problem);

    const delivery = raw.gatewayDelivery;
    if (delivery?.kubernetes?.format === "envoy" && !clientSecret) {
        problem(["gatewayDelivery", "kubernetes", "format"], "envoy needs gateway.clientSecret: Envoy AI Gateway's AzureCredentials take a client secret, not a certificate");
    }
    if (delivery?.kubernetes && !clientSecret && !certificate) {
        problem(["gatewayDelivery", "kubernetes"], "there is no credential to deliver: gateway.certificate and gateway.clientSecret are both off");
    }
    if (delivery?.keyVault && !clientSecret && !certificate) {
        problem(["gatewayDelivery", "keyVault"], "there is no credential to store: gateway.certificate and gateway.clientSecret are both off");
    }

    const config: StackConfig = {
        project,
        stack: ctx.stack,
        protect: raw.protect,
        aiServicesInferenceRole: aiServicesInference,
        gateway: {
            displayName: gatewayName,
            owners: raw.gateway.owners.map((o) => o.toLowerCase()),
            certificate: certificate && { ...certificate, rsaBits: cert.rsaBits, subject: cert.subject ?? gatewayName },
            clientSecret,
            federatedCredentials: raw.gateway.federatedCredentials,
        },
        accounts,
        access,
        managedIdentities,
        ...(foundryLocal ? { foundryLocal } : {}),
        ...(delivery ? {
            gatewayDelivery: {
                ...(delivery.keyVault ? { keyVault: { ...delivery.keyVault, secretPrefix: delivery.keyVault.secretPrefix ?? `${ctx.stack}-gateway` } } : {}),
                ...(delivery.kubernetes ? { kubernetes: { ...delivery.kubernetes, secretName: delivery.kubernetes.secretName ?? `${project}-gateway` } } : {}),
            },
        } : {}),
    };
    return {
        ...config,
        ...(raw.guardrails ? { guardrails: checkGuardrails(raw.guardrails, accounts, problem) } : {}),
        ...(raw.adopt ? { adopt: checkAdoption(raw.adopt, config, ctx.subscriptionId, problem, keyPath) } : {}),
    };
}

function duplicates(values: readonly string[], path: readonly PropertyKey[], field: string | undefined,
    problem: (p: readonly PropertyKey[], t: string) => void, verb = "is already used by") {
    firstSeen(values, (i, first) => problem(field ? [...path, i, field] : [...path, i],
        `${verb === "is already used by" ? `"${values[i]}" ${verb}` : verb} ${keyPath([...path, first])}; ${field ?? "entries"} must be unique`));
}

/** Two entries that would hand the same principal the same role at the same target collide in Azure. */
function checkGrantCollisions(access: readonly AccessGrantConfig[], identities: readonly ManagedIdentityConfig[],
    accounts: readonly { name: string; kind: "OpenAI" | "AIServices" }[], aiServicesInference: BuiltInRole, problem: (p: readonly PropertyKey[], t: string) => void) {
    const kindOf = (t: string) => accounts.find((a) => a.name === t)?.kind ?? "FoundryLocal";
    const seen = new Map<string, string>();
    const visit = (principal: Principal, role: string, targets: readonly string[], path: readonly PropertyKey[]) => {
        for (const t of targets) {
            const key = `${principalSlug(principal)}|${t}|${resolveRole(role, kindOf(t), aiServicesInference).guid}`;
            const first = seen.get(key);
            if (first) {
                problem(path, `gives ${principalLabel(principal)} the role "${resolveRole(role, kindOf(t), aiServicesInference).name}" on "${t}" again (already given by ${first}); remove one`);
            } else {
                seen.set(key, keyPath(path));
            }
        }
    };
    access.forEach((a, i) => visit(a.principal, a.role, a.targets, ["access", i]));
    identities.forEach((m, i) => {
        if (m.principalId) visit({ kind: "principalId", id: m.principalId, principalType: "ServicePrincipal" }, m.role, m.targets, ["managedIdentities", i]);
    });
}
