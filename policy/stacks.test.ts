/**
 * Every example stack (`Pulumi.<stack>.yaml` at the repo root and `examples/*.yaml`), rendered by the offline
 * harness, passes the whole pack; and a stack config that asks for something the pack forbids is caught.
 */
import { basename } from "node:path";
import { describe, expect, it } from "vitest";
import { devWith } from "../test/helpers";
import { runProgram } from "../harness/run";
import { offlinePolicies } from "./offline";
import { createPolicies } from "./policies";
import { formatViolations, runPack } from "./runner";
import { clock, exampleStackFiles, NOW, renderFile } from "./testing";

const policies = createPolicies({ now: clock });
const files = exampleStackFiles();

describe("every example stack passes the whole pack", () => {
    it("finds the dev, staging and prod stacks and the full example", () => {
        expect(files.map((f) => basename(f))).toEqual(expect.arrayContaining(["Pulumi.dev.yaml", "Pulumi.staging.yaml", "Pulumi.prod.yaml", "full.yaml"]));
    });

    const applied = new Map<string, number>();
    it.each(files.map((f) => [basename(f), f]))("%s", async (_name, file) => {
        const resources = await renderFile(file);
        expect(resources.length).toBeGreaterThan(0);
        const result = await runPack(resources, { policies });
        expect(result.violations, formatViolations(result.violations)).toEqual([]);
        for (const [name, n] of result.applied) applied.set(name, (applied.get(name) ?? 0) + n);
    });

    // A pack that applies to nothing passes everything: make sure every policy saw resources of its type.
    it("applies every policy to at least one resource across the example stacks", () => {
        const names = [...policies, ...offlinePolicies].map((p) => p.name);
        expect(names).toHaveLength(12);
        for (const name of names) expect(applied.get(name) ?? 0, name).toBeGreaterThan(0);
    });
});

describe("stack config the pack refuses", () => {
    it("an account with disableLocalAuth: false renders, and the pack stops it", async () => {
        const accounts = [
            { name: "aoai-dev-swc", resourceGroupName: "rg-ai-dev", kind: "OpenAI", disableLocalAuth: false },
            { name: "foundry-dev-swc", resourceGroupName: "rg-ai-dev", kind: "AIServices" },
        ];
        const { resources } = await runProgram({ config: devWith({ accounts }), now: NOW });
        const { violations } = await runPack(resources, { policies });
        expect(violations.map((v) => [v.policy, v.urn])).toEqual([["cognitive-services-key-auth-disabled", expect.stringMatching(/::aoai-dev-swc-account$/)]]);
        expect(violations[0]?.message).toMatch(/Remove "disableLocalAuth: false" from its entry in foundry-entra:accounts/);
    });
});
