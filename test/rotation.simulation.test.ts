/**
 * Two years of `pulumi up`s through the plan model, to prove that credential rotation never leaves a gateway without
 * a valid credential and never needs a danger to be overridden.
 *
 * Each up renders the real program (`runProgram`: `runStack` and the real components) with the harness clock at that
 * instant, plans it against the state the previous up left (`planChanges`: what the providers store and compare,
 * src/plan/providers.ts; ignoreChanges, aliases and replacement triggers as the engine applies them) and applies the
 * plan to that state: created resources are stamped with the up's time, unchanged ones keep what the provider stored
 * when they were created (a certificate's validity, a secret's end date), deleted ones go. The danger rules judge
 * every up (`findDangers`). Between ups the state stands still, and every 30 minutes of the two years:
 *
 * - at least one credential the state holds is valid, and the newest has at least `graceDays` left;
 * - a gateway that syncs every hour (at :30) and always takes the newest credential never holds one that is deleted
 *   or expired;
 * - the outputs list exactly the credentials in state, with their expiry dates, and point at the newest;
 * - an up before the announced `nextRotationOn` changes nothing; the up on that day creates the next generation and
 *   deletes only the generation before the newest; no resource is ever replaced, no danger is ever named.
 *
 * Sampling: an up on the day before, the day of and the day after every date the previous up announced
 * (`nextRotationOn`, each credential's expiry), and at least every 7 days otherwise. On the days skipped nothing is
 * due; the pure planner is checked for every day and hour of many configurations in `rotation.test.ts`, and
 * `npm run test:long` (FOUNDRY_ENTRA_LONG_TESTS=1; .ci/run and the pull-request workflow run it) runs the boundary secret
 * with an up on every single day and compares the histories.
 *
 * Time of day: a rotated client secret's end date is its generation's start (00:00 UTC of the due day) plus
 * `validityDays`, so an up at 13:00 leaves the previous secret 13 hours less overlap; config validation asks rotated
 * secrets for one spare day, and the third scenario pins that the full grace period remains.
 */
import { X509Certificate } from "node:crypto";
import { describe, expect, it } from "vitest";
import { runProgram, type RunResult } from "../harness/run";
import { findDangers } from "../src/plan/dangers";
import { planChanges, type Change } from "../src/plan/engine";
import type { PriorState, StateResource } from "../src/plan/state";
import { buildModel, type RenderResource } from "../src/render/model";
import { BASE_OWNERS, config, RT } from "./helpers";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const START = new Date("2026-01-01T00:00:00Z");
/** Two years of days: 2026-01-01 … 2027-12-31. */
const DAYS = 730;
const LONG_TESTS = process.env.FOUNDRY_ENTRA_LONG_TESTS === "1";

type Kind = "secret" | "certificate";
const CREDENTIAL_TYPES = new Set<string>([RT.password, RT.appCert, RT.key, RT.cert]);

/** A credential as Entra holds it, read from the state. */
interface Credential {
    readonly kind: Kind;
    readonly urn: string;
    readonly slot: string;
    readonly generation: number;
    readonly createdAt: Date;
    readonly expiresOn: Date;
}

/** A resource of the state the next up plans against. */
const stateOf = (r: RenderResource, at: Date): StateResource => ({
    urn: r.urn, type: r.type, custom: r.custom, id: r.id ?? "", ...(r.parent ? { parent: r.parent } : {}),
    inputs: r.inputs, outputs: r.outputs ?? {}, protect: r.options.protect, retainOnDelete: r.options.retainOnDelete,
    ...(r.options.import ? { importId: r.options.import } : {}),
    ...(r.options.replacementTrigger !== undefined ? { replacementTrigger: r.options.replacementTrigger } : {}),
    created: at, propertyDependencies: r.propertyDependencies ?? {},
});

/** What `pulumi up` leaves behind: the plan applied to the state. */
function apply(changes: readonly Change[], components: readonly RenderResource[], outputs: Record<string, unknown>, at: Date): PriorState {
    const resources: StateResource[] = [];
    for (const c of changes) {
        if (c.op === "same") resources.push({ ...c.prior!, urn: c.urn });
        else if (c.op === "update") resources.push({ ...c.prior!, urn: c.urn, inputs: c.next!.inputs });
        else if (c.op !== "delete") resources.push(stateOf(c.next!, at));
    }
    return { kind: "render", time: at, resources: [...resources, ...components.map((r) => stateOf(r, at))], outputs };
}

