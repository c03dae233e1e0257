/**
 * `npm run verify`: reads the stack outputs and proves, against the real services, that the gateway's
 * credentials get tokens, that each account accepts them (waiting for RBAC to propagate), that key-based auth
 * is off, and that Foundry Local accepts the gateway. Returns the checklist; the CLI prints it.
 */
import { CliError } from "../lib/cli";
import { asChecks, type Check, type CheckGroup } from "./checklist";
import { probeKeyAuth, type Classified } from "./azureOpenAi";
import { configuredCredentials, type CredentialKind } from "./credentials";
import { credentialGroup } from "./credentialChecks";
import { listModels } from "./foundryLocal";
import { certificateConsistency, expiryFindings } from "./localChecks";
import type { StackOutputs } from "./outputs";
import { WaitBudget, type BackoffPolicy, type Clock } from "./retry";

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

/** Runs every check and returns the checklist; throws UsageError for an unknown --account. */
export async function runVerify(o: VerifyOptions, deps: VerifyDeps): Promise<CheckGroup[]> {
    const { outputs } = o;
    const accountNames = selectAccounts(outputs, o.accounts);
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

    const fl = o.foundryLocal ? outputs.foundryLocal : undefined;
    let models: string[] | undefined;
    if (fl) {
        deps.progress(`checking Foundry Local at ${fl.endpoint}…`);
        const listed = await listModels(fl.endpoint);
        models = listed.models;
        groups.push({ title: `Foundry Local endpoint ${fl.endpoint}`, checks: [toCheck("foundryLocal.models", listed.result)] });
    }

    const budget = new WaitBudget(o.waitSeconds * 1000, deps.clock);
    for (const kind of kinds.filter((k) => configured.includes(k))) {
        deps.progress(`checking the ${kind} credential…`);
        groups.push(await credentialGroup(kind, {
            outputs, accounts: accountNames, authorityHost: o.authorityHost, apiVersion: o.apiVersion, now: deps.now,
            ...(models ? { foundryLocalModels: models } : {}),
            wait: { budget, policy: o.backoff, clock: deps.clock, progress: deps.progress },
        }));
    }
    return groups;
}

function selectAccounts(outputs: StackOutputs, wanted: readonly string[] | undefined): string[] {
    const all = Object.keys(outputs.accounts);
    if (!wanted || wanted.length === 0) return all;
    const unknown = wanted.filter((w) => !all.includes(w));
    if (unknown.length) throw new UsageError(`--account ${unknown.join(", ")}: no such account in the outputs; have: ${all.join(", ") || "(none)"}`);
    return [...wanted];
}

function outputsGroup(o: VerifyOptions, kinds: readonly CredentialKind[], configured: readonly CredentialKind[], now: Date): CheckGroup {
    const { outputs } = o;
    const checks: Check[] = [{
        id: "outputs.read", status: "pass",
        title: `${o.source}: tenant ${outputs.tenantId}, gateway ${outputs.gateway.clientId}, credentials: ${configured.join(", ") || "none"}, ${Object.keys(outputs.accounts).length} accounts${outputs.foundryLocal ? ", Foundry Local" : ""}`,
    }];
    for (const k of kinds.filter((k) => !configured.includes(k))) {
        checks.push({ id: `outputs.${k}`, status: "fail", title: `--auth ${k}: the outputs hold no ${k === "certificate" ? "gateway.certificate" : "gateway.clientSecret"}`, cause: `the stack's \`foundry-entra:gateway.${k === "certificate" ? "certificate" : "clientSecret"}\` is false`, fix: `enable it in the stack config and run \`pulumi up\`, or pick another --auth` });
    }
    if (configured.length === 0) checks.push({ id: "outputs.credentials", status: "fail", title: "the outputs hold neither a certificate nor a client secret", cause: "the gateway signs in with federated credentials only, which verify cannot use", fix: "verify from the workload that holds the federated identity, or enable `foundry-entra:gateway.certificate`" });
    if (kinds.includes("certificate") && outputs.gateway.certificate) checks.push(...asChecks("outputs.certificate", certificateConsistency(outputs.gateway.certificate)));
    checks.push(...asChecks("outputs.expiry", expiryFindings(outputs, kinds, now)));
    return { title: "Stack outputs", checks };
}

const toCheck = (id: string, c: Classified): Check => (c.outcome === "pass"
    ? { id, status: "pass", title: c.title }
    : { id, status: c.outcome === "retry" ? "fail" : c.outcome, title: c.title, cause: c.cause, fix: c.fix });

