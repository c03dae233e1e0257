/** Output paths: as a user reads them in messages, and the value found at one. */
import { plainName } from "../lib/excerpt";

/**
 * Renders a path as a user reads it: `accounts.aoai-dev.deployments[0].name`. A key that is not a plain name up to
 * 64 characters (the longest Azure account name) is quoted as a short excerpt: keys come from the input too, and a
 * message quotes at most a short, secret-free part of it (docs/reliability.md).
 */
export function outputPath(path: readonly PropertyKey[]): string {
    return path.reduce<string>((out, part) => {
        if (typeof part === "number") return `${out}[${part}]`;
        const key = String(part);
        const plain = plainName(key, 64);
        return out === "" ? plain : `${out}.${plain}`;
    }, "");
}

/** The value at `path` in parsed JSON, or undefined when any step is missing. */
export function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
    let v: unknown = root;
    for (const part of path) {
        if (v === null || typeof v !== "object") return undefined;
        v = (v as Record<PropertyKey, unknown>)[part as string];
    }
    return v;
}
