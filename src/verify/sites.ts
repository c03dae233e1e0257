/**
 * Foundry Local on a fleet (`foundryLocal.sites` in the outputs): every site is checked like a single endpoint —
 * `/v1/models` without a token, then one authenticated call per credential with the token that credential got for
 * the fleet's one API — a bounded number of sites at a time, and summed up in a table: which sites answer, which
 * refuse and why.
 */
import { CLUSTER_NAME } from "../config/azureNames";
import { plainName } from "../lib/excerpt";
import { toCheck, type Check, type CheckGroup } from "./checklist";
import type { FoundryLocalToken } from "./credentialChecks";
import type { CredentialKind } from "./credentials";
import { callFoundryLocal, listModels, PROBE_MODEL } from "./foundryLocal";
import type { StackOutputs } from "./outputs";
import { callWithRbacWait, type WaitContext } from "./waiting";

/** Sites checked at once unless `--concurrency` says otherwise. */
export const DEFAULT_SITE_CONCURRENCY = 8;

/** A site of the fleet, as the outputs name it. */
export interface SiteRef {
    readonly name: string;
    readonly endpoint: string;
}

/**
 * A site's name as a message shows it: as is when it is a name Azure allows for a connected cluster (dots included,
 * src/config/azureNames.ts), else a short excerpt on one line. The name is a key of the outputs file (or a --site
 * value), any text: printed whole it could forge a line of the checklist.
 */
export const siteName = (name: string): string => (CLUSTER_NAME.test(name) ? name : plainName(name, 64));

/** How a site did: `answers` (every check passed), `refuses` (it answered with an error), `unreachable`. */
export type SiteStatus = "answers" | "refuses" | "unreachable";

export interface SiteResult {
    readonly site: SiteRef;
    readonly status: SiteStatus;
    /** Why it did not answer, e.g. "403 insufficient_permissions (certificate)"; absent when it answers. */
    readonly reason?: string;
    /** Its checks: `/v1/models`, then the call with each credential's token. */
    readonly group: CheckGroup;
}

/** The fleet's sites from the outputs, in output order, or undefined when the outputs describe one cluster. */
export function fleetSites(outputs: StackOutputs): SiteRef[] | undefined {
    const sites = outputs.foundryLocal?.sites;
    return sites ? Object.entries(sites).map(([name, s]) => ({ name, endpoint: s.endpoint })) : undefined;
}

/**
 * Runs `task` on every item with at most `limit` running at once; results in the items' order. A task that throws
 * stops nothing else: its rejection is returned when every other task has settled.
 */
export async function mapBounded<T, R>(items: readonly T[], limit: number, task: (item: T, index: number) => Promise<R>): Promise<R[]> {
    const results = new Array<R>(items.length);
    let next = 0;
    const worker = async (): Promise<void> => {
        for (let i = next++; i < items.length; i = next++) results[i] = await task(items[i]!, i);
    };
    const settled = await Promise.allSettled(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
    const failed = settled.find((s): s is PromiseRejectedResult => s.status === "rejected");
    if (failed) throw failed.reason;
    return results;
}

export interface SiteCheckOptions {
    /** The token each credential got for the fleet's API (a credential that got none is left out). */
    readonly tokens: ReadonlyMap<CredentialKind, FoundryLocalToken>;
    /** Sites checked at once. */
    readonly concurrency: number;
    readonly wait: WaitContext;
}

/** Checks every site, `concurrency` at a time, reporting progress about every tenth of the fleet. */
export async function verifySites(sites: readonly SiteRef[], o: SiteCheckOptions): Promise<SiteResult[]> {
    const every = Math.max(1, Math.ceil(sites.length / 10));
    let done = 0;
    o.wait.progress(`checking ${sites.length} Foundry Local site${sites.length === 1 ? "" : "s"}, ${Math.min(o.concurrency, sites.length)} at a time…`);
    return mapBounded(sites, o.concurrency, async (site) => {
        const result = await verifySite(site, o);
        done++;
        if (done % every === 0 || done === sites.length) o.wait.progress(`  … ${done} of ${sites.length} sites checked`);
        return result;
    });
}

async function verifySite(site: SiteRef, o: SiteCheckOptions): Promise<SiteResult> {
    const id = `foundryLocal.${site.name}`;
    const listed = await listModels(site.endpoint);
    const models = toCheck(`${id}.models`, listed.result);
    const checks: Check[] = [models];
    const group = (): CheckGroup => ({ title: `Foundry Local site ${siteName(site.name)} (${site.endpoint})`, checks });
    if (listed.result.outcome === "fail" && listed.result.reason?.startsWith("unreachable")) {
        return { site, status: "unreachable", reason: listed.result.reason, group: group() };
    }
    const model = listed.models[0] ?? PROBE_MODEL;
    for (const [kind, token] of o.tokens) {
        const label = `${siteName(site.name)} (${kind})`;
        const check = await callWithRbacWait(`${kind}.${id}.call`, label, () => callFoundryLocal(site.endpoint, token.raw, model, token.findings), o.wait);
        // The group names the site; each call's line says which credential's token it carried.
        checks.push(check.title.startsWith(label) ? check : { ...check, title: `${kind}: ${check.title}` });
    }
    const failed = checks.filter((c) => c.status === "fail");
    if (failed.length === 0) return { site, status: "answers", group: group() };
    const reasons = new Map<string, string[]>();
    for (const c of failed) {
        const reason = typeof c.data?.reason === "string" ? c.data.reason : c.title;
        reasons.set(reason, [...(reasons.get(reason) ?? []), c.id === models.id ? "/v1/models" : c.id.slice(0, c.id.indexOf("."))]);
    }
    const reason = [...reasons].map(([r, where]) => `${r} (${where.join(", ")})`).join("; ");
    return { site, status: reason.startsWith("unreachable") ? "unreachable" : "refuses", reason, group: group() };
}

const STATUS_WORDS: Readonly<Record<SiteStatus, string>> = { answers: "answer", refuses: "refuse", unreachable: "unreachable" };

/** "2 of 4 sites answer; 1 refuses; 1 unreachable". */
export function sitesHeadline(results: readonly SiteResult[]): string {
    const n = (s: SiteStatus) => results.filter((r) => r.status === s).length;
    const parts = [`${n("answers")} of ${results.length} site${results.length === 1 ? "" : "s"} answer`];
    if (n("refuses")) parts.push(`${n("refuses")} refuse${n("refuses") === 1 ? "s" : ""}`);
    if (n("unreachable")) parts.push(`${n("unreachable")} unreachable`);
    return parts.join("; ");
}

/** The table a person reads: one line per site with its status, then why it does not answer. */
export function renderSitesTable(results: readonly SiteResult[]): string {
    const rows = results.map((r) => [siteName(r.site.name), r.status === "answers" ? "✓ answers" : `✗ ${STATUS_WORDS[r.status]}`, r.reason ?? ""]);
    const head = ["site", "status", "why"];
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
    const line = (cells: readonly string[]) => `  ${cells.map((c, i) => c.padEnd(widths[i]!)).join("  ")}`.trimEnd();
    return [`Foundry Local sites: ${sitesHeadline(results)}`, line(head), ...rows.map(line), ""].join("\n");
}

/** The per-site summary `--json` adds: name, endpoint, status and why. */
export function sitesJson(results: readonly SiteResult[]): Record<string, unknown>[] {
    return results.map((r) => ({ name: r.site.name, endpoint: r.site.endpoint, status: r.status, ...(r.reason ? { reason: r.reason } : {}) }));
}
