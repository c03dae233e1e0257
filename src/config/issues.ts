/**
 * Reading one config namespace (`foundry-entra`, `foundry-entra-bootstrap`) from the stack config and turning zod's
 * issues into one line per problem that names the key path a user types, what was wrong and what is allowed.
 * Shared by the program's config and the bootstrap's, so both speak the same way.
 */
import type { z } from "zod";
import { describeValue, plainName, withheld } from "../lib/excerpt";

export interface NamespaceReader {
    /** The key path a user types, e.g. `foundry-entra:access[2].principalId`. */
    keyPath(path: readonly PropertyKey[]): string;
    /** The namespace's keys, decoded from Pulumi's strings, and a line for every key the schema does not know. */
    read(all: Readonly<Record<string, string>>): { input: Record<string, unknown>; problems: string[] };
    /** One line per problem of a zod issue (a union reports its branch that got furthest). */
    issueLines(issue: z.core.$ZodIssue, basePath?: readonly PropertyKey[]): string[];
}

/**
 * @param namespace the config namespace, e.g. `foundry-entra`
 * @param root the schema of the whole namespace: an object schema, one entry per key
 * @param hiddenKeys keys never listed as allowed (internal ones, e.g. `enabled` of a credential toggle). @default none
 */
export function namespaceReader(namespace: string, root: z.ZodObject, hiddenKeys: readonly string[] = []): NamespaceReader {
    const known = Object.keys(root.shape);

    const keyPath = (path: readonly PropertyKey[]): string => {
        let out = namespace;
        path.forEach((part, i) => {
            if (typeof part === "number") out += `[${part}]`;
            else out += i === 0 ? `:${keyName(part)}` : `.${keyName(part)}`;
        });
        return out;
    };

    const allowedKeysAt = (path: readonly PropertyKey[]): string => {
        // Walk the schema along the path to list the keys an object accepts there.
        let schema: unknown = root;
        for (const part of path) {
            schema = unwrap(schema);
            if (typeof part === "number") schema = (schema as { element?: unknown }).element;
            else schema = (schema as { shape?: Record<string, unknown> }).shape?.[String(part)];
        }
        const shape = (unwrap(schema) as { shape?: Record<string, unknown> } | undefined)?.shape;
        return shape ? Object.keys(shape).filter((k) => !hiddenKeys.includes(k)).join(", ") : "(none)";
    };

    /** Whether a key on the way to `path` is marked as a secret position (schema.ts `secretPosition`). */
    const secretAt = (path: readonly PropertyKey[]): boolean => {
        let schema: unknown = root;
        for (const part of path) {
            if (isSecret(schema)) return true;
            schema = unwrap(schema);
            if (isSecret(schema)) return true;
            if (typeof part === "number") schema = (schema as { element?: unknown }).element;
            else schema = (schema as { shape?: Record<string, unknown> }).shape?.[String(part)];
        }
        return isSecret(schema);
    };

    const issueLines = (issue: z.core.$ZodIssue, basePath: readonly PropertyKey[] = []): string[] => {
        const path = [...basePath, ...issue.path];
        switch (issue.code) {
            case "unrecognized_keys":
                return issue.keys.map((k) => `${keyPath([...path, k])}: unknown key; allowed here: ${allowedKeysAt(path)}`);
            case "invalid_type": {
                const input = (issue as { input?: unknown }).input;
                if (input === undefined) {
                    // A schema's own "is required; …" message says what to put there: keep it.
                    return [`${keyPath(path)}: ${issue.message?.startsWith("is required") ? issue.message : `is required (expected ${issue.expected})`}`];
                }
                if (issue.message && !issue.message.startsWith("Invalid input")) return [`${keyPath(path)}: ${issue.message}`];
                return [`${keyPath(path)}: expected ${issue.expected}, got ${secretAt(path) ? withheld(input) : describeValue(input)}`];
            }
            case "invalid_union": {
                const branches = issue.errors.filter((b) => b.length > 0);
                const best = branches.sort((a, b) => depth(b) - depth(a))[0];
                if (best && depth(best) > 0) return best.flatMap((i) => issueLines(i, path));
                return [`${keyPath(path)}: ${issue.message}`];
            }
            default:
                return [`${keyPath(path)}: ${issue.message}`];
        }
    };

    const read = (all: Readonly<Record<string, string>>) => {
        const problems: string[] = [];
        const input: Record<string, unknown> = {};
        for (const [fullKey, value] of Object.entries(all)) {
            const sep = fullKey.indexOf(":");
            if (fullKey.slice(0, sep) !== namespace) continue;
            const key = fullKey.slice(sep + 1);
            if (!known.includes(key)) {
                problems.push(`${namespace}:${keyName(key)}: unknown key; allowed: ${known.map((k) => `${namespace}:${k}`).join(", ")}`);
                continue;
            }
            input[key] = decode(value);
        }
        return { input, problems };
    };

    return { keyPath, read, issueLines };
}

const depth = (issues: readonly z.core.$ZodIssue[]) => Math.max(0, ...issues.map((i) => i.path.length));

/** A key as a key path shows it: as typed when it is a plain name, else a short excerpt (a key comes from the input too). */
function keyName(key: PropertyKey): string {
    const k = String(key);
    const shown = plainName(k, 40);
    // An excerpt is never the key itself (it is quoted, or withheld): bracketed so a key path reads as one.
    return shown === k ? k : `[${shown}]`;
}

/** Whether a schema carries the secret-position mark (`.meta({ secret: true })`). */
function isSecret(schema: unknown): boolean {
    const meta = (schema as { meta?: () => unknown } | undefined)?.meta;
    return typeof meta === "function" && (meta.call(schema) as { secret?: unknown } | undefined)?.secret === true;
}

function unwrap(schema: unknown): unknown {
    let s = schema as { def?: { innerType?: unknown; out?: unknown; type?: string } } | undefined;
    for (let i = 0; i < 10 && s?.def; i++) {
        const next = s.def.innerType ?? (s.def.type === "pipe" ? s.def.out : undefined);
        if (!next) break;
        s = next as typeof s;
    }
    return s;
}

/** Decodes Pulumi's config strings: objects, lists, numbers and booleans arrive as JSON text. */
function decode(value: string): unknown {
    try {
        return JSON.parse(value);
    } catch {
        return value;
    }
}
