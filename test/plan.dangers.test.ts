/**
 * The danger rules of src/plan/dangers.ts, one hand-built change each: every rule names its danger, and the dates
 * the rules read (a credential's endDate, the certificate's notAfter, a resource's created) are read strictly
 * (src/lib/dates.ts): a value that is not a date must not pass for one and quieten the guard.
 */
import { describe, expect, it } from "vitest";
import { findDangers, type DangerContext, type JudgedChange } from "../src/plan/dangers";
import { planChanges, type Op } from "../src/plan/engine";
import { readPriorState, type StateResource } from "../src/plan/state";
import type { RenderModel, RenderResource } from "../src/render/model";

const NOW = new Date("2026-05-04T09:00:00Z");
const PASSWORD = "azuread:index/applicationPassword:ApplicationPassword";
const UPLOAD = "azuread:index/applicationCertificate:ApplicationCertificate";
const CERT = "tls:index/selfSignedCert:SelfSignedCert";

const urn = (type: string, name: string) => `urn:pulumi:dev::foundry-entra::${type}::${name}`;

/** A resource of the previous state: only what a rule reads is given. */
function prior(type: string, name: string, fields: Partial<StateResource> = {}): StateResource {
    return { urn: urn(type, name), type, custom: true, id: `${name}-id`, inputs: {}, outputs: {}, protect: false, retainOnDelete: false, propertyDependencies: {}, ...fields };
}

/** A change of a resource of the previous state. */
function change(op: Op, old: StateResource, extra: Partial<JudgedChange> = {}): JudgedChange {
    return { urn: old.urn, type: old.type, name: old.urn.slice(old.urn.lastIndexOf("::") + 2), op, prior: old, ...extra };
}

const dangers = (changes: readonly JudgedChange[], ctx: Partial<DangerContext> = {}) => findDangers(changes, { now: NOW, ...ctx });

describe("dates the rules read are ISO 8601 or unknown, never a guess", () => {
    // new Date("1") is 2001-01-01 and new Date("June 5") 2001-06-05: an expired secret, not one to guard.
    it.each(["1", "12", "June 5", "2027-06-05T00:00:00Z"])("deleting the gateway's only client secret (endDate %j) is a danger", (endDate) => {
        const secret = prior(PASSWORD, "gateway-secret-password", { outputs: { endDate } });
        const found = dangers([change("delete", secret)]);
        expect(found.map((d) => d.urn)).toEqual([secret.urn]);
        expect(found[0]!.why).toMatch(/^the gateway's current client secret \(gateway-secret-password.*\) is deleted at the end of this run/);
    });

    it("a stack output's certificate notAfter that is not a date names no certificate: the newest is the current one", () => {
        const upload = prior(UPLOAD, "gateway-certificate-upload", { outputs: { endDate: "2027-01-01T00:00:00Z" } });
        const found = dangers([change("delete", upload)], { priorOutputs: { gateway: { certificate: { notAfter: "1" } } } });
        expect(found.map((d) => d.why)).toEqual([expect.stringMatching(/^the gateway's current certificate \(gateway-certificate-upload, valid until 2027-01-01\) is deleted/)]);
    });

    it("a state's created and manifest time that are not dates are unknown", () => {
        const state = readPriorState({
            version: 3,
            deployment: {
                manifest: { time: "June 5" },
                resources: [
                    { urn: urn(PASSWORD, "a"), type: PASSWORD, custom: true, created: "1" },
                    { urn: urn(PASSWORD, "b"), type: PASSWORD, custom: true, created: "2026-03-21T00:18:03.552123456Z" },
                ],
            },
        });
        expect(state.time).toBeUndefined();
        expect(state.resources.map((r) => r.created?.toISOString())).toEqual([undefined, "2026-03-21T00:18:03.552Z"]);
    });

    it("a certificate whose validityEndTime is not a date is not renewed", () => {
        const inputs = { validityPeriodHours: 8760, earlyRenewalHours: 720 };
        const next: RenderResource = {
            urn: urn(CERT, "gateway-cert"), type: CERT, name: "gateway-cert", custom: true, parent: null, dependsOn: [], inputs, id: "gateway-cert-id", outputs: inputs,
            options: { protect: false, retainOnDelete: false, import: null, ignoreChanges: [] },
        };
        const model: RenderModel = { project: "foundry-entra", stack: "dev", now: NOW.toISOString(), resources: [next], outputs: {} };
        const op = (validityEndTime: string) => planChanges({ kind: "export", resources: [prior(CERT, "gateway-cert", { inputs, outputs: { ...inputs, validityEndTime } })], outputs: {} },
            model, { now: NOW })[0]!.op;
        expect(op("1")).toBe("same");
        expect(op("June 5")).toBe("same");
        expect(op("2026-05-20T00:00:00Z")).toBe("replace");
        expect(op("2027-05-20T00:00:00Z")).toBe("same");
    });
});
