/**
 * `npm run verify`: reads the stack outputs and proves, against the real services, that the gateway's
 * credentials get tokens, that each account accepts them (waiting for RBAC to propagate), that key-based auth
 * is off, and that Foundry Local accepts the gateway. Returns the checklist; the CLI prints it.
 */
import { CliError } from "../lib/cli";
import { excerpt as firstFew } from "../lib/names";
import { asChecks, toCheck, type Check, type CheckGroup } from "./checklist";
import { probeKeyAuth } from "./azureOpenAi";
import { configuredCredentials, type CredentialKind } from "./credentials";
import { credentialGroup, type FoundryLocalToken } from "./credentialChecks";
import { listModels } from "./foundryLocal";
import { certificateConsistency, expiryFindings } from "./localChecks";
import type { StackOutputs } from "./outputs";
import { WaitBudget, type BackoffPolicy, type Clock } from "./retry";
import { DEFAULT_SITE_CONCURRENCY, fleetSites, siteName, verifySites, type SiteRef, type SiteResult } from "./sites";

/** The `--auth` choices. */
export type AuthChoice = CredentialKind | "all";

/** The parsed command line and the outputs. */
export interface VerifyOptions {
    readonly outputs: StackOutputs;
    /** Where the outputs came from, for the checklist. */
    readonly source: string;
    /** @default "all": every credential the outputs hold */
    readonly auth: AuthChoice;
    /** Accounts to check. @default every account */
    readonly accounts?: readonly string[];
    /** Total seconds verify may wait for role assignments to propagate. */
    readonly waitSeconds: number;
    readonly authorityHost: string;
    readonly apiVersion: string;
    readonly backoff: BackoffPolicy;
    /** Check Foundry Local when the outputs configure it. @default true */
    readonly foundryLocal: boolean;
    /** Sites of a fleet to check. @default every site */
    readonly sites?: readonly string[];
    /** Sites of a fleet checked at once. @default DEFAULT_SITE_CONCURRENCY */
    readonly concurrency?: number;
}

/** The checklist, and for a fleet each site's result (its checks are in the checklist too). */
export interface VerifyResult {
    readonly groups: CheckGroup[];
    readonly sites?: readonly SiteResult[];
}

/** Time and output, injected so tests need no real waits. */
export interface VerifyDeps {
    readonly clock: Clock;
    readonly now: () => Date;
    /** Progress lines (stderr in the CLI). */
    readonly progress: (line: string) => void;
}

/** Bad arguments (an unknown account name): the CLI exits 2. */
export class UsageError extends CliError {}

/** Runs every check and returns the checklist; throws UsageError for an unknown --account or --site. */
export async function runVerify(o: VerifyOptions, deps: VerifyDeps): Promise<VerifyResult> {
    const { outputs } = o;
    const accountNames = selectAccounts(outputs, o.accounts);
    const fleet = o.foundryLocal ? selectSites(fleetSites(outputs), o.sites) : undefined;
    const configured = configuredCredentials(outputs);
    const kinds = o.auth === "all" ? configured : [o.auth];
    const groups: CheckGroup[] = [outputsGroup(o, kinds, configured, deps.now())];
    const refs = accountNames.flatMap((name) => {
        const account = outputs.accounts[name];
        return account ? [{ name, account, apiVersion: o.apiVersion }] : [];
    });

    deps.progress("checking key-based auth…");
    const keyChecks: Check[] = [];
    for (const ref of refs) {
        if (ref.account.localAuthDisabled === false) {
            keyChecks.push({ id: `keyAuth.${ref.name}.declared`, status: "fail", title: `${ref.name}: the stack declares key-based auth on (disableLocalAuth: false)`, cause: "keys stay valid next to Entra ID", fix: `set \`disableLocalAuth: true\` for ${ref.name} in \`foundry-entra:accounts\` and run \`pulumi up\`` });
        }
        keyChecks.push(toCheck(`keyAuth.${ref.name}`, await probeKeyAuth(ref)));
    }
    groups.push({ title: "Key-based auth is off", checks: keyChecks });

    const endpoint = o.foundryLocal && !fleet ? outputs.foundryLocal?.endpoint : undefined;
    let single: { endpoint: string; models: string[] } | undefined;
    if (endpoint) {
        deps.progress(`checking Foundry Local at ${endpoint}…`);
        const listed = await listModels(endpoint);
        single = { endpoint, models: listed.models };
        groups.push({ title: `Foundry Local endpoint ${endpoint}`, checks: [toCheck("foundryLocal.models", listed.result)] });
    }

    const budget = new WaitBudget(o.waitSeconds * 1000, deps.clock);
    const wait = { budget, policy: o.backoff, clock: deps.clock, progress: deps.progress };
    const tokens = new Map<CredentialKind, FoundryLocalToken>();
    for (const kind of kinds.filter((k) => configured.includes(k))) {
        deps.progress(`checking the ${kind} credential…`);
        const { group, foundryLocalToken } = await credentialGroup(kind, {
            outputs, accounts: accountNames, authorityHost: o.authorityHost, apiVersion: o.apiVersion, now: deps.now,
            ...(single ? { foundryLocal: single } : fleet ? { foundryLocal: "token" as const } : {}),
            wait,
        });
        groups.push(group);
        if (foundryLocalToken) tokens.set(kind, foundryLocalToken);
    }
    if (!fleet) return { groups };
    const sites = await verifySites(fleet, { tokens, concurrency: o.concurrency ?? DEFAULT_SITE_CONCURRENCY, wait });
    return { groups: [...groups, ...sites.map((s) => s.group)], sites };
}

