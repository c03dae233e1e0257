/**
 * Credential rotation: the pure planner (every day and several hours of two years, many configurations),
 * and what the components declare from it. The two-year simulation of `pulumi up`s against a model of the
 * engine's state is in `rotation.simulation.test.ts`.
 */
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { loadStackConfigFile, type RunResult } from "../harness/run";
import { clockFromEnv } from "../src/program";
import { addDays, planRotation, ROTATION_ANCHOR, utcDay, type RotationPlan } from "../src/lib/rotation";
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
    /** Slot → generation of one credential's declared resources. */
    const generations = (x: RunResult) => Object.fromEntries([
        ...ofType(x, RT.password).map((p) => [p.name, (p.inputs.rotateWhenChanged as Record<string, string>).generation]),
        ...[...ofType(x, RT.key), ...ofType(x, RT.cert)].map((k) => [k.name, k.options.replacementTrigger]),
    ]);

    it("declares both slots of each credential, and exports both expiry dates with the newest marked current", () => {
        expect(ofType(r, RT.password).map((p) => p.name).sort()).toEqual(["gateway-secret-password-a", "gateway-secret-password-b"]);
        expect(ofType(r, RT.appCert).map((p) => p.name).sort()).toEqual(["gateway-certificate-upload-a", "gateway-certificate-upload-b"]);
        expect(at(r.outputs, "gateway.clientSecret.slots")).toEqual([
            { slot: "a", generation: 8, expiresOn: "2026-06-19T00:00:00.000Z", current: true },
            { slot: "b", generation: 7, expiresOn: "2026-03-21T00:00:00.000Z", current: false },
        ]);
        expect(at(r.outputs, "gateway.clientSecret.expiresOn")).toBe("2026-06-19T00:00:00.000Z");
        const certSlots = at(r.outputs, "gateway.certificate.slots") as { slot: string; generation: number; thumbprint: string; current: boolean }[];
        expect(certSlots.map(({ slot, generation, current }) => ({ slot, generation, current }))).toEqual([
            { slot: "a", generation: 4, current: true }, { slot: "b", generation: 3, current: false },
        ]);
        expect(at(r.outputs, "gateway.certificate.thumbprint")).toBe(certSlots[0]!.thumbprint);
        expect(certSlots[0]!.thumbprint).not.toBe(certSlots[1]!.thumbprint);
        expect(secretDue().toISOString()).toBe("2026-03-21T00:00:00.000Z");
        expect(certDue().toISOString()).toBe("2026-06-19T00:00:00.000Z");
    });

    it("keys each secret to its generation, with an end date that does not move from day to day", async () => {
        const a = named(r, "gateway-secret-password-a");
        expect(a.inputs).toMatchObject({ endDate: "2026-06-19T00:00:00.000Z", rotateWhenChanged: { generation: "8" }, displayName: "foundry-entra slot a generation 8" });
        expect(a.options.ignoreChanges).toEqual([]);
        const later = await render(full, { stack: "full", now: new Date("2026-02-17T15:00:00Z") });
        expect(named(later, "gateway-secret-password-a").inputs).toEqual(a.inputs);
    });

    it("keys each certificate's key and certificate to its generation, and uploads it with the certificate's end date", () => {
        for (const slot of ["a", "b"]) {
            const generation = slot === "a" ? 4 : 3;
            expect(named(r, `gateway-certificate-key-${slot}`).options.replacementTrigger).toBe(`generation-${generation}`);
            const cert = named(r, `gateway-certificate-cert-${slot}`);
            expect(cert.options.replacementTrigger).toBe(`generation-${generation}`);
            expect(cert.inputs.subject).toEqual({ commonName: "ai-gateway-full", serialNumber: `generation-${generation}` });
            expect(cert.propertyDependencies.privateKeyPem).toEqual([named(r, `gateway-certificate-key-${slot}`).urn]);
            const upload = named(r, `gateway-certificate-upload-${slot}`);
            expect(upload.propertyDependencies.endDate).toEqual([cert.urn]);
            expect(upload.propertyDependencies.value).toEqual([cert.urn]);
        }
    });

    it("replaces every credential by creating the successor first, and never protects one", () => {
        const credentials = [RT.password, RT.appCert, RT.key, RT.cert].flatMap((t) => ofType(r, t));
        expect(credentials).toHaveLength(8);
        for (const c of credentials) expect({ name: c.name, deleteBeforeReplace: c.options.deleteBeforeReplace, protect: c.options.protect })
            .toEqual({ name: c.name, deleteBeforeReplace: false, protect: false });
    });

    it("rotates nothing on the day before the due date, and the other slot on the due date and after", async () => {
        for (const [due, kind] of [[secretDue(), "secret"], [certDue(), "certificate"]] as const) {
            const before = await render(full, { stack: "full", now: new Date(due.getTime() - 1000) });
            const on = await render(full, { stack: "full", now: due });
            const late = await render(full, { stack: "full", now: addDays(due, 3) });
            const today = generations(r);
            const prefix = kind === "secret" ? "gateway-secret-" : "gateway-certificate-";
            const pick = (g: Record<string, unknown>) => Object.fromEntries(Object.entries(g).filter(([k]) => k.startsWith(prefix)));
            expect(pick(generations(before)), `${kind}: the day before ${due.toISOString()}`).toEqual(pick(today));
            const rotated = pick(generations(on));
            expect(rotated, `${kind}: on ${due.toISOString()}`).not.toEqual(pick(today));
            expect(pick(generations(late))).toEqual(rotated);
            // Only slot b (the older generation) changes; slot a, the newest until now, is left alone.
            for (const [name, g] of Object.entries(rotated)) {
                if (name.endsWith("-a")) expect(g, name).toBe(pick(today)[name]);
                else expect(g, name).not.toBe(pick(today)[name]);
            }
            const out = kind === "secret" ? "gateway.clientSecret" : "gateway.certificate";
            expect((at(on.outputs, `${out}.slots`) as { slot: string; current: boolean }[]).find((s) => s.current)?.slot).toBe("b");
            expect((at(before.outputs, `${out}.slots`) as { slot: string; current: boolean }[]).find((s) => s.current)?.slot).toBe("a");
        }
    });
});
