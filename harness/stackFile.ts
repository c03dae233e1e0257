/**
 * The shape of a stack config file (`Pulumi.<stack>.yaml`), checked before its config is read: a misspelt
 * top-level key (`confg:`), a `config:` that is not a map, a key without a namespace or with a misspelt one
 * (`foundry-entr:gateway`) would otherwise leave the program's keys unset and render the default stack.
 *
 * The top-level keys are the fields of Pulumi's own `ProjectStack` (pulumi/pulumi,
 * sdk/go/common/workspace/project.go): secretsprovider, encryptedkey, encryptionsalt, config, environment. Config
 * keys are `<namespace>:<key>` (sdk/go/common/resource/config/key.go, ParseKey).
 */
import { NAMESPACE } from "../src/config/parse";
import { excerpt } from "../src/lib/excerpt";

/** What a stack file may hold at its top level. */
export const STACK_FILE_KEYS = ["config", "environment", "secretsprovider", "encryptedkey", "encryptionsalt"] as const;

/** Config namespaces the program and its providers read: a namespace one or two edits away from one is a typo. */
export const KNOWN_NAMESPACES = [NAMESPACE, `${NAMESPACE}-bootstrap`, "azure-native", "azuread", "kubernetes", "tls", "pulumi"] as const;

/** A stack file of the wrong shape: one line per problem. */
export class StackFileError extends Error {
    constructor(readonly file: string, readonly problems: readonly string[]) {
        super(`${file}: not a stack file this program can read (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n${problems.map((p) => `  ${p}`).join("\n")}`);
        this.name = "StackFileError";
    }
}

/** Levenshtein distance, stopping early once it exceeds `limit`. */
function distance(a: string, b: string, limit: number): number {
    if (Math.abs(a.length - b.length) > limit) return limit + 1;
    let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
        const row = [i];
        for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
        if (Math.min(...row) > limit) return limit + 1;
        prev = row;
    }
    return prev[b.length]!;
}

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const kindOf = (v: unknown) => (Array.isArray(v) ? "a list" : v === null ? "empty" : typeof v === "object" ? "a map" : `a ${typeof v}`);

/** The problems of a parsed stack file (`parseYaml` of its text); none when it can be read. */
export function stackFileProblems(doc: unknown): string[] {
    if (doc === null || doc === undefined) return [];
    if (!isMap(doc)) return [`the file holds ${kindOf(doc)}; expected a map with a config: key`];
    const problems: string[] = [];
    for (const key of Object.keys(doc)) {
        if (!(STACK_FILE_KEYS as readonly string[]).includes(key)) {
            problems.push(`top-level key ${excerpt(key)} is not one a stack file has; allowed: ${STACK_FILE_KEYS.join(", ")}`);
        }
    }
    const config = doc.config;
    if (config !== undefined && config !== null && !isMap(config)) {
        problems.push(`config is ${kindOf(config)}; expected a map of <namespace>:<key> to values`);
        return problems;
    }
    for (const key of Object.keys(config ?? {})) {
        const sep = key.indexOf(":");
        if (sep <= 0) {
            problems.push(`config key ${excerpt(key)} has no namespace; expected <namespace>:<key>, e.g. ${NAMESPACE}:${sep < 0 ? key : key.slice(1)}`);
            continue;
        }
        const namespace = key.slice(0, sep);
        if ((KNOWN_NAMESPACES as readonly string[]).includes(namespace)) continue;
        const near = KNOWN_NAMESPACES.find((n) => distance(namespace, n, 2) <= 2);
        if (near) problems.push(`config key ${excerpt(key)}: namespace ${excerpt(namespace)} is not known; did you mean ${near}:${key.slice(sep + 1)}?`);
    }
    return problems;
}
