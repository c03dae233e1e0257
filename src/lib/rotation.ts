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

/** The instant `days` whole days after `d`. */
export function addDays(d: Date, days: number): Date {
    return new Date(d.getTime() + days * DAY_MS);
}

/**
 * The credentials to declare at `now`: the current generation's, and the previous one's while it is valid.
 * @param anchor where generation 0 starts. @default ROTATION_ANCHOR
 */
export function planRotation(now: Date, rotation: RotationConfig, validityDays: number, anchor: Date = ROTATION_ANCHOR): RotationPlan {
    const day = utcDay(now);
    const generation = Math.max(0, Math.floor((day.getTime() - anchor.getTime()) / DAY_MS / rotation.everyDays));
    const slotPlan = (g: number, current: boolean): SlotPlan => {
        const startsOn = addDays(anchor, g * rotation.everyDays);
        return { slot: g % 2 === 0 ? "a" : "b", generation: g, startsOn, expiresOn: addDays(startsOn, validityDays), current };
    };
    const current = slotPlan(generation, true);
    const previous = generation > 0 ? slotPlan(generation - 1, false) : undefined;
    return {
        current,
        // An already-expired credential is not declared: Entra would refuse it and it serves nobody.
        ...(previous && previous.expiresOn.getTime() > now.getTime() ? { previous } : {}),
        nextRotationOn: addDays(anchor, (generation + 1) * rotation.everyDays),
    };
}
