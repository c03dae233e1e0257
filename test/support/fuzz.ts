/**
 * The fuzzer's pieces (test/fuzz.test.ts): hostile values as fast-check arbitraries, mutations of a known-good
 * document, the secrets planted in inputs, and the invariants every tool run is held to. A tool joins the fuzzer
 * with one entry in test/fuzz.test.ts's tables (its `main`, how to pass it the input, its secret-bearing inputs).
 *
 * Runs: FUZZ_RUNS scales every property's case count (default 1: the counts in the test, a few seconds in all);
 * FUZZ_SEED picks the seed (default a fixed one, so CI is repeatable). A failing case prints its seed and path:
 * `FUZZ_SEED=<seed> npx vitest run test/fuzz.test.ts` replays it.
 */
import { readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import fc from "fast-check";
import { expect } from "vitest";
import type { ToolRun } from "./inProcess";

/** The fixed seed CI runs with. */
export const DEFAULT_SEED = 20_260_601;
export const SEED = Number(process.env.FUZZ_SEED ?? DEFAULT_SEED);
const SCALE = Math.max(1, Number(process.env.FUZZ_RUNS ?? 1));
/** A property's number of cases: its base count times FUZZ_RUNS. */
export const runs = (base: number): number => Math.round(base * SCALE);
/** Longest a single case may take before it counts as a hang (generous: cases take milliseconds). */
export const CASE_TIMEOUT_MS = 10_000;

/**
 * Runs one case and fails it when it took longer than CASE_TIMEOUT_MS: fast-check's timeout plugin cuts off an
 * async case that waits, but nothing can interrupt synchronous code spinning (a regular expression backtracking on
 * a long value), so the time is checked once it returns too.
 */
export async function withinTime<T>(work: () => T | Promise<T>): Promise<T> {
    const start = performance.now();
    const result = await work();
    expect(performance.now() - start, "a case hangs").toBeLessThan(CASE_TIMEOUT_MS);
    return result;
}

/** fast-check's options for one property: the seed, the case count, and the per-case time limit. */
export const fuzzOptions = (base: number): fc.Parameters<unknown> => ({ seed: SEED, numRuns: runs(base), plugins: [fc.timeout(CASE_TIMEOUT_MS)] });

/** A marker no tool could print by chance: what the planted secrets are made of. */
export const marker = () => fc.stringMatching(/^[A-Za-z0-9]{16}$/).map((s) => `S3CR3T${s}`);

/** Secret material of every shape a user may paste somewhere, each carrying a marker. */
export const plantedSecret = (): fc.Arbitrary<{ text: string; marker: string }> => marker().chain((m) => fc.constantFrom(
    `-----BEGIN PRIVATE KEY-----\nMIIEv${m}QIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n`,
    `eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ${m}In0.c2lnbmF0dXJl`,
    `apiVersion: v1\nkind: Config\nusers:\n- name: u\n  user:\n    token: ${m}\n`,
    `https://admin:${m}@example.com/`,
    `Ab1${m.slice(6, 7)}Q~${m}xxxxxxxxxxxxxxxx`,
).map((text) => ({ text, marker: m })));

/** Strings a careless or hostile user types. */
export const hostileString = (): fc.Arbitrary<string> => fc.oneof(
    fc.string({ maxLength: 40 }),
    fc.string({ unit: "grapheme", maxLength: 40 }),
    fc.string({ unit: "binary", maxLength: 20 }),
    fc.constantFrom("", " ", "../../escaped", "..\\..\\x", "/etc/passwd", "a/b", "R&D", "🚀", "AI – Gateway 网关", "\u202e", "\u0000", "\n",
        "__proto__", "constructor", "${x}", "%s%n", "null", "true", "-1", "1e309", "2026-02-30", "June 5", "kv--double", "a",
        "alice@-contoso-.com", "https://user:pw@x.example.com", "x".repeat(5_000)),
    fc.integer({ min: 1, max: 300_000 }).map((n) => "a".repeat(n)),
);

/** Any JSON value, hostile strings and numbers included, nested up to a few levels (and once in a while 1,000 deep;
 * deeper still is text, see `deepJsonText`: JSON.stringify and fast-check's reporting recurse). */
export const hostileValue = (): fc.Arbitrary<unknown> => fc.oneof(
    { weight: 5, arbitrary: hostileString() },
    { weight: 2, arbitrary: fc.oneof(fc.integer(), fc.double(), fc.constantFrom(0, -1, 1e13, 1e300, Number.MAX_SAFE_INTEGER + 2)) },
    { weight: 1, arbitrary: fc.constantFrom(true, false, null) },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
    { weight: 1, arbitrary: fc.constantFrom(10, 1_000).map(deeplyNested) },
);

/** `[[[…]]]`, `depth` levels deep. */
export function deeplyNested(depth: number): unknown {
    let v: unknown = [];
    for (let i = 0; i < depth; i++) v = [v];
    return v;
}

/** JSON text of `{"<key>": [[[…]]]}` nested `depth` levels deep, made as text (no recursion builds or prints it). */
export const deepJsonText = (key: string, depth: number): string => `{${JSON.stringify(key)}:${"[".repeat(depth)}${"]".repeat(depth)}}`;

/**
 * Every path to a value in a JSON document (objects' keys and lists' indexes), the root excluded, in depth-first
 * pre-order, down to `maxDepth` levels. Mutations nest values thousands deep: a recursive walk overflowed the call
 * stack and listing every path of such a value ran out of memory (FUZZ_SEED=16 FUZZ_RUNS=10). A mutation still
 * reaches any place a config or outputs document has; the deep value itself is the hostile input.
 */
export function pathsOf(doc: unknown, maxDepth = 64): (string | number)[][] {
    const out: (string | number)[][] = [];
    const children = (v: unknown, prefix: (string | number)[]): [(string | number)[], unknown][] =>
        Array.isArray(v) ? v.map((c, i) => [[...prefix, i], c]) : v !== null && typeof v === "object" ? Object.entries(v).map(([k, c]) => [[...prefix, k], c]) : [];
    const stack = children(doc, []).reverse();
    while (stack.length > 0) {
        const [path, value] = stack.pop()!;
        out.push(path);
        if (path.length < maxDepth) stack.push(...children(value, path).reverse());
    }
    return out;
}

/** One change to a document: set a value somewhere, delete something, or add an unknown key. */
export interface Mutation {
    readonly pick: number;
    readonly op: "set" | "delete" | "add";
    readonly key: string;
    readonly value: unknown;
}

export const mutation = (): fc.Arbitrary<Mutation> => fc.record({
    pick: fc.nat(),
    op: fc.constantFrom("set", "set", "set", "delete", "add"),
    key: fc.oneof(hostileString(), fc.constantFrom("name", "value", "clientSecret", "config")),
    value: hostileValue(),
}) as fc.Arbitrary<Mutation>;

/** A copy of `doc` with the mutations applied, in order (each picks among the paths there are at its turn). */
export function mutate<T>(doc: T, mutations: readonly Mutation[]): T {
    const copy = structuredClone(doc) as unknown;
    for (const m of mutations) {
        const paths = pathsOf(copy);
        const path = paths.length > 0 ? paths[m.pick % paths.length]! : [];
        const parent = path.slice(0, -1).reduce<unknown>((v, k) => (v as Record<string | number, unknown>)[k], copy) as Record<string | number, unknown> | unknown[];
        const last = path.at(-1);
        if (last === undefined) continue;
        if (m.op === "set") (parent as Record<string | number, unknown>)[last] = m.value;
        else if (m.op === "delete") Array.isArray(parent) && typeof last === "number" ? parent.splice(last, 1) : delete (parent as Record<string | number, unknown>)[last];
        else {
            const target = (parent as Record<string | number, unknown>)[last];
            if (target !== null && typeof target === "object" && !Array.isArray(target) && m.key !== "__proto__") (target as Record<string, unknown>)[m.key] = m.value;
        }
    }
    return copy as T;
}

const STACK_TRACE = /\n\s+at .+:\d+:\d+\)?/;

