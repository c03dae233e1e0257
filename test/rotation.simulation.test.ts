/**
 * Two years of `pulumi up`s against a model of the engine's state, to prove that credential rotation never
 * leaves a gateway without a valid credential.
 *
 * Each "up" renders the real program (`runProgram`, so `runStack` and the real components) with the harness
 * clock set to that instant, then applies what the engine would do to a state map (URN → inputs at creation,
 * creation time): a new URN is created; a credential whose replacement trigger, or whose own inputs, changed
 * is replaced — its successor created before it is deleted (Pulumi's default), which the model checks by
 * refusing `deleteBeforeReplace`; an input fed by a resource replaced in the same up counts as changed (the
 * certificate feeds its upload); a URN no longer declared is deleted. Between ups the state stands still, and
 * the invariants are checked every 30 minutes of the two years:
 *
 * - at least one exported credential (one the state holds) is valid;
 * - the newest exported credential has at least `graceDays` left;
 * - a gateway that syncs every hour (at :30) and always takes the newest credential never holds one that is
 *   deleted or expired;
 * - the outputs list exactly the credentials in state, with their expiry dates, and point at the newest;
 * - an up before the announced `nextRotationOn` rotates nothing; the up on that day rotates.
 *
 * Cost and sampling: a render of a gateway-only stack takes ~30 ms with a client secret but ~110 ms with a
 * certificate (the mock tls provider signs every certificate in pure JS on every render), so 731 daily
 * renders per scenario would cost ~80 s each. The client secret is therefore simulated with a render on
 * every single day; the certificate scenarios step adaptively: a render on every day from the day before to
 * the day after each date the previous render's outputs announce (`nextRotationOn`, every slot's expiry),
 * and at most 7 days apart otherwise. On the days skipped nothing is due, so the up would change nothing;
 * the first test proves that claim for the client secret, whose daily and adaptive histories must be equal.
 * The invariants are still checked every 30 minutes of every day, and the pure planner is checked for every
 * day and hour of many more configurations in `rotation.test.ts`.
 *
 * Time of day: a scheduled pipeline rarely runs at 00:00 UTC. A rotating client secret's end date is its
 * generation's start (00:00 UTC of the due day) plus `validityDays`, so an up at 13:00 leaves the previous
 * secret 13 hours less than `validityDays - rotateEveryDays` after its successor appears (certificates are
 * stamped at creation and do not lose those hours). Config validation therefore asks rotated secrets for
 * one spare day (`validityDays ≥ rotateEveryDays + graceDays + 1`): the third scenario pins that an up at
 * 13:00 at that boundary still leaves the full grace period (31 days less 13 hours ≥ 30 days).
 */
import { X509Certificate } from "node:crypto";
import { describe, expect, it } from "vitest";
import { runProgram, type HarnessResource, type RunResult } from "../harness/run";
import { config, RT } from "./helpers";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const START = new Date("2026-01-01T00:00:00Z");
/** Two years of days: 2026-01-01 … 2027-12-31. */
const DAYS = 730;

/** Resource types a rotation may replace; anything else changing with the date is a bug. */
const CREDENTIAL_TYPES = new Set<string>([RT.password, RT.appCert, RT.key, RT.cert]);

type Kind = "secret" | "certificate";

interface StateEntry {
    readonly urn: string;
    readonly type: string;
    readonly name: string;
    /** Inputs as declared when the resource was created. */
    readonly inputs: Record<string, unknown>;
    /** What decides replacement: own inputs (those not fed by another resource), minus ignoreChanges, plus the trigger. */
    readonly key: string;
    readonly createdAt: Date;
}

/** A credential as Entra holds it, read from the state. */
interface Credential {
    readonly kind: Kind;
    readonly urn: string;
    readonly slot: string;
    readonly generation: number;
    readonly createdAt: Date;
    readonly expiresOn: Date;
}

interface UpReport {
    readonly created: string[];
    readonly replaced: string[];
    readonly deleted: string[];
    readonly problems: string[];
}

const sortKeys = (v: unknown): unknown => Array.isArray(v) ? v.map(sortKeys)
    : v && typeof v === "object" ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)).map(([k, x]) => [k, sortKeys(x)])) : v;

/** The part of a resource's registration that decides whether the engine replaces it. */
function replacementKey(r: HarnessResource): string {
    const fed = new Set(Object.entries(r.propertyDependencies).filter(([, urns]) => urns.length > 0).map(([k]) => k));
    const ignored = new Set(r.options.ignoreChanges);
    const own = Object.fromEntries(Object.entries(r.inputs).filter(([k]) => !fed.has(k) && !ignored.has(k)));
    return JSON.stringify(sortKeys({ own, trigger: r.options.replacementTrigger ?? null }));
}

