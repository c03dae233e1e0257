/**
 * Credential rotation: the pure planner (every day and several hours of two years, many configurations),
 * and what the components declare from it. The two-year simulation of `pulumi up`s against a model of the
 * engine's state is in `rotation.simulation.test.ts`.
 */
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { loadStackConfigFile, type RunResult } from "../harness/run";
import { clockFromEnv } from "../src/program";
import { addDays, graphDateTime, planRotation, ROTATION_ANCHOR, utcDay, type RotationPlan } from "../src/lib/rotation";
import { at, named, ofType, render, ROOT, RT } from "./helpers";

const DAY = 86_400_000;
const START = new Date("2026-01-01T00:00:00Z");

/** Period, grace and validity combinations: the boundary validity = period + grace, and roomier ones. */
const CONFIGS = [1, 7, 30, 45, 90, 180, 365].flatMap((everyDays) => [0, 1, 30].flatMap((graceDays) =>
    [everyDays + graceDays, everyDays + graceDays + 1, 2 * everyDays + graceDays].map((validityDays) => ({ everyDays, graceDays, validityDays }))));

const show = (p: unknown) => JSON.stringify(p);
/**
 * A value's every field, dates as milliseconds: what `show` says, for comparing plans. JSON.stringify turns each
 * date into ISO text, most of the cost of checking ~46,000 days (test time, not coverage).
 */
const same = (v: unknown): string => v instanceof Date ? String(v.getTime())
    : v && typeof v === "object" ? `{${Object.entries(v).map(([k, x]) => `${k}:${same(x)}`).join(",")}}` : JSON.stringify(v);

