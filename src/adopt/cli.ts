/**
 * The `adopt` command: take over a setup built by hand from the portal guides.
 *
 *   adopt (--stack S | --config F) [--write] [--format text|json] [--authority-host URL] [--graph-endpoint URL] [--arm-endpoint URL]
 *
 * Signs in with @azure/identity's DefaultAzureCredential (the identities `pulumi` uses: environment, workload identity,
 * managed identity, Azure CLI, …) to the tenant the stack pins, finds what the stack would create that exists already
 * (src/adopt/discover.ts), and prints what it found and what the next `pulumi up` will do with it: the real program,
 * offline, with the imported objects answering as the providers would read them, planned by src/plan (imports, the
 * updates right after them, creations; no replacement, no deletion). `--write` puts `foundry-entra:adopt` (and the
 * accounts' live settings) into the stack file. Exit 0: nothing in the way; 1: two matches for one object, something
 * that cannot be taken over as it is, a danger, or a refused read (the missing permission is named); 2: bad input.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { AuthenticationError, CredentialUnavailableError, DefaultAzureCredential, type TokenCredential } from "@azure/identity";
import { Command, Option } from "commander";
import * as pulumi from "@pulumi/pulumi";
import { stringify } from "yaml";
import { ProgramFailed } from "../../harness/run";
import { NAMESPACE } from "../config/parse";
import { CliError, messageOf, parseHttpsUrl, parseIsoDate, runCli, type CommandIo, type Failure } from "../lib/cli";
import { pinsOf } from "../program";
import { formatJson as planJson, parsed, planStack, readStack, stackFile, type PlanReport } from "../plan/cli";
import { urnName } from "../plan/urns";
import { authorityOptions } from "../verify/credentials";
import { discover, type Discovery, type EntryEdit } from "./discover";
import { AzureRest, PermissionError, ServiceError } from "./rest";
import { ADOPT_KEY, applyAdoption } from "./write";

export interface AdoptIo extends CommandIo {
    /** Where relative paths start. */
    readonly cwd: string;
    /** The project directory, where `Pulumi.<stack>.yaml` files live. */
    readonly projectDir: string;
    /** The credential to sign in with. @default DefaultAzureCredential for the pinned tenant */
    readonly credential?: (tenantId: string, authorityHost: string | undefined) => TokenCredential;
    /** How it waits when a service throttles (Retry-After). @default setTimeout */
    readonly sleep?: (ms: number) => Promise<void>;
}

interface Options {
    stack?: string;
    config?: string;
    write: boolean;
    format: "text" | "json";
    authorityHost?: string;
    graphEndpoint?: string;
    armEndpoint?: string;
    now?: Date;
}

function command(): Command {
    return new Command("adopt")
        .description("Find what a stack would create that exists already (built by hand), and write foundry-entra:adopt so the next pulumi up takes it over.")
        .addOption(new Option("--stack <name>", "the stack: Pulumi.<name>.yaml in the project directory"))
        .addOption(new Option("--config <file>", "read (and with --write, change) this stack file instead").conflicts("stack"))
        .option("--write", "put the adopt map and the accounts' live settings into the stack file (comments are kept)", false)
        .addOption(new Option("--format <format>", "what to print").choices(["text", "json"]).default("text"))
        .option("--authority-host <url>", "Entra ID authority host (sovereign clouds: https://login.microsoftonline.us, …)", parseHttpsUrl)
        .option("--graph-endpoint <url>", "Microsoft Graph endpoint (default https://graph.microsoft.com)", parseHttpsUrl)
        .option("--arm-endpoint <url>", "Azure Resource Manager endpoint (default https://management.azure.com)", parseHttpsUrl)
        .option("--now <date>", "the date the offline plan of the next pulumi up uses (default now)", parseIsoDate);
}

const firstLine = (err: unknown) => messageOf(err).split("\n")[0] ?? "";

