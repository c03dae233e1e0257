/**
 * Credential rotation with overlap, as a pure function of the date.
 *
 * Time is cut into generations of `everyDays` days counted from a fixed anchor. Generation g lives in
 * slot "a" when g is even and slot "b" when odd, so a new generation replaces the credential of the
 * generation before last and leaves the previous one alone. The previous credential therefore stays valid
 * for `validityDays - everyDays` days (at least `graceDays`, which config validation enforces) after its
 * successor's due date. The successor exists from the first `pulumi up` on or after that date, so the
 * overlap shrinks by however late that up runs: by its time of day for a daily pipeline (a client secret's
 * end date counts from 00:00 UTC of its due day; a certificate's from its creation, so it keeps the full
 * overlap when ups run at the same time each day). See docs/production.md and test/rotation.simulation.test.ts.
 * Because the plan depends only on the UTC day, a render or preview on the same day always declares the same
 * credentials, and `pulumi up` replaces a credential exactly when its slot's generation changes.
 */
import type { RotationConfig } from "../config/types";

const DAY_MS = 24 * 60 * 60 * 1000;

/** Generations are counted from this date (UTC midnight). Changing it would rotate every stack at once. */
export const ROTATION_ANCHOR = new Date("2024-01-01T00:00:00Z");

export type SlotName = "a" | "b";

export interface SlotPlan {
    readonly slot: SlotName;
    readonly generation: number;
    /**
     * The credential's own name suffix, from its start day (`20260629`). Each generation is its own resource, so a
     * config change (key size, subject, validity) reaches only generations created after it: the ones that exist
     * keep what they were created with (the components put those settings in `ignoreChanges`).
     */
    readonly key: string;
    /**
     * The slot name this generation had before generations were named by day (`a` or `b`), for an alias that
     * carries existing credentials over; absent for generations that could never have had one (after a renewal).
     */
    readonly legacySlot?: SlotName;
    /** Start of the generation (UTC midnight): the earliest the credential is created. */
    readonly startsOn: Date;
    /** Planned end of validity: start of the generation plus the validity period. */
    readonly expiresOn: Date;
    /** True for the newest credential, the one outputs point at. */
    readonly current: boolean;
}

export interface RotationPlan {
    readonly current: SlotPlan;
    /** The previous generation's credential, while it is still valid at `now`. */
    readonly previous?: SlotPlan;
    /** When the next generation starts: the first `pulumi up` on or after this date rotates. */
    readonly nextRotationOn: Date;
}

/** Midnight UTC of a date's day. */
export function utcDay(d: Date): Date {
    return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
}

/**
 * A date as Microsoft Graph stores and returns a credential's `endDateTime`: RFC 3339 in UTC, whole seconds, no
 * fractional part (`2026-12-16T00:00:00Z`). terraform-provider-azuread v3.8.0 marks `end_date` ForceNew and its read
 * stores Graph's string as is (internal/services/applications/application_password_resource.go,
 * applicationPasswordResourceRead: `tf.Set(d, "end_date", credential.EndDateTime.GetOrZero())`), so an input in any
 * other form (`…T00:00:00.000Z`, JavaScript's toISOString) differs from state on every run and replaces the secret.
 */
export function graphDateTime(d: Date): string {
    return new Date(Math.floor(d.getTime() / 1000) * 1000).toISOString().replace(/\.000Z$/, "Z");
}

/** `YYYYMMDD` of a date's UTC day: the name suffix of a credential generation. */
export function dayKey(d: Date): string {
    return d.toISOString().slice(0, 10).replace(/-/g, "");
}

/** The instant `days` whole days after `d`. */
export function addDays(d: Date, days: number): Date {
    return new Date(d.getTime() + days * DAY_MS);
}

/**
 * The generations' start days up to `day`: every `everyDays` from the anchor, and, after an explicit renewal on
 * `renewOn`, every `everyDays` from that day instead. Generation numbers keep counting across the renewal.
 */
function startsUpTo(day: Date, rotation: RotationConfig, anchor: Date): { start: Date; scheduled: boolean }[] {
    const every = rotation.everyDays * DAY_MS;
    const renewOn = rotation.renewOn ? utcDay(rotation.renewOn).getTime() : undefined;
    const starts: { start: Date; scheduled: boolean }[] = [];
    const end = day.getTime();
    for (let t = anchor.getTime(); t <= end && (renewOn === undefined || t < renewOn); t += every) starts.push({ start: new Date(t), scheduled: true });
    if (renewOn !== undefined && renewOn <= end) {
        for (let t = renewOn; t <= end; t += every) starts.push({ start: new Date(t), scheduled: false });
    }
    return starts;
}

/** The day the generation after the one starting on `start` begins. */
function nextStart(start: Date, rotation: RotationConfig): Date {
    const renewOn = rotation.renewOn ? utcDay(rotation.renewOn) : undefined;
    const next = addDays(start, rotation.everyDays);
    return renewOn && start < renewOn && renewOn < next ? renewOn : next;
}

/**
 * The credentials to declare at `now`: the current generation's, and the previous one's while it is valid.
 * @param anchor where generation 0 starts. @default ROTATION_ANCHOR
 */
export function planRotation(now: Date, rotation: RotationConfig, validityDays: number, anchor: Date = ROTATION_ANCHOR): RotationPlan {
    const day = utcDay(now);
    // Before the anchor (only in tests with old clocks) generation 0 is current.
    const starts = startsUpTo(day < anchor ? anchor : day, rotation, anchor);
    const slotPlan = (i: number, current: boolean): SlotPlan => {
        const { start, scheduled } = starts[i]!;
        return {
            slot: i % 2 === 0 ? "a" : "b", generation: i, key: dayKey(start),
            ...(scheduled ? { legacySlot: i % 2 === 0 ? "a" as const : "b" as const } : {}),
            startsOn: start, expiresOn: addDays(start, validityDays), current,
        };
    };
    const last = starts.length - 1;
    const current = slotPlan(last, true);
    const previous = last > 0 ? slotPlan(last - 1, false) : undefined;
    return {
        current,
        // An already-expired credential is not declared: Entra would refuse it and it serves nobody.
        ...(previous && previous.expiresOn.getTime() > now.getTime() ? { previous } : {}),
        nextRotationOn: nextStart(current.startsOn, rotation),
    };
}

/**
 * The latest scheduled rotation day strictly before `renewOn`, against which config validation checks that an
 * explicit renewal leaves the previous credential its grace period.
 */
export function scheduledStartBefore(renewOn: Date, everyDays: number, anchor: Date = ROTATION_ANCHOR): Date {
    const days = Math.floor((utcDay(renewOn).getTime() - anchor.getTime() - 1) / DAY_MS / everyDays);
    return addDays(anchor, Math.max(0, days) * everyDays);
}
