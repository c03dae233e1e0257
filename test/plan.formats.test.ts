/**
 * `plan` against Pulumi's own file formats: a `pulumi stack export` and `pulumi preview --json` of the stack in
 * test/fixtures/pulumi/Pulumi.small.yaml (how the fixtures were made and where their shape comes from:
 * test/fixtures/pulumi/README.md), the command's exit codes and JSON, and the provider rules it relies on.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadStackConfigFile } from "../harness/run";
import { main, planStack } from "../src/plan/cli";
import { diffInputs, graphStoredDate, stored, TYPE_MODELS } from "../src/plan/providers";
import { readPreview } from "../src/plan/preview";
import { readPriorState, StateFormatError } from "../src/plan/state";
import { ROOT } from "./helpers";

const DIR = join(ROOT, "test", "fixtures", "pulumi");
const SMALL = join(DIR, "Pulumi.small.yaml");
const EXPORT = join(DIR, "stack-export.json");
const exported = () => readPriorState(JSON.parse(readFileSync(EXPORT, "utf8")));
const small = () => loadStackConfigFile(SMALL);

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    let stdout = "";
    let stderr = "";
    const code = await main(args, {
        stdout: { write: (s: string) => { stdout += s; return true; } },
        stderr: { write: (s: string) => { stderr += s; return true; } },
        cwd: ROOT, projectDir: ROOT, env: {},
    });
    return { code, stdout, stderr };
}

describe("a real pulumi stack export as the previous state", () => {
    it("reads version 3 deployments: resources without the stack and providers, secrets as [secret], creation times", () => {
        const prior = exported();
        expect(prior.kind).toBe("export");
        expect(prior.stack).toBe("small");
        expect(prior.resources.map((r) => r.type)).not.toContain("pulumi:providers:azuread");
        const secret = prior.resources.find((r) => r.urn.endsWith("::gateway-secret-password-20260321"))!;
        expect(secret.outputs.value).toBe("[secret]");
        expect(secret.created?.toISOString()).toBe("2026-03-21T00:18:03.552Z");
        expect(prior.outputs.tenantId).toBe("7a1c2e3f-4b5d-4e6f-8a7b-9c0d1e2f3a4b");
        expect(JSON.stringify(prior)).not.toContain("ciphertext");
    });

    it("plans the same stack later that day as a teammate: every resource same, no danger", async () => {
        const report = await planStack({ ...small(), prior: exported(), now: new Date("2026-05-04T15:00:00Z"), as: "cccccccc-1111-4222-8333-444444444444" });
        expect(report.changes.filter((c) => c.op !== "same")).toEqual([]);
        expect(report.changes).toHaveLength(7);
        expect(report.dangers).toEqual([]);
    });

    it("on the rotation day: the next generation created, the oldest deleted, no danger (its successor is 90 days old)", async () => {
        const report = await planStack({ ...small(), prior: exported(), now: new Date("2026-06-19T00:17:00Z") });
        expect(report.changes.filter((c) => c.op !== "same").map((c) => `${c.op} ${c.name}`)).toEqual(
            ["create gateway-secret-password-20260619", "delete gateway-secret-password-20251221"]);
        expect(report.dangers).toEqual([]);
    });

    it("turning rotation off deletes the secret in use: a danger that names it", async () => {
        const { stack, config } = small();
        const gateway = JSON.parse(config["foundry-entra:gateway"]!) as Record<string, unknown>;
        const report = await planStack({ stack, config: { ...config, "foundry-entra:gateway": JSON.stringify({ ...gateway, clientSecret: { validityDays: 180 } }) },
            prior: exported(), now: new Date("2026-05-04T15:00:00Z") });
        expect(report.dangers).toHaveLength(1);
        expect(report.dangers[0]!.urn).toMatch(/::gateway-secret-password-20260321$/);
        expect(report.dangers[0]!.why).toMatch(/^the gateway's current client secret .* is deleted at the end of this run/);
    });

    it("refuses what is not a state, one line, exit 2", async () => {
        expect(() => readPriorState({ version: 4, deployment: {} })).toThrow(StateFormatError);
        expect(() => readPriorState({ steps: [] })).toThrow(/pass it with --preview/);
        const r = await cli(["--config", SMALL, "--state", join(DIR, "Pulumi.small.yaml")]);
        expect(r.code).toBe(2);
        expect(r.stderr.trim().split("\n")).toHaveLength(1);
        expect(r.stderr).toMatch(/^plan: --state: .* is not JSON/);
    });
});

describe("pulumi preview --json judged by the same rules (the pipeline's guard)", () => {
    it("reads Pulumi's PreviewDigest: steps with ops, old and new states", () => {
        const preview = readPreview(JSON.parse(readFileSync(join(DIR, "preview-rotation-off.json"), "utf8")));
        expect(preview.changes.map((c) => `${c.op} ${c.name}`)).toEqual(
            ["create gateway-secret-password", "delete gateway-secret-password-20251221", "delete gateway-secret-password-20260321"]);
        expect((preview.priorOutputs.gateway as { clientSecret: { keyId: string } }).clientSecret.keyId).toBe("8a7b6c5d-4e3f-4a2b-9c1d-0e9f8a7b6c5d");
    });

    it("exits 1 and names the secret in use when the preview would delete it", async () => {
        const r = await cli(["--preview", join(DIR, "preview-rotation-off.json"), "--config", SMALL, "--now", "2026-05-04T09:00:00Z"]);
        expect(r.code).toBe(1);
        expect(r.stdout).toContain("gateway-secret-password-20260321: the gateway's current client secret");
    });

    it("exits 0 on a rotation-day preview, in text and in JSON", async () => {
        const args = ["--preview", join(DIR, "preview-rotation-day.json"), "--config", SMALL, "--now", "2026-06-19T00:20:00Z"];
        expect((await cli(args)).code).toBe(0);
        const json = await cli([...args, "--format", "json"]);
        expect(json.code).toBe(0);
        const doc = JSON.parse(json.stdout) as { changes: { urn: string; type: string; name: string; op: string; reasons: string[] }[]; dangers: unknown[] };
        expect(Object.keys(doc)).toEqual(["changes", "dangers"]);
        expect(doc.changes.map((c) => Object.keys(c))).toEqual(doc.changes.map(() => ["urn", "type", "name", "op", "reasons"]));
        expect(doc.dangers).toEqual([]);
    });
});

describe("the command", () => {
    it("needs a state or a preview, and a stack with a state, each refusal one line and exit 2", async () => {
        for (const args of [["--stack", "dev"], ["--state", EXPORT], ["--stack", "dev", "--state", EXPORT, "--as", "not-a-guid"], ["--stack", "dev", "--config", SMALL, "--state", EXPORT]]) {
            const r = await cli(args);
            expect(r.code, args.join(" ")).toBe(2);
            expect(r.stdout).toBe("");
        }
    });
});

describe("the provider rules plan relies on", () => {
    const PASSWORD = "azuread:index/applicationPassword:ApplicationPassword";
    it("stores a credential's end date as Graph returns it, so JavaScript's toISOString form replaces the secret on every run", () => {
        const sent = { applicationId: "/applications/x", displayName: "s", endDate: "2026-12-16T00:00:00.000Z" };
        const state = { ...sent, ...stored(PASSWORD, sent, new Date("2026-06-19T00:00:00Z")) };
        expect(state.endDate).toBe("2026-12-16T00:00:00Z");
        expect(diffInputs(PASSWORD, sent, state)).toEqual([{ key: "endDate", replaces: true }]);
        expect(diffInputs(PASSWORD, { ...sent, endDate: "2026-12-16T00:00:00Z" }, state)).toEqual([]);
        expect(graphStoredDate("2026-12-16T10:11:12.120Z")).toBe("2026-12-16T10:11:12.120Z");
    });

    it("compares owners as a set (TypeSet) and a location ignoring case and spaces", () => {
        expect(diffInputs("azuread:index/application:Application", { owners: ["a", "b"] }, { owners: ["b", "a"] })).toEqual([]);
        expect(diffInputs("azuread:index/application:Application", { owners: ["a", "c"] }, { owners: ["b", "a"] })).toEqual([{ key: "owners", replaces: false }]);
        expect(diffInputs("azure-native:cognitiveservices:Account", { location: "Sweden Central" }, { location: "swedencentral" })).toEqual([]);
        expect(diffInputs("azure-native:cognitiveservices:Account", { location: "westeurope" }, { location: "swedencentral" })).toEqual([{ key: "location", replaces: true }]);
    });

    it("are the ones docs/day-two.md lists, type by type, with what replaces each", () => {
        const doc = readFileSync(join(ROOT, "docs", "day-two.md"), "utf8");
        const table = doc.slice(doc.indexOf("## What the providers store and compare"));
        for (const [type, model] of Object.entries(TYPE_MODELS)) {
            const short = type.slice(type.lastIndexOf(":") + 1);
            const row = table.split("\n").find((l) => l.startsWith(`| ${model.provider} `) && new RegExp(`[ /]${short}[ |]`).test(l));
            expect(row, `docs/day-two.md has no row for ${type}`).toBeDefined();
            expect(row).toContain(model.diffAgainst === "state" ? "stored state" : "previous inputs");
            expect(row).toContain(model.deleteBeforeReplace ? "delete-before-replace" : "create-before-delete");
            if (model.replaceOn !== "*" && model.replaceOn.length <= 3 && !["Vault", "Key", "Secret", "BlobContainer", "BlobServiceProperties", "StorageAccount", "CustomResource"].includes(short)) {
                for (const key of model.replaceOn) expect(row, `${type}: ${key}`).toContain(`\`${key}\``);
            }
        }
    });
});