describe("planRotation", () => {
    it("counts generations from 2024-01-01 and alternates slots a (even) and b (odd)", () => {
        expect(ROTATION_ANCHOR.toISOString()).toBe("2024-01-01T00:00:00.000Z");
        const p = planRotation(new Date("2026-01-01T10:00:00Z"), { everyDays: 90, graceDays: 30 }, 180);
        // 2026-01-01 is day 731 after the anchor: generation 8 started on day 720, 2025-12-21.
        expect(p.current).toMatchObject({ slot: "a", generation: 8, current: true });
        expect(p.current.startsOn.toISOString()).toBe("2025-12-21T00:00:00.000Z");
        expect(p.current.expiresOn.toISOString()).toBe("2026-06-19T00:00:00.000Z");
        expect(p.previous).toMatchObject({ slot: "b", generation: 7, current: false });
        expect(p.previous?.expiresOn.toISOString()).toBe("2026-03-21T00:00:00.000Z");
        expect(p.nextRotationOn.toISOString()).toBe("2026-03-21T00:00:00.000Z");
    });

    it("declares the previous generation only while it is still valid", () => {
        // Validity 120, period 90: generation 7 (2025-09-22 … 2026-01-20) is gone from 2026-01-20 on.
        const cfg = { everyDays: 90, graceDays: 30 };
        expect(planRotation(new Date("2026-01-19T23:59:59Z"), cfg, 120).previous?.generation).toBe(7);
        expect(planRotation(new Date("2026-01-20T00:00:00Z"), cfg, 120).previous).toBeUndefined();
    });

    it(`holds its guarantees on every day and hour of two years, for ${CONFIGS.length} configurations`, () => {
        const problems: string[] = [];
        for (const { everyDays, graceDays, validityDays } of CONFIGS) {
            const rotation = { everyDays, graceDays };
            let yesterday: RotationPlan | undefined;
            let yesterdayCurrent = "";
            for (let d = 0; d <= 730; d++) {
                const day = new Date(START.getTime() + d * DAY);
                const plans = [0, 1, 13, 23].map((h) => planRotation(new Date(day.getTime() + h * 3_600_000 + 59_000), rotation, validityDays));
                const p = plans[0]!;
                const where = () => `every ${everyDays}, grace ${graceDays}, validity ${validityDays}, ${day.toISOString().slice(0, 10)}`;
                const fail = (msg: string) => problems.push(`${where()}: ${msg} ${show(p)}`);
                // The plan depends on the UTC day only: a preview and an up on the same day agree.
                const plan = same(p);
                if (plans.some((x) => same(x) !== plan)) fail("plan changes within the day");
                const current = same(p.current);
                if (!(p.current.startsOn <= day && day < p.nextRotationOn)) fail("today is outside the current generation");
                if (p.nextRotationOn.getTime() - p.current.startsOn.getTime() !== everyDays * DAY) fail("generation is not everyDays long");
                if (p.current.slot !== (p.current.generation % 2 === 0 ? "a" : "b")) fail("wrong slot");
                if (p.current.expiresOn.getTime() !== addDays(p.current.startsOn, validityDays).getTime()) fail("current end date is not start + validity");
                // When the successor is due, the newest still has the grace period left.
                if (p.current.expiresOn.getTime() - p.nextRotationOn.getTime() < graceDays * DAY) fail("newest has less than grace left at the next rotation");
                const prev = p.current.generation > 0 ? addDays(p.current.startsOn, validityDays - everyDays) : undefined;
                if ((p.previous !== undefined) !== (prev !== undefined && prev > day)) fail("previous declared although expired, or missing although valid");
                if (p.previous && (p.previous.generation !== p.current.generation - 1 || p.previous.slot === p.current.slot)) fail("previous is not the generation before, in the other slot");
                // The previous credential outlives its successor's due date by at least the grace period.
                if (p.previous && p.previous.expiresOn.getTime() - p.current.startsOn.getTime() < graceDays * DAY) fail("previous outlives its successor by less than grace");
                if (yesterday) {
                    const step = p.current.generation - yesterday.current.generation;
                    if (step !== 0 && step !== 1) fail(`generation jumped by ${step}`);
                    if (step === 0 && current !== yesterdayCurrent) fail("current credential changed without a rotation");
                    if (step === 1 && day.getTime() !== yesterday.nextRotationOn.getTime()) fail("rotated on another day than announced");
                    // A rotation never touches the slot that held the newest credential.
                    if (step === 1 && p.current.slot === yesterday.current.slot) fail("rotation replaced the newest credential's slot");
                    if (step === 1 && p.previous && same(p.previous) !== yesterdayCurrent.replace("current:true", "current:false")) fail("yesterday's newest is not today's previous");
                }
                yesterday = p;
                yesterdayCurrent = current;
            }
        }
        expect(problems.slice(0, 10)).toEqual([]);
    });

    it("takes its date from FOUNDRY_ENTRA_NOW when set, so previews can rehearse a rotation", () => {
        expect(clockFromEnv({ FOUNDRY_ENTRA_NOW: "2026-03-21T00:00:00Z" }).toISOString()).toBe("2026-03-21T00:00:00.000Z");
        expect(() => clockFromEnv({ FOUNDRY_ENTRA_NOW: "next tuesday" })).toThrow('FOUNDRY_ENTRA_NOW: "next tuesday" is not a date');
        expect(Number.isNaN(clockFromEnv({}).getTime())).toBe(false);
    });

    it("rounds any instant to its UTC day", () => {
        expect(utcDay(new Date("2026-03-21T23:59:59.999Z")).toISOString()).toBe("2026-03-21T00:00:00.000Z");
        expect(addDays(new Date("2026-03-21T00:00:00Z"), 30).toISOString()).toBe("2026-04-20T00:00:00.000Z");
    });
});

