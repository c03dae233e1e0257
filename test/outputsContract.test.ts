/**
 * The stack-outputs contract from both sides: the real program's outputs (harness) for the repository's stacks
 * parse with the consumer schema of src/outputs/, as `pulumi stack output --json --show-secrets` prints them and
 * as plain `--json` prints them (every secret "[secret]"); and every key the program emits is one the schema
 * names, so a new output cannot go unnoticed by the tools that read the outputs.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { RunResult } from "../harness/run";
import { checkExpiry } from "../src/expiry/check";
import { parseStackOutputs as parseGatewayOutputs } from "../src/gateway/outputs";
import {
    DEFAULT_TOKEN_SCOPE, OutputsContractSchema, parseOutputs, SECRET_OUTPUT_PATHS, SECRET_PLACEHOLDER, unknownOutputPaths, validateOutputs,
} from "../src/outputs";
import { TOKEN_SCOPE } from "../src/program";
import { parseOutputs as parseVerifyOutputs } from "../src/verify/outputs";
import { stackRun } from "./helpers";

const STACK_FILES = ["Pulumi.dev.yaml", "Pulumi.staging.yaml", "Pulumi.prod.yaml", "examples/full.yaml"] as const;

const runs = new Map<string, RunResult>();

beforeAll(async () => {
    for (const file of STACK_FILES) runs.set(file, await stackRun(file));
});

function runOf(file: string): RunResult {
    const run = runs.get(file);
    if (!run) throw new Error(`no run of ${file}`);
    return run;
}

/** The outputs as `pulumi stack output --json --show-secrets` prints them. */
const shown = (run: RunResult): Record<string, unknown> => JSON.parse(JSON.stringify(run.outputs)) as Record<string, unknown>;

/** The outputs as plain `pulumi stack output --json` prints them: every output the program marks secret is "[secret]". */
function redacted(run: RunResult): Record<string, unknown> {
    const copy = shown(run);
    for (const path of run.secretOutputPaths) {
        const keys = path.split(".");
        const last = keys.pop() as string;
        const parent = keys.reduce<Record<string, unknown>>((o, k) => o[k] as Record<string, unknown>, copy);
        parent[last] = SECRET_PLACEHOLDER;
    }
    return copy;
}

/** The SECRET_OUTPUT_PATHS of the credentials a stack has (prod and staging have no client secret). */
function secretPathsOf(run: RunResult): string[] {
    const gateway = shown(run).gateway as Record<string, unknown>;
    return SECRET_OUTPUT_PATHS.filter((p) => gateway[p.split(".")[1]!] !== undefined);
}

