/**
 * Names derived from config values stay distinct and deterministic: group names that slug alike but name
 * different groups ("R&D" and "R D", two emoji-only names) are two grants with two sets of resources, not "the
 * same grant twice"; plain names keep the resource names (and URNs) they always had (test/urns.test.ts pins them).
 */
import { describe, expect, it } from "vitest";
import { parseStackConfig } from "../src/config/parse";
import { principalSlug } from "../src/lib/names";
import { devWith, ofType, render, RT } from "./helpers";

const access = (...groups: string[]) => devWith({ access: groups.map((group) => ({ group, accounts: ["aoai-dev-swc"] })) });
const assignmentNames = async (...groups: string[]) => ofType(await render(access(...groups)), RT.roleAssignment).map((r) => r.name).filter((n) => n.startsWith("access-group-")).sort();

describe("group names that slug alike", () => {
    it.each([["R&D", "R D"], ["🚀", "🔥"], ["Équipe IA", "quipe IA"]])("%s and %s are two grants with distinct resource names", async (a, b) => {
        const parsed = parseStackConfig(access(a, b), { stack: "dev" });
        expect(parsed.ok ? [] : parsed.problems).toEqual([]);
        const names = await assignmentNames(a, b);
        expect(names).toHaveLength(2);
        expect(new Set(names).size).toBe(2);
    });

    it("derives the same names on every run: the suffix is a hash of the name, pinned here (a changed one moves URNs)", () => {
        expect(principalSlug({ kind: "group", displayName: "R&D" })).toBe("group-r-d-dacc7c16");
        expect(principalSlug({ kind: "group", displayName: "🚀" })).toBe("group-ebbc0b28");
    });

    it("keeps the resource names of plain names: words, spaces, dots, @, - and _", () => {
        expect(principalSlug({ kind: "group", displayName: "AI Engineers" })).toBe("group-ai-engineers");
        expect(principalSlug({ kind: "user", upn: "alice@contoso.com" })).toBe("user-alice-contoso-com");
        expect(principalSlug({ kind: "user", upn: "first.last_x@my-company.co.uk" })).toBe("user-first-last-x-my-company-co-uk");
    });

    it("treats names Entra compares alike as one principal: case does not make two groups", () => {
        expect(principalSlug({ kind: "group", displayName: "R&D" })).toBe(principalSlug({ kind: "group", displayName: "r&d" }));
        const parsed = parseStackConfig(access("R&D", "r&d"), { stack: "dev" });
        expect(parsed.ok ? [] : parsed.problems).toEqual([expect.stringMatching(/^foundry-entra:access\[1\]: gives group "r&d" the role .* again/)]);
    });

    it("refuses two different plain names that would share resource names, saying so", () => {
        const parsed = parseStackConfig(access("R D", "R-D"), { stack: "dev" });
        expect(parsed.ok ? [] : parsed.problems).toEqual([
            'foundry-entra:access[1].group: "R-D" and access[0] ("R D") are different groups whose resource names would be the same (group-r-d); name one of them by principalId with principalType: Group',
        ]);
    });
});