/** What the Pulumi engine does to its state on `pulumi up`, reduced to create / replace / delete. */
class EngineModel {
    readonly state = new Map<string, StateEntry>();

    up(render: RunResult, at: Date): UpReport {
        const report: UpReport = { created: [], replaced: [], deleted: [], problems: [] };
        const declared = render.resources.filter((r) => r.custom);
        const changed = new Set<string>();
        // Dependencies first: an input fed by a resource replaced in this up changes too.
        for (const r of topological(declared)) {
            const old = this.state.get(r.urn);
            const key = replacementKey(r);
            const fedByChanged = Object.entries(r.propertyDependencies).filter(([, urns]) => urns.some((u) => changed.has(u))).map(([k]) => k);
            const entry: StateEntry = { urn: r.urn, type: r.type, name: r.name, inputs: r.inputs, key, createdAt: at };
            if (!old) {
                this.state.set(r.urn, entry);
                changed.add(r.urn);
                report.created.push(r.urn);
            } else if (old.key !== key || fedByChanged.length > 0) {
                if (!CREDENTIAL_TYPES.has(r.type)) {
                    report.problems.push(`${r.name} (${r.type}) changed with the date alone: only credentials may rotate`);
                    continue;
                }
                if (r.options.deleteBeforeReplace) report.problems.push(`${r.name} is deleted before its replacement exists (deleteBeforeReplace)`);
                if (r.options.protect) report.problems.push(`${r.name} is protected: the engine refuses to replace it`);
                this.state.set(r.urn, entry);
                changed.add(r.urn);
                report.replaced.push(r.urn);
            }
        }
        const urns = new Set(declared.map((r) => r.urn));
        for (const urn of [...this.state.keys()].filter((u) => !urns.has(u))) {
            this.state.delete(urn);
            report.deleted.push(urn);
        }
        return report;
    }

    /** The gateway's credentials of one kind, as Entra holds them now. */
    credentials(kind: Kind): Credential[] {
        const entries = [...this.state.values()];
        if (kind === "secret") {
            return entries.filter((e) => e.type === RT.password).map((e) => ({
                kind, urn: e.urn, slot: slotOf(e.name), createdAt: e.createdAt,
                generation: generationOf((e.inputs.rotateWhenChanged as Record<string, string> | undefined)?.generation),
                expiresOn: new Date(String(e.inputs.endDate)),
            }));
        }
        return entries.filter((e) => e.type === RT.appCert).map((upload) => {
            const slot = slotOf(upload.name);
            const cert = entries.find((e) => e.type === RT.cert && slotOf(e.name) === slot);
            const serial = (cert?.inputs.subject as Record<string, string> | undefined)?.serialNumber;
            return {
                kind, urn: upload.urn, slot, createdAt: upload.createdAt,
                generation: generationOf(serial?.replace("generation-", "")),
                expiresOn: new Date(String(upload.inputs.endDate)),
            };
        });
    }
}

const slotOf = (name: string) => /-(a|b)$/.exec(name)?.[1] ?? "single";
const generationOf = (v: string | undefined) => (v === undefined ? -1 : Number(v));
const newestOf = (creds: Credential[]) => creds.reduce<Credential | undefined>((n, c) => (!n || c.generation > n.generation ? c : n), undefined);
const day = (d: Date) => new Date(Math.floor(d.getTime() / DAY) * DAY);
const iso = (d: Date) => d.toISOString().slice(0, 10);

function topological(resources: HarnessResource[]): HarnessResource[] {
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    const done = new Set<string>();
    const out: HarnessResource[] = [];
    const visit = (r: HarnessResource) => {
        if (done.has(r.urn)) return;
        done.add(r.urn);
        for (const dep of [...r.dependencies, ...Object.values(r.propertyDependencies).flat()]) {
            const d = byUrn.get(dep);
            if (d) visit(d);
        }
        out.push(r);
    };
    resources.forEach(visit);
    return out;
}

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
    /** Smallest time the newest exported credential had left, at any moment, in hours. */
    minNewestLeftHours: number;
    /** Smallest number of valid exported credentials at any moment. */
    minValid: number;
    /** Ups the day before a due date, each of which must have rotated nothing. */
    dayBeforeDueUps: number;
}

interface Result {
    readonly renders: number;
    readonly ms: number;
    readonly figures: Partial<Record<Kind, KindFigures>>;
    /** Per day, what the up created and deleted, for comparing two steppings. */
    readonly history: Record<Kind, string[]>;
    readonly problems: string[];
}

