/**
 * The `token-doctor` command: would Azure OpenAI / Foundry and the Foundry Local sidecar accept this access
 * token, and why not (offline). Exit 0 when accepted, 1 when not, 2 when the input is not a JWT (or unusable).
 * The I/O is passed in.
 */
import { Command, Option } from "commander";
import { messageOf, runCli, type StdinIo } from "../lib/cli";
import { renderChecklist } from "../verify/checklist";
import { readOutputs } from "../verify/outputs";
import { diagnose, doctorJson, expectationsFromOutputs } from "./doctor";
import { TARGETS, type Expectations, type Target } from "./rules";

interface Opts { for?: Target; json?: boolean; outputs?: string; tenant?: string; apiClientId?: string; caller?: string }

function command(): Command {
    return new Command("token-doctor")
        .description("Would Azure OpenAI / Foundry and the Foundry Local sidecar accept this access token? (offline)")
        .argument("[token]", "the access token, or - to read it from stdin (keeps it out of shell history)", "-")
        .addOption(new Option("--for <target>", "which rules to apply (default: both)").choices(TARGETS))
        .option("--outputs <file>", "stack outputs JSON (pulumi stack output --json): expected tenant and Foundry Local API app")
        .option("--tenant <id>", "expected tenant id (tid)")
        .option("--api-client-id <id>", "the Foundry Local API app's client id (output foundryLocal.clientId)")
        .option("--caller <id>", "expected caller client id (appid/azp), e.g. gateway.clientId")
        .option("--json", "print JSON for scripts");
}

/** The token argument, or stdin for `-` (asking for it on a terminal). */
function readToken(arg: string | undefined, io: StdinIo): Promise<string> {
    if (arg !== undefined && arg !== "-") return Promise.resolve(arg);
    if (io.stdinIsTTY) io.stderr.write("paste the token, then Ctrl-D\n");
    return io.readStdin();
}

async function run(opts: Opts, args: readonly string[], io: StdinIo): Promise<number> {
    const input = await readToken(args[0], io);
    const now = new Date();
    const base: Expectations = opts.outputs ? expectationsFromOutputs((await readOutputs(opts.outputs, io)).outputs, now) : { now };
    const expect: Expectations = {
        ...base,
        ...(opts.tenant ? { tenantId: opts.tenant } : {}),
        ...(opts.caller ? { clientId: opts.caller } : {}),
        ...(opts.apiClientId ? { foundryLocal: { ...base.foundryLocal, clientId: opts.apiClientId } } : {}),
    };
    const result = diagnose(input, { targets: opts.for ? [opts.for] : TARGETS, expect });
    if (opts.json) io.stdout.write(`${JSON.stringify(doctorJson(result), null, 2)}\n`);
    else if (result.error) io.stderr.write(`token-doctor: ${result.error}\n`);
    else io.stdout.write(renderChecklist(result.groups));
    return result.exitCode;
}

/** Runs the command; returns the exit code. */
export function main(argv: readonly string[], io: StdinIo): Promise<number> {
    return runCli<Opts>(argv, io, {
        name: "token-doctor",
        program: command(),
        run: (opts, args) => run(opts, args, io),
        unexpected: (err) => ({ code: 2, line: `token-doctor: ${messageOf(err)}` }),
    });
}
