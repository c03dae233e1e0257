/**
 * Protection: `foundry-entra:protect: true` puts `protect` on exactly the app registrations, the service
 * principals and the created accounts — the things whose loss breaks every gateway or deletes models — and on
 * nothing else (a protected credential could never rotate). Adopted accounts carry `retainOnDelete` whatever
 * `protect` says, so `pulumi destroy` never deletes what the stack did not create.
 */
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { loadStackConfigFile, type RunResult } from "../harness/run";
import { devWith, render, ROOT, RT, stackRun } from "./helpers";

const stackFile = (file: string) => loadStackConfigFile(join(ROOT, file));

/** Names of the resources that carry an option, sorted. */
const carrying = (r: RunResult, option: "protect" | "retainOnDelete") => r.resources.filter((x) => x.options[option]).map((x) => x.name).sort();

const PROTECTED_TYPES = new Set<string>([RT.app, RT.sp, RT.account]);

describe("protection", () => {
    const runs: Record<string, RunResult> = {};
    beforeAll(async () => {
        for (const file of ["Pulumi.dev.yaml", "Pulumi.staging.yaml", "Pulumi.prod.yaml", "examples/full.yaml"]) runs[file] = await stackRun(file);
    });

    it("the production example sets protect, dev and staging do not", () => {
        expect(stackFile("Pulumi.prod.yaml").config["foundry-entra:protect"]).toBe("true");
        expect(stackFile("examples/full.yaml").config["foundry-entra:protect"]).toBe("true");
        expect(stackFile("Pulumi.dev.yaml").config["foundry-entra:protect"]).toBeUndefined();
        expect(stackFile("Pulumi.staging.yaml").config["foundry-entra:protect"]).toBeUndefined();
    });

    it("prod: protects exactly the app registrations, service principals and created accounts", () => {
        // The accounts as the stack file names them: the walk-through renames them (test/walkthrough.test.ts).
        const accounts = JSON.parse(stackFile("Pulumi.prod.yaml").config["foundry-entra:accounts"] ?? "[]") as { name: string; existing?: boolean }[];
        const created = accounts.filter((a) => !a.existing).map((a) => `${a.name}-account`);
        const adopted = accounts.filter((a) => a.existing).map((a) => `${a.name}-account`);
        expect(created.length).toBeGreaterThan(0);
        expect(carrying(runs["Pulumi.prod.yaml"]!, "protect")).toEqual([...created, "foundry-local-api-app", "foundry-local-api-sp", "gateway-app", "gateway-sp"].sort());
        expect(carrying(runs["Pulumi.prod.yaml"]!, "retainOnDelete")).toEqual(adopted);
    });

    it("full example: protects exactly the app registrations, service principals and created accounts", () => {
        expect(carrying(runs["examples/full.yaml"]!, "protect")).toEqual([
            "aoai-full-swc-account", "foundry-full-swc-account", "foundry-local-api-app", "foundry-local-api-sp", "gateway-app", "gateway-sp",
        ]);
        expect(carrying(runs["examples/full.yaml"]!, "retainOnDelete")).toEqual(["aoai-legacy-weu-account"]);
    });

    it("with protect on, every resource of the three protected types is protected, unless it is adopted", () => {
        for (const file of ["Pulumi.prod.yaml", "examples/full.yaml"]) {
            for (const r of runs[file]!.resources) {
                const adopted = r.options.import !== undefined;
                expect({ file, name: r.name, protect: r.options.protect }).toEqual({ file, name: r.name, protect: PROTECTED_TYPES.has(r.type) && !adopted });
            }
        }
    });

    it("dev and staging: protect nothing, so they can be destroyed and recreated", () => {
        for (const file of ["Pulumi.dev.yaml", "Pulumi.staging.yaml"]) {
            expect(carrying(runs[file]!, "protect"), file).toEqual([]);
            expect(carrying(runs[file]!, "retainOnDelete"), file).toEqual([]);
        }
    });

    it("adopted accounts carry retainOnDelete and their import id, with protect off as with protect on", async () => {
        const legacy = { name: "aoai-legacy", resourceGroupName: "rg-legacy", kind: "OpenAI", existing: true };
        for (const protect of [false, true]) {
            const r = await render(devWith({ protect, accounts: [{ name: "aoai-new", resourceGroupName: "rg-ai", kind: "OpenAI" }, legacy], access: undefined, managedIdentities: undefined }));
            const adopted = r.resources.find((x) => x.name === "aoai-legacy-account")!;
            expect(adopted.options).toMatchObject({
                retainOnDelete: true, protect: false,
                import: `/subscriptions/${r.mocks.subscriptionId}/resourceGroups/rg-legacy/providers/Microsoft.CognitiveServices/accounts/aoai-legacy`,
            });
            expect(carrying(r, "retainOnDelete")).toEqual(["aoai-legacy-account"]);
            expect(carrying(r, "protect")).toEqual(protect ? ["aoai-new-account", "foundry-local-api-app", "foundry-local-api-sp", "gateway-app", "gateway-sp"] : []);
        }
    });

    it("never protects a credential, a role assignment or a deployment", () => {
        for (const r of Object.values(runs).flatMap((x) => x.resources)) {
            if ([RT.password, RT.appCert, RT.key, RT.cert, RT.fic, RT.roleAssignment, RT.deployment, RT.appRoleAssignment].includes(r.type as never)) {
                expect({ name: r.name, protect: r.options.protect, retainOnDelete: r.options.retainOnDelete }).toEqual({ name: r.name, protect: false, retainOnDelete: false });
            }
        }
    });
});
