/**
 * The expiry watch: reads a stack's outputs (`pulumi stack output --json`, secrets not needed) and judges
 * every gateway credential against a window.
 *
 * The rule: the **current** credential of each kind — the one the outputs point at, which a gateway that
 * syncs from the outputs uses — must not expire within the window; if it does, the check fails. A
 * non-current slot (the previous generation, kept for the grace period during rotation) expiring is
 * expected: it is reported as "retiring" and does not fail the check, because a gateway that still holds
 * it has had the whole grace period to re-read the outputs.
 *
 * It reads the outputs as given (even partial ones) rather than through the contract schema, and names the
 * slot and field it cannot judge.
 */
import { CliError } from "../lib/cli";
import { DATE_EXAMPLE, requireDate } from "../lib/dates";
import { describeValue, excerpt, looksSecret, withheld } from "../lib/excerpt";
import { SECRET_PLACEHOLDER, type CertificateSlotOutputs, type ClientSecretSlotOutputs } from "../outputs";

const DAY_MS = 86_400_000;

/** The outputs cannot be judged: a problem the user can fix (exit code 2). */
export class ExpiryInputError extends CliError {}

export type CredentialKind = "clientSecret" | "certificate";

export type ExpiryStatus = "ok" | "expiring" | "expired" | "retiring" | "unmanaged";

export interface CredentialExpiry {
    readonly kind: CredentialKind;
    /** Output path of the credential, e.g. `gateway.clientSecret`. */
    readonly path: string;
    /** "a", "b", or "single" without rotation. */
    readonly slot: string;
    readonly generation: number | null;
    /** The credential the outputs point at. */
    readonly current: boolean;
    readonly expiresOn: Date;
    /** Days from now to expiry (fractional; negative once expired). */
    readonly daysLeft: number;
    readonly status: ExpiryStatus;
    /** Certificate only: the upper-case hex thumbprint, to find it in the portal. */
    readonly thumbprint?: string;
    /** With rotation: the first `pulumi up` on or after this date rotates. */
    readonly nextRotationOn?: Date;
    /** What to do, for a failing credential. */
    readonly fix?: string;
    /**
     * The name of a credential of an adopted app the stack did not create (`gateway.unmanagedCredentials`: listed, never
     * failing), unless it looks like a secret; raw, so messages quote an excerpt of it.
     */
    readonly displayName?: string;
}

export interface ExpiryReport {
    readonly now: Date;
    readonly withinDays: number;
    readonly credentials: readonly CredentialExpiry[];
    /** Current credentials that expire within the window (or already have): the check fails on these. */
    readonly failing: readonly CredentialExpiry[];
    readonly notes: readonly string[];
}

export interface CheckOptions {
    readonly now: Date;
    /** The window, in days. @default 30 */
    readonly withinDays?: number;
}

const LABEL: Record<CredentialKind, string> = { clientSecret: "client secret", certificate: "certificate" };
const DATE_FIELD: Record<CredentialKind, string> = { clientSecret: "expiresOn", certificate: "notAfter" };

/** Judges every gateway credential in the outputs against the window. */
export function checkExpiry(outputs: Record<string, unknown>, options: CheckOptions): ExpiryReport {
    const { now } = options;
    const withinDays = options.withinDays ?? 30;
    const gateway = outputs.gateway;
    if (gateway === SECRET_PLACEHOLDER) throw new ExpiryInputError("gateway is [secret]; these outputs do not come from foundry-entra");
    if (!isObject(gateway)) throw new ExpiryInputError("no gateway in the outputs; expected pulumi stack output --json of a foundry-entra stack");
    const credentials: CredentialExpiry[] = [];
    const notes: string[] = [];
    for (const kind of ["clientSecret", "certificate"] as const) {
        if (gateway[kind] === undefined) continue;
        const judged = judgeKind(kind, gateway[kind], now, withinDays);
        credentials.push(...judged);
        const current = judged.find((c) => c.current)!;
        if (current.nextRotationOn && current.nextRotationOn <= now && current.status === "ok") {
            notes.push(`${current.path}: rotation was due on ${day(current.nextRotationOn)}; run pulumi up`);
        }
        for (const c of judged.filter((x) => x.status === "retiring")) {
            notes.push(`${c.path} slot ${c.slot} (generation ${c.generation ?? "-"}) ${c.daysLeft <= 0 ? "expired" : "expires"} on ${day(c.expiresOn)}: ` +
                `the previous ${LABEL[kind]}, kept for the grace period after its successor; expected during rotation`);
        }
    }
    // Credentials the adopted app had before the stack: not managed here, so never a failure; listed so they can be
    // retired once the gateway uses the stack's own credential.
    const unmanaged = unmanagedCredentials(gateway.unmanagedCredentials, now);
    credentials.push(...unmanaged);
    for (const c of unmanaged) {
        if (c.daysLeft < withinDays) {
            notes.push(`${c.path} (${LABEL[c.kind]}${c.displayName ? ` ${excerpt(c.displayName)}` : ""}) is not managed here and ${c.daysLeft <= 0 ? "expired" : "expires"} on ${day(c.expiresOn)}: ` +
                "make sure the gateway uses the stack's credential, then delete it in the portal (App registrations > Certificates & secrets)");
        }
    }
    if (credentials.length === 0) notes.push("the gateway has neither a client secret nor a certificate: nothing expires");
    return { now, withinDays, credentials, failing: credentials.filter((c) => c.status === "expiring" || c.status === "expired"), notes };
}

/** A thumbprint as the program writes one (40 hexadecimal digits); anything else is not quoted. */
const isThumbprint = (v: unknown): v is string => typeof v === "string" && /^[0-9A-Fa-f]{40}$/.test(v);

