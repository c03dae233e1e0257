/**
 * The changes a pipeline must not make unattended, named with why: a credential the gateway uses now deleted or
 * replaced before its successor has existed for graceDays; a role or app-role assignment the gateway or a listed
 * principal needs deleted; an adopted account replaced or deleted; a protected resource replaced or deleted (the up
 * would stop half-way). The same rules judge `npm run plan`'s own changes and `pulumi preview --json`.
 */
import type { Op } from "./engine";
import { stateDate, type StateResource } from "./state";

export interface Danger {
    readonly urn: string;
    readonly why: string;
}

/** A change as the danger rules see it: from our plan, or from a step of `pulumi preview --json`. */
export interface JudgedChange {
    readonly urn: string;
    readonly type: string;
    readonly name: string;
    readonly op: Op;
    readonly deleteBeforeReplace?: boolean;
    readonly prior?: StateResource;
    /** The inputs the next run declares (absent for a delete). */
    readonly nextInputs?: Record<string, unknown>;
    /** Why an import fails or is refused (engine.ts). */
    readonly importFails?: string;
    /** Live settings an import's update would remove. */
    readonly removes?: readonly string[];
}

export interface DangerContext {
    readonly now: Date;
    /** Days a new credential must have existed before the one it succeeds may go, per kind. @default 30 each */
    readonly graceDays?: { readonly certificate?: number; readonly clientSecret?: number };
    /** The stack outputs of the previous state (for the gateway's service principal). */
    readonly priorOutputs?: Record<string, unknown>;
}

const PASSWORD = "azuread:index/applicationPassword:ApplicationPassword";
const UPLOAD = "azuread:index/applicationCertificate:ApplicationCertificate";
const ROLE_ASSIGNMENT = "azure-native:authorization:RoleAssignment";
const APP_ROLE_ASSIGNMENT = "azuread:index/appRoleAssignment:AppRoleAssignment";
const ACCOUNT = "azure-native:cognitiveservices:Account";
const SERVICE_PRINCIPAL = "azuread:index/servicePrincipal:ServicePrincipal";
const DAY = 86_400_000;

const removes = (op: Op) => op === "delete" || op === "replace";
const day = (d: Date) => d.toISOString().slice(0, 10);
const endOf = (r: StateResource): Date | undefined => stateDate(r.outputs.endDate ?? r.inputs.endDate);
const str = (v: unknown) => (typeof v === "string" ? v : "");

/** The gateway's service principal object ids, as the previous state knows them. */
function gatewayPrincipals(changes: readonly JudgedChange[], outputs: Record<string, unknown> | undefined): Set<string> {
    const ids = new Set<string>();
    const fromOutputs = (outputs?.gateway as Record<string, unknown> | undefined)?.servicePrincipalObjectId;
    if (typeof fromOutputs === "string") ids.add(fromOutputs.toLowerCase());
    for (const c of changes) {
        if (c.type === SERVICE_PRINCIPAL && c.name === "gateway-sp" && c.prior) {
            const id = str(c.prior.outputs.objectId);
            if (id) ids.add(id.toLowerCase());
        }
    }
    return ids;
}

/**
 * The credential of a kind the gateway uses now, as the previous stack outputs name it (the secret's keyId, the
 * certificate's notAfter): "elsewhere" when the outputs name one that is not among the changes (a preview lists
 * unchanged resources only with --show-sames), undefined when the outputs say nothing.
 */
function currentFromOutputs(kind: "clientSecret" | "certificate", held: readonly { prior: StateResource; end?: Date }[],
    outputs: Record<string, unknown> | undefined): { prior: StateResource } | "elsewhere" | undefined {
    const o = (outputs?.gateway as Record<string, Record<string, unknown> | undefined> | undefined)?.[kind];
    if (!o) return undefined;
    if (kind === "clientSecret" && typeof o.keyId === "string" && !o.keyId.startsWith("<")) {
        return held.find((x) => str(x.prior.outputs.keyId).toLowerCase() === String(o.keyId).toLowerCase()) ?? "elsewhere";
    }
    const notAfter = stateDate(o.notAfter);
    if (kind === "certificate" && notAfter) return held.find((x) => x.end?.getTime() === notAfter.getTime()) ?? "elsewhere";
    return undefined;
}