/** The fleet's sites to check (all unless --site names some), or undefined for one cluster. */
function selectSites(all: SiteRef[] | undefined, wanted: readonly string[] | undefined): SiteRef[] | undefined {
    if (!wanted || wanted.length === 0) return all;
    // Site names come from the outputs file and --site from the command line: each is shown as a plain name or an excerpt.
    const shown = (names: readonly string[]) => names.map(siteName);
    if (!all) throw new UsageError(`--site ${shown(wanted).join(", ")}: the outputs describe one Foundry Local cluster (foundryLocal.endpoint), not a fleet's sites`);
    const byName = new Map(all.map((s) => [s.name.toLowerCase(), s]));
    const unknown = wanted.filter((w) => !byName.has(w.toLowerCase()));
    if (unknown.length) throw new UsageError(`--site ${shown(unknown).join(", ")}: no such site in the outputs' foundryLocal.sites; have: ${firstFew(shown(all.map((s) => s.name)))}`);
    return all.filter((s) => wanted.some((w) => w.toLowerCase() === s.name.toLowerCase()));
}

function selectAccounts(outputs: StackOutputs, wanted: readonly string[] | undefined): string[] {
    const all = Object.keys(outputs.accounts);
    if (!wanted || wanted.length === 0) return all;
    const unknown = wanted.filter((w) => !all.includes(w));
    if (unknown.length) throw new UsageError(`--account ${unknown.join(", ")}: no such account in the outputs; have: ${all.join(", ") || "(none)"}`);
    return [...wanted];
}

function foundryLocalWord(outputs: StackOutputs): string {
    const sites = outputs.foundryLocal?.sites;
    return sites ? `, Foundry Local on ${Object.keys(sites).length} sites` : outputs.foundryLocal ? ", Foundry Local" : "";
}

function outputsGroup(o: VerifyOptions, kinds: readonly CredentialKind[], configured: readonly CredentialKind[], now: Date): CheckGroup {
    const { outputs } = o;
    const checks: Check[] = [{
        id: "outputs.read", status: "pass",
        title: `${o.source}: tenant ${outputs.tenantId}, gateway ${outputs.gateway.clientId}, credentials: ${configured.join(", ") || "none"}, ${Object.keys(outputs.accounts).length} accounts${foundryLocalWord(outputs)}`,
    }];
    for (const k of kinds.filter((k) => !configured.includes(k))) {
        checks.push({ id: `outputs.${k}`, status: "fail", title: `--auth ${k}: the outputs hold no ${k === "certificate" ? "gateway.certificate" : "gateway.clientSecret"}`, cause: `the stack's \`foundry-entra:gateway.${k === "certificate" ? "certificate" : "clientSecret"}\` is false`, fix: `enable it in the stack config and run \`pulumi up\`, or pick another --auth` });
    }
    if (configured.length === 0) checks.push({ id: "outputs.credentials", status: "fail", title: "the outputs hold neither a certificate nor a client secret", cause: "the gateway signs in with federated credentials only, which verify cannot use", fix: "verify from the workload that holds the federated identity, or enable `foundry-entra:gateway.certificate`" });
    if (kinds.includes("certificate") && outputs.gateway.certificate) checks.push(...asChecks("outputs.certificate", certificateConsistency(outputs.gateway.certificate)));
    checks.push(...asChecks("outputs.expiry", expiryFindings(outputs, kinds, now)));
    return { title: "Stack outputs", checks };
}


