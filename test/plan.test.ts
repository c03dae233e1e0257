/**
 * Day two, offline: a render stands for the state after `pulumi up`; `plan` runs the program again and compares, the
 * way the providers do (src/plan/providers.ts). Idempotence for every stack this repository ships or tests with, and
 * a matrix of single config changes, each with the ops it must give and a danger exactly where docs/day-two.md calls
 * the change disruptive.
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { loadStackConfigFile, runProgram } from "../harness/run";
import { planStack, type PlanReport } from "../src/plan/cli";
import { planChanges } from "../src/plan/engine";
import { readPriorState } from "../src/plan/state";
import { buildModel } from "../src/render/model";
import { renderJson } from "../src/render/json";
import { runBootstrap } from "../bootstrap/program";
import { BASE_OWNERS, BASE_STACK_FILE, devWith, ROOT } from "./helpers";

const T = new Date("2026-05-04T09:00:00Z");
const T1H = new Date("2026-05-04T10:00:00Z");
const DEPLOYER_A = "aaaaaaaa-1111-4222-8333-444444444444";
const DEPLOYER_B = "bbbbbbbb-1111-4222-8333-444444444444";

/** A render written to JSON and read back as the previous state, exactly as `plan --state render.json` reads it. */
async function renderState(config: Record<string, string>, stack: string, now: Date, as: string) {
    const run = await runProgram({ config, stack, now, as });
    return readPriorState(JSON.parse(renderJson(buildModel(run, now))));
}

const opsOf = (report: PlanReport) => Object.fromEntries(report.changes.filter((c) => c.op !== "same").map((c) => [c.name, c.op]));
const summary = (report: PlanReport) => report.changes.filter((c) => c.op !== "same").map((c) => `${c.op} ${c.name}: ${c.reasons.join(", ")}`);

describe("a second pulumi up changes nothing", () => {
    const shipped = [
        ...readdirSync(ROOT).filter((f) => /^Pulumi\.[a-z]+\.yaml$/.test(f)).map((f) => join(ROOT, f)),
        ...readdirSync(join(ROOT, "examples")).filter((f) => f.endsWith(".yaml")).map((f) => join(ROOT, "examples", f)),
        BASE_STACK_FILE,
    ];

    it("covers the shipped stacks, the examples and the tests' base stack", () => {
        expect(shipped.map((f) => f.slice(ROOT.length + 1)).sort()).toEqual(expect.arrayContaining(
            ["Pulumi.dev.yaml", "Pulumi.prod.yaml", "Pulumi.staging.yaml", "examples/full.yaml", "test/fixtures/stacks/Pulumi.dev.yaml"]));
    });

    for (const file of shipped) {
        it(`${file.slice(ROOT.length + 1)}: rendered at T as one deployer, planned at T + 1 hour as another, every resource same`, async () => {
            const { stack, config } = loadStackConfigFile(file);
            const prior = await renderState(config, stack, T, DEPLOYER_A);
            const report = await planStack({ config, stack, prior, now: T1H, as: DEPLOYER_B });
            expect(summary(report)).toEqual([]);
            expect(report.dangers).toEqual([]);
            expect(report.changes.length).toBeGreaterThan(10);
        });
    }

    it("bootstrap/Pulumi.example.yaml: the same, for the bootstrap project", async () => {
        const { config } = loadStackConfigFile(join(ROOT, "bootstrap", "Pulumi.example.yaml"));
        const run = (now: Date, as: string) => runProgram({ config, stack: "tenant", now, as, program: runBootstrap, project: "foundry-entra-bootstrap" });
        const prior = readPriorState(JSON.parse(renderJson(buildModel(await run(T, DEPLOYER_A), T))));
        const changes = planChanges(prior, buildModel(await run(T1H, DEPLOYER_B), T1H), { now: T1H });
        expect(changes.filter((c) => c.op !== "same").map((c) => `${c.op} ${c.name}: ${c.reasons.join(", ")}`)).toEqual([]);
        expect(changes.length).toBeGreaterThan(30);
    });
});

/**
 * The matrix: a base stack with rotating credentials, one change at a time. `disruptive` is what docs/day-two.md
 * says about the change; the plan must name a danger exactly then.
 */