/** The stack's config with the adopt map and the entry edits applied, as the runtime holds it. */
export function adoptedConfig(config: Readonly<Record<string, string>>, adopt: Record<string, unknown>, edits: readonly EntryEdit[]): Record<string, string> {
    const out = { ...config };
    if (Object.keys(adopt).length > 0) out[ADOPT_KEY] = JSON.stringify(adopt);
    else delete out[ADOPT_KEY];
    for (const key of new Set(edits.map((e) => e.key))) {
        const list = JSON.parse(out[`${NAMESPACE}:${key}`] ?? "[]") as Record<string, unknown>[];
        for (const edit of edits.filter((e) => e.key === key)) {
            for (const [path, value] of Object.entries(edit.set)) {
                const parts = path.split(".");
                let target = list[edit.index] as Record<string, unknown>;
                for (const p of parts.slice(0, -1)) target = (target[p] ??= {}) as Record<string, unknown>;
                target[parts.at(-1)!] = value;
            }
        }
        out[`${NAMESPACE}:${key}`] = JSON.stringify(list);
    }
    return out;
}

/** Lookups the offline run answers with what was found, as the real ones would. */
function lookupAnswers(d: Discovery) {
    const { users, groups, cluster } = d.lookups;
    return {
        "azuread:index/getUser:getUser": (i: Record<string, unknown>) => {
            const objectId = users.get(String(i.userPrincipalName));
            if (!objectId) throw new Error(`user ${String(i.userPrincipalName)} was not found`);
            return { objectId, userPrincipalName: i.userPrincipalName };
        },
        "azuread:index/getGroup:getGroup": (i: Record<string, unknown>) => {
            const objectId = groups.get(String(i.displayName));
            if (!objectId) throw new Error(`group ${String(i.displayName)} was not found`);
            return { objectId, displayName: i.displayName };
        },
        ...(cluster ? { "azure-native:kubernetes:getConnectedCluster": () => ({ id: cluster.id, name: cluster.name, identity: cluster.identity, location: cluster.location }) } : {}),
    };
}

interface Outcome {
    readonly stack: string;
    readonly file: string;
    readonly discovery: Discovery;
    readonly plan?: PlanReport;
    /** Why the plan could not be made (the program refused the adopted config). */
    readonly planFailed?: string;
    readonly written: boolean;
}

const blocked = (o: Outcome) => o.discovery.conflicts.length > 0 || o.discovery.problems.length > 0 || o.planFailed !== undefined || (o.plan?.dangers.length ?? 0) > 0;

function formatText(o: Outcome): string {
    const d = o.discovery;
    const lines = [`adopt: stack ${o.stack} (${o.file})`, ""];
    const section = (title: string, items: readonly string[]) => {
        if (items.length === 0) return;
        lines.push(title, ...items.map((i) => `  - ${i}`), "");
    };
    section("Exists, taken over by the next pulumi up:", d.found);
    section("Does not exist, the stack creates it:", d.missing);
    section("CONFLICT (two or more matches: adopt refuses until one is left):", d.conflicts);
    section("PROBLEM (cannot be taken over as it is):", d.problems);
    section("Good to know:", d.notes);
    if (Object.keys(d.adopt).length > 0) {
        lines.push(`${ADOPT_KEY}:`, ...stringify(d.adopt, { lineWidth: 0 }).trimEnd().split("\n").map((l) => `  ${l}`), "");
    }
    if (o.plan) {
        const count = (op: string) => o.plan!.changes.filter((c) => c.op === op).length;
        lines.push("What the next pulumi up does with it (offline, against what was read):",
            `  ${["import", "create", "update", "replace", "delete"].map((op) => `${count(op)} ${op}`).join(", ")}`);
        for (const c of o.plan.changes.filter((x) => x.op === "import" && x.reasons.length > 0 && !x.importFails)) {
            lines.push(`  import ${c.name}, then update ${c.reasons.join(", ")}`);
        }
        for (const d2 of o.plan.dangers) lines.push(`  DANGER ${urnName(d2.urn)}: ${d2.why}`);
        lines.push("");
    }
    if (o.planFailed) lines.push(`The program refuses the adopted config: ${o.planFailed}`, "");
    if (o.written) lines.push(`Wrote ${ADOPT_KEY} to ${o.file}. Next: pulumi preview, then pulumi up; turn key access off in a later run (docs/adoption.md).`);
    else if (blocked(o)) lines.push("Nothing written: resolve the conflicts, problems and dangers above, then run adopt again.");
    else lines.push(`Run again with --write to put this into ${o.file}.`);
    return `${lines.join("\n")}\n`;
}