/** The gateway's credentials of one kind, as Entra holds them now. */
function credentials(state: PriorState, kind: Kind): Credential[] {
    const rs = state.resources;
    if (kind === "secret") {
        return rs.filter((e) => e.type === RT.password).map((e) => ({
            kind, urn: e.urn, slot: e.urn.slice(-8), createdAt: e.created!,
            generation: Number((e.inputs.rotateWhenChanged as Record<string, string>).generation),
            expiresOn: new Date(String(e.outputs.endDate)),
        }));
    }
    return rs.filter((e) => e.type === RT.appCert).map((upload) => {
        const day = upload.urn.slice(-8);
        const cert = rs.find((e) => e.type === RT.cert && e.urn.endsWith(day));
        const serial = (cert?.inputs.subject as Record<string, string> | undefined)?.serialNumber;
        return { kind, urn: upload.urn, slot: day, createdAt: upload.created!, generation: Number(serial?.replace("generation-", "")), expiresOn: new Date(String(upload.inputs.endDate)) };
    });
}

const newestOf = (creds: Credential[]) => creds.reduce<Credential | undefined>((n, c) => (!n || c.generation > n.generation ? c : n), undefined);
const day = (d: Date) => new Date(Math.floor(d.getTime() / DAY) * DAY);
const iso = (d: Date) => d.toISOString().slice(0, 10);

interface CredentialConfig { validityDays: number; rotateEveryDays: number; graceDays: number }

interface Scenario {
    readonly secret?: CredentialConfig;
    readonly certificate?: CredentialConfig;
    /** Hours after 00:00 UTC at which the daily up runs. */
    readonly upHour: number;
    readonly stepping: "daily" | "adaptive";
}

interface KindFigures {
    /** Ups that created a new generation (the first up excluded). */
    rotations: number;
    /** Smallest time a credential stayed valid after its successor was created, in hours. */
    minOverlapHours: number;
    /** Smallest time the newest credential had left, at any moment, in hours. */
    minNewestLeftHours: number;
    /** Smallest number of valid credentials at any moment. */
    minValid: number;
    /** Ups the day before a due date, each of which must have changed nothing. */
    dayBeforeDueUps: number;
}

interface Result {
    readonly ups: number;
    readonly ms: number;
    readonly figures: Partial<Record<Kind, KindFigures>>;
    /** Per up, what it created and deleted, for comparing two steppings. */
    readonly history: Record<Kind, string[]>;
    readonly problems: string[];
}

function stackConfig(s: Scenario): Record<string, string> {
    return config({
        "azure-native:location": "swedencentral",
        "azure-native:subscriptionId": "6c1f3e2a-8b4d-4f5e-9a7b-1c2d3e4f5a60",
        "azuread:tenantId": "7a1c2e3f-4b5d-4e6f-8a7b-9c0d1e2f3a4b",
        "foundry-entra:gateway": {
            displayName: "sim-gateway",
            owners: BASE_OWNERS,
            certificate: s.certificate ?? false,
            clientSecret: s.secret ?? false,
        },
    });
}

/** Outputs of one kind as rendered: slots, top-level expiry, next rotation. */
function renderedOutputs(render: RunResult, kind: Kind) {
    const gateway = render.outputs.gateway as Record<string, Record<string, unknown> | undefined>;
    const o = gateway[kind === "secret" ? "clientSecret" : "certificate"];
    if (!o) throw new Error(`no ${kind} outputs`);
    const slots = o.slots as { slot: string; generation: number; expiresOn?: string; notAfter?: string; thumbprint?: string; current: boolean }[];
    return { slots, expiresOn: String(kind === "secret" ? o.expiresOn : o.notAfter), thumbprint: o.thumbprint as string | undefined, nextRotationOn: new Date(String(o.nextRotationOn)) };
}

