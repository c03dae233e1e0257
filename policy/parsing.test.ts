/** The parsers the policies rely on: ARM role definition ids and scopes, Go durations, RFC 3339 dates. */
import { describe, expect, it } from "vitest";
import { classifyScope, roleDefinitionGuid } from "./policies/arm";
import { credentialLifetime, parseGoDuration, parseRfc3339 } from "./policies/time";

const SUB = "/subscriptions/a9a68eaa-3b34-5643-bf7f-8b25938f41e5";
const OWNER = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635";

describe("roleDefinitionGuid", () => {
    it.each([
        [OWNER, OWNER],
        [OWNER.toUpperCase(), OWNER],
        [`${SUB}/providers/Microsoft.Authorization/roleDefinitions/${OWNER}`, OWNER],
        [`${SUB.toUpperCase()}/PROVIDERS/MICROSOFT.AUTHORIZATION/ROLEDEFINITIONS/${OWNER.toUpperCase()}`, OWNER],
        [`/providers/Microsoft.Authorization/roleDefinitions/${OWNER}`, OWNER],
        [`/providers/Microsoft.Management/managementGroups/mg/providers/Microsoft.Authorization/roleDefinitions/${OWNER}/`, OWNER],
    ])("reads %s", (input, guid) => expect(roleDefinitionGuid(input)).toBe(guid));

    it.each(["Owner", "", `${SUB}/providers/Microsoft.Authorization/roleDefinitions/not-a-guid`, `${OWNER}x`, `${SUB}/roleDefinitions/${OWNER}`])(
        "refuses %j", (input) => expect(roleDefinitionGuid(input)).toBeUndefined());
});

describe("classifyScope", () => {
    it.each([
        [`${SUB}/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/a`, "resource"],
        [`${SUB}/resourcegroups/rg/PROVIDERS/Microsoft.Kubernetes/connectedClusters/c`, "resource"],
        [`${SUB}/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/v/secrets/s`, "resource"],
        [`${SUB}/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/v/providers/Microsoft.Insights/diagnosticSettings/d`, "resource"],
        [`${SUB}/resourceGroups/rg`, "resource-group"],
        [`${SUB}/resourceGroups/rg/`, "resource-group"],
        [SUB, "subscription"],
        ["/providers/Microsoft.Management/managementGroups/mg", "management-group"],
        ["/", "tenant"],
        ["", "tenant"],
        [`${SUB}/resourceGroups/rg/providers/Microsoft.CognitiveServices`, "other"],
        [`${SUB}/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts`, "other"],
        [`${SUB}/providers/Microsoft.Foo/bars/b`, "other"],
        [`${SUB}//resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/a`, "other"],
        ["subscriptions/x/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/a", "other"],
    ])("%s is %s", (scope, kind) => expect(classifyScope(scope)).toBe(kind));
});

describe("parseGoDuration", () => {
    it.each([["240h", 240 * 3_600_000], ["2400h30m", 2400 * 3_600_000 + 30 * 60_000], ["1.5h", 5_400_000], ["90s", 90_000], ["10ms", 10]])(
        "%s", (text, ms) => expect(parseGoDuration(text)).toBe(ms));
    it.each(["", "2y", "h", "10 h", "-5h"])("refuses %j", (text) => expect(parseGoDuration(text)).toBeUndefined());
});

describe("parseRfc3339", () => {
    it("reads UTC and offset forms", () => {
        expect(parseRfc3339("2026-06-30T00:00:00.000Z")?.toISOString()).toBe("2026-06-30T00:00:00.000Z");
        expect(parseRfc3339("2026-06-30T02:00:00+02:00")?.toISOString()).toBe("2026-06-30T00:00:00.000Z");
    });
    it.each(["2026-06-30", "tomorrow", "2026-13-40T00:00:00Z"])("refuses %j", (text) => expect(parseRfc3339(text)).toBeUndefined());
});

describe("credentialLifetime", () => {
    const now = new Date("2026-01-01T00:00:00Z");
    it("measures from now without a startDate, from startDate with one, and reads endDateRelative first", () => {
        expect(credentialLifetime({ endDate: "2026-01-11T00:00:00Z" }, now)).toMatchObject({ ok: true, ms: 10 * 86_400_000 });
        expect(credentialLifetime({ startDate: "2025-12-31T00:00:00Z", endDate: "2026-01-11T00:00:00Z" }, now)).toMatchObject({ ok: true, ms: 11 * 86_400_000 });
        expect(credentialLifetime({ endDate: "2026-01-11T00:00:00Z", endDateRelative: "24h" }, now)).toMatchObject({ ok: true, ms: 86_400_000 });
    });
    it("explains what it cannot measure", () => {
        expect(credentialLifetime({}, now)).toMatchObject({ ok: false, problem: expect.stringMatching(/no endDate/) });
        expect(credentialLifetime({ endDateRelative: 5 }, now)).toMatchObject({ ok: false, problem: expect.stringMatching(/endDateRelative 5/) });
        expect(credentialLifetime({ endDate: "2026-01-11T00:00:00Z", startDate: "soon" }, now)).toMatchObject({ ok: false });
    });
});
