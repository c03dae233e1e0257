/**
 * Runs a service call under the RBAC wait: retried with backoff while it answers with an RBAC denial, up to
 * the shared `--wait` budget, reporting progress; the result says how many attempts and how long it waited.
 */
import type { Check } from "./checklist";
import type { Classified } from "./azureOpenAi";
import { retryWithBackoff, type BackoffPolicy, type Clock, type WaitBudget } from "./retry";

/** The shared RBAC wait of a verify run. */
export interface WaitContext {
    readonly budget: WaitBudget;
    readonly policy: BackoffPolicy;
    readonly clock: Clock;
    readonly progress: (line: string) => void;
}

const secs = (ms: number) => Math.round(ms / 1000);

/** Calls until the answer is not an RBAC denial or the wait is used up; the check records attempts and time waited. */
export async function callWithRbacWait(id: string, label: string, call: () => Promise<Classified>, ctx: WaitContext): Promise<Check> {
    const outcome = await retryWithBackoff<Classified>(async () => {
        const r = await call();
        return r.outcome === "retry" ? { done: false, reason: r.reason, value: r } : { done: true, value: r };
    }, {
        policy: ctx.policy, budget: ctx.budget, clock: ctx.clock,
        onWait: (p) => ctx.progress(`  … ${label}: waiting for RBAC to propagate… ${secs(p.waitedMs)} s of ${p.budgetMs / 1000} s (attempt ${p.attempt}: ${p.reason}; next try in ${secs(p.delayMs)} s)`),
    });
    const r = outcome.value;
    const data = { attempts: outcome.attempts, waitedMs: outcome.waitedMs, waitedSeconds: Math.round(outcome.waitedMs / 100) / 10 };
    const waited = outcome.attempts > 1 ? ` (after ${outcome.attempts} attempts, ${data.waitedSeconds} s waiting for RBAC)` : "";
    if (r.outcome === "pass") return { id, status: "pass", title: `${r.title}${waited}`, data };
    if (r.outcome === "retry") {
        return { id, status: "fail", title: `${label}: RBAC has not propagated after ${data.waitedSeconds} s of --wait ${ctx.budget.totalMs / 1000} s (${outcome.attempts} attempts; last: ${r.title})`, cause: r.cause, fix: r.fix, data: { ...data, reason: r.reason } };
    }
    return { id, status: r.outcome, title: `${r.title}${waited}`, cause: r.cause, fix: r.fix, data: { ...data, ...(r.reason ? { reason: r.reason } : {}) } };
}