describe("renewOn and day-named generations", () => {
    const cfg = { everyDays: 90, graceDays: 30 };
    it("names each generation by its start day, and keeps the old slot name for the alias", () => {
        const p = planRotation(new Date("2026-01-01T10:00:00Z"), cfg, 180);
        expect(p.current).toMatchObject({ key: "20251221", legacySlot: "a" });
        expect(p.previous).toMatchObject({ key: "20250922", legacySlot: "b" });
    });

    it("starts a generation on renewOn, then counts the schedule from it, with no alias for what came after", () => {
        const renewOn = new Date("2026-02-01T00:00:00Z");
        const before = planRotation(new Date("2026-01-31T23:00:00Z"), { ...cfg, renewOn }, 180);
        expect(before.nextRotationOn.toISOString()).toBe("2026-02-01T00:00:00.000Z");
        const on = planRotation(new Date("2026-02-01T08:00:00Z"), { ...cfg, renewOn }, 180);
        expect(on.current).toMatchObject({ key: "20260201", generation: 9 });
        expect(on.current.legacySlot).toBeUndefined();
        // The generation before the renewal stays, valid until its own end date.
        expect(on.previous).toMatchObject({ key: "20251221", generation: 8, legacySlot: "a" });
        expect(on.nextRotationOn.toISOString()).toBe("2026-05-02T00:00:00.000Z");
        const next = planRotation(new Date("2026-05-02T01:00:00Z"), { ...cfg, renewOn }, 180);
        expect(next.current).toMatchObject({ key: "20260502", generation: 10 });
        expect(next.previous?.key).toBe("20260201");
    });

    it("gives the date in the form Graph stores it: whole seconds, no fraction", () => {
        expect(graphDateTime(new Date("2026-12-16T00:00:00.000Z"))).toBe("2026-12-16T00:00:00Z");
        expect(graphDateTime(new Date("2026-12-16T10:11:12.999Z"))).toBe("2026-12-16T10:11:12Z");
    });
});

