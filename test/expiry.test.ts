/**
 * The expiry watch (`npm run expiry`): the rule on the real program's outputs (dev without rotation, the full
 * example with rotation), and the command in-process and as the real child process, on files and stdin. The outputs are
 * given as `pulumi stack output --json` prints them without `--show-secrets`: every secret is "[secret]".
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { RunResult } from "../harness/run";
import { checkExpiry, ExpiryInputError } from "../src/expiry/check";
import { main } from "../src/expiry/cli";
import { nowFromEnv } from "../src/lib/cli";
import { stackRun, tempDirs } from "./helpers";
import { capturedIo, runCli } from "./support/cli";

/** The outputs as `pulumi stack output --json` prints them: secrets masked. */
function asStackOutput(r: RunResult): Record<string, unknown> {
    const o = JSON.parse(JSON.stringify(r.outputs)) as Record<string, unknown>;
    for (const path of r.secretOutputPaths) {
        const keys = path.split(".");
        const parent = keys.slice(0, -1).reduce<Record<string, unknown>>((x, k) => x[k] as Record<string, unknown>, o);
        parent[keys.at(-1)!] = "[secret]";
    }
    return o;
}

/** Runs the command in-process, as tools/expiry.ts does (the clock from FOUNDRY_ENTRA_NOW, here unset unless given). */
async function expiry(args: string[], options: { input?: string; env?: Record<string, string> } = {}) {
    const { io, result } = capturedIo(options.input !== undefined ? { stdin: options.input } : {});
    const r = result(await main(args, { ...io, ...nowFromEnv(options.env ?? {}) }));
    return { status: r.code, stdout: r.stdout, stderr: r.stderr };
}

/** The real command, a child process. */
async function expiryProcess(args: string[], options: { input: string; env: Record<string, string> }) {
    const r = await runCli("expiry", args, { stdin: options.input, env: { FOUNDRY_ENTRA_NOW: "", ...options.env } });
    return { status: r.code, stdout: r.stdout, stderr: r.stderr };
}

const tempDir = tempDirs("expiry-");

let dev: Record<string, unknown>;
let full: Record<string, unknown>;
const files = { dev: "", full: "" };

beforeAll(async () => {
    dev = asStackOutput(await stackRun("test/fixtures/stacks/Pulumi.dev.yaml"));
    full = asStackOutput(await stackRun("examples/full.yaml"));
    const dir = tempDir();
    files.dev = join(dir, "dev.json");
    files.full = join(dir, "full.json");
    writeFileSync(files.dev, JSON.stringify(dev, null, 2));
    writeFileSync(files.full, JSON.stringify(full, null, 2));
});

const at = (iso: string) => new Date(iso);

describe("the expiry rule", () => {
    it("reads outputs without secrets: the masked values are never needed", () => {
        expect(JSON.stringify(full)).toContain('"value":"[secret]"');
        expect(JSON.stringify(full)).toContain('"privateKeyPem":"[secret]"');
        const r = checkExpiry(full, { now: at("2026-01-01T00:00:00Z") });
        expect(r.credentials.map((c) => `${c.path} ${c.slot} ${c.status}`)).toEqual([
            "gateway.clientSecret a ok", "gateway.clientSecret b ok", "gateway.certificate a ok", "gateway.certificate b ok",
        ]);
        expect(r.failing).toEqual([]);
    });

    it("fails on a current credential that expires within the window, and says how many days are left", () => {
        // dev has no rotation: its client secret ends 180 days after 2026-01-01, on 2026-06-30.
        const r = checkExpiry(dev, { now: at("2026-06-10T00:00:00Z"), withinDays: 30 });
        expect(r.failing).toHaveLength(1);
        expect(r.failing[0]).toMatchObject({ path: "gateway.clientSecret", slot: "single", status: "expiring", daysLeft: 20 });
        expect(r.failing[0]!.expiresOn.toISOString()).toBe("2026-06-30T00:00:00.000Z");
        expect(r.failing[0]!.fix).toContain("set gateway.clientSecret.rotateEveryDays");
        // The window is exclusive: 30 days left is not "within 30 days".
        expect(checkExpiry(dev, { now: at("2026-05-31T00:00:00Z"), withinDays: 30 }).failing).toEqual([]);
        expect(checkExpiry(dev, { now: at("2026-05-31T00:00:01Z"), withinDays: 30 }).failing).toHaveLength(1);
        expect(checkExpiry(dev, { now: at("2026-07-01T00:00:00Z") }).failing[0]).toMatchObject({ status: "expired" });
    });

    it("tolerates a previous slot that expires during rotation, and fails only on the current one", () => {
        // Slot b of the full example's client secret (generation 7) ends on 2026-03-21, when generation 9 is due.
        const r = checkExpiry(full, { now: at("2026-03-01T00:00:00Z"), withinDays: 30 });
        expect(r.credentials.find((c) => c.path === "gateway.clientSecret" && c.slot === "b")).toMatchObject({ status: "retiring", current: false });
        expect(r.failing).toEqual([]);
        expect(r.notes.join("\n")).toContain("gateway.clientSecret slot b (generation 7) expires on 2026-03-21");
    });

    it("tells a stack whose rotation is overdue to run pulumi up", () => {
        // No pulumi up since 2026-01-01: the secret due on 2026-03-21 was never rotated and slot a now runs out.
        const r = checkExpiry(full, { now: at("2026-05-25T00:00:00Z") });
        expect(r.failing.map((c) => `${c.path} ${c.slot}`)).toEqual(["gateway.clientSecret a"]);
        expect(r.failing[0]!.fix).toMatch(/^rotation was due on 2026-03-21: run pulumi up now/);
        expect(checkExpiry(full, { now: at("2026-04-01T00:00:00Z") }).notes).toContain("gateway.clientSecret: rotation was due on 2026-03-21; run pulumi up");
    });

    it("explains a window wider than the rotation leaves room for", () => {
        const r = checkExpiry(full, { now: at("2026-01-01T00:00:00Z"), withinDays: 200 });
        expect(r.failing.map((c) => c.path)).toEqual(["gateway.clientSecret"]);
        expect(r.failing[0]!.fix).toContain("--within no larger than gateway.clientSecret.graceDays");
    });

    it("refuses outputs it cannot judge, naming the path", () => {
        const bad = (o: unknown) => () => checkExpiry(o as Record<string, unknown>, { now: new Date() });
        expect(bad({})).toThrow(ExpiryInputError);
        expect(bad({ gateway: { clientSecret: { expiresOn: "[secret]" } } })).toThrow("gateway.clientSecret.slots[0].expiresOn is [secret]");
        expect(bad({ gateway: { certificate: { notAfter: "soon" } } })).toThrow('gateway.certificate.slots[0].notAfter: "soon" is not a date');
        expect(bad({ gateway: { clientSecret: { slots: [{ slot: "a", expiresOn: "2026-01-01", current: true }, { slot: "b", expiresOn: "2026-01-01", current: true }] } } }))
            .toThrow("2 slots are marked current");
    });
});