/** What one up's outputs must say about one kind: exactly the credentials in state, the newest current. */
function checkOutputs(out: ReturnType<typeof renderedOutputs>, kind: Kind, state: PriorState, render: RunResult, at: Date): string[] {
    const problems: string[] = [];
    const creds = credentials(state, kind);
    const newest = newestOf(creds)!;
    const listed = out.slots.map((x) => x.generation).sort().join(",");
    const inState = creds.map((c) => c.generation).sort().join(",");
    if (listed !== inState) problems.push(`${iso(at)}: ${kind} outputs list generations ${listed} but state holds ${inState}`);
    const current = out.slots.filter((x) => x.current);
    if (current.length !== 1 || current[0]!.generation !== newest.generation) {
        problems.push(`${iso(at)}: ${kind} outputs point at ${JSON.stringify(current)} instead of the newest, generation ${newest.generation}`);
    }
    for (const c of creds) {
        const rendered = out.slots.find((x) => x.generation === c.generation);
        const exported = rendered?.expiresOn ?? rendered?.notAfter;
        // A secret's end date is fixed by its generation; a certificate's is stamped at creation, so the render
        // (which stamps every certificate anew) only matches the state on the creation day.
        if ((kind === "secret" || c.createdAt === at) && new Date(String(exported)).getTime() !== c.expiresOn.getTime()) {
            problems.push(`${iso(at)}: ${kind} generation ${c.generation} exported expiry ${exported} ≠ state ${c.expiresOn.toISOString()}`);
        }
    }
    if (kind === "certificate") {
        if (out.thumbprint !== out.slots.find((x) => x.current)?.thumbprint) problems.push(`${iso(at)}: certificate thumbprint is not the current slot's`);
        for (const c of creds.filter((x) => x.createdAt === at)) {
            // The upload that was created: its certificate's notAfter bounds it, and the key is new too.
            const upload = render.resources.find((r) => r.type === RT.appCert && r.name.endsWith(c.slot))!;
            if (c.expiresOn > new Date(new X509Certificate(String(upload.inputs.value)).validTo)) problems.push(`${iso(at)}: certificate upload ends after the certificate's notAfter`);
            const key = state.resources.find((e) => e.type === RT.key && e.urn.endsWith(c.slot));
            if (key?.created !== at) problems.push(`${iso(at)}: certificate generation ${c.generation} reuses the key of an earlier generation`);
        }
    }
    return problems;
}

