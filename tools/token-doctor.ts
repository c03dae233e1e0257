/**
 * npm run token-doctor -- <token | -> [--for azure-openai|foundry-local] [--outputs FILE] [--tenant ID]
 *                                     [--api-client-id ID] [--caller ID] [--json]
 *
 * Offline: decodes an access token and says whether Azure OpenAI / Foundry and the Foundry Local sidecar would
 * accept it, and why not. Exit 0 when accepted, 1 when not, 2 when the input is not a JWT (or unusable).
 */
import { Command, Option } from "commander";
import { diagnose, doctorJson, expectationsFromOutputs } from "../src/token/doctor";
import { TARGETS, type Expectations, type Target } from "../src/token/rules";
import { renderChecklist } from "../src/verify/checklist";
import { parseArgs } from "../src/verify/cliSupport";
import { readAll, readOutputs } from "../src/verify/outputs";

interface Opts { for?: Target; json?: boolean; outputs?: string; tenant?: string; apiClientId?: string; caller?: string }

async function main(argv: string[]): Promise<number> {
    const program = new Command("token-doctor")
        .description("Would Azure OpenAI / Foundry and the Foundry Local sidecar accept this access token? (offline)")
        .argument("[token]", "the access token, or - to read it from stdin (keeps it out of shell history)", "-")
        .addOption(new Option("--for <target>", "which rules to apply (default: both)").choices(TARGETS))
        .option("--outputs <file>", "stack outputs JSON (pulumi stack output --json): expected tenant and Foundry Local API app")
        .option("--tenant <id>", "expected tenant id (tid)")
        .option("--api-client-id <id>", "the Foundry Local API app's client id (output foundryLocal.clientId)")
        .option("--caller <id>", "expected caller client id (appid/azp), e.g. gateway.clientId")
        .option("--json", "print JSON for scripts");
    const stop = parseArgs(program, argv);
    if (stop !== undefined) return stop;
    const opts = program.opts<Opts>();
    const input = program.args[0] === "-" || program.args[0] === undefined ? await readStdin() : program.args[0];
    const now = new Date();
    const base: Expectations = opts.outputs ? expectationsFromOutputs(await readOutputs(opts.outputs), now) : { now };
    const expect: Expectations = {
        ...base,
        ...(opts.tenant ? { tenantId: opts.tenant } : {}),
        ...(opts.caller ? { clientId: opts.caller } : {}),
        ...(opts.apiClientId ? { foundryLocal: { ...base.foundryLocal, clientId: opts.apiClientId } } : {}),
    };
    const result = diagnose(input, { targets: opts.for ? [opts.for] : TARGETS, expect });
    if (opts.json) process.stdout.write(`${JSON.stringify(doctorJson(result), null, 2)}\n`);
    else if (result.error) process.stderr.write(`token-doctor: ${result.error}\n`);
    else process.stdout.write(renderChecklist(result.groups));
    return result.exitCode;
}

function readStdin(): Promise<string> {
    if (process.stdin.isTTY) process.stderr.write("paste the token, then Ctrl-D\n");
    return readAll(process.stdin);
}

main(process.argv).then((code) => { process.exitCode = code; }, (err: unknown) => {
    process.stderr.write(`token-doctor: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 2;
});
