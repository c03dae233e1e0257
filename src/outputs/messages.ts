/**
 * Problems in the outputs, in words: the path, the value described (never a secret's), and where a missing
 * value usually comes from.
 */
import type { z } from "zod";
import { describeValue } from "../lib/excerpt";
import { outputPath, valueAt } from "./paths";
import { isSecretPath } from "./secrets";

/** The command whose output the tools that need secrets read; the hint of their messages. */
export const SHOW_SECRETS_COMMAND = "pulumi stack output --json --show-secrets";

/** Where a missing value usually comes from, by the path's prefix. */
const MISSING_CAUSES: readonly (readonly [string, string])[] = [
    ["gateway.certificate", "was the stack deployed with certificate: false?"],
    ["gateway.clientSecret", "was the stack deployed with clientSecret: false?"],
    ["foundryLocal", "is foundry-entra:foundryLocal configured?"],
];
const GENERIC_CAUSE = `are these the outputs of a foundry-entra stack (${SHOW_SECRETS_COMMAND})?`;

/** The likely cause of a missing output at `path`. */
export function missingCause(path: string): string {
    return MISSING_CAUSES.find(([prefix]) => path === prefix || path.startsWith(`${prefix}.`))?.[1] ?? GENERIC_CAUSE;
}

/** One schema problem as a line: the path, what is wrong, and for a missing value its likely cause. */
export function issueMessage(root: unknown, issue: z.core.$ZodIssue): string {
    const path = outputPath(issue.path);
    const value = valueAt(root, issue.path);
    if (value === undefined) return `${path} is absent: ${missingCause(path)}`;
    // Never echo (part of) a secret into a message.
    if (isSecretPath(path)) {
        const expected = issue.code === "invalid_type" ? `is not ${/^[aeiou]/.test(issue.expected) ? "an" : "a"} ${issue.expected}` : issue.message;
        return `${path}: the value ${expected}`;
    }
    if (issue.code === "invalid_type") return `${path}: expected ${issue.expected}, got ${describeValue(value)}`;
    return `${path}: ${describeValue(value)} ${issue.message}`;
}
