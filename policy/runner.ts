/**
 * The offline policy runner: runs the pack's policies (and the offline-only checks) over resources rendered
 * by the harness, the way the Pulumi engine's analyzer would run them over a preview, without the CLI.
 *
 * Differences from the real analyzer, all deliberate: props are plain values (the harness renders with every
 * value known, so the SDK's unknown-value proxy would never fire); `asType` is not offered (no policy here
 * uses it); policy config is not supported (no policy here has a config schema).
 */
import type { EnforcementLevel, PolicyResourceOptions, ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { offlinePolicies as defaultOfflinePolicies, type OfflinePolicy, type RenderedResource } from "./offline";
import { policies as defaultPolicies } from "./policies";

export type { RenderedResource } from "./offline";

/** One policy violation, as `pulumi preview` would list it. */
export interface Violation {
    readonly policy: string;
    readonly urn: string;
    readonly message: string;
    readonly enforcementLevel: EnforcementLevel;
    /** True for checks `pulumi preview --policy-pack policy` cannot run (see policy/offline.ts). */
    readonly offlineOnly: boolean;
}

export interface PackResult {
    readonly violations: readonly Violation[];
    /** For each policy name, how many resources it applied to (did not call `notApplicable` for). */
    readonly applied: ReadonlyMap<string, number>;
}

export interface RunOptions {
    /** @default every pack policy, with the real clock */
    readonly policies?: readonly ResourceValidationPolicy[];
    /** @default every offline-only check */
    readonly offlinePolicies?: readonly OfflinePolicy[];
}

/** Thrown by `args.notApplicable()`, as the policy SDK's own (unexported) error is. */
export class NotApplicable extends Error {
    constructor(readonly reason?: string) {
        super(reason ?? "not applicable");
        this.name = "NotApplicable";
    }
}

/** The options a policy sees: the subset the analyzer protocol carries. */
export function policyOptions(r: RenderedResource): PolicyResourceOptions {
    return {
        protect: r.options.protect,
        ignoreChanges: [...r.options.ignoreChanges],
        ...(r.options.deleteBeforeReplace ? { deleteBeforeReplace: true } : {}),
        // The harness records aliases, but no policy here reads them.
        aliases: [],
        customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
        additionalSecretOutputs: [],
        ...(r.parent ? { parent: r.parent } : {}),
    };
}

/** The `ResourceValidationArgs` the analyzer would pass for a rendered resource. */
export function toValidationArgs(r: RenderedResource): ResourceValidationArgs {
    return {
        type: r.type,
        props: structuredClone(r.inputs),
        urn: r.urn,
        name: r.name,
        opts: policyOptions(r),
        stackTags: new Map(),
        isType: (resourceClass) => Reflect.get(resourceClass, "__pulumiType") === r.type,
        asType: () => {
            throw new Error("asType is not supported by the offline policy runner; narrow args.props with the guards in policy/policies/guards.ts");
        },
        getConfig: <T extends object>(): T => {
            throw new Error("policy config is not supported by the offline policy runner");
        },
        notApplicable: (reason?: string): never => {
            throw new NotApplicable(reason);
        },
    };
}

/** Runs one policy over one resource; returns its violations, or undefined when it does not apply. */
export async function validate(policy: ResourceValidationPolicy, r: RenderedResource): Promise<string[] | undefined> {
    const validations = policy.validateResource === undefined ? [] : [policy.validateResource].flat();
    const messages: string[] = [];
    try {
        for (const v of validations) await v(toValidationArgs(r), (message) => messages.push(message));
    } catch (err) {
        if (err instanceof NotApplicable) return undefined;
        throw err;
    }
    return messages;
}

/** Runs every policy over every resource and collects the violations. */
export async function runPack(resources: readonly RenderedResource[], options: RunOptions = {}): Promise<PackResult> {
    const pack = options.policies ?? defaultPolicies;
    const offline = options.offlinePolicies ?? defaultOfflinePolicies;
    const violations: Violation[] = [];
    const applied = new Map<string, number>([...pack, ...offline].map((p) => [p.name, 0]));
    const count = (name: string) => applied.set(name, (applied.get(name) ?? 0) + 1);

    for (const r of resources) {
        for (const policy of pack) {
            const level = policy.enforcementLevel ?? "advisory";
            if (level === "disabled") continue;
            const messages = await validate(policy, r);
            if (messages === undefined) continue;
            count(policy.name);
            for (const message of messages) violations.push({ policy: policy.name, urn: r.urn, message, enforcementLevel: level, offlineOnly: false });
        }
        for (const check of offline) {
            if (check.enforcementLevel === "disabled" || r.type !== check.type) continue;
            count(check.name);
            check.validate(r, (message) => violations.push({ policy: check.name, urn: r.urn, message, enforcementLevel: check.enforcementLevel, offlineOnly: true }));
        }
    }
    return { violations, applied };
}

/** Violations as readable lines, for test failure messages. */
export function formatViolations(violations: readonly Violation[]): string {
    return violations.map((v) => `[${v.enforcementLevel}] ${v.policy}: ${v.urn}\n    ${v.message}`).join("\n");
}