describe("npm run expiry", () => {
    it("exits 0 when nothing current expires within the window, reading a file", async () => {
        const r = await expiry(["--outputs", files.full, "--now", "2026-01-01T00:00:00Z"]);
        expect(r.stderr).toBe("");
        expect(r.stdout).toContain("ok: no current credential expires within 30 days (as of 2026-01-01)");
        expect(r.status).toBe(0);
    });

    it("exits 1 naming the credential, its date, the days left and the fix, reading stdin", async () => {
        const r = await expiry(["--within", "30", "--now", "2026-06-10"], { input: JSON.stringify(dev) });
        expect(r.stdout).toContain("EXPIRING gateway.clientSecret, current: expires 2026-06-30 (20 days left)");
        expect(r.stdout).toContain("fix: gateway.clientSecret is not rotated");
        expect(r.stdout).toContain("FAIL: 1 current credential expires within 30 days (as of 2026-06-10)");
        expect(r.status).toBe(1);
    });

    it("takes the date from FOUNDRY_ENTRA_NOW, and prints JSON (the real command, a child process)", async () => {
        const r = await expiryProcess(["--outputs", "-", "--json"], { input: JSON.stringify(full), env: { FOUNDRY_ENTRA_NOW: "2026-05-25T00:00:00Z" } });
        expect(r.status).toBe(1);
        const report = JSON.parse(r.stdout) as { ok: boolean; now: string; credentials: { path: string; slot: string; status: string; expiresOn: string }[] };
        expect(report.ok).toBe(false);
        expect(report.now).toBe("2026-05-25T00:00:00.000Z");
        expect(report.credentials.filter((c) => c.status === "expiring")).toEqual([
            expect.objectContaining({ path: "gateway.clientSecret", slot: "a", expiresOn: "2026-06-19T00:00:00.000Z" }),
        ]);
    });

    it("exits 2 with one line on stderr for bad input or options", async () => {
        const cases: [string[], string | undefined, string][] = [
            [["--outputs", "/nonexistent/outputs.json"], undefined, "expiry: --outputs /nonexistent/outputs.json: no such file"],
            [[], "not json", "expiry: stdin: not JSON"],
            [[], '{"tenantId":"x"}', "expiry: no gateway in the outputs"],
            [["--within", "soon"], "{}", "expiry: option '--within <days>' argument 'soon' is invalid"],
            [["--now", "yesterday"], "{}", "expiry: option '--now <date>' argument 'yesterday' is invalid"],
        ];
        for (const [args, input, message] of cases) {
            const r = await expiry(args, input !== undefined ? { input } : {});
            expect({ args, status: r.status, stderr: r.stderr.split("\n")[0] }).toEqual({ args, status: 2, stderr: expect.stringContaining(message) });
            expect(r.stdout).toBe("");
        }
    });
});
