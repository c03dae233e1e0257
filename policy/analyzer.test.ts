/**
 * Starts the pack the way `pulumi preview --policy-pack policy` does, without the CLI, and talks to it over
 * the analyzer gRPC protocol: from the pack's directory, resolve `@pulumi/pulumi/cmd/run-policy-pack` with
 * Node's resolution (as the CLI's `pulumi-analyzer-policy` shim and newer language hosts do), run it with
 * node on the pack directory (ts-node compiles policy/index.ts with policy/tsconfig.json), read the port it
 * prints, then call GetAnalyzerInfo and Analyze with rendered resources.
 *
 * This proves the pack loads from the repo root's node_modules and that the real policy SDK server runs
 * these policies as the offline runner does. It does not exercise the CLI itself (not available offline).
 */
import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import * as grpc from "@grpc/grpc-js";
import { AnalyzerClient } from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import { AnalyzeRequest, AnalyzerResourceOptions, EnforcementLevel, type AnalyzeDiagnostic, type AnalyzeResponse, type AnalyzerInfo } from "@pulumi/pulumi/proto/analyzer_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RenderedResource } from "./offline";
import { policies } from "./policies";
import { byName, renderFile, ROOT, withInput } from "./testing";

const PACK_DIR = join(ROOT, "policy");
/** The engine's marker for a string input not known until the update (what a preview sends for e.g. a new certificate's end date). */
const UNKNOWN_STRING = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

let pack: ChildProcess | undefined;
let client: AnalyzerClient;
let dev: readonly RenderedResource[];
let stderr = "";

/** Starts the pack and resolves with the port it serves on. */
function startPack(): Promise<number> {
    const runner = execFileSync(process.execPath, ["-e", "console.log(require.resolve('@pulumi/pulumi/cmd/run-policy-pack'))"], { cwd: PACK_DIR })
        .toString().trim();
    expect(runner).toBe(join(ROOT, "node_modules", "@pulumi", "pulumi", "cmd", "run-policy-pack", "index.js"));
    const child = spawn(process.execPath, [runner, "127.0.0.1:0", PACK_DIR], { cwd: PACK_DIR, stdio: ["ignore", "pipe", "pipe"] });
    pack = child;
    return new Promise((resolve, reject) => {
        let stdout = "";
        child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
        child.stdout?.on("data", (d: Buffer) => {
            stdout += d.toString();
            const line = /^(\d+)\s*$/m.exec(stdout);
            if (line?.[1]) resolve(Number(line[1]));
        });
        child.on("exit", (code) => reject(new Error(`the pack exited with ${code} before serving:\n${stdout}\n${stderr}`)));
    });
}

/** Settles a promise from a gRPC callback. */
function settle<T>(resolve: (v: T) => void, reject: (e: unknown) => void) {
    return (err: grpc.ServiceError | null, res: T) => (err ? reject(err) : resolve(res));
}

function analyzerInfo(): Promise<AnalyzerInfo> {
    return new Promise((resolve, reject) => client.getAnalyzerInfo(new Empty(), settle(resolve, reject)));
}

/** Analyze, as the engine calls it for one resource during a preview. */
async function analyze(r: RenderedResource, props: unknown = r.inputs): Promise<AnalyzeDiagnostic[]> {
    const req = new AnalyzeRequest();
    req.setType(r.type);
    req.setUrn(r.urn);
    req.setName(r.name);
    req.setProperties(Struct.fromJavaScript(JSON.parse(JSON.stringify(props)) as Record<string, never>));
    const opts = new AnalyzerResourceOptions();
    opts.setProtect(r.options.protect);
    opts.setIgnorechangesList([...r.options.ignoreChanges]);
    req.setOptions(opts);
    const res = await new Promise<AnalyzeResponse>((resolve, reject) => client.analyze(req, settle(resolve, reject)));
    return res.getDiagnosticsList();
}

beforeAll(async () => {
    const [port, rendered] = await Promise.all([startPack(), renderFile(join(ROOT, "test/fixtures/stacks/Pulumi.dev.yaml"))]);
    dev = rendered;
    client = new AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
}, 120_000);

afterAll(() => {
    client?.close();
    pack?.kill();
});

describe("the pack, started as the Pulumi CLI starts it", () => {
    it("describes itself: name, version from policy/package.json, every policy mandatory", async () => {
        const info = await analyzerInfo();
        expect(info.getName()).toBe("foundry-entra");
        expect(info.getVersion()).toBe("0.1.0");
        const served = info.getPoliciesList().map((p) => [p.getName(), p.getEnforcementlevel()]);
        expect(served).toEqual(policies.map((p) => [p.name, EnforcementLevel.MANDATORY]));
    });

    it("passes every resource of the dev stack", async () => {
        const diagnostics = (await Promise.all(dev.map((r) => analyze(r)))).flat();
        expect(diagnostics.map((d) => `${d.getPolicyname()}: ${d.getMessage()}`)).toEqual([]);
    });

    it("reports a violation as mandatory, with the policy's name and message", async () => {
        const bad = withInput(byName(dev, "aoai-dev-swc-account"), "properties.disableLocalAuth", false);
        const diagnostics = await analyze(bad, bad.inputs);
        expect(diagnostics.map((d) => [d.getPolicyname(), d.getEnforcementlevel(), d.getPolicypackname()])).toEqual([
            ["cognitive-services-key-auth-disabled", EnforcementLevel.MANDATORY, "foundry-entra"],
        ]);
        expect(diagnostics[0]?.getMessage()).toMatch(/disableLocalAuth false/);
    });

    it("turns a value unknown during preview into an advisory note, not a failure", async () => {
        const upload = byName(dev, "gateway-certificate-upload");
        const diagnostics = await analyze(upload, { ...upload.inputs, endDate: UNKNOWN_STRING });
        expect(diagnostics.map((d) => [d.getPolicyname(), d.getEnforcementlevel()])).toEqual([
            ["entra-app-certificate-max-3-years", EnforcementLevel.ADVISORY],
        ]);
        expect(diagnostics[0]?.getMessage()).toMatch(/can't run policy 'entra-app-certificate-max-3-years'.*during preview/);
    });
});