describe("each single config change: the ops it gives, and a danger exactly where the docs call it disruptive", () => {
    const rotating = { validityDays: 181, rotateEveryDays: 90, graceDays: 30 };
    const gateway = (over: Record<string, unknown> = {}) => ({
        displayName: "ai-gateway-dev",
        owners: BASE_OWNERS,
        certificate: { ...rotating, rsaBits: 2048 },
        clientSecret: rotating,
        federatedCredentials: [{ name: "gateway-k8s", issuer: "https://oidc.prod-aks.azure.com/11111111-2222-3333-4444-555555555555/", subject: "system:serviceaccount:ai-gateway:gateway" }],
        ...over,
    });
    const base = () => devWith({ gateway: gateway() });
    let prior: Awaited<ReturnType<typeof renderState>>;
    beforeAll(async () => {
        prior = await renderState(base(), "dev", T, DEPLOYER_A);
    });
    const plan = (config: Record<string, string>) => planStack({ config, stack: "dev", prior, now: T1H, as: DEPLOYER_B });
    const accounts = JSON.parse(base()["foundry-entra:accounts"]!) as Record<string, unknown>[];

    interface Row {
        readonly change: string;
        readonly config: () => Record<string, string>;
        /** Resource name → op, for every resource that is not `same`. */
        readonly ops: Readonly<Record<string, string>> | ((ops: Record<string, string>) => void);
        readonly disruptive: boolean;
    }
    const rows: Row[] = [
        { change: "rsaBits (rotating: reaches the next generation)", config: () => devWith({ gateway: gateway({ certificate: { ...rotating, rsaBits: 3072 } }) }), ops: {}, disruptive: false },
        { change: "certificate validityDays (rotating)", config: () => devWith({ gateway: gateway({ certificate: { ...rotating, validityDays: 200 } }) }), ops: {}, disruptive: false },
        { change: "client secret validityDays (rotating)", config: () => devWith({ gateway: gateway({ clientSecret: { ...rotating, validityDays: 200 } }) }), ops: {}, disruptive: false },
        { change: "certificate subject (rotating)", config: () => devWith({ gateway: gateway({ certificate: { ...rotating, subject: "gateway-prod" } }) }), ops: {}, disruptive: false },
        // The role assignments' descriptions name the gateway: Azure updates a description in place.
        { change: "gateway displayName (updates; the certificates keep their subject)", config: () => devWith({ gateway: gateway({ displayName: "ai-gateway-renamed" }) }),
            ops: { "gateway-app": "update", "access-gateway-aoai-dev-swc-openai-user": "update", "access-gateway-foundry-dev-swc-openai-user": "update",
                "arc-cluster-gateway-foundry-local-openai-user": "update" }, disruptive: false },
        { change: "graceDays", config: () => devWith({ gateway: gateway({ clientSecret: { validityDays: 200, rotateEveryDays: 90, graceDays: 60 } }) }),
            ops: {}, disruptive: false },
        { change: "rotation off (one credential replaces the generations at once)", config: () => devWith({ gateway: gateway({ clientSecret: { validityDays: 180 } }) }),
            ops: (o) => {
                expect(o["gateway-secret-password"]).toBe("create");
                expect(Object.entries(o).filter(([n, op]) => n.startsWith("gateway-secret-password-") && op === "delete").length).toBe(2);
            }, disruptive: true },
        { change: "account added", config: () => devWith({ gateway: gateway(), accounts: [...accounts, { name: "aoai-dev-weu", resourceGroupName: "rg-ai-dev", kind: "OpenAI", location: "westeurope" }] }),
            ops: (o) => {
                expect(o["aoai-dev-weu-account"]).toBe("create");
                expect(o["access-gateway-aoai-dev-weu-openai-user"]).toBe("create");
                expect(Object.values(o).every((op) => op === "create")).toBe(true);
            }, disruptive: false },
        { change: "account removed (the gateway loses its role there)", config: () => devWith({ gateway: gateway(), accounts: accounts.filter((a) => a.name !== "foundry-dev-swc") }),
            ops: (o) => {
                expect(o["foundry-dev-swc-account"]).toBe("delete");
                expect(o["access-gateway-foundry-dev-swc-openai-user"]).toBe("delete");
            }, disruptive: true },
        { change: "deployment added", config: () => devWith({ gateway: gateway(), accounts: accounts.map((a) => (a.name === "aoai-dev-swc"
            ? { ...a, deployments: [...(a.deployments as unknown[]), { name: "gpt-4o", model: "gpt-4o", version: "2024-11-20" }] } : a)) }),
            ops: { "aoai-dev-swc-gpt-4o": "create" }, disruptive: false },
        { change: "deployment removed", config: () => devWith({ gateway: gateway(), accounts: accounts.map((a) => (a.name === "aoai-dev-swc" ? { ...a, deployments: [] } : a)) }),
            ops: { "aoai-dev-swc-gpt-4o-mini": "delete" }, disruptive: false },
        { change: "principal added", config: () => devWith({ gateway: gateway(), access: [{ user: "alice@contoso.com", role: "inference" }, { group: "AI Engineers", role: "admin", accounts: ["aoai-dev-swc"] }, { user: "bob@contoso.com", accounts: ["aoai-dev-swc"] }] }),
            ops: { "access-user-bob-contoso-com-aoai-dev-swc-openai-user": "create" }, disruptive: false },
        { change: "principal removed", config: () => devWith({ gateway: gateway(), access: [{ user: "alice@contoso.com", role: "inference" }] }),
            ops: { "access-group-ai-engineers-aoai-dev-swc-cs-contributor": "delete" }, disruptive: false },
        { change: "managed identity added", config: () => devWith({ gateway: gateway(), managedIdentities: [
            { name: "batch-worker", create: { resourceGroupName: "rg-ai-dev" }, accounts: ["aoai-dev-swc", "foundry-local"] },
            { name: "rag-indexer", create: { resourceGroupName: "rg-ai-dev" }, accounts: ["aoai-dev-swc"] }] }),
            ops: { "mi-rag-indexer-identity": "create", "mi-rag-indexer-identity-aoai-dev-swc-openai-user": "create" }, disruptive: false },
        { change: "managed identity removed", config: () => devWith({ gateway: gateway(), managedIdentities: [] }),
            ops: (o) => {
                expect(o["mi-batch-worker-identity"]).toBe("delete");
                expect(o["mi-batch-worker-app-role"]).toBe("delete");
            }, disruptive: false },
        { change: "inference role on AIServices (a role swapped, the old one deleted after the new one exists)", config: () => devWith({ gateway: gateway(), aiServicesInferenceRole: "Cognitive Services User" }),
            ops: (o) => {
                expect(o["access-gateway-foundry-dev-swc-cs-user"]).toBe("create");
                expect(o["access-gateway-foundry-dev-swc-openai-user"]).toBe("delete");
            }, disruptive: false },
    ];

    for (const row of rows) {
        it(`${row.change}: ${row.disruptive ? "a danger" : "no danger"}`, async () => {
            const report = await plan(row.config());
            const ops = opsOf(report);
            if (typeof row.ops === "function") row.ops(ops);
            else expect(ops).toEqual(row.ops);
            expect(report.dangers.length > 0, `${row.change}: ${JSON.stringify(report.dangers)}`).toBe(row.disruptive);
        });
    }

    it("without rotation, a settings change replaces the single credential and the plan says what the gateway loses", async () => {
        const single = () => devWith({ gateway: gateway({ certificate: { validityDays: 365, rsaBits: 2048 }, clientSecret: { validityDays: 180 } }) });
        const before = await renderState(single(), "dev", T, DEPLOYER_A);
        const report = await planStack({ config: devWith({ gateway: gateway({ certificate: { validityDays: 365, rsaBits: 4096 }, clientSecret: { validityDays: 180 } }) }),
            stack: "dev", prior: before, now: T1H, as: DEPLOYER_B });
        expect(opsOf(report)).toEqual({ "gateway-certificate-key": "replace", "gateway-certificate-cert": "replace", "gateway-certificate-upload": "replace" });
        expect(report.changes.find((c) => c.name === "gateway-certificate-key")?.reasons).toEqual(["rsaBits"]);
        expect(report.dangers.map((d) => d.why)).toEqual([expect.stringMatching(/^the gateway's current certificate \(gateway-certificate-upload, valid until 2027-05-04\) is replaced .* at the end of this run/)]);
    });

    it("renewOn: a new generation the next day, the previous one kept, no danger", async () => {
        const report = await planStack({ config: devWith({ gateway: gateway({ certificate: { ...rotating, rsaBits: 4096, renewOn: "2026-05-05" } }) }),
            stack: "dev", prior, now: new Date("2026-05-05T09:00:00Z"), as: DEPLOYER_B });
        const ops = opsOf(report);
        expect(Object.entries(ops).filter(([, op]) => op === "create").map(([n]) => n).sort()).toEqual(
            ["gateway-certificate-cert-20260505", "gateway-certificate-key-20260505", "gateway-certificate-upload-20260505"]);
        // The generation in use stays; only the one before it goes.
        expect(Object.entries(ops).filter(([, op]) => op === "delete").map(([n]) => n.replace(/-\d{8}$/, "")).sort()).toEqual(
            ["gateway-certificate-cert", "gateway-certificate-key", "gateway-certificate-upload"]);
        expect(report.dangers).toEqual([]);
    });
});