function unmanagedCredentials(raw: unknown, now: Date): CredentialExpiry[] {
    if (raw === undefined) return [];
    if (!Array.isArray(raw)) throw new ExpiryInputError("gateway.unmanagedCredentials is not a list");
    return raw.map((c, i): CredentialExpiry => {
        const path = `gateway.unmanagedCredentials[${i}]`;
        if (!isObject(c)) throw new ExpiryInputError(`${path} is not an object`);
        const kind: CredentialKind = c.type === "certificate" ? "certificate" : "clientSecret";
        const expiresOn = date(c.endDate, `${path}.endDate`);
        return {
            kind, path, slot: "not managed here", generation: null, current: false, expiresOn,
            daysLeft: (expiresOn.getTime() - now.getTime()) / DAY_MS, status: "unmanaged",
            ...(isThumbprint(c.thumbprint) ? { thumbprint: c.thumbprint } : {}),
            ...(typeof c.displayName === "string" && !looksSecret(c.displayName) ? { displayName: c.displayName } : {}),
        };
    });
}

/** A slot as found in the outputs: the contract's slot keys, values not yet checked. */
type RawSlot = { readonly [K in keyof (CertificateSlotOutputs & ClientSecretSlotOutputs)]?: unknown };

function judgeKind(kind: CredentialKind, raw: unknown, now: Date, withinDays: number): CredentialExpiry[] {
    const path = `gateway.${kind}`;
    // The credential's place: a string here is most likely the secret itself, so it is never quoted.
    if (!isObject(raw)) throw new ExpiryInputError(`${path} is ${withheld(raw)}; expected an object`);
    const field = DATE_FIELD[kind];
    const nextRotationOn = raw.nextRotationOn === undefined ? undefined : date(raw.nextRotationOn, `${path}.nextRotationOn`);
    const slots: RawSlot[] = Array.isArray(raw.slots) && raw.slots.length > 0
        ? (raw.slots as unknown[]).map((s, i) => {
            if (!isObject(s)) throw new ExpiryInputError(`${path}.slots[${i}] is not an object`);
            return s;
        })
        // Outputs without slots: the top-level credential is the only one.
        : [{ slot: "single", generation: null, current: true, [field]: raw[field], thumbprint: raw.thumbprint }];
    const currentCount = slots.filter((s) => s.current === true).length;
    if (currentCount !== 1) throw new ExpiryInputError(`${path}.slots: ${currentCount} slots are marked current; expected exactly one`);
    return slots.map((s, i) => {
        const expiresOn = date(s[field as "expiresOn" | "notAfter"], `${path}.slots[${i}].${field}`);
        const daysLeft = (expiresOn.getTime() - now.getTime()) / DAY_MS;
        const current = s.current === true;
        const soon = daysLeft < withinDays;
        const status: ExpiryStatus = !current ? (soon ? "retiring" : "ok") : daysLeft <= 0 ? "expired" : soon ? "expiring" : "ok";
        const generation = typeof s.generation === "number" ? s.generation : null;
        const base = {
            // The report quotes what it read: a slot name as the program writes one ("a", "b", "single") or a short
            // excerpt, a thumbprint only when it is one (40 hexadecimal digits).
            kind, path, slot: typeof s.slot !== "string" ? "single" : /^[A-Za-z0-9_-]{1,16}$/.test(s.slot) ? s.slot : excerpt(s.slot), generation, current, expiresOn, daysLeft, status,
            ...(isThumbprint(s.thumbprint) ? { thumbprint: s.thumbprint } : {}),
            ...(current && nextRotationOn ? { nextRotationOn } : {}),
        };
        return status === "expiring" || status === "expired" ? { ...base, fix: fixFor(kind, now, withinDays, nextRotationOn) } : base;
    });
}

/** What to do about a current credential that expires within the window. */
function fixFor(kind: CredentialKind, now: Date, withinDays: number, nextRotationOn: Date | undefined): string {
    const key = `gateway.${kind}`;
    if (nextRotationOn && nextRotationOn <= now) {
        return `rotation was due on ${day(nextRotationOn)}: run pulumi up now, and schedule it at least every rotateEveryDays (daily is best)`;
    }
    if (nextRotationOn) {
        return `the next rotation (${day(nextRotationOn)}) comes too late for a ${withinDays}-day window: raise ${key}.validityDays ` +
            `(it must exceed rotateEveryDays + graceDays), or use --within no larger than ${key}.graceDays`;
    }
    const resource = kind === "clientSecret" ? "gateway-secret-password" : "gateway-certificate-key";
    return `${key} is not rotated: set ${key}.rotateEveryDays (docs/production.md) and run pulumi up, or issue a new one now with ` +
        `pulumi up --replace <URN of ${resource}> (pulumi stack --show-urns); raising validityDays alone does not extend an existing one`;
}

/** A date as YYYY-MM-DD, with the time when it is not midnight UTC. */
export function day(d: Date): string {
    const iso = d.toISOString();
    return iso.endsWith("T00:00:00.000Z") ? iso.slice(0, 10) : `${iso.slice(0, 16).replace("T", " ")} UTC`;
}

function date(v: unknown, path: string): Date {
    if (v === SECRET_PLACEHOLDER) throw new ExpiryInputError(`${path} is [secret]; it should not be a secret`);
    if (typeof v !== "string") throw new ExpiryInputError(`${path}: ${describeValue(v)} is not a date; ${DATE_EXAMPLE}`);
    return requireDate(v, (message) => new ExpiryInputError(`${path}: ${message}`));
}

/** A JSON object (not null, not a list). */
export function isObject(v: unknown): v is Record<string, unknown> {
    return typeof v === "object" && v !== null && !Array.isArray(v);
}
