/**
 * The `token-doctor` command: would Azure OpenAI / Foundry and the Foundry Local sidecar accept this access
 * token, and why not (offline). Exit 0 when accepted, 1 when not, 2 when the input is not a JWT (or unusable).
 * The I/O is passed in.
 */
import { Command, Option } from "commander";
import { CliError, messageOf, runCli, type StdinIo } from "../lib/cli";
import { renderChecklist } from "../verify/checklist";
import { diagnose, doctorJson, expectationsFromOutputs } from "./doctor";
import { readDoctorOutputs } from "./outputs";
import { TARGETS, type Expectations, type Target } from "./rules";

interface Opts { for?: Target; json?: boolean; outputs?: string; tenant?: string; apiClientId?: string; caller?: string }

function command(): Command {
    return new Command("token-doctor")
        .description("Would Azure OpenAI / Foundry and the Foundry Local sidecar accept this access token? (offline)")
        .argument("[token]", "the access token, or - to read it from stdin (keeps it out of shell history)", "-")
        .addOption(new Option("--for <target>", "which rules to apply (default: the target the token's audience names, else both)").choices(TARGETS))
        .option("--outputs <file>", "stack outputs JSON (pulumi stack output --json, secrets not needed), - for stdin: expected tenant and Foundry Local API app")
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
    if (!opts.json) return diagnoseAndPrint(opts, args, io);
    // --json: scripts parse stdout, so every outcome is JSON there, a problem with the input included.
    try {
        return await diagnoseAndPrint(opts, args, io);
    } catch (err) {
        io.stdout.write(`${JSON.stringify({ ok: false, error: messageOf(err), exitCode: 2 }, null, 2)}\n`);
        if (!(err instanceof CliError)) io.stderr.write(`token-doctor: ${messageOf(err)}\n`);
        return 2;
    }
}

async function diagnoseAndPrint(opts: Opts, args: readonly string[], io: StdinIo): Promise<number> {
    if (opts.outputs === "-" && (args[0] === undefined || args[0] === "-")) throw new CliError("--outputs - and the token cannot both come from stdin; pass the token as an argument or the outputs as a file");
    const now = new Date();
    const base: Expectations = opts.outputs ? expectationsFromOutputs(await readDoctorOutputs(opts.outputs, io), now) : { now };
    const input = await readToken(args[0], io);
    const expect: Expectations = {
        ...base,
        ...(opts.tenant ? { tenantId: opts.tenant } : {}),
        ...(opts.caller ? { clientId: opts.caller } : {}),
        ...(opts.apiClientId ? { foundryLocal: { ...base.foundryLocal, clientId: opts.apiClientId } } : {}),
    };
    const result = diagnose(input, { ...(opts.for ? { targets: [opts.for] } : {}), expect });
    if (opts.json) io.stdout.write(`${JSON.stringify(doctorJson(result), null, 2)}\n`);
    else if (result.error) io.stderr.write(`token-doctor: ${result.error}\n`);
    else io.stdout.write(renderChecklist(result.groups));
    return result.exitCode;
}

/**
 * Runs the command; returns the exit code. With --json every outcome is JSON on stdout, a refused command line
 * included (an unknown option, an argument that looks like one): the error line goes to stderr as always, and as
 * `{ ok: false, error, exitCode: 2 }` to stdout when nothing else was printed there.
 */
export async function main(argv: readonly string[], io: StdinIo): Promise<number> {
    const end = argv.indexOf("--");
    const json = (end < 0 ? argv : argv.slice(0, end)).includes("--json");
    let printed = false;
    let errors = "";
    const watched: StdinIo = {
        ...io,
        stdout: { ...io.stdout, write: (t: string) => ((printed = true), io.stdout.write(t)) },
        stderr: { ...io.stderr, write: (t: string) => ((errors += t), io.stderr.write(t)) },
    };
    const code = await runCli<Opts>(argv, watched, {
        name: "token-doctor",
        program: command(),
        run: (opts, args) => run(opts, args, watched),
        unexpected: (err) => ({ code: 2, line: `token-doctor: ${messageOf(err)}` }),
    });
    if (json && code === 2 && !printed) {
        const error = errors.trim().split("\n").at(-1)?.replace(/^token-doctor: /, "") ?? "the command line was refused";
        io.stdout.write(`${JSON.stringify({ ok: false, error, exitCode: 2 }, null, 2)}\n`);
    }
    return code;
}
