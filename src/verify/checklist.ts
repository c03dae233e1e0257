/**
 * The checklist both commands print: groups of findings, as lines a person reads (✓ ✗ ! ·, each failure with
 * its cause and fix) or as JSON for pipelines.
 */
import type { Finding, FindingStatus } from "../token/finding";
import type { Classified } from "./azureOpenAi";

export interface Check extends Finding {
    /** Stable id for scripts, e.g. `certificate.account.aoai-dev-swc`. */
    readonly id: string;
    /** Facts a pipeline may want (attempts, waited seconds, token claims…). */
    readonly data?: Readonly<Record<string, unknown>>;
}

/** A titled part of the checklist (one credential, one service). */
export interface CheckGroup {
    readonly title: string;
    readonly checks: readonly Check[];
}

/** Counts over the whole checklist; `ok` when nothing failed. */
export interface Summary {
    readonly ok: boolean;
    readonly passed: number;
    readonly failed: number;
    readonly warnings: number;
}

const SYMBOL: Readonly<Record<FindingStatus, string>> = { pass: "✓", fail: "✗", warn: "!", info: "·" };

/** Turns findings into checks with ids `<prefix>.<n>`. */
export function asChecks(prefix: string, findings: readonly Finding[]): Check[] {
    return findings.map((f, i) => ({ ...f, id: `${prefix}.${i + 1}` }));
}

/** A check from what one call told us; `retry` left over (the wait ran out) is a failure; `data.reason` says why in a few words. */
export function toCheck(id: string, c: Classified): Check {
    if (c.outcome === "pass") return { id, status: "pass", title: c.title };
    return { id, status: c.outcome === "retry" ? "fail" : c.outcome, title: c.title, cause: c.cause, fix: c.fix, ...(c.reason ? { data: { reason: c.reason } } : {}) };
}

/** Counts passed, failed and warning checks. */
export function summarize(groups: readonly CheckGroup[]): Summary {
    const all = groups.flatMap((g) => g.checks);
    const count = (s: FindingStatus) => all.filter((c) => c.status === s).length;
    return { ok: count("fail") === 0, passed: count("pass"), failed: count("fail"), warnings: count("warn") };
}

/** The human-readable checklist. */
export function renderChecklist(groups: readonly CheckGroup[]): string {
    const lines: string[] = [];
    for (const group of groups) {
        if (group.checks.length === 0) continue;
        lines.push(group.title);
        for (const check of group.checks) {
            lines.push(`  ${SYMBOL[check.status]} ${check.title}`);
            if (check.status === "fail" || check.status === "warn") {
                if (check.cause) lines.push(`      cause: ${check.cause}`);
                if (check.fix) lines.push(`      fix:   ${check.fix}`);
            }
        }
        lines.push("");
    }
    return lines.join("\n");
}

/** One line: "✓ all 14 checks passed" or "✗ 2 failed, 1 warning, 11 passed". */
export function renderSummary(s: Summary): string {
    const warnings = s.warnings ? `, ${s.warnings} warning${s.warnings === 1 ? "" : "s"}` : "";
    return s.ok ? `✓ all ${s.passed} checks passed${warnings}` : `✗ ${s.failed} failed${warnings}, ${s.passed} passed`;
}

/** The JSON document `--json` prints. */
export function checklistJson(groups: readonly CheckGroup[], extra: Record<string, unknown> = {}): Record<string, unknown> {
    return { ...summarize(groups), ...extra, groups };
}