async function simulate(s: Scenario): Promise<Result> {
    const t0 = Date.now();
    const cfg = stackConfig(s);
    const kinds = (["secret", "certificate"] as const).filter((k) => s[k]);
    const graceDays = { certificate: s.certificate?.graceDays ?? 30, clientSecret: s.secret?.graceDays ?? 30 };
    let state: PriorState = { kind: "render", resources: [], outputs: {} };
    const problems: string[] = [];
    const history: Record<Kind, string[]> = { secret: [], certificate: [] };
    const figures: Partial<Record<Kind, KindFigures>> = Object.fromEntries(kinds.map((k) => [k, {
        rotations: 0, minOverlapHours: Infinity, minNewestLeftHours: Infinity, minValid: Infinity, dayBeforeDueUps: 0,
    }]));
    const held: Partial<Record<Kind, Credential>> = {};
    const nextDue: Partial<Record<Kind, Date>> = {};
    const end = new Date(START.getTime() + DAYS * DAY);
    let ups = 0;

    for (let d = START; d <= end;) {
        const at = new Date(d.getTime() + s.upHour * HOUR);
        const render = await runProgram({ config: cfg, stack: "sim", now: at });
        ups++;
        const model = buildModel(render, at);
        const changes = planChanges(state, model, { now: at });
        const dangers = findDangers(changes.map((c) => ({ ...c, ...(c.next ? { nextInputs: c.next.inputs } : {}) })), { now: at, graceDays, priorOutputs: state.outputs });
        problems.push(...dangers.map((x) => `${iso(at)}: DANGER ${x.urn}: ${x.why}`));
        for (const c of changes) {
            if (c.op === "replace" || c.op === "update") problems.push(`${iso(at)}: ${c.name} would be ${c.op}d (${c.reasons.join(", ")}); a rotation only creates and deletes`);
            if (c.op !== "same" && !CREDENTIAL_TYPES.has(c.type) && ups > 1) problems.push(`${iso(at)}: ${c.name} (${c.type}) changed with the date alone: only credentials may rotate`);
        }
        const before = Object.fromEntries(kinds.map((k) => [k, newestOf(credentials(state, k))]));
        state = apply(changes, model.resources.filter((r) => !r.custom), model.outputs, at);
        const candidates: Date[] = [];

        for (const kind of kinds) {
            const f = figures[kind]!;
            const creds = credentials(state, kind);
            const newest = newestOf(creds)!;
            const prior = before[kind];
            const createdNow = creds.filter((c) => c.createdAt === at);
            const deletedNow = changes.filter((c) => c.op === "delete" && c.type === (kind === "secret" ? RT.password : RT.appCert));
            history[kind].push(`${iso(at)} +${createdNow.map((c) => c.generation).sort().join(",")} -${deletedNow.length}`);
            const due = nextDue[kind];
            if (prior && due) {
                const rotated = newest.generation > prior.generation;
                if (at < due && rotated) problems.push(`${iso(at)}: ${kind} rotated before its announced date ${iso(due)}`);
                if (at >= due && !rotated) problems.push(`${iso(at)}: ${kind} did not rotate although ${iso(due)} has come`);
                if (at < due && due <= end && day(new Date(at.getTime() + DAY)).getTime() === day(due).getTime()) f.dayBeforeDueUps++;
                if (at >= due && day(at).getTime() !== day(due).getTime()) problems.push(`${iso(at)}: ${kind} rotation announced for ${iso(due)} came late`);
                if (at < due && createdNow.length > 0) problems.push(`${iso(at)}: ${kind} credentials created before anything was due`);
                if (rotated) {
                    f.rotations++;
                    f.minOverlapHours = Math.min(f.minOverlapHours, (prior.expiresOn.getTime() - at.getTime()) / HOUR);
                }
            }
            // A gateway may still hold the newest credential from before this up until its next sync.
            if (prior && !state.resources.some((r) => r.urn === prior.urn)) problems.push(`${iso(at)}: ${kind} newest credential, generation ${prior.generation}, deleted at once`);
            const out = renderedOutputs(render, kind);
            problems.push(...checkOutputs(out, kind, state, render, at));
            nextDue[kind] = out.nextRotationOn;
            candidates.push(out.nextRotationOn, ...creds.map((c) => c.expiresOn));
        }

        // The next up: tomorrow, or (adaptive) the day before the next announced date, at most 7 days on.
        let next = new Date(d.getTime() + DAY);
        if (s.stepping === "adaptive") {
            const soonest = candidates.map((c) => day(c).getTime() - DAY).filter((t) => t > d.getTime()).reduce((a, b) => Math.min(a, b), Infinity);
            const near = candidates.some((c) => Math.abs(day(c).getTime() - next.getTime()) <= DAY);
            if (!near) next = new Date(Math.max(next.getTime(), Math.min(d.getTime() + 7 * DAY, soonest)));
        }
        const nextAt = new Date(next.getTime() + s.upHour * HOUR);

        // Between this up and the next, the state stands still: check every 30 minutes.
        const standing = Object.fromEntries(kinds.map((k) => [k, credentials(state, k)])) as Record<Kind, Credential[]>;
        const createdOf = new Map(state.resources.map((r) => [r.urn, r.created!.getTime()]));
        for (let t = at.getTime(); t <= Math.min(nextAt.getTime(), end.getTime() + DAY); t += HOUR / 2) {
            const now = new Date(t);
            for (const kind of kinds) {
                const f = figures[kind]!;
                const creds = standing[kind];
                f.minValid = Math.min(f.minValid, creds.filter((c) => c.expiresOn > now && c.createdAt <= now).length);
                const newest = newestOf(creds)!;
                f.minNewestLeftHours = Math.min(f.minNewestLeftHours, (newest.expiresOn.getTime() - t) / HOUR);
                const h = held[kind];
                if (h && createdOf.get(h.urn) !== h.createdAt.getTime()) problems.push(`${now.toISOString()}: a gateway holds ${kind} generation ${h.generation}, which no longer exists`);
                if (h && h.expiresOn <= now) problems.push(`${now.toISOString()}: a gateway holds ${kind} generation ${h.generation}, expired ${h.expiresOn.toISOString()}`);
                if (now.getUTCMinutes() === 30) held[kind] = newest;
            }
        }
        d = next;
    }
    return { ups, ms: Date.now() - t0, figures, history, problems };
}

const logFigures = (name: string, r: Result) => console.log(`${name}: ${r.ups} ups in ${(r.ms / 1000).toFixed(1)} s; ` +
    Object.entries(r.figures).map(([k, f]) => `${k} ${f.rotations} rotations, min overlap ${f.minOverlapHours} h, ` +
        `min newest left ${f.minNewestLeftHours} h, min valid ${f.minValid}, ${f.dayBeforeDueUps} ups the day before a due date`).join("; "));

