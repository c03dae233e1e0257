/**
 * How every message of every tool quotes a value it refuses: at most a short excerpt on one line, and never a
 * value that looks like a secret (a private key, a token, a client secret, a kubeconfig, a URL's password).
 * A value from a secret position (a client secret, a private key, a kubeconfig's contents) is not quoted at
 * all: callers say what is wrong with it with `withheld` instead.
 */

/** The longest excerpt a message quotes, in characters of the value. */
export const EXCERPT_LENGTH = 40;

/** What a message says instead of a value that may be a secret. */
export const WITHHELD = "(value not shown: it may be a secret)";

const SECRET_SHAPES: readonly RegExp[] = [
    /-----BEGIN [A-Z0-9 ]+-----/, // any PEM block: a private key pasted in the wrong place
    /\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\./, // a JWT (a base64url JSON header, then a payload)
    /\b(?:client-key-data|client-certificate-data|token|password|client-secret|id-token|refresh-token)\s*:/i, // kubeconfig fields
    /\bkind\s*:\s*Config\b/, // a kubeconfig
    /\b[A-Za-z][A-Za-z0-9+.-]{0,30}:\/\/[^\s/?#@]*:[^\s/?#@]*@/, // a URL with user:password@ (scheme bounded: linear time)
    /^[A-Za-z0-9_.-]{3}\d[A-Za-z]~[A-Za-z0-9_.~-]{30,}$/, // an Entra client secret (40 characters, "Q~" at 5)
    /~[A-Za-z0-9_-]{20,}/, // a generated secret value with a "~" separator
];

/** A run of base64 or hex long enough to be key material: upper and lower case letters and digits, no spaces. */
function looksLikeKeyMaterial(s: string): boolean {
    return /^[A-Za-z0-9+/=_-]{32,}$/.test(s) && /[A-Z]/.test(s) && /[a-z]/.test(s) && /\d/.test(s) && !s.startsWith("/");
}

/** Whether a text has the shape of secret material (a PEM block, a JWT, kubeconfig credentials, a URL's password…). */
export function hasSecretShape(value: string): boolean {
    return SECRET_SHAPES.some((p) => p.test(value));
}

/** Whether a text looks like secret material, wherever it was found: a secret's shape, or a long run of key material. */
export function looksSecret(value: string): boolean {
    return hasSecretShape(value) || looksLikeKeyMaterial(value.trim());
}

/** The `user:password@` (or `user@`) of every URL in a text: group 1 is the scheme and `//`. */
export const URL_USERINFO = /\b([A-Za-z][A-Za-z0-9+.-]{0,30}:\/\/)[^\s/?#@]+@/g;

/** Escapes what would break a message's single line or mislead a terminal (control and bidi characters). */
function oneLine(s: string): string {
    return JSON.stringify(s).replace(/[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/**
 * A value as a message may quote it: a string in quotes, cut to EXCERPT_LENGTH characters (saying how long it
 * was), or WITHHELD when it looks like a secret; a number or boolean as is; otherwise its kind.
 */
export function excerpt(value: unknown, max = EXCERPT_LENGTH): string {
    if (typeof value === "string") {
        if (looksSecret(value)) return WITHHELD;
        const chars = [...value];
        if (chars.length <= max) return oneLine(value);
        return `${oneLine(chars.slice(0, max).join("")).slice(0, -1)}…" (${chars.length} characters)`;
    }
    if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") return String(value);
    if (value === null) return "null";
    if (value === undefined) return "nothing";
    if (Array.isArray(value)) return "a list";
    return typeof value === "object" ? "an object" : typeof value;
}

/** A value's type and excerpt, e.g. `string "abc"` or `a list`: how messages say what they got. */
export function describeValue(value: unknown): string {
    if (typeof value === "string") return `string ${excerpt(value)}`;
    if (typeof value === "number" || typeof value === "boolean") return `${typeof value} ${excerpt(value)}`;
    return excerpt(value);
}

/** How a value at a secret position is described: only its type, never any part of it. */
export function withheld(value: unknown): string {
    if (typeof value === "string") return `a string ${WITHHELD}`;
    if (typeof value === "number" || typeof value === "boolean") return `a ${typeof value}`;
    return excerpt(value);
}

/** A name as a message shows it: as is when it is a plain name (letters, digits, "-", "_") of 1 to `max` characters, else its excerpt. */
export function plainName(name: string, max: number): string {
    return name.length <= max && /^[A-Za-z0-9_-]+$/.test(name) ? name : excerpt(name);
}