function formatJson(o: Outcome): string {
    const d = o.discovery;
    return `${JSON.stringify({
        stack: o.stack, file: o.file, written: o.written,
        found: d.found, missing: d.missing, conflicts: d.conflicts, problems: d.problems, notes: d.notes,
        adopt: d.adopt, edits: d.edits,
        ...(o.plan ? { plan: JSON.parse(planJson(o.plan)) as unknown } : {}),
        ...(o.planFailed ? { planFailed: o.planFailed } : {}),
    }, null, 2)}\n`;
}

async function run(opts: Options, io: AdoptIo): Promise<number> {
    const file = stackFile(io, opts);
    if (!file) throw new CliError("--stack NAME or --config FILE is required");
    const { stack, config: withOldMap } = readStack(file, io, opts);
    // The map is what adopt writes: a stale one in the file must not stop it from being written again.
    const config = Object.fromEntries(Object.entries(withOldMap).filter(([k]) => k !== ADOPT_KEY));
    const stackConfig = parsed(config, stack);
    const pins = pinsOf(config);
    if (!pins.subscriptionId || !pins.tenantId) {
        throw new CliError(`${file} pins no ${[!pins.subscriptionId && "azure-native:subscriptionId", !pins.tenantId && "azuread:tenantId"].filter(Boolean).join(" and ")}: ` +
            "adopt reads the tenant and subscription the stack goes to; pin them first (docs/day-two.md)");
    }
    const progress = (line: string) => io.stderr.write(`adopt: ${line}\n`);
    const credential = io.credential?.(pins.tenantId, opts.authorityHost)
        ?? new DefaultAzureCredential({ tenantId: pins.tenantId, ...(opts.authorityHost ? authorityOptions(opts.authorityHost) : {}) });
    const rest = new AzureRest({
        credential, progress,
        ...(io.sleep ? { sleep: io.sleep } : {}),
        ...(opts.graphEndpoint ? { graphEndpoint: opts.graphEndpoint } : {}),
        ...(opts.armEndpoint ? { armEndpoint: opts.armEndpoint } : {}),
    });
    const discovery = await discover(rest, stackConfig, { subscriptionId: pins.subscriptionId, progress });

    const next = adoptedConfig(config, discovery.adopt, discovery.edits);
    let plan: PlanReport | undefined;
    let planFailed: string | undefined;
    if (discovery.conflicts.length === 0) {
        progress("planning the next pulumi up offline…");
        try {
            plan = await planStack({
                config: next, stack, prior: { kind: "render", resources: [], outputs: {} }, now: opts.now ?? new Date(),
                live: discovery.live, invokes: lookupAnswers(discovery),
            });
        } catch (err) {
            planFailed = err instanceof CliError ? err.message : err instanceof ProgramFailed && pulumi.RunError.isInstance(err.cause) ? err.message : firstLine(err);
        }
    }
    const outcome: Outcome = { stack, file, discovery, ...(plan ? { plan } : {}), ...(planFailed ? { planFailed } : {}), written: false };
    let written = false;
    if (opts.write && !blocked(outcome)) {
        const text = readFileSync(file, "utf8");
        writeFileSync(file, applyAdoption(text, discovery.adopt, discovery.edits, (opts.now ?? new Date()).toISOString().slice(0, 10)));
        written = true;
    }
    const final = { ...outcome, written };
    io.stdout.write(opts.format === "json" ? formatJson(final) : formatText(final));
    return blocked(final) ? 1 : 0;
}

function unexpected(err: unknown): Failure {
    if (err instanceof PermissionError || err instanceof ServiceError) return { code: 1, line: `adopt: ${err.message}` };
    if (err instanceof CredentialUnavailableError || err instanceof AuthenticationError) {
        // The AADSTS code says what is wrong (a secret, a tenant, consent); the rest of MSAL's message is trace ids.
        const aadsts = /AADSTS\d+: [^.]*\./.exec(messageOf(err))?.[0];
        return { code: 1, line: `adopt: could not sign in with DefaultAzureCredential (az login, a workload identity, or AZURE_CLIENT_ID/AZURE_TENANT_ID/AZURE_CLIENT_SECRET): ${firstLine(err)}${aadsts ? ` ${aadsts}` : ""}` };
    }
    return { code: 1, line: `adopt: unexpected error: ${firstLine(err)}` };
}

/** Runs the command; returns the exit code. */
export function main(argv: readonly string[], io: AdoptIo): Promise<number> {
    return runCli<Options>(argv, io, { name: "adopt", program: command(), run: (opts) => run(opts, io), unexpected });
}
