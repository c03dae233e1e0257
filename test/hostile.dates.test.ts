/**
 * Hostile dates: one strict parser (src/lib/dates.ts) for every tool, `--now`, FOUNDRY_ENTRA_NOW and the dates
 * read from stack outputs. Each case here was accepted before (read by `new Date`) and is refused now with
 * one line and exit 2.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main as expiry } from "../src/expiry/cli";
import { CliError, nowFromEnv } from "../src/lib/cli";
import { parseDate } from "../src/lib/dates";
import { clockFromEnv } from "../src/program";
import { main as render } from "../src/render/cli";
import { BASE_STACK_FILE, ROOT } from "./helpers";
import { runTool } from "./support/inProcess";

const OUTPUTS = JSON.parse(readFileSync(join(ROOT, "test", "fixtures", "gateway", "outputs.dev.json"), "utf8")) as { gateway: Record<string, unknown> };

/** The dev outputs with the client secret's end date replaced. */
function withExpiresOn(expiresOn: string): string {
    const o = structuredClone(OUTPUTS);
    o.gateway.clientSecret = { ...(o.gateway.clientSecret as object), expiresOn, slots: undefined };
    return JSON.stringify(o);
}

describe("the date parser", () => {
    it("accepts calendar dates and date-times with an offset, as the instant they name", () => {
        const ok = (s: string) => {
            const r = parseDate(s);
            if (!r.ok) throw new Error(`${s}: ${r.reason}`);
            return r.date.toISOString();
        };
        expect(ok("2026-05-01")).toBe("2026-05-01T00:00:00.000Z");
        expect(ok("2028-02-29")).toBe("2028-02-29T00:00:00.000Z");
        expect(ok("2026-05-01T00:00:00Z")).toBe("2026-05-01T00:00:00.000Z");
        expect(ok("2026-05-01T02:30:00.250+02:00")).toBe("2026-05-01T00:30:00.250Z");
        expect(ok("2026-05-01 00:00Z")).toBe("2026-05-01T00:00:00.000Z");
    });

    it.each([
        ["1", "not an ISO 8601 date"],
        ["June 5", "not an ISO 8601 date"],
        ["01/02/2027", "not an ISO 8601 date"],
        ["2026-02-30", "there is no day 30"],
        ["2027-02-29", "there is no day 29"],
        ["2026-13-01", "not a calendar date"],
        ["2026-05-01T25:00:00Z", "not a calendar date"],
        ["2026-05-01T00:00:00", "without Z or an offset"],
        ["", "not an ISO 8601 date"],
        ["garbage", "not an ISO 8601 date"],
    ])("refuses %j (%s)", (text, reason) => {
        const r = parseDate(text);
        expect(r.ok).toBe(false);
        if (!r.ok) expect(r.reason).toContain(reason);
    });
});

describe("expiry reads only real dates from the outputs", () => {
    it.each(["1", "June 5", "2026-02-30", "01/02/2027"])("refuses expiresOn %j with one line naming the output, exit 2", async (value) => {
        const r = await runTool(expiry, ["--now", "2026-01-01"], { stdin: withExpiresOn(value) });
        expect(r.code).toBe(2);
        expect(r.stdout).toBe("");
        expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
        expect(r.stderr).toMatch(/^expiry: gateway\.clientSecret\.slots\[0\]\.expiresOn: .* is not a date/);
    });
});

describe("--now and FOUNDRY_ENTRA_NOW", () => {
    it("expiry refuses --now 2026-02-30 and FOUNDRY_ENTRA_NOW=garbage with one line, exit 2", async () => {
        const now = await runTool(expiry, ["--now", "2026-02-30"], { stdin: JSON.stringify(OUTPUTS) });
        expect(now.code).toBe(2);
        expect(now.stderr).toMatch(/^expiry: option '--now <date>' argument '2026-02-30' is invalid\. "2026-02-30" is not a date \(there is no day 30/);
        expect(now.stderr.trimEnd().split("\n")).toHaveLength(1);
        const env = await runTool(expiry, [], { stdin: JSON.stringify(OUTPUTS), extra: { env: { FOUNDRY_ENTRA_NOW: "garbage" } } });
        expect(env.code).toBe(2);
        expect(env.stderr).toBe('expiry: FOUNDRY_ENTRA_NOW: "garbage" is not a date (not an ISO 8601 date); expected ISO 8601, e.g. 2026-05-01 or 2026-05-01T00:00:00Z\n');
    });

    it("render refuses --now 2026-02-30 and FOUNDRY_ENTRA_NOW=1 (which Date reads as 2001)", async () => {
        const io = { cwd: ROOT, projectDir: join(ROOT, "test", "fixtures", "stacks") };
        const now = await runTool(render, ["--config", BASE_STACK_FILE, "--now", "2026-02-30"], { extra: io });
        expect(now.code).toBe(2);
        expect(now.stderr).toMatch(/is not a date \(there is no day 30/);
        const env = await runTool(render, ["--config", BASE_STACK_FILE], { extra: { ...io, env: { FOUNDRY_ENTRA_NOW: "1" } } });
        expect(env.code).toBe(2);
        expect(env.stderr).toMatch(/^render: FOUNDRY_ENTRA_NOW: "1" is not a date/);
    });

    it("gateway-config refuses FOUNDRY_ENTRA_NOW=garbage as the process does, one line and exit 2 (it ignored it)", () => {
        const tsx = join(ROOT, "node_modules", ".bin", "tsx");
        const r = spawnSync(tsx, ["tools/gateway-config.ts", "--format", "litellm", "--outputs", join(ROOT, "test", "fixtures", "gateway", "outputs.dev.json")],
            { cwd: ROOT, env: { ...process.env, FOUNDRY_ENTRA_NOW: "garbage" }, encoding: "utf8" });
        expect(r.stdout).toBe("");
        expect(r.stderr).toBe('gateway-config: FOUNDRY_ENTRA_NOW: "garbage" is not a date (not an ISO 8601 date); expected ISO 8601, e.g. 2026-05-01 or 2026-05-01T00:00:00Z\n');
        expect(r.status).toBe(2);
    });

    it("the program and every tool's reader refuse the same values, and read the same ones alike", () => {
        for (const bad of ["garbage", "1", "2026-02-30", "June 5"]) {
            expect(() => clockFromEnv({ FOUNDRY_ENTRA_NOW: bad }), bad).toThrow(/FOUNDRY_ENTRA_NOW: .* is not a date/);
            expect(() => nowFromEnv({ FOUNDRY_ENTRA_NOW: bad }), bad).toThrow(CliError);
        }
        expect(clockFromEnv({ FOUNDRY_ENTRA_NOW: "2026-03-21" }).toISOString()).toBe("2026-03-21T00:00:00.000Z");
        expect(nowFromEnv({ FOUNDRY_ENTRA_NOW: "2026-03-21" }).now?.toISOString()).toBe("2026-03-21T00:00:00.000Z");
        expect(nowFromEnv({ FOUNDRY_ENTRA_NOW: "" })).toEqual({});
    });
});

describe("deeply nested outputs", () => {
    it("are refused with a line, not 'Maximum call stack size exceeded'", async () => {
        const deep = `{"gateway":${"[".repeat(100_000)}${"]".repeat(100_000)}}`;
        const r = await runTool(expiry, ["--now", "2026-01-01"], { stdin: deep });
        expect(r.code).toBe(2);
        expect(r.stderr).toMatch(/^expiry: stdin: nested more than \d+ levels deep/);
        expect(r.stderr).not.toContain("call stack");
    });
});
