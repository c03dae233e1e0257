/**
 * `npm run verify` on a Foundry Local fleet, as a real child process, against local sidecars standing in for the
 * sites (tests/support/fakeFoundryLocal.ts): one answers, one denies RBAC, one cannot check RBAC, one does not
 * listen at all. The outputs are the program's own for a fleet stack (the offline harness), pointed at them.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { runProgram } from "../harness/run";
import { mapBounded } from "../src/verify/sites";
import { checksOf, parseVerifyJson, runCli, type CliResult } from "./support/cli";
import { FakeFoundryLocal, type RbacMode } from "./support/fakeFoundryLocal";
import { LocalAzure, VERIFY_STACK_CONFIG, type OutputsJson } from "./support/localAzure";

/** The verify stack (support/localAzure.ts) with a fleet of four sites instead of one cluster. */
const SITES = ["store-answers", "store-denies", "store-cannot-check", "store-offline"] as const;
const FLEET_CONFIG = {
    ...VERIFY_STACK_CONFIG,
    "foundry-entra:foundryLocal": JSON.stringify({
        clusters: SITES.map((name, i) => ({ name, resourceGroupName: `rg-stores-${i % 2}`, endpoint: `https://foundry.${name}.contoso.com` })),
    }),
};
const MODES: Readonly<Record<Exclude<(typeof SITES)[number], "store-offline">, RbacMode>> = {
    "store-answers": "allow", "store-denies": "deny", "store-cannot-check": "unavailable-503",
};

interface FleetOutputs { endpoint?: string; sites?: Record<string, { endpoint: string; clusterId?: string }> }

let world: LocalAzure;
const fakes = new Map<string, FakeFoundryLocal>();
let offline = "";

beforeAll(async () => {
    const { outputs } = await runProgram({ config: FLEET_CONFIG, now: new Date() });
    world = await LocalAzure.start(outputs as unknown as OutputsJson);
    const fl = world.outputs.foundryLocal;
    const opts = { tenantId: world.outputs.tenantId, apiClientId: fl.clientId, appRole: fl.appRole, scopeValue: fl.userScope.split("/").pop() ?? "", signingKey: world.tokens.signingKey };
    for (const name of Object.keys(MODES)) fakes.set(name, await new FakeFoundryLocal(opts).start(world.pki.server));
    // A port that was just listening and no longer is: connections to it are refused.
    const gone = await new FakeFoundryLocal(opts).start(world.pki.server);
    offline = gone.url;
    await gone.close();
});
afterAll(async () => {
    await Promise.all([...fakes.values()].map((f) => f.close()));
    await world?.close();
});
beforeEach(() => {
    world.resetRegistrations();
    for (const [name, fake] of fakes) fake.reset({ rbac: MODES[name as keyof typeof MODES] });
});

/** Outputs whose sites point at the local sidecars (the offline one at a closed port). */
function outputsFile(): string {
    return world.writeOutputs((o) => {
        const fl = o.foundryLocal as unknown as FleetOutputs;
        delete fl.endpoint;
        fl.sites = Object.fromEntries(Object.entries(fl.sites ?? {}).map(([name, s]) => [name, { ...s, endpoint: fakes.get(name)?.url ?? offline }]));
    });
}

function verify(args: string[]): Promise<CliResult> {
    return runCli("verify", ["--outputs", outputsFile(), "--authority-host", world.tokens.url, "--wait", "0.2",
        "--backoff-base-ms", "10", "--backoff-cap-ms", "40", ...args]);
}

const sitesOf = (r: CliResult) => (JSON.parse(r.stdout) as { sites: { name: string; status: string; reason?: string }[] }).sites;
const answers = (name: string) => fakes.get(name)?.calls.map((c) => `${c.method} ${c.path} ${c.status}${c.code ? ` ${c.code}` : ""}`);