/** Credentials: the one the gateway uses now is the newest still valid (the gateway syncs to the newest). */
function credentialDangers(changes: readonly JudgedChange[], ctx: DangerContext): Danger[] {
    const dangers: Danger[] = [];
    for (const [type, kind, label] of [[PASSWORD, "clientSecret", "client secret"], [UPLOAD, "certificate", "certificate"]] as const) {
        const grace = ctx.graceDays?.[kind] ?? 30;
        const held = changes.filter((c) => c.type === type && c.prior).map((c) => ({ change: c, prior: c.prior!, end: endOf(c.prior!) }))
            .filter((x) => x.end === undefined || x.end > ctx.now);
        if (held.length === 0) continue;
        const named = currentFromOutputs(kind, held, ctx.priorOutputs);
        const newest = named === "elsewhere" ? undefined
            : named ? held.find((x) => x.prior === named.prior)
                : held.reduce((a, b) => ((b.end?.getTime() ?? Infinity) > (a.end?.getTime() ?? Infinity) ? b : a));
        for (const x of held) {
            if (!removes(x.change.op)) continue;
            const what = x.change.op === "delete" ? "deleted" : "replaced (the new one is created, the old one deleted)";
            const valid = x.end ? `, valid until ${day(x.end)}` : "";
            if (x === newest) {
                // A replacement also removes the old credential: a gateway holding it stops signing in at the end of the run.
                dangers.push({ urn: x.change.urn, why: `the gateway's current ${label} (${x.change.name}${valid}) is ${what} at the end of this run: ` +
                    `a gateway still holding it can no longer sign in from then on (AADSTS7000215 for a secret, AADSTS700027 for a certificate)` });
                continue;
            }
            // Without the successor's creation time (a render; a preview without --show-sames) its age is unknown.
            if (!newest?.prior.created) continue;
            const age = (ctx.now.getTime() - newest.prior.created.getTime()) / DAY;
            if (age < grace) {
                dangers.push({ urn: x.change.urn, why: `the ${label} ${x.change.name}${valid} is ${x.change.op === "delete" ? "deleted" : "replaced"} while its successor ` +
                    `${newest.change.name} has existed ${age.toFixed(1)} days, less than graceDays (${grace}): gateways that have not picked up the successor lose sign-in` });
            }
        }
    }
    return dangers;
}

/** Who an assignment is for, as the program writes it in the description ("foundry-entra: <role> for <who>"). */
const holder = (description: string) => description.replace(/^foundry-entra: .*? for /, "");

/** Role and app-role assignments the gateway or a principal the next run still grants would lose. */
function assignmentDangers(changes: readonly JudgedChange[], gateway: ReadonlySet<string>): Danger[] {
    const dangers: Danger[] = [];
    // What the next run grants, keyed as config writes it (description) and where (scope): the same grant under a new
    // name; and who keeps some role at each scope (a role swapped for another is not a loss).
    const wanted = new Map<string, JudgedChange>();
    const keeps = new Set<string>();
    for (const c of changes) {
        if (c.type !== ROLE_ASSIGNMENT || !c.nextInputs || c.op === "delete") continue;
        const scope = str(c.nextInputs.scope).toLowerCase();
        wanted.set(`${str(c.nextInputs.description)}|${scope}`, c);
        keeps.add(`${holder(str(c.nextInputs.description))}|${scope}`);
    }
    for (const c of changes) {
        if (!c.prior || !removes(c.op)) continue;
        if (c.type === ROLE_ASSIGNMENT) {
            const description = str(c.prior.inputs.description);
            const scope = str(c.prior.inputs.scope);
            const who = description.replace(/^foundry-entra: /, "") || `principal ${str(c.prior.inputs.principalId)}`;
            if (c.op === "replace") {
                dangers.push({ urn: c.urn, why: `the role assignment (${who}) is deleted and created again: the principal loses the role for the gap and up to ~5 minutes of RBAC propagation` });
                continue;
            }
            const again = wanted.get(`${description}|${scope.toLowerCase()}`);
            if (again && again.urn !== c.urn) {
                dangers.push({ urn: c.urn, why: `the same grant (${who}) is declared again as ${again.name} and created before this one is deleted: ` +
                    "Azure refuses a second assignment of the same role to the same principal at the same scope (409 RoleAssignmentExists), so the up fails; keep the old name with an alias" });
            } else if (gateway.has(str(c.prior.inputs.principalId).toLowerCase()) && !keeps.has(`${holder(description)}|${scope.toLowerCase()}`)) {
                dangers.push({ urn: c.urn, why: `the gateway loses its role at ${scope || "its scope"} (${who})` });
            }
        }
        if (c.type === APP_ROLE_ASSIGNMENT) {
            const principal = str(c.prior.inputs.principalObjectId).toLowerCase();
            if (c.op === "replace") {
                dangers.push({ urn: c.urn, why: "the app-role assignment is deleted and created again: tokens issued in between carry no `roles`, and Foundry Local answers 401 invalid_token" });
            } else if (gateway.has(principal)) {
                dangers.push({ urn: c.urn, why: "the gateway loses the Foundry Local app role: its tokens no longer carry `roles`, and Foundry Local answers 401 invalid_token" });
            }
        }
    }
    return dangers;
}

