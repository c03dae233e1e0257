/**
 * What a render may print of the values an offline run produced. Pulumi secrets become `[secret]`; values only
 * Azure or a provider assigns at deploy time (object ids, client ids, generated certificates and their
 * thumbprints) become marked placeholders such as `<gateway-app.clientId>`, so no mock value passes for a real one.
 */
import { childPath, type RunResult } from "../../harness/run";
import { hasSecretShape, URL_USERINFO } from "../lib/excerpt";

/** How every secret value prints, in every format. */
export const SECRET = "[secret]";

/** A placeholder token for a value assigned at deploy time. */
export const placeholder = (label: string): string => `<${label}>`;

const GUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
const EXACT_GUID = new RegExp(`^${GUID.source}$`, "i");

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");


export class Redactor {
    /** Lower-case GUID → placeholder; found with one GUID scan per string. */
    private readonly guids = new Map<string, string>();
    /** Other assigned values (PEM blocks, thumbprints, versions) → placeholder, matched longest first. */
    private readonly others = new Map<string, string>();
    private readonly othersPattern: RegExp | undefined;
    private readonly secretValues: readonly string[];

    constructor(run: Pick<RunResult, "mocks">) {
        for (const [value, label] of run.mocks.assigned) {
            if (EXACT_GUID.test(value)) this.guids.set(value.toLowerCase(), placeholder(label));
            else if (value.length > 0) this.others.set(value, placeholder(label));
        }
        const longestFirst = [...this.others.keys()].sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
        this.othersPattern = longestFirst.length > 0 ? new RegExp(longestFirst.map(escapeRegExp).join("|"), "g") : undefined;
        this.secretValues = [...run.mocks.secretValues].filter((s) => s.length > 0);
    }

    /**
     * A string as it may print: `[secret]` if it holds secret material, else with every assigned value replaced.
     * Besides the values the mocks handed out, anything shaped like a secret counts — a kubeconfig given inline
     * (its bearer token, its client-key-data), a JWT, a PEM block — whether or not it is marked secret; a URL's
     * `user:password@` becomes `[secret]@`.
     */
    text(raw: string): string {
        const s = raw.replace(URL_USERINFO, (_m, scheme: string) => `${scheme}${SECRET}@`);
        if (hasSecretShape(s) || this.secretValues.some((secret) => s.includes(secret))) return SECRET;
        const withOthers = this.othersPattern ? s.replace(this.othersPattern, (m) => this.others.get(m) ?? m) : s;
        return withOthers.replace(GUID, (m) => this.guids.get(m.toLowerCase()) ?? m);
    }

    /**
     * A plain value as it may print: values at the given secret paths (dotted, as the harness records them)
     * become `[secret]` and strings pass through `text`. With `sortKeys`, object keys are sorted.
     */
    value(value: unknown, secretPaths: ReadonlySet<string> = new Set(), sortKeys = true): unknown {
        const walk = (v: unknown, path: string): unknown => {
            if (secretPaths.has(path)) return SECRET;
            if (typeof v === "string") return this.text(v);
            if (Array.isArray(v)) return v.map((x, i) => walk(x, childPath(path, i)));
            if (v && typeof v === "object") {
                const entries = Object.entries(v as Record<string, unknown>);
                if (sortKeys) entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
                return Object.fromEntries(entries.map(([k, x]) => [k, walk(x, childPath(path, k))]));
            }
            return v;
        };
        return walk(value, "");
    }
}
