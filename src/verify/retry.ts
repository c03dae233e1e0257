/**
 * Retry with exponential backoff and jitter, bounded by a time budget: how verify waits for Azure role
 * assignments to propagate. Clock, sleep and randomness are injected, so tests count attempts instead of
 * timing them.
 */

export interface Clock {
    /** Milliseconds, monotonic enough for measuring waits. */
    now(): number;
    sleep(ms: number): Promise<void>;
    /** A number in [0, 1). */
    random(): number;
}

/** The wall clock, real sleeps and Math.random. */
export const realClock: Clock = {
    now: () => Date.now(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    random: () => Math.random(),
};

/** Exponential backoff parameters. */
export interface BackoffPolicy {
    /** First delay before jitter. @default 2000 */
    readonly baseMs: number;
    /** Largest delay before jitter. @default 30000 */
    readonly capMs: number;
}

/** Production backoff: 2 s doubling up to 30 s, jittered. */
export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 2000, capMs: 30_000 };

/** A shared deadline: everything verify waits for comes out of one `--wait` budget. */
export class WaitBudget {
    private readonly deadline: number;
    constructor(readonly totalMs: number, private readonly clock: Clock) {
        this.deadline = clock.now() + totalMs;
    }
    remainingMs(): number {
        return Math.max(0, this.deadline - this.clock.now());
    }
}

/** An attempt either finishes (success or a failure not worth retrying) or asks to be retried. */
export type Attempt<T> = { readonly done: true; readonly value: T } | { readonly done: false; readonly reason: string; readonly value: T };

/** How a retried call ended. */
export interface RetryOutcome<T> {
    /** The last attempt's value. */
    readonly value: T;
    readonly attempts: number;
    /** Time spent waiting between attempts. */
    readonly waitedMs: number;
    /** True when the budget ran out while the attempt still asked to be retried. */
    readonly exhausted: boolean;
}

/** Reported before each wait, for progress lines. */
export interface WaitProgress {
    readonly attempt: number;
    readonly delayMs: number;
    readonly waitedMs: number;
    readonly budgetMs: number;
    readonly reason: string;
}

/** Delay before retry number `n` (1-based): base·2^(n-1) capped, then "equal jitter" (half fixed, half random). */
export function backoffDelay(n: number, policy: BackoffPolicy, random: () => number): number {
    const exp = Math.min(policy.capMs, policy.baseMs * 2 ** (n - 1));
    return Math.round(exp / 2 + random() * (exp / 2));
}

/** Calls `attempt` until it is done or the shared budget runs out, sleeping a jittered exponential delay between calls. */
export async function retryWithBackoff<T>(
    attempt: (n: number) => Promise<Attempt<T>>,
    options: { policy: BackoffPolicy; budget: WaitBudget; clock: Clock; onWait?: (p: WaitProgress) => void },
): Promise<RetryOutcome<T>> {
    const { policy, budget, clock } = options;
    let waitedMs = 0;
    for (let n = 1; ; n++) {
        const result = await attempt(n);
        if (result.done) return { value: result.value, attempts: n, waitedMs, exhausted: false };
        const remaining = budget.remainingMs();
        if (remaining <= 0) return { value: result.value, attempts: n, waitedMs, exhausted: true };
        const delayMs = Math.min(backoffDelay(n, policy, clock.random), remaining);
        options.onWait?.({ attempt: n, delayMs, waitedMs, budgetMs: budget.totalMs, reason: result.reason });
        const before = clock.now();
        await clock.sleep(delayMs);
        waitedMs += clock.now() - before;
    }
}