describe("rotating credentials in the full example", () => {
    // Its gateway alone: the accounts, principals and Foundry Local would only make each of the eight renders slower.
    const { "azure-native:location": location, "foundry-entra:gateway": gateway } = loadStackConfigFile(join(ROOT, "examples", "full.yaml")).config;
    const full = { "azure-native:location": location!, "foundry-entra:gateway": gateway! };
    let r: RunResult;
    beforeAll(async () => {
        r = await render(full, { stack: "full" });
    });
    const secretDue = () => new Date(String(at(r.outputs, "gateway.clientSecret.nextRotationOn")));
    const certDue = () => new Date(String(at(r.outputs, "gateway.certificate.nextRotationOn")));
    const names = (x: RunResult, prefix: string) => x.resources.filter((c) => c.custom && c.name.startsWith(prefix)).map((c) => c.name).sort();

    it("declares one resource per live generation, named by its start day, and exports both with the newest marked current", () => {
        expect(ofType(r, RT.password).map((p) => p.name).sort()).toEqual(["gateway-secret-password-20250922", "gateway-secret-password-20251221"]);
        expect(ofType(r, RT.appCert).map((p) => p.name).sort()).toEqual(["gateway-certificate-upload-20250624", "gateway-certificate-upload-20251221"]);
        expect(at(r.outputs, "gateway.clientSecret.slots")).toEqual([
            { slot: "a", generation: 8, expiresOn: "2026-06-19T00:00:00Z", current: true },
            { slot: "b", generation: 7, expiresOn: "2026-03-21T00:00:00Z", current: false },
        ]);
        expect(at(r.outputs, "gateway.clientSecret.expiresOn")).toBe("2026-06-19T00:00:00Z");
        const certSlots = at(r.outputs, "gateway.certificate.slots") as { slot: string; generation: number; thumbprint: string; current: boolean }[];
        expect(certSlots.map(({ slot, generation, current }) => ({ slot, generation, current }))).toEqual([
            { slot: "a", generation: 4, current: true }, { slot: "b", generation: 3, current: false },
        ]);
        expect(at(r.outputs, "gateway.certificate.thumbprint")).toBe(certSlots[0]!.thumbprint);
        expect(certSlots[0]!.thumbprint).not.toBe(certSlots[1]!.thumbprint);
        expect(secretDue().toISOString()).toBe("2026-03-21T00:00:00.000Z");
        expect(certDue().toISOString()).toBe("2026-06-19T00:00:00.000Z");
    });

    it("keeps a secret's settings as created (ignoreChanges) and carries the old slot resources over by alias", async () => {
        const a = named(r, "gateway-secret-password-20251221");
        expect(a.inputs).toMatchObject({ endDate: "2026-06-19T00:00:00Z", rotateWhenChanged: { generation: "8" }, displayName: "foundry-entra slot a generation 8" });
        expect([...a.options.ignoreChanges].sort()).toEqual(["displayName", "endDate", "rotateWhenChanged"]);
        expect(a.options.aliases).toEqual([{ spec: expect.objectContaining({ name: "gateway-secret-password-a" }) }]);
        const later = await render(full, { stack: "full", now: new Date("2026-02-17T15:00:00Z") });
        expect(named(later, "gateway-secret-password-20251221").inputs).toEqual(a.inputs);
    });

    it("keeps each certificate generation's key size, subject and validity as created, and uploads it with the certificate's end date", () => {
        for (const [day, slot, generation] of [["20251221", "a", 4], ["20250624", "b", 3]] as const) {
            const key = named(r, `gateway-certificate-key-${day}`);
            expect(key.options.ignoreChanges).toEqual(["rsaBits"]);
            expect(key.options.replacementTrigger).toBeUndefined();
            const cert = named(r, `gateway-certificate-cert-${day}`);
            expect([...cert.options.ignoreChanges].sort()).toEqual(["subject", "validityPeriodHours"]);
            expect(cert.inputs.subject).toEqual({ commonName: "ai-gateway-full", serialNumber: `generation-${generation}` });
            expect(cert.propertyDependencies.privateKeyPem).toEqual([key.urn]);
            expect(cert.options.aliases).toEqual([{ spec: expect.objectContaining({ name: `gateway-certificate-cert-${slot}` }) }]);
            const upload = named(r, `gateway-certificate-upload-${day}`);
            expect(upload.propertyDependencies.endDate).toEqual([cert.urn]);
            expect(upload.propertyDependencies.value).toEqual([cert.urn]);
        }
    });

    it("never deletes a credential before its successor exists, and never protects one", () => {
        const credentials = [RT.password, RT.appCert, RT.key, RT.cert].flatMap((t) => ofType(r, t));
        expect(credentials).toHaveLength(8);
        for (const c of credentials) expect({ name: c.name, deleteBeforeReplace: c.options.deleteBeforeReplace, protect: c.options.protect })
            .toEqual({ name: c.name, deleteBeforeReplace: false, protect: false });
    });

    it("adds nothing on the day before the due date, and the next generation (dropping the oldest) on the due date and after", async () => {
        for (const [due, kind] of [[secretDue(), "secret"], [certDue(), "certificate"]] as const) {
            const prefix = kind === "secret" ? "gateway-secret-" : "gateway-certificate-";
            const before = await render(full, { stack: "full", now: new Date(due.getTime() - 1000) });
            const on = await render(full, { stack: "full", now: due });
            const late = await render(full, { stack: "full", now: addDays(due, 3) });
            expect(names(before, prefix), `${kind}: the day before ${due.toISOString()}`).toEqual(names(r, prefix));
            const dueKey = due.toISOString().slice(0, 10).replace(/-/g, "");
            // Both credentials of the full example started their current generation on 2025-12-21.
            const newestToday = names(r, prefix).filter((n) => n.endsWith("20251221"));
            expect(names(on, prefix).filter((n) => n.endsWith(dueKey)).length, `${kind}: on ${due.toISOString()}`).toBeGreaterThan(0);
            // Today's newest generation stays; only the one before it goes.
            for (const n of newestToday) expect(names(on, prefix)).toContain(n);
            expect(names(late, prefix)).toEqual(names(on, prefix));
            const out = kind === "secret" ? "gateway.clientSecret" : "gateway.certificate";
            expect((at(on.outputs, `${out}.slots`) as { slot: string; current: boolean }[]).find((s) => s.current)?.slot).toBe("b");
            expect((at(before.outputs, `${out}.slots`) as { slot: string; current: boolean }[]).find((s) => s.current)?.slot).toBe("a");
        }
    });
});
