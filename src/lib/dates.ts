/**
 * The one date parser of every tool, the program's clock (`FOUNDRY_ENTRA_NOW`) and the dates read from stack
 * outputs: ISO 8601 in its RFC 3339 profile, with real calendar checks (2026-02-30 is refused, not read as
 * March 2). `new Date(text)` is never the judge: it reads "1" as 2001 and "June 5" or "01/02/2027" as dates.
 *
 * Accepted: a calendar date (`2026-05-01`, midnight UTC) or a date and time with `Z` or an offset
 * (`2026-05-01T00:00:00Z`, `2026-05-01T02:00:00.5+02:00`). A time without an offset is refused: whose midnight
 * it means depends on the machine. Parsing and the calendar checks are Temporal's (temporal-polyfill): the
 * standard API that supersedes Date, strict about both.
 */
import { Temporal } from "temporal-polyfill";
import { excerpt } from "./excerpt";

/** What every date message suggests. */
export const DATE_EXAMPLE = "expected ISO 8601, e.g. 2026-05-01 or 2026-05-01T00:00:00Z";

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d{1,9})?)?(?<offset>[Zz]|[+-]\d{2}(?::?\d{2})?)?$/;

/** A date that parsed, or why the text is not one. */
export type DateParse = { readonly ok: true; readonly date: Date } | { readonly ok: false; readonly reason: string };

/** Why Temporal refused a text whose shape is right: its range message (e.g. "Invalid day: 30; …"), made plain. */
function calendarReason(err: unknown): string {
    const message = err instanceof Error ? err.message : String(err);
    const range = /^Invalid (\w+): (-?\d+); must be between (-?\d+)-(-?\d+)/.exec(message);
    return range ? `there is no ${range[1]} ${range[2]} there (${range[3]}-${range[4]})` : "it is not a calendar date";
}

/** Parses a date strictly; never throws. */
export function parseDate(text: string): DateParse {
    if (DATE_ONLY.test(text)) {
        try {
            // Midnight UTC (Date.UTC would read the years 0-99 as 1900-1999).
            return { ok: true, date: new Date(Temporal.PlainDate.from(text).toZonedDateTime("UTC").epochMilliseconds) };
        } catch (err) {
            return { ok: false, reason: calendarReason(err) };
        }
    }
    const m = DATE_TIME.exec(text);
    if (!m) return { ok: false, reason: "not an ISO 8601 date" };
    if (!m.groups?.offset) return { ok: false, reason: "a time without Z or an offset (+02:00) names no instant" };
    try {
        return { ok: true, date: new Date(Temporal.Instant.from(text).epochMilliseconds) };
    } catch (err) {
        return { ok: false, reason: calendarReason(err) };
    }
}

/** The message for text that is not a date: a short excerpt of it, why, and an example. */
export function notADate(text: string, reason: string): string {
    return `${excerpt(text)} is not a date (${reason}); ${DATE_EXAMPLE}`;
}

/** A date, or an Error whose message says why not (for callers that turn it into their own error type). */
export function requireDate(text: string, make: (message: string) => Error = (m) => new Error(m)): Date {
    const parsed = parseDate(text);
    if (!parsed.ok) throw make(notADate(text, parsed.reason));
    return parsed.date;
}

/** The environment variable every tool and the program take their clock from. */
export const NOW_VARIABLE = "FOUNDRY_ENTRA_NOW";

/**
 * FOUNDRY_ENTRA_NOW as a date, undefined when unset or empty; refused (`make`'s error) when set to anything
 * else than a date, never ignored.
 */
export function nowFromEnvironment(env: NodeJS.ProcessEnv, make: (message: string) => Error = (m) => new Error(m)): Date | undefined {
    const raw = env[NOW_VARIABLE];
    if (raw === undefined || raw === "") return undefined;
    return requireDate(raw, (m) => make(`${NOW_VARIABLE}: ${m}`));
}