/** What every run of every tool must hold to, whatever the input. */
export interface Invariants {
    /** The tool's name: the prefix of its error lines. */
    readonly tool: string;
    /** Exit codes it may end with. @default [0, 1, 2] */
    readonly codes?: readonly number[];
    /** Text from the input that must not appear in any output (planted secrets, secret values of the input). */
    readonly secrets?: readonly string[];
    /** With `--json`: stdout is JSON, whatever happened. */
    readonly json?: boolean;
    /** How an exit-2 message starts. @default `<tool>: ` */
    readonly errorHead?: RegExp;
}

/** Checks one run against the invariants; the message names the invariant and shows the start of the output. */
export function holds(run: ToolRun, inv: Invariants): void {
    const all = `${run.stdout}\n${run.stderr}`;
    const show = `exit ${run.code}\nstdout: ${run.stdout.slice(0, 400)}\nstderr: ${run.stderr.slice(0, 400)}`;
    expect(inv.codes ?? [0, 1, 2], `exit code\n${show}`).toContain(run.code);
    expect(STACK_TRACE.test(all), `no stack trace\n${show}`).toBe(false);
    expect(all, `no internal error\n${show}`).not.toMatch(/Maximum call stack|is not a function|Cannot read properties|Invalid time value|unexpected error/);
    for (const s of inv.secrets ?? []) {
        for (const line of s.split("\n").filter((l) => l.length >= 12)) expect(all.includes(line), `a secret of the input is printed\n${show}`).toBe(false);
    }
    for (const l of all.split("\n")) expect(l.length, `no line quotes a long value whole\n${show}`).toBeLessThan(1000);
    if (run.code === 2 && !inv.json) {
        const lines = run.stderr.trimEnd().split("\n");
        expect(lines[0], `exit 2 names the tool\n${show}`).toMatch(inv.errorHead ?? new RegExp(`^${inv.tool}: `));
        for (const l of lines) expect(l.length, `each line is short\n${show}`).toBeLessThan(600);
    }
    if (inv.json) expect(() => JSON.parse(run.stdout) as unknown, `stdout is JSON\n${show}`).not.toThrow();
}

/** Every file under `dir`, relative to it: what a run may have written. */
export function filesUnder(dir: string): string[] {
    const out: string[] = [];
    const walk = (d: string) => {
        for (const name of readdirSync(d)) {
            const p = join(d, name);
            if (statSync(p).isDirectory()) walk(p);
            else out.push(relative(dir, p));
        }
    };
    walk(dir);
    return out.sort();
}