/** Boundaries: the least config validation accepts (secrets need one spare day for the up's time of day). */
const SECRET_BOUNDARY: CredentialConfig = { validityDays: 121, rotateEveryDays: 90, graceDays: 30 };
const CERT_BOUNDARY: CredentialConfig = { validityDays: 120, rotateEveryDays: 90, graceDays: 30 };
/** Comfortable: validity well above the period plus grace. */
const COMFORTABLE_SECRET: CredentialConfig = { validityDays: 180, rotateEveryDays: 60, graceDays: 30 };
const COMFORTABLE_CERT: CredentialConfig = { validityDays: 365, rotateEveryDays: 180, graceDays: 30 };

function expectSound(r: Result, kind: Kind, c: CredentialConfig, minNewestLeftHours = c.graceDays * 24) {
    const f = r.figures[kind]!;
    expect(r.problems.slice(0, 10)).toEqual([]);
    expect(f.minValid).toBeGreaterThanOrEqual(1);
    expect(f.minNewestLeftHours).toBeGreaterThanOrEqual(minNewestLeftHours);
    expect(f.minOverlapHours).toBeGreaterThanOrEqual(minNewestLeftHours);
    // Two years hold floor(730 / period) or one more due dates; each up the day before one changed nothing.
    expect(f.rotations).toBeGreaterThanOrEqual(Math.floor(DAYS / c.rotateEveryDays));
    expect(f.dayBeforeDueUps).toBe(f.rotations);
}

/** Many renders per test: allow for a loaded machine (this is a time limit, not a timed assertion). */
const LONG = 300_000;
/** The days adaptive stepping skips are days on which a daily up changed nothing. */
const changesOnly = (h: string[]) => h.filter((line) => !line.endsWith(" + -0"));

describe("two years of daily pulumi up, through the plan model", () => {
    it("boundary secret, ups at 00:00 UTC: no danger, no replacement, the grace period and the spare day held", async () => {
        const r = await simulate({ secret: SECRET_BOUNDARY, upHour: 0, stepping: "adaptive" });
        logFigures("secret, boundary, adaptive", r);
        expect(r.ups).toBeLessThan(DAYS / 2);
        expectSound(r, "secret", SECRET_BOUNDARY);
        // At the boundary the newest secret has exactly graceDays plus the spare day left when its successor is due.
        expect(r.figures.secret!.minNewestLeftHours).toBe((SECRET_BOUNDARY.graceDays + 1) * 24);
    }, LONG);

    it("comfortable config, ups at 13:00 UTC: secret and certificate keep more than the grace period", async () => {
        const r = await simulate({ secret: COMFORTABLE_SECRET, certificate: COMFORTABLE_CERT, upHour: 13, stepping: "adaptive" });
        logFigures("secret + certificate, comfortable, 13:00, adaptive", r);
        expectSound(r, "secret", COMFORTABLE_SECRET);
        expectSound(r, "certificate", COMFORTABLE_CERT);
    }, LONG);

    it("boundary config, ups at 13:00 UTC: the spare day absorbs the up's time of day, the full grace period remains", async () => {
        const r = await simulate({ secret: SECRET_BOUNDARY, certificate: CERT_BOUNDARY, upHour: 13, stepping: "adaptive" });
        logFigures("secret + certificate, boundary, 13:00, adaptive", r);
        expectSound(r, "secret", SECRET_BOUNDARY);
        expect(r.figures.secret!.minOverlapHours).toBe((SECRET_BOUNDARY.graceDays + 1) * 24 - 13);
        // The certificate is stamped when created, so it keeps the whole grace period, exactly, whatever the hour.
        expectSound(r, "certificate", CERT_BOUNDARY);
        expect(r.figures.certificate!.minNewestLeftHours).toBe(CERT_BOUNDARY.graceDays * 24);
    }, LONG);

    it.runIf(LONG_TESTS)("(long) a secret with an up on every single day: the same history as adaptive stepping", async () => {
        const daily = await simulate({ secret: SECRET_BOUNDARY, upHour: 0, stepping: "daily" });
        logFigures("secret, boundary, daily", daily);
        expect(daily.ups).toBe(DAYS + 1);
        expectSound(daily, "secret", SECRET_BOUNDARY);
        const adaptive = await simulate({ secret: SECRET_BOUNDARY, upHour: 0, stepping: "adaptive" });
        expect(changesOnly(adaptive.history.secret)).toEqual(changesOnly(daily.history.secret));
    }, 900_000);
});