/** Adopted accounts and protected resources. */
function ownershipDangers(changes: readonly JudgedChange[]): Danger[] {
    const dangers: Danger[] = [];
    for (const c of changes) {
        if (!c.prior || !removes(c.op)) continue;
        const adopted = c.type === ACCOUNT && (c.prior.importId !== undefined || c.prior.retainOnDelete);
        if (adopted && (c.op === "replace" || !c.prior.retainOnDelete)) {
            dangers.push({ urn: c.urn, why: `the adopted account ${c.name} would be ${c.op === "replace" ? "deleted and created again: its endpoint, deployments and keys are gone" : "deleted"}; it was created outside this stack` });
        } else if (c.prior.protect) {
            dangers.push({ urn: c.urn, why: `${c.name} is protected: pulumi up stops with an error when it reaches this ${c.op}, after the changes before it were made` });
        }
    }
    return dangers;
}

/**
 * Taking over what exists: an import that fails or would replace the object, an import whose update removes live
 * settings (azure-native PUTs only the declared inputs: network rules, identity or tags would go).
 */
function importDangers(changes: readonly JudgedChange[]): Danger[] {
    const dangers: Danger[] = [];
    for (const c of changes) {
        if (c.op !== "import") continue;
        if (c.importFails) dangers.push({ urn: c.urn, why: `the import of ${c.name} fails: ${c.importFails}; pulumi up stops there, after the steps before it ran` });
        if (c.removes && c.removes.length > 0) {
            dangers.push({ urn: c.urn, why: `${c.name} is imported and then updated without ${c.removes.join(", ")}: the update sends only what the program declares, ` +
                "so these live settings would be removed (keep them with ignoreChanges, src/lib/unmanaged.ts)" });
        }
    }
    return dangers;
}

const localAuth = (inputs: Record<string, unknown> | undefined): boolean | undefined => {
    const v = (inputs?.properties as Record<string, unknown> | undefined)?.disableLocalAuth;
    return typeof v === "boolean" ? v : undefined;
};

/** Key access turned off on an account that has it on: every caller still using a key is cut off. */
function keyAccessDangers(changes: readonly JudgedChange[]): Danger[] {
    return changes.filter((c) => c.type === ACCOUNT && (c.op === "update" || c.op === "import") && c.prior && localAuth(c.prior.inputs) !== true && localAuth(c.nextInputs) === true)
        .map((c) => ({
            urn: c.urn,
            why: `key access is turned off on ${c.name}: every client that still calls it with an api-key (keys from the portal's Keys and Endpoint, ` +
                "connection strings, Foundry project connections using keys, Azure OpenAI Studio) gets 401 from then on; move them to Entra ID tokens first (docs/adoption.md)",
        }));
}

/** Every danger in a set of changes. */
export function findDangers(changes: readonly JudgedChange[], ctx: DangerContext): Danger[] {
    const gateway = gatewayPrincipals(changes, ctx.priorOutputs);
    return [...credentialDangers(changes, ctx), ...assignmentDangers(changes, gateway), ...ownershipDangers(changes), ...importDangers(changes), ...keyAccessDangers(changes)];
}
