/**
 * Small type guards for resource inputs. Policy `props` are untyped by nature (`Record<string, any>`):
 * every policy reads them through these helpers, never through casts.
 *
 * During `pulumi preview` the policy SDK wraps props in a proxy that throws when a policy reads a value that
 * is not known yet; these helpers let that error through, so the SDK reports "can't run during preview" and
 * the policy runs again, with known values, during `pulumi up`.
 */
import type { ReportViolation, ResourceValidation, ResourceValidationArgs } from "@pulumi/policy";

export type Props = Readonly<Record<string, unknown>>;

export function isRecord(v: unknown): v is Props {
    return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** The property at `key` of a value that may not be an object. */
export function field(v: unknown, key: string): unknown {
    return isRecord(v) ? v[key] : undefined;
}

/** The value as an array, or an empty array when it is absent or not an array. */
export function list(v: unknown): readonly unknown[] {
    return Array.isArray(v) ? v : [];
}

export function nonEmptyString(v: unknown): v is string {
    return typeof v === "string" && v.trim() !== "";
}

/** How a value looks in a violation message. */
export function show(v: unknown): string {
    if (v === undefined) return "not set";
    return JSON.stringify(v) ?? String(v);
}

/** A validation that sees only resources of one type; for others it calls `args.notApplicable()`, as `validateResourceOfType` does. */
export function ofType(type: string, validate: (props: Props, args: ResourceValidationArgs, report: ReportViolation) => void): ResourceValidation {
    return (args, report) => {
        if (args.type !== type) args.notApplicable(`Policy only applies to resources of type '${type}'`);
        validate(isRecord(args.props) ? args.props : {}, args, report);
    };
}
