/**
 * What every command shares (src/lib/cli.ts): a misspelt option is named as unknown, with the nearest known one,
 * even when a required option is then missing; under `npm run`, options npm took for itself (the `--` forgotten)
 * are named with the command to run instead. npm itself is the judge of what it does with such options.
 */
import { spawnSync } from "node:child_process";
import { Command, Option } from "commander";
import { describe, expect, it } from "vitest";
import { main as gatewayConfig } from "../src/gateway/cli";
import { runCli, type CommandIo } from "../src/lib/cli";
import { ROOT } from "./helpers";
import { capturedIo, childEnv } from "./support/cli";

/** A command like the repository's: a required `--format`, an option with a value, a flag, no arguments. */
function tool(): Command {
    return new Command("tool")
        .addOption(new Option("--format <format>", "what to write").choices(["a", "b"]).makeOptionMandatory())
        .option("--stack <name>", "the stack")
        .option("--within <days>", "days")
        .option("--json", "print JSON");
}

async function run(argv: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string; ran?: unknown }> {
    const { io, result } = capturedIo();
    let ran: unknown;
    const code = await runCli(argv, { ...io, env } satisfies CommandIo, { name: "tool", program: tool(), run: async (opts, args) => ((ran = { opts, args }), 0) });
    return { ...result(code), ran };
}

/** What npm passes a script run as `npm run tool <args>`: what it took for itself as npm_config_*. */
const underNpm = (config: Record<string, string>) => ({ npm_command: "run", npm_lifecycle_event: "tool", ...Object.fromEntries(Object.entries(config).map(([k, v]) => [`npm_config_${k}`, v])) });

describe("unknown options", () => {
    it("are named as unknown, with the nearest known option, before a required option is missed", async () => {
        const r = await run(["--fromat", "a"]);
        expect(r).toMatchObject({ code: 2, stdout: "", stderr: "tool: unknown option '--fromat' (did you mean --format?)\n" });
        expect((await run(["--format", "a", "--jsno"])).stderr).toBe("tool: unknown option '--jsno' (did you mean --json?)\n");
        expect((await run(["--format", "a", "-x"])).stderr).toBe("tool: unknown option '-x'\n");
    });

    it("leave values that look like options, and everything after `--`, alone", async () => {
        expect((await run(["--format", "a", "--stack", "--weird"])).ran).toEqual({ opts: { format: "a", stack: "--weird" }, args: [] });
        expect((await run(["--format=b", "--stack=-x"])).ran).toEqual({ opts: { format: "b", stack: "-x" }, args: [] });
        expect((await run(["--format", "a", "--help"])).code).toBe(0);
        expect((await run([])).stderr).toBe("tool: required option '--format <format>' not specified\n");
    });

    it("in a real command: gateway-config --fromat is unknown, not a missing --format", async () => {
        const { io, result } = capturedIo();
        const r = result(await gatewayConfig(["--fromat", "truefoundry"], io));
        expect(r).toMatchObject({ code: 2, stderr: "gateway-config: unknown option '--fromat' (did you mean --format?)\n" });
    });
});

describe("options npm took for itself (`npm run tool --stack prod`)", () => {
    it("names them and the command to run, and runs nothing", async () => {
        const r = await run(["prod"], underNpm({ stack: "true" }));
        expect(r).toMatchObject({ code: 2, stdout: "", ran: undefined });
        expect(r.stderr).toBe("tool: npm took --stack for itself: did you forget `--`? npm run tool -- --stack prod\n");
    });

    it("pairs `--opt value` with the stray values in order, keeps `--opt=value`, and flags as flags", async () => {
        expect((await run(["a", "30"], underNpm({ format: "true", within: "true", json: "true" }))).stderr)
            .toBe("tool: npm took --format, --within, --json for itself: did you forget `--`? npm run tool -- --format a --within 30 --json\n");
        expect((await run([], underNpm({ stack: "prod staging" }))).stderr)
            .toBe("tool: npm took --stack for itself: did you forget `--`? npm run tool -- --stack 'prod staging'\n");
    });

    it("says nothing when the options reached the command (`npm run tool -- …`), or outside npm", async () => {
        expect((await run(["--format", "a"], underNpm({ json: "true" }))).ran).toEqual({ opts: { format: "a" }, args: [] });
        expect((await run(["prod"], { npm_config_stack: "true" })).stderr).toBe("tool: required option '--format <format>' not specified\n");
    });

    it("reminds of `--` when a command run by npm fails on its arguments without any option", async () => {
        const r = await run(["a"], underNpm({}));
        expect(r.stderr).toBe("tool: required option '--format <format>' not specified (under npm, options go after `--`: npm run tool -- --option value)\n");
    });

    it("is what npm really does: `npm run expiry --within 30` (the real npm and command)", () => {
        const npm = process.env.npm_execpath;
        const [file, args] = npm ? [process.execPath, [npm]] : ["npm", []];
        const r = spawnSync(file, [...args, "run", "--silent", "expiry", "--within", "30"], { cwd: ROOT, encoding: "utf8", input: "", env: childEnv() });
        expect(r.stderr).toContain("expiry: npm took --within for itself: did you forget `--`? npm run expiry -- --within 30\n");
        expect(r.status).toBe(2);
    });
});
