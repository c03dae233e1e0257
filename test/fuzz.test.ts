/**
 * A property-based fuzzer (fast-check) over configs, stack outputs, tokens and dates, driving the tools in-process
 * through their `main(argv, io)`. Whatever the input, every run holds to the same invariants (test/support/fuzz.ts):
 * an exit code the tool documents; exit 2 with one short line per problem naming the tool (and for config, the key
 * path); no stack trace or internal error; no secret from the input in any output stream; no file written
 * outside `--out`; no hang (a per-case time limit).
 *
 * Fixed seed in CI; run it longer with FUZZ_RUNS (a multiplier) and another seed with FUZZ_SEED, e.g.
 * `FUZZ_RUNS=50 FUZZ_SEED=$RANDOM npx vitest run test/fuzz.test.ts`. A failure prints the seed and the shrunk input.
 *
 * To add a tool that reads stack outputs from stdin, add a row to OUTPUT_TOOLS: its `main`, the
 * arguments that make it read the outputs from stdin, and the I/O fields it needs.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, join, sep } from "node:path";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml, stringify as toYaml } from "yaml";
import { parseStackConfig } from "../src/config/parse";
import { main as expiry } from "../src/expiry/cli";
import { main as gatewayConfig } from "../src/gateway/cli";
import type { StdinIo } from "../src/lib/cli";
import { parseDate } from "../src/lib/dates";
import { main as render } from "../src/render/cli";
import { main as tokenDoctor } from "../src/token/cli";
import { BASE_STACK_FILE, ROOT, tempDirs } from "./helpers";
import { deepJsonText, filesUnder, fuzzOptions, holds, hostileString, hostileValue, mutate, mutation, plantedSecret, runs, SEED, withinTime } from "./support/fuzz";
import { runTool } from "./support/inProcess";

const OUTPUTS_TEXT = readFileSync(join(ROOT, "test", "fixtures", "gateway", "outputs.dev.json"), "utf8");
const OUTPUTS = JSON.parse(OUTPUTS_TEXT) as { tenantId: string; gateway: { clientId: string; clientSecret: { value: string }; certificate: { privateKeyPem: string } } };
/** The secrets in the outputs: no tool may print them, whatever else is wrong with the input. */
const OUTPUT_SECRETS = [OUTPUTS.gateway.clientSecret.value, OUTPUTS.gateway.certificate.privateKeyPem];
const BASE_CONFIG = (parseYaml(readFileSync(BASE_STACK_FILE, "utf8")) as { config: Record<string, unknown> }).config;

const b64 = (v: unknown) => Buffer.from(typeof v === "string" ? v : JSON.stringify(v) ?? "null").toString("base64url");
const now = Math.floor(Date.parse("2026-01-01T00:00:00Z") / 1000);
const GOOD_CLAIMS = {
    aud: "https://cognitiveservices.azure.com", iss: `https://login.microsoftonline.com/${OUTPUTS.tenantId}/v2.0`, tid: OUTPUTS.tenantId,
    azp: OUTPUTS.gateway.clientId, ver: "2.0", iat: now, nbf: now, exp: now + 3600, roles: ["FoundryInferenceAccess"],
};
const GOOD_TOKEN = `${b64({ alg: "RS256", typ: "JWT" })}.${b64(GOOD_CLAIMS)}.c2lnbmF0dXJlLW5vdC1jaGVja2VkLW9mZmxpbmU`;

/** Tools that read stack outputs from stdin: the row is all a new tool needs. */
const OUTPUT_TOOLS: readonly { tool: string; main: (argv: readonly string[], io: StdinIo) => Promise<number>; argv: readonly string[]; json?: boolean }[] = [
    { tool: "expiry", main: expiry, argv: ["--now", "2026-01-01"] },
    { tool: "token-doctor", main: tokenDoctor, argv: ["--outputs", "-", GOOD_TOKEN] },
    { tool: "token-doctor", main: tokenDoctor, argv: ["--json", "--outputs", "-", GOOD_TOKEN], json: true },
];

/** Where a planted secret goes in the outputs: the credential positions, or anywhere. */
const OUTPUT_SECRET_PLACES: readonly (readonly (string | number)[])[] = [["gateway", "clientSecret"], ["gateway", "clientSecret", "value"], ["gateway", "certificate"], ["gateway", "certificate", "privateKeyPem"]];
/** Where a planted secret goes in the config: where users paste one by mistake. */
const CONFIG_SECRET_PLACES: readonly (readonly string[])[] = [["foundry-entra:gateway", "clientSecret"], ["foundry-entra:gateway", "certificate"], ["foundry-entra:gatewayDelivery", "kubernetes", "kubeconfig"], ["foundry-entra:gateway", "displayName"], ["foundry-entra:gateway", "certificate", "renewOn"]];

/** Sets `value` at `path`, creating objects on the way (replacing what is not one). */
function setAt(doc: unknown, path: readonly (string | number)[], value: unknown): void {
    let v = doc as Record<string | number, unknown>;
    path.slice(0, -1).forEach((k) => {
        if (v[k] === null || typeof v[k] !== "object") v[k] = {};
        v = v[k] as Record<string | number, unknown>;
    });
    v[path.at(-1)!] = value;
}

