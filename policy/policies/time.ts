/**
 * Credential lifetimes from the azuread provider's inputs: `startDate`/`endDate` (RFC 3339) or the
 * deprecated `endDateRelative` (a Go duration such as `17520h` or `2400h30m`).
 */
import { DAY_MS } from "./constants";
import { nonEmptyString, show, type Props } from "./guards";

/** Milliseconds of a Go duration (`h`, `m`, `s`, `ms`, `us`, `ns` units, e.g. `2400h30m`); undefined if malformed. */
export function parseGoDuration(text: string): number | undefined {
    const units: Readonly<Record<string, number>> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1, us: 1e-3, "µs": 1e-3, ns: 1e-6 };
    const s = text.trim();
    if (!/^(\d+(\.\d+)?(h|ms|us|µs|ns|m|s))+$/.test(s)) return undefined;
    let total = 0;
    for (const m of s.matchAll(/(\d+(?:\.\d+)?)(h|ms|us|µs|ns|m|s)/g)) total += Number(m[1]) * (units[m[2] ?? ""] ?? Number.NaN);
    return Number.isFinite(total) ? total : undefined;
}

/** A date in RFC 3339 form (what the azuread provider accepts); undefined otherwise. */
export function parseRfc3339(text: string): Date | undefined {
    if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i.test(text.trim())) return undefined;
    const d = new Date(text.trim());
    return Number.isNaN(d.getTime()) ? undefined : d;
}

/** A credential's lifetime, or why it cannot be measured. */
export type Lifetime =
    | { readonly ok: true; readonly ms: number; readonly from: string; readonly to: string }
    | { readonly ok: false; readonly problem: string };

/**
 * How long a credential declared by these inputs is valid: from `startDate` when set, otherwise from `now`
 * (the time the policy runs, which is just after the program computed `endDate`), to `endDate`, or for
 * `endDateRelative` its duration.
 */
export function credentialLifetime(props: Props, now: Date): Lifetime {
    const relative = props.endDateRelative;
    if (relative !== undefined && relative !== null) {
        const ms = typeof relative === "string" ? parseGoDuration(relative) : undefined;
        return ms === undefined
            ? { ok: false, problem: `endDateRelative ${show(relative)} is not a duration such as "17520h"` }
            : { ok: true, ms, from: "creation", to: `endDateRelative ${relative}` };
    }
    const endRaw = props.endDate;
    if (!nonEmptyString(endRaw)) return { ok: false, problem: "sets no endDate, so its lifetime is left to the provider and Entra" };
    const end = parseRfc3339(endRaw);
    if (!end) return { ok: false, problem: `endDate ${show(endRaw)} is not an RFC 3339 date` };
    const startRaw = props.startDate;
    if (nonEmptyString(startRaw)) {
        const start = parseRfc3339(startRaw);
        if (!start) return { ok: false, problem: `startDate ${show(startRaw)} is not an RFC 3339 date` };
        return { ok: true, ms: end.getTime() - start.getTime(), from: `startDate ${startRaw}`, to: `endDate ${endRaw}` };
    }
    return { ok: true, ms: end.getTime() - now.getTime(), from: `now (${now.toISOString()})`, to: `endDate ${endRaw}` };
}

/** Milliseconds as days, with one decimal when not whole. */
export function days(ms: number): string {
    const d = ms / DAY_MS;
    return Number.isInteger(d) ? String(d) : d.toFixed(1);
}
