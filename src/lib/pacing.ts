/**
 * Pacing for declaring many resources. The SDK keeps every resource it is asked to register — its input and output
 * promises, about 180 KB of heap for a role assignment under the mock monitor — alive until the registration is
 * answered, and no answer is processed until the program yields to the event loop. A fleet declared in one
 * synchronous burst therefore holds every site's resources at once, and garbage collection, rescanning that growing
 * heap, becomes most of the time (docs/performance.md, "The fleet axis"). Yielding a turn after each site lets the
 * registrations already made complete and be collected as the program goes; the graph declared is the same.
 */

/** Resolves on the next turn of the event loop, after pending I/O and RPC callbacks have run. */
export function nextTurn(): Promise<void> {
    return new Promise((resolve) => setImmediate(resolve));
}
