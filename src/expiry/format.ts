/** Renders an expiry report as text lines for a pipeline log, or as JSON. */
import { excerpt } from "../lib/excerpt";
import { day, type CredentialExpiry, type ExpiryReport } from "./check";

const TAG: Record<CredentialExpiry["status"], string> = { ok: "ok      ", expiring: "EXPIRING", expired: "EXPIRED ", retiring: "retiring", unmanaged: "external" };

function left(c: CredentialExpiry): string {
    const days = Math.floor(Math.abs(c.daysLeft));
    if (c.daysLeft <= 0) return `${days === 0 ? "today" : `${days} day${days === 1 ? "" : "s"} ago`}`;
    return `${days} day${days === 1 ? "" : "s"} left`;
}

function line(c: CredentialExpiry): string {
    const which = c.status === "unmanaged" ? `, not managed here (${c.kind === "certificate" ? "certificate" : "client secret"}${c.displayName ? ` ${excerpt(c.displayName)}` : ""})`
        : c.slot === "single" ? "" : ` slot ${c.slot} (generation ${c.generation ?? "-"})`;
    const name = `${c.path}${which}${c.current ? ", current" : ""}${c.thumbprint ? `, thumbprint ${c.thumbprint}` : ""}`;
    const verb = c.daysLeft <= 0 ? "expired" : "expires";
    const rotation = c.nextRotationOn ? `; next rotation ${day(c.nextRotationOn)}` : "";
    return `${TAG[c.status]} ${name}: ${verb} ${day(c.expiresOn)} (${left(c)})${rotation}`;
}

/** One line per credential, its fix indented below it, then notes and a summary line. */
export function formatText(report: ExpiryReport): string {
    const lines: string[] = [];
    for (const c of report.credentials) {
        lines.push(line(c));
        if (c.fix) lines.push(`         fix: ${c.fix}`);
    }
    for (const n of report.notes) lines.push(`note: ${n}`);
    const n = report.failing.length;
    lines.push(n === 0
        ? `ok: no current credential expires within ${report.withinDays} days (as of ${day(report.now)})`
        : `FAIL: ${n} current credential${n === 1 ? "" : "s"} expire${n === 1 ? "s" : ""} within ${report.withinDays} days (as of ${day(report.now)})`);
    return `${lines.join("\n")}\n`;
}

/** The report as JSON: dates as ISO strings, `ok` false when the check fails. */
export function formatJson(report: ExpiryReport): string {
    return `${JSON.stringify({
        ok: report.failing.length === 0,
        now: report.now.toISOString(),
        withinDays: report.withinDays,
        credentials: report.credentials.map((c) => ({
            ...c,
            expiresOn: c.expiresOn.toISOString(),
            daysLeft: Math.round(c.daysLeft * 100) / 100,
            ...(c.nextRotationOn ? { nextRotationOn: c.nextRotationOn.toISOString() } : {}),
        })),
        notes: report.notes,
    }, null, 2)}\n`;
}