describe(`fuzz (seed ${SEED})`, () => {
    const tempDir = tempDirs("fuzz-");
    let dir: string;
    beforeAll(() => {
        dir = tempDir();
    });

    it(`stack outputs: ${runs(40)} mutated outputs per tool, with secrets planted where users paste them`, async () => {
        for (const t of OUTPUT_TOOLS) {
            await fc.assert(fc.asyncProperty(
                fc.array(mutation(), { minLength: 1, maxLength: 4 }), fc.option(fc.tuple(plantedSecret(), fc.constantFrom(...OUTPUT_SECRET_PLACES))),
                fc.constantFrom("json", "json", "json", "cut", "deep"),
                async (mutations, planted, form) => {
                    const doc = mutate(JSON.parse(OUTPUTS_TEXT) as unknown, mutations);
                    if (planted) setAt(doc, planted[1], planted[0].text);
                    // Now and then not JSON at all (the text cut short at a random place), or JSON nested 100,000 deep.
                    const json = JSON.stringify(doc);
                    const text = form === "cut" ? json.slice(0, mutations[0]!.pick % 4000) : form === "deep" ? deepJsonText("gateway", 100_000) : json;
                    const r = await withinTime(() => runTool(t.main, t.argv, { stdin: text }));
                    holds(r, { tool: t.tool, secrets: [...OUTPUT_SECRETS, ...(planted ? [planted[0].marker] : [])], ...(t.json ? { json: true } : {}) });
                }), fuzzOptions(40));
        }
    });

    it(`stack outputs: ${runs(40)} mutated outputs through gateway-config --out, every format: files only inside --out, no secret printed`, async () => {
        await fc.assert(fc.asyncProperty(
            fc.array(mutation(), { minLength: 1, maxLength: 4 }), fc.option(fc.tuple(plantedSecret(), fc.constantFrom(...OUTPUT_SECRET_PLACES))),
            fc.constantFrom("truefoundry", "litellm", "envoy", "portkey"), fc.nat(),
            async (mutations, planted, format, n) => {
                const doc = mutate(JSON.parse(OUTPUTS_TEXT) as unknown, mutations);
                if (planted) setAt(doc, planted[1], planted[0].text);
                const caseDir = join(dir, `gateway-${n}-${Math.random().toString(36).slice(2)}`);
                mkdirSync(caseDir, { recursive: true });
                // Removed whatever happens: fast-check runs smaller cases after a failure, which must not see this one's files.
                try {
                    // LiteLLM always writes a directory; Portkey one file: both inside out/.
                    const out = format === "portkey" ? join(caseDir, "out", "portkey.json") : `${join(caseDir, "out")}/`;
                    const r = await withinTime(() => runTool(gatewayConfig, ["--format", format, "--outputs", "-", "--out", out], { stdin: JSON.stringify(doc), extra: { now: new Date("2026-01-01T00:00:00Z") } }));
                    holds(r, { tool: "gateway-config", secrets: [...OUTPUT_SECRETS, ...(planted ? [planted[0].marker] : [])] });
                    // Everything under the fuzzer's folder (a path escaping --out lands beside the case, or the run's
                    // temporary folder, which the global teardown checks empty).
                    const inside = `${basename(caseDir)}${sep}out${sep}`;
                    const written = filesUnder(dir);
                    for (const f of written) expect(f.startsWith(inside), `gateway-config wrote ${f} outside --out`).toBe(true);
                    if (r.code === 0) expect(written.length, "exit 0 wrote something").toBeGreaterThan(0);
                } finally {
                    rmSync(caseDir, { recursive: true, force: true });
                }
            }), fuzzOptions(40));
    });

    it(`tokens: ${runs(150)} hostile headers, claims and signatures for token-doctor, text and --json`, async () => {
        const header = fc.record({ alg: fc.oneof(fc.constantFrom("RS256", "none", "NONE", "HS256", ""), hostileValue()), typ: fc.constant("JWT"), kid: hostileValue() }, { requiredKeys: [] });
        const token = fc.oneof(
            { weight: 4, arbitrary: fc.tuple(header, fc.array(mutation(), { maxLength: 4 }), fc.oneof(fc.constantFrom("", "c2ln"), fc.stringMatching(/^[A-Za-z0-9_-]{40}$/))).map(([h, m, sig]) => `${b64(h)}.${b64(mutate(GOOD_CLAIMS, m))}.${sig}`) },
            { weight: 1, arbitrary: hostileString() },
            { weight: 1, arbitrary: fc.tuple(hostileValue(), hostileValue()).map(([h, c]) => `${b64(h)}.${b64(c)}.`) },
        );
        await fc.assert(fc.asyncProperty(token, fc.boolean(), fc.boolean(), async (t, json, viaStdin) => {
            const argv = [...(json ? ["--json"] : []), "--tenant", OUTPUTS.tenantId, viaStdin ? "-" : t];
            const r = await withinTime(() => runTool(tokenDoctor, argv, { stdin: viaStdin ? t : "" }));
            const signature = t.split(".")[2] ?? "";
            holds(r, { tool: "token-doctor", ...(json ? { json: true } : {}), secrets: signature.length >= 16 ? [signature] : [] });
        }), fuzzOptions(150));
    });

    it(`config: ${runs(300)} mutated stack configs through the program's parser, ${runs(4)} through render with --out`, async () => {
        const plantConfig = fc.option(fc.tuple(plantedSecret(), fc.constantFrom(...CONFIG_SECRET_PLACES)));
        const mutatedConfig = fc.tuple(fc.array(mutation(), { minLength: 1, maxLength: 4 }), plantConfig).map(([m, planted]) => {
            const config = mutate(BASE_CONFIG, m);
            if (planted) setAt(config, planted[1], planted[0].text);
            return { config, secret: planted?.[0].marker };
        });
        await fc.assert(fc.asyncProperty(mutatedConfig, async ({ config, secret }) => {
            const runtime = Object.fromEntries(Object.entries(config).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v) ?? "null"]));
            const parsed = await withinTime(() => parseStackConfig(runtime, { stack: "dev" }));
            if (parsed.ok) return;
            for (const line of parsed.problems) {
                expect(line, "one line per problem").not.toContain("\n");
                expect(line, "names the key path").toMatch(/^[A-Za-z0-9_.-]+:[^\s:]*/);
                expect(line.length, line.slice(0, 300)).toBeLessThan(600);
                if (secret) expect(line).not.toContain(secret);
            }
        }), fuzzOptions(300));

        await fc.assert(fc.asyncProperty(mutatedConfig, fc.nat(), async ({ config, secret }, n) => {
            const caseDir = join(dir, `render-${n}-${Math.random().toString(36).slice(2)}`);
            mkdirSync(join(caseDir, "out"), { recursive: true });
            const file = join(caseDir, "Pulumi.fuzz.yaml");
            writeFileSync(file, toYaml({ config }));
            const r = await withinTime(() => runTool(render, ["--config", file, "--format", "json", "--now", "2026-01-01", "--out", join(caseDir, "out", "render.json")],
                { extra: { cwd: caseDir, projectDir: caseDir, env: {} } }));
            // A config the program refuses prints the program's own lines, as `pulumi up` would: a head, then one key path a line.
            holds(r, { tool: "render", secrets: secret ? [secret] : [], errorHead: /^(render: |Invalid stack configuration \(\d+ problems?\):$)/ });
            if (r.stderr.startsWith("Invalid")) for (const l of r.stderr.trimEnd().split("\n").slice(1)) expect(l).toMatch(/^ {2}[A-Za-z0-9_.-]+:\S/);
            // Nothing written but the one file --out names.
            expect(filesUnder(caseDir)).toEqual(r.code === 0 ? ["Pulumi.fuzz.yaml", join("out", "render.json")] : ["Pulumi.fuzz.yaml"]);
            rmSync(caseDir, { recursive: true, force: true });
        }), fuzzOptions(4));
    });

    it(`dates: ${runs(400)} date-like strings against the calendar, ${runs(60)} through --now and FOUNDRY_ENTRA_NOW`, async () => {
        const pad = (n: number, w: number) => String(n).padStart(w, "0");
        // The oracle is the proleptic Gregorian calendar as Date.UTC computes it, not the parser's library.
        const isCalendarDate = (y: number, m: number, d: number) => {
            const t = new Date(Date.UTC(2000, m - 1, d));
            t.setUTCFullYear(y);
            return m >= 1 && m <= 12 && d >= 1 && t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
        };
        fc.assert(fc.property(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 }), fc.constantFrom("", "T00:00:00Z", "T23:59:59.5+02:00", "T12:00"), (y, m, d, time) => {
            const text = `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}${time}`;
            const parsed = parseDate(text);
            const expected = isCalendarDate(y, m, d) && time !== "T12:00";
            expect(parsed.ok, text).toBe(expected);
            if (parsed.ok && time === "") expect(parsed.date.toISOString().slice(0, 10), text).toBe(text);
        }), fuzzOptions(400));

        await fc.assert(fc.asyncProperty(fc.oneof(hostileString(), fc.date({ noInvalidDate: true }).map((d) => d.toISOString())), fc.boolean(), async (text, viaEnv) => {
            const argv = viaEnv ? [] : ["--now", text];
            const r = await withinTime(() => runTool(expiry, argv, { stdin: OUTPUTS_TEXT, extra: { env: viaEnv ? { FOUNDRY_ENTRA_NOW: text } : {} } }));
            holds(r, { tool: "expiry", secrets: OUTPUT_SECRETS });
            if (text !== "" && !parseDate(text).ok) expect(r.code, `${JSON.stringify(text.slice(0, 80))} is refused`).toBe(2);
        }), fuzzOptions(60));
    });
});
