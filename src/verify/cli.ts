/**
 * The `verify` command: proves a deployed stack works for a gateway: tokens with the gateway's certificate and
 * client secret, an authenticated call per account (waiting for RBAC to propagate), key-based auth refused,
 * Foundry Local accepting the gateway. Exit 0 when every check passes (warnings allowed), 1 when one fails,
 * 2 on bad input. The I/O is passed in; the checks talk to the real services.
 */
import { Command, InvalidArgumentError, Option } from "commander";
import { messageOf, parseHttpsUrl, runCli, type StdinIo } from "../lib/cli";
import { DEFAULT_API_VERSION } from "./azureOpenAi";
import { checklistJson, renderChecklist, renderSummary, summarize } from "./checklist";
import { DEFAULT_AUTHORITY_HOST } from "./credentials";
import { readOutputs } from "./outputs";
import { DEFAULT_BACKOFF, realClock, type Clock } from "./retry";
import { runVerify, type AuthChoice } from "./run";
import { DEFAULT_SITE_CONCURRENCY, renderSitesTable, sitesJson } from "./sites";

interface Opts {
    outputs?: string; stack?: string; auth: AuthChoice; account: string[]; wait: number; json?: boolean;
    authorityHost: string; apiVersion: string; foundryLocal: boolean; backoffBaseMs: number; backoffCapMs: number;
    site: string[]; concurrency: number;
}

const number = (min: number) => (v: string) => {
    const n = Number(v);
    if (!Number.isFinite(n) || n < min) throw new InvalidArgumentError(`expected a number ≥ ${min}`);
    return n;
};
const whole = (min: number) => (v: string) => {
    const n = Number(v);
    if (!Number.isSafeInteger(n) || n < min) throw new InvalidArgumentError(`expected a whole number ≥ ${min}`);
    return n;
};

function command(): Command {
    return new Command("verify")
        .description("Verify a deployed foundry-entra stack against Entra ID, Azure OpenAI / Foundry and Foundry Local")
        .option("--outputs <file>", "stack outputs JSON, or - for stdin (default: run `pulumi stack output --json --show-secrets`)")
        .option("--stack <name>", "the stack `pulumi stack output` reads (without --outputs)")
        .addOption(new Option("--auth <credential>", "which gateway credential to test").choices(["certificate", "client-secret", "all"]).default("all"))
        .option("--account <name>", "check only this account (repeatable)", (v: string, prev: string[]) => [...prev, v], [] as string[])
        .option("--wait <seconds>", "how long to wait in total for role assignments to propagate", number(0), 600)
        .option("--json", "print the checklist as JSON (progress stays on stderr)")
        .option("--authority-host <url>", "Entra ID authority host (sovereign clouds: https://login.microsoftonline.us, https://login.chinacloudapi.cn)", parseHttpsUrl, DEFAULT_AUTHORITY_HOST)
        .option("--api-version <version>", "Azure OpenAI data-plane api-version", DEFAULT_API_VERSION)
        .option("--no-foundry-local", "skip Foundry Local even when the outputs configure it")
        .option("--site <name>", "a fleet: check only this site (repeatable)", (v: string, prev: string[]) => [...prev, v], [] as string[])
        .option("--concurrency <n>", "a fleet: how many sites to check at once", whole(1), DEFAULT_SITE_CONCURRENCY)
        .addOption(new Option("--backoff-base-ms <ms>", "first retry delay").argParser(number(1)).default(DEFAULT_BACKOFF.baseMs).hideHelp())
        .addOption(new Option("--backoff-cap-ms <ms>", "largest retry delay").argParser(number(1)).default(DEFAULT_BACKOFF.capMs).hideHelp());
}

/** The command's I/O, and the clock its waits run on. */
export interface VerifyIo extends StdinIo {
    /** Measures and sleeps the waits for role assignments (tests pass one that does not really sleep). @default the real clock */
    readonly clock?: Clock;
}

async function run(o: Opts, io: VerifyIo): Promise<number> {
    const { source, outputs } = await readOutputs(o.outputs, io, o.stack);
    const { groups, sites } = await runVerify({
        outputs,
        source,
        auth: o.auth,
        accounts: o.account,
        waitSeconds: o.wait,
        authorityHost: o.authorityHost,
        apiVersion: o.apiVersion,
        backoff: { baseMs: o.backoffBaseMs, capMs: Math.max(o.backoffBaseMs, o.backoffCapMs) },
        foundryLocal: o.foundryLocal,
        sites: o.site,
        concurrency: o.concurrency,
    }, { clock: io.clock ?? realClock, now: () => new Date(), progress: (line) => io.stderr.write(`${line}\n`) });
    const summary = summarize(groups);
    if (o.json) io.stdout.write(`${JSON.stringify(checklistJson(groups, sites ? { sites: sitesJson(sites) } : {}), null, 2)}\n`);
    else {
        // A fleet's sites that answer are lines of the table; only the others' checks are spelled out.
        const answering = new Set(sites?.filter((s) => s.status === "answers").map((s) => s.group));
        io.stdout.write(`${renderChecklist(groups.filter((g) => !answering.has(g)))}${sites ? `\n${renderSitesTable(sites)}\n` : ""}${renderSummary(summary)}\n`);
    }
    return summary.ok ? 0 : 1;
}

/** Runs the command; returns the exit code. */
export function main(argv: readonly string[], io: VerifyIo): Promise<number> {
    return runCli<Opts>(argv, io, { name: "verify", program: command(), run: (o) => run(o, io), unexpected: (err) => ({ code: 1, line: `verify: ${messageOf(err)}` }) });
}