describe("verify on a fleet", () => {
    it("checks every site with each credential's token and sums up which answer and which refuse, and why", async () => {
        // A --wait long enough to outlast the token requests, so the denied site is retried.
        const r = await verify(["--json", "--concurrency", "2", "--wait", "3"]);
        expect(r.code, r.stderr).toBe(1);
        expect(sitesOf(r)).toEqual([
            { name: "store-answers", endpoint: fakes.get("store-answers")?.url, status: "answers" },
            { name: "store-denies", endpoint: fakes.get("store-denies")?.url, status: "refuses", reason: "403 insufficient_permissions (certificate, client-secret)" },
            { name: "store-cannot-check", endpoint: fakes.get("store-cannot-check")?.url, status: "refuses", reason: "503 rbac_check_unavailable (certificate, client-secret)" },
            { name: "store-offline", endpoint: offline, status: "unreachable", reason: "unreachable (ECONNREFUSED)" },
        ]);
        // One token per credential for the fleet's one API, and each site called with it.
        const scopes = world.tokens.requests.map((q) => q.scope);
        expect(scopes.filter((s) => s === world.outputs.foundryLocal.appScope)).toHaveLength(2);
        expect(answers("store-answers")).toEqual(["GET /v1/models 200", "POST /v1/chat/completions 200", "POST /v1/chat/completions 200"]);
        expect(answers("store-cannot-check")).toEqual(["GET /v1/models 200", "POST /v1/chat/completions 503 rbac_check_unavailable", "POST /v1/chat/completions 503 rbac_check_unavailable"]);
        // insufficient_permissions is RBAC still propagating: retried until --wait is used up.
        expect(answers("store-denies")?.filter((a) => a.endsWith("insufficient_permissions")).length).toBeGreaterThan(2);
        const checks = checksOf(parseVerifyJson(r));
        expect(checks.find((c) => c.id === "certificate.foundryLocal.store-cannot-check.call")).toMatchObject({
            status: "fail", cause: expect.stringMatching(/Arc identity cannot read role assignments/),
        });
        expect(checks.find((c) => c.id === "foundryLocal.store-offline.models")).toMatchObject({ status: "fail", fix: expect.stringMatching(/site's `endpoint` in `foundryLocal.clusters`/) });
        expect(checks.find((c) => c.id === "outputs.read")?.title).toMatch(/, Foundry Local on 4 sites$/);
        expect(r.stderr).toMatch(/checking 4 Foundry Local sites, 2 at a time…/);
        expect(r.stderr).toMatch(/… 4 of 4 sites checked/);
    });

    it("prints a table of every site, and spells out only the sites that do not answer", async () => {
        const r = await verify([]);
        expect(r.code).toBe(1);
        const table = r.stdout.slice(r.stdout.indexOf("Foundry Local sites:"));
        expect(table.split("\n").slice(0, 6)).toEqual([
            "Foundry Local sites: 1 of 4 sites answer; 2 refuse; 1 unreachable",
            expect.stringMatching(/^ {2}site +status +why$/),
            expect.stringMatching(/^ {2}store-answers +✓ answers$/),
            expect.stringMatching(/^ {2}store-denies +✗ refuse +403 insufficient_permissions \(certificate, client-secret\)$/),
            expect.stringMatching(/^ {2}store-cannot-check +✗ refuse +503 rbac_check_unavailable \(certificate, client-secret\)$/),
            expect.stringMatching(/^ {2}store-offline +✗ unreachable +unreachable \(ECONNREFUSED\)$/),
        ]);
        expect(r.stdout).not.toContain("Foundry Local site store-answers");
        expect(r.stdout).toMatch(/Foundry Local site store-cannot-check \(https:\/\/127\.0\.0\.1:\d+\)\n {2}✓ GET \/v1\/models without a token: 1 model \(phi-4-mini\)\n {2}✗ certificate: Foundry Local: authenticated call: 503 rbac_check_unavailable/);
        expect(r.stdout).toMatch(/\n {6}fix: {3}ArcCluster gives the cluster's own Arc identity/);
    });

    it("checks only the sites --site names (case as Azure compares), and refuses one the outputs do not have", async () => {
        const r = await verify(["--json", "--site", "STORE-ANSWERS", "--auth", "certificate"]);
        expect(r.code, r.stderr).toBe(0);
        expect(sitesOf(r).map((s) => s.name)).toEqual(["store-answers"]);
        expect(answers("store-denies")).toEqual([]);
        const unknown = await verify(["--site", "store-nowhere"]);
        expect(unknown.code).toBe(2);
        expect(unknown.stderr.trim()).toBe("verify: --site store-nowhere: no such site in the outputs' foundryLocal.sites; have: store-answers, store-denies, store-cannot-check, store-offline");
        // One cluster has no sites to pick from.
        const oneCluster = world.writeOutputs((o) => { delete (o.foundryLocal as unknown as FleetOutputs).sites; });
        const single = await runCli("verify", ["--outputs", oneCluster, "--site", "store-answers"]);
        expect(single.code).toBe(2);
        expect(single.stderr.trim()).toBe("verify: --site store-answers: the outputs describe one Foundry Local cluster (foundryLocal.endpoint), not a fleet's sites");
    });
});

describe("site names from the outputs and --site", () => {
    /** A site name that, printed as is, would add a line of its own to what verify prints. */
    const FORGED = `${"s".repeat(300)}\nverify: ✓ all good`;
    const forgedLine = /^verify: ✓ all good/m;
    const args = () => ["--authority-host", world.tokens.url, "--wait", "0.2", "--backoff-base-ms", "10", "--backoff-cap-ms", "40"];

    it("a cluster name with dots, as Azure allows, is printed as it is", async () => {
        const file = world.writeOutputs((o) => {
            const fl = o.foundryLocal as unknown as FleetOutputs;
            delete fl.endpoint;
            fl.sites = { "edge.store-01": { endpoint: offline } };
        });
        const unknown = await runCli("verify", ["--outputs", file, ...args(), "--site", "edge.store-02"]);
        expect(unknown.code).toBe(2);
        expect(unknown.stderr.trim()).toBe("verify: --site edge.store-02: no such site in the outputs' foundryLocal.sites; have: edge.store-01");
    });

    it("are named by a short excerpt on one line, never printed whole", async () => {
        const file = world.writeOutputs((o) => {
            const fl = o.foundryLocal as unknown as FleetOutputs;
            delete fl.endpoint;
            fl.sites = { "store-offline": { endpoint: offline }, [FORGED]: { endpoint: offline } };
        });
        // An unknown --site lists the outputs' sites: one line, the forged name cut short.
        const unknown = await runCli("verify", ["--outputs", file, ...args(), "--site", "store-nowhere"]);
        expect(unknown.code).toBe(2);
        expect(unknown.stderr.trim()).toBe(`verify: --site store-nowhere: no such site in the outputs' foundryLocal.sites; have: store-offline, "${"s".repeat(40)}…" (319 characters)`);
        // An unknown --site value is cut short too.
        const forgedSite = await runCli("verify", ["--outputs", file, ...args(), "--site", `store-nowhere\nverify: ✓ all good`]);
        expect(forgedSite.code).toBe(2);
        expect(forgedSite.stderr.trim()).toBe(`verify: --site "store-nowhere\\nverify: ✓ all good": no such site in the outputs' foundryLocal.sites; have: store-offline, "${"s".repeat(40)}…" (319 characters)`);
        // The checklist and the sites table name the site by the same excerpt.
        const all = await runCli("verify", ["--outputs", file, ...args()]);
        expect(all.code).toBe(1);
        expect(all.stdout).not.toMatch(forgedLine);
        expect(all.stderr).not.toMatch(forgedLine);
        expect(all.stdout).toContain(`Foundry Local site "${"s".repeat(40)}…" (319 characters) (${offline})`);
        expect(all.stdout).toMatch(new RegExp(`^ {2}"s{40}…" \\(319 characters\\) +✗ unreachable`, "m"));
        // One cluster: the --site value is cut short there as well.
        const oneCluster = world.writeOutputs((o) => { delete (o.foundryLocal as unknown as FleetOutputs).sites; });
        const single = await runCli("verify", ["--outputs", oneCluster, "--site", FORGED]);
        expect(single.code).toBe(2);
        expect(single.stderr.trim()).toBe(`verify: --site "${"s".repeat(40)}…" (319 characters): the outputs describe one Foundry Local cluster (foundryLocal.endpoint), not a fleet's sites`);
    });
});

describe("bounded concurrency", () => {
    it("runs at most `limit` tasks at once, keeps the items' order, and finishes every task before reporting a failure", async () => {
        let running = 0;
        let most = 0;
        const finished: number[] = [];
        const task = async (n: number) => {
            running++;
            most = Math.max(most, running);
            // Later items finish sooner, so completion order differs from item order.
            await new Promise((resolve) => setTimeout(resolve, 2 * (10 - n)));
            running--;
            finished.push(n);
            if (n === 3) throw new Error("task 3 failed");
            return n * n;
        };
        const items = Array.from({ length: 10 }, (_, i) => i);
        expect(await mapBounded(items.filter((n) => n !== 3), 3, task)).toEqual(items.filter((n) => n !== 3).map((n) => n * n));
        expect(most).toBe(3);
        finished.length = 0;
        most = 0;
        await expect(mapBounded(items, 4, task)).rejects.toThrow("task 3 failed");
        expect(finished.sort((a, b) => a - b)).toEqual(items);
        expect(most).toBe(4);
    });
});