describe.each(STACK_FILES)("the program's outputs for %s", (file) => {
    it("mark exactly the SECRET_OUTPUT_PATHS of the stack's credentials secret", () => {
        const expected = secretPathsOf(runOf(file));
        expect(expected.length).toBeGreaterThan(0);
        expect([...runOf(file).secretOutputPaths].sort()).toEqual(expected.sort());
    });

    it("parse with the contract schema, as --show-secrets prints them and as plain --json prints them", () => {
        const withSecrets = parseOutputs(OutputsContractSchema, shown(runOf(file)));
        const hasSecret = secretPathsOf(runOf(file)).includes("gateway.clientSecret.value");
        if (hasSecret) expect(withSecrets.gateway.clientSecret?.value).toMatch(/^(?!\[secret\]$)./);
        else expect(withSecrets.gateway.clientSecret).toBeUndefined();
        const json = redacted(runOf(file));
        const outputs = parseOutputs(OutputsContractSchema, json, { secrets: "optional" });
        expect(outputs.gateway.certificate?.privateKeyPem).toBe(SECRET_PLACEHOLDER);
        expect(outputs.gateway.clientSecret?.value).toBe(hasSecret ? SECRET_PLACEHOLDER : undefined);
        // Everything else reads the same as with --show-secrets.
        const { certificate, clientSecret, ...gateway } = outputs.gateway;
        const { certificate: shownCertificate, clientSecret: shownSecret, ...shownGateway } = withSecrets.gateway;
        expect({ ...outputs, gateway }).toEqual({ ...withSecrets, gateway: shownGateway });
        expect({ ...certificate, privateKeyPem: "" }).toEqual({ ...shownCertificate, privateKeyPem: "" });
        if (hasSecret) expect({ ...clientSecret, value: "" }).toEqual({ ...shownSecret, value: "" });
        else expect([clientSecret, shownSecret]).toEqual([undefined, undefined]);
        expect(() => parseOutputs(OutputsContractSchema, json)).toThrow(/^gateway\.certificate\.privateKeyPem is "\[secret\]": the outputs were printed without --show-secrets; run pulumi stack output --json --show-secrets$/);
    });

    it("parse as each tool reads them: gateway-config, verify and token-doctor with the secrets, expiry without", () => {
        const json = shown(runOf(file));
        expect(Object.keys(parseGatewayOutputs(json).accounts)).toEqual(Object.keys(json.accounts as object));
        expect(parseVerifyOutputs(JSON.stringify(json), "outputs.json").tenantId).toBe(json.tenantId);
        const plain = redacted(runOf(file));
        expect(() => parseGatewayOutputs(plain)).toThrow(/^gateway\.certificate\.privateKeyPem is "\[secret\]": .*--show-secrets$/);
        const paths = secretPathsOf(runOf(file));
        expect(() => parseVerifyOutputs(JSON.stringify(plain), "outputs.json"))
            .toThrow(`outputs.json: ${paths.join(" and ")} show${paths.length === 1 ? "s" : ""} "[secret]"; read the outputs with \`pulumi stack output --json --show-secrets\``);
        const credentials = paths.map((p) => p.split(".").slice(0, 2).join("."));
        expect(checkExpiry(plain, { now: new Date("2026-01-01T00:00:00Z") }).credentials.map((c) => c.path)).toEqual(expect.arrayContaining(credentials));
    });

    it("emit no key the schema does not name", () => {
        const unknown = unknownOutputPaths(shown(runOf(file)));
        expect(unknown, `the program emits outputs src/outputs/ does not know (${unknown.join(", ")}): add each to the schema in ` +
            "src/outputs/schema.ts and to docs/outputs.md, so the tools that read the outputs know it").toEqual([]);
    });
});

/** Sets (or with `undefined`, deletes) the value at `path` of parsed JSON; every step but the last must exist. */
function set(json: unknown, path: readonly (string | number)[], value: unknown): void {
    const keys = [...path];
    const last = keys.pop() as string | number;
    const parent = keys.reduce<unknown>((o, k) => (o as Record<string | number, unknown>)[k], json) as Record<string | number, unknown>;
    if (value === undefined) delete parent[last];
    else parent[last] = value;
}

describe("the contract check itself", () => {
    it("names every key the schema does not know, in objects, records and lists", () => {
        const json = shown(runOf("examples/full.yaml"));
        set(json, ["newOutput"], 1);
        set(json, ["gateway", "certificate", "slots", 1, "newSlotKey"], true);
        set(json, ["accounts", "aoai-full-swc", "deployments", 0, "newDeploymentKey"], "x");
        set(json, ["delivery", "keyVault", "newVaultKey"], "y");
        set(json, ["managedIdentities", "batch-worker", "new key"], "z");
        expect(unknownOutputPaths(json).sort()).toEqual([
            "accounts.aoai-full-swc.deployments[0].newDeploymentKey",
            "delivery.keyVault.newVaultKey",
            "gateway.certificate.slots[1].newSlotKey",
            'managedIdentities.batch-worker."new key"',
            "newOutput",
        ]);
    });

    it("defaults the token scope to the one the program writes", () => {
        expect(DEFAULT_TOKEN_SCOPE).toBe(TOKEN_SCOPE);
        const json = shown(runOf("Pulumi.dev.yaml"));
        set(json, ["gateway", "tokenScope"], undefined);
        expect(parseOutputs(OutputsContractSchema, json).gateway.tokenScope).toBe(TOKEN_SCOPE);
    });

    it("refuses outputs that break the contract, naming the path", () => {
        const json = shown(runOf("Pulumi.dev.yaml"));
        set(json, ["gateway", "clientId"], undefined);
        set(json, ["subscriptionId"], "not-a-guid");
        expect(() => validateOutputs(OutputsContractSchema, json)).toThrow(/^subscriptionId: string "not-a-guid" is not a GUID \(and 1 more problem\)$/);
    });
});