function stackConfig(s: Scenario): Record<string, string> {
    return config({
        "azure-native:location": "swedencentral",
        "foundry-entra:gateway": {
            displayName: "sim-gateway",
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
    return {
        slots,
        expiresOn: String(kind === "secret" ? o.expiresOn : o.notAfter),
        thumbprint: o.thumbprint as string | undefined,
        nextRotationOn: new Date(String(o.nextRotationOn)),
    };
}

/**
 * What one up's outputs must say about one kind: exactly the credentials in state, each with its expiry,
 * the newest marked current and exported at the top level; a new certificate uploaded within its own
 * validity and made with a new key.
 */
function checkOutputs(out: ReturnType<typeof renderedOutputs>, kind: Kind, engine: EngineModel, at: Date): string[] {
    const problems: string[] = [];
    const creds = engine.credentials(kind);
    const newest = newestOf(creds)!;
    const createdNow = creds.filter((c) => c.createdAt === at);
    const listed = out.slots.map((x) => `${x.slot}${x.generation}`).sort().join(",");
    const inState = creds.map((c) => `${c.slot}${c.generation}`).sort().join(",");
    if (listed !== inState) problems.push(`${iso(at)}: ${kind} outputs list ${listed} but state holds ${inState}`);
    const current = out.slots.filter((x) => x.current);
    if (current.length !== 1 || current[0]!.slot !== newest.slot || current[0]!.generation !== newest.generation) {
        problems.push(`${iso(at)}: ${kind} outputs point at ${JSON.stringify(current)} instead of the newest ${newest.slot}${newest.generation}`);
    }
    for (const c of creds) {
        const slot = out.slots.find((x) => x.slot === c.slot);
        const rendered = slot?.expiresOn ?? slot?.notAfter;
        // A secret's end date is fixed by its generation; a certificate's notAfter is stamped at creation,
        // so the render (which re-stamps every certificate) only matches the state on the creation day.
        if ((kind === "secret" || c.createdAt === at) && new Date(String(rendered)).getTime() !== c.expiresOn.getTime()) {
            problems.push(`${iso(at)}: ${kind} slot ${c.slot} exported expiry ${rendered} ≠ state ${c.expiresOn.toISOString()}`);
        }
    }
    if ((kind === "secret" || newest.createdAt === at) && new Date(out.expiresOn).getTime() !== newest.expiresOn.getTime()) {
        problems.push(`${iso(at)}: ${kind} top-level expiry ${out.expiresOn} is not the newest's ${newest.expiresOn.toISOString()}`);
    }
    if (kind === "certificate") {
        if (out.thumbprint !== out.slots.find((x) => x.current)?.thumbprint) problems.push(`${iso(at)}: certificate thumbprint is not the current slot's`);
        for (const c of createdNow) {
            const upload = engine.state.get(c.urn)!;
            const notAfter = new Date(new X509Certificate(String(upload.inputs.value)).validTo);
            if (c.expiresOn > notAfter) problems.push(`${iso(at)}: certificate upload ends after the certificate's notAfter`);
            // A new certificate comes with a new key, not the old generation's key re-signed.
            const key = [...engine.state.values()].find((e) => e.type === RT.key && slotOf(e.name) === c.slot);
            if (key?.createdAt !== at) problems.push(`${iso(at)}: certificate ${c.slot}${c.generation} reuses the key of an earlier generation`);
        }
    }
    return problems;
}

async function simulate(s: Scenario): Promise<Result> {
    const t0 = Date.now();
    const cfg = stackConfig(s);
    const kinds = (["secret", "certificate"] as const).filter((k) => s[k]);
    const engine = new EngineModel();
    const problems: string[] = [];
    const history: Record<Kind, string[]> = { secret: [], certificate: [] };
    const figures: Partial<Record<Kind, KindFigures>> = Object.fromEntries(kinds.map((k) => [k, {
        rotations: 0, minOverlapHours: Infinity, minNewestLeftHours: Infinity, minValid: Infinity, dayBeforeDueUps: 0,
    }]));
    const held: Partial<Record<Kind, Credential>> = {};
    const nextDue: Partial<Record<Kind, Date>> = {};
    const end = new Date(START.getTime() + DAYS * DAY);
    let renders = 0;

    for (let d = START; d <= end;) {
        const at = new Date(d.getTime() + s.upHour * HOUR);
        const render = await runProgram({ config: cfg, stack: "sim", now: at });
        renders++;
        const before = Object.fromEntries(kinds.map((k) => [k, newestOf(engine.credentials(k))]));
        const report = engine.up(render, at);
        problems.push(...report.problems.map((p) => `${iso(at)}: ${p}`));
        const candidates: Date[] = [];

        for (const kind of kinds) {
            const f = figures[kind]!;
            const creds = engine.credentials(kind);
            const newest = newestOf(creds)!;
            const prior = before[kind];
            const createdNow = creds.filter((c) => c.createdAt === at);
            history[kind].push(`${iso(at)} +${createdNow.map((c) => `${c.slot}${c.generation}`).sort().join(",")} ` +
                `-${report.deleted.concat(report.replaced).filter((u) => u.includes(kind === "secret" ? "password" : "upload")).length}`);
            // Rotation happens exactly when announced: not the day before, and on the day itself.
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
            if (prior && !engine.state.has(prior.urn)) problems.push(`${iso(at)}: ${kind} newest credential ${prior.slot}${prior.generation} deleted at once`);
            if (prior && createdNow.some((c) => c.urn === prior.urn)) problems.push(`${iso(at)}: ${kind} slot ${prior.slot} holding the newest credential was replaced`);

            const out = renderedOutputs(render, kind);
            problems.push(...checkOutputs(out, kind, engine, at));
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
        for (let t = at.getTime(); t <= Math.min(nextAt.getTime(), end.getTime() + DAY); t += HOUR / 2) {
            const now = new Date(t);
            for (const kind of kinds) {
                const f = figures[kind]!;
                const creds = engine.credentials(kind);
                const valid = creds.filter((c) => c.expiresOn > now && c.createdAt <= now);
                f.minValid = Math.min(f.minValid, valid.length);
                const newest = newestOf(creds)!;
                f.minNewestLeftHours = Math.min(f.minNewestLeftHours, (newest.expiresOn.getTime() - t) / HOUR);
                const h = held[kind];
                if (h && (!engine.state.has(h.urn) || engine.state.get(h.urn)!.createdAt.getTime() !== h.createdAt.getTime())) {
                    problems.push(`${now.toISOString()}: a gateway holds ${kind} ${h.slot}${h.generation}, which no longer exists`);
                }
                if (h && h.expiresOn <= now) problems.push(`${now.toISOString()}: a gateway holds ${kind} ${h.slot}${h.generation}, expired ${h.expiresOn.toISOString()}`);
                if (new Date(t).getUTCMinutes() === 30) held[kind] = newest;
            }
        }
        d = next;
    }
    return { renders, ms: Date.now() - t0, figures, history, problems };
}

const logFigures = (name: string, r: Result) => console.log(`${name}: ${r.renders} renders in ${(r.ms / 1000).toFixed(1)} s; ` +
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
    // Two years hold floor(730 / period) or one more due dates; each up the day before one rotated nothing.
    expect(f.rotations).toBeGreaterThanOrEqual(Math.floor(DAYS / c.rotateEveryDays));
    expect(f.dayBeforeDueUps).toBe(f.rotations);
}

/** Hundreds of renders per test: allow for a loaded machine (this is a time limit, not a timed assertion). */
const LONG = 300_000;

describe("two years of daily pulumi up", () => {
    it("boundary config, ups at 00:00 UTC: a secret rendered every day, and adaptive stepping loses nothing", async () => {
        const daily = await simulate({ secret: SECRET_BOUNDARY, upHour: 0, stepping: "daily" });
        logFigures("secret, boundary, daily", daily);
        expect(daily.renders).toBe(DAYS + 1);
        expectSound(daily, "secret", SECRET_BOUNDARY);
        // At the boundary the newest secret has exactly graceDays plus the spare day left when its successor is due.
        expect(daily.figures.secret!.minNewestLeftHours).toBe((SECRET_BOUNDARY.graceDays + 1) * 24);

        const both = await simulate({ secret: SECRET_BOUNDARY, certificate: CERT_BOUNDARY, upHour: 0, stepping: "adaptive" });
        logFigures("secret + certificate, boundary, adaptive", both);
        expect(both.renders).toBeLessThan(DAYS / 2);
        expectSound(both, "secret", SECRET_BOUNDARY);
        expectSound(both, "certificate", CERT_BOUNDARY);
        expect(both.figures.certificate!.minNewestLeftHours).toBe(CERT_BOUNDARY.graceDays * 24);
        // The days adaptive stepping skips are days on which the daily up changed nothing.
        const changes = (h: string[]) => h.filter((line) => !line.endsWith(" + -0"));
        expect(changes(both.history.secret)).toEqual(changes(daily.history.secret));
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
        // The certificate is stamped when created, so it keeps the whole grace period.
        expectSound(r, "certificate", CERT_BOUNDARY);
    }, LONG);
});
