import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { isAbsolute, join } from "node:path";
import { afterAll } from "vitest";
import { DEFAULT_NOW, loadStackConfigFile, runProgram, ProgramFailed, type HarnessResource, type RunResult } from "../harness/run";

export const ROOT = join(__dirname, "..");

/**
 * The tests' base stack file: every feature at small size, stack name "dev". Fixed, unlike the shipped
 * `Pulumi.dev.yaml`, so tests that build configs from it do not move when the shipped stacks change.
 */
export const BASE_STACK_FILE = join(ROOT, "test", "fixtures", "stacks", "Pulumi.dev.yaml");

/** The base stack's config, as the runtime holds it. */
export function devConfig(): Record<string, string> {
    return loadStackConfigFile(BASE_STACK_FILE).config;
}

/** A config built from plain values (objects are JSON-encoded as Pulumi does). */
export function config(values: Record<string, unknown>): Record<string, string> {
    return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]));
}

/** The base stack's app registration owners (required config), read from its stack file so they cannot drift. */
export const BASE_OWNERS: readonly string[] = ownersOf(devConfig()["foundry-entra:gateway"]);

function ownersOf(gateway: string | undefined): readonly string[] {
    const owners: unknown = gateway === undefined ? undefined : (JSON.parse(gateway) as { owners?: unknown }).owners;
    if (!Array.isArray(owners) || owners.length === 0 || !owners.every((o): o is string => typeof o === "string")) {
        throw new Error(`${BASE_STACK_FILE}: foundry-entra:gateway.owners is not a list of object ids`);
    }
    return Object.freeze(owners);
}

/**
 * The dev config with some `foundry-entra:` keys replaced (undefined removes a key). A replaced `gateway` that does
 * not mention `owners` keeps the base stack's owners (required config the test is not about); build the config with
 * `config()` to test owners themselves.
 */
export function devWith(overrides: Record<string, unknown>): Record<string, string> {
    const base = devConfig();
    for (const [k, raw] of Object.entries(overrides)) {
        const key = k.includes(":") ? k : `foundry-entra:${k}`;
        const v = key === "foundry-entra:gateway" && raw && typeof raw === "object" && !("owners" in raw) ? { owners: BASE_OWNERS, ...raw } : raw;
        if (v === undefined) delete base[key];
        else base[key] = typeof v === "string" ? v : JSON.stringify(v);
    }
    return base;
}

/**
 * Private temporary folders for a test file, all removed after its tests (the run fails on anything left in the
 * temporary folder: test/support/globalSetup.ts). Call it at the top of the file or of a describe block; call
 * what it returns for each new folder.
 */
export function tempDirs(prefix: string): () => string {
    const made: string[] = [];
    afterAll(() => {
        for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
    });
    return () => {
        const dir = mkdtempSync(join(tmpdir(), prefix));
        made.push(dir);
        return dir;
    };
}

export async function render(cfg: Record<string, string>, options: { stack?: string; now?: Date } = {}): Promise<RunResult> {
    return runProgram({ config: cfg, ...options });
}

const sharedRuns = new Map<string, Promise<RunResult>>();

/**
 * A render shared by every test in this worker process that asks for the same config, stack and clock (vitest
 * runs test files one after another in a worker that keeps its modules: vitest.config.mts). The suite renders
 * the same stacks in many files, and a render takes a few hundred ms. The result is frozen: read it, never
 * change it (a change throws). Tests of determinism render afresh with `render`.
 */
export function sharedRender(cfg: Record<string, string>, options: { stack?: string; now?: Date } = {}): Promise<RunResult> {
    const key = JSON.stringify([cfg, options.stack ?? "dev", (options.now ?? DEFAULT_NOW).toISOString()]);
    let run = sharedRuns.get(key);
    if (!run) {
        run = render(cfg, options).then(frozen);
        sharedRuns.set(key, run);
        run.catch(() => sharedRuns.delete(key));
    }
    return run;
}

/** `sharedRender` of a stack config file (absolute, or relative to the repository), as its stack. */
export function stackRun(file: string, options: { now?: Date } = {}): Promise<RunResult> {
    const { stack, config } = loadStackConfigFile(isAbsolute(file) ? file : join(ROOT, file));
    return sharedRender(config, { stack, ...options });
}

function deepFreeze<T>(value: T): T {
    if (value && typeof value === "object" && !Object.isFrozen(value)) {
        Object.freeze(value);
        for (const v of Object.values(value)) deepFreeze(v);
    }
    return value;
}

/** The run with its plain data frozen (not `rawOutputs` and `mocks`: the SDK's Outputs and the mocks' maps). */
function frozen(run: RunResult): RunResult {
    deepFreeze(run.resources);
    deepFreeze(run.outputs);
    deepFreeze(run.secretOutputPaths);
    return Object.freeze(run);
}

/**
 * Runs a config that must be refused; returns the error lines and what got registered.
 * @param run how to run it @default the foundry-entra program under mocks
 */
export async function refuse(cfg: Record<string, string>, run: (cfg: Record<string, string>) => Promise<RunResult> = (c) => runProgram({ config: c })): Promise<{ lines: string[]; registered: number }> {
    try {
        await run(cfg);
    } catch (err) {
        if (err instanceof ProgramFailed) return { lines: err.message.split("\n").map((l) => l.trim()), registered: err.resources.length };
        throw err;
    }
    throw new Error("the program accepted a config it should refuse");
}

export function ofType(r: RunResult, type: string): HarnessResource[] {
    return r.resources.filter((x) => x.type === type);
}

export function named(r: RunResult, name: string): HarnessResource {
    const found = r.resources.find((x) => x.name === name);
    if (!found) throw new Error(`no resource named ${name}; have: ${r.resources.map((x) => x.name).join(", ")}`);
    return found;
}

/** Follows a dotted path into a plain value. */
export function at(value: unknown, path: string): unknown {
    return path.split(".").reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], value);
}

/** openssl's SHA-1 fingerprint of a PEM certificate, as upper-case hex without colons. */
export function opensslSha1(pem: string): string {
    const out = execFileSync("openssl", ["x509", "-noout", "-fingerprint", "-sha1"], { input: pem }).toString();
    return out.slice(out.indexOf("=") + 1).trim().replace(/:/g, "").toUpperCase();
}

export const RT = {
    app: "azuread:index/application:Application",
    sp: "azuread:index/servicePrincipal:ServicePrincipal",
    password: "azuread:index/applicationPassword:ApplicationPassword",
    appCert: "azuread:index/applicationCertificate:ApplicationCertificate",
    fic: "azuread:index/applicationFederatedIdentityCredential:ApplicationFederatedIdentityCredential",
    identifierUri: "azuread:index/applicationIdentifierUri:ApplicationIdentifierUri",
    preAuth: "azuread:index/applicationPreAuthorized:ApplicationPreAuthorized",
    appRoleAssignment: "azuread:index/appRoleAssignment:AppRoleAssignment",
    key: "tls:index/privateKey:PrivateKey",
    cert: "tls:index/selfSignedCert:SelfSignedCert",
    account: "azure-native:cognitiveservices:Account",
    deployment: "azure-native:cognitiveservices:Deployment",
    roleAssignment: "azure-native:authorization:RoleAssignment",
    uai: "azure-native:managedidentity:UserAssignedIdentity",
    extension: "azure-native:kubernetesconfiguration:Extension",
} as const;
