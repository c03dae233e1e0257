/**
 * The danger rules of src/plan/dangers.ts, one hand-built change each: every rule names its danger, and the dates
 * the rules read (a credential's endDate, the certificate's notAfter, a resource's created) are read strictly
 * (src/lib/dates.ts): a value that is not a date must not pass for one and quieten the guard.
 */
import { describe, expect, it } from "vitest";
import { findDangers, type DangerContext, type JudgedChange } from "../src/plan/dangers";
import { planChanges, type Op } from "../src/plan/engine";
import { readPriorState, type StateResource } from "../src/plan/state";
import { urnName } from "../src/plan/urns";
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
    return { urn: old.urn, type: old.type, name: urnName(old.urn), op, prior: old, ...extra };
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

const ROLE_ASSIGNMENT = "azure-native:authorization:RoleAssignment";
const APP_ROLE_ASSIGNMENT = "azuread:index/appRoleAssignment:AppRoleAssignment";
const ACCOUNT = "azure-native:cognitiveservices:Account";
const SERVICE_PRINCIPAL = "azuread:index/servicePrincipal:ServicePrincipal";
const GATEWAY_SP = "0a1b2c3d-1111-4222-8333-444444444444";
const OTHER = "9f8e7d6c-1111-4222-8333-444444444444";
const SCOPE = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/aoai-dev";
/** The previous outputs that name the gateway's service principal. */
const GATEWAY_OUTPUTS = { gateway: { servicePrincipalObjectId: GATEWAY_SP } };
const DAY = 86_400_000;
const daysBefore = (n: number) => new Date(NOW.getTime() - n * DAY);

const whys = (changes: readonly JudgedChange[], ctx: Partial<DangerContext> = {}) => dangers(changes, ctx).map((d) => `${urnName(d.urn)}: ${d.why}`);

describe("credentials: the one the gateway uses now, and the grace its successor needs", () => {
    const secret = (name: string, endDate: string, created?: Date, keyId = `${name}-key`) =>
        prior(PASSWORD, name, { outputs: { endDate, keyId }, ...(created ? { created } : {}) });

    it("replacing the current client secret is a danger: the old one goes at the end of the run", () => {
        expect(whys([change("replace", secret("s1", "2026-11-01T00:00:00Z"))])).toEqual([
            expect.stringMatching(/^s1: the gateway's current client secret \(s1, valid until 2026-11-01\) is replaced \(the new one is created, the old one deleted\) at the end of this run/),
        ]);
    });

    it("the stack outputs' keyId names the current secret, even when a newer one exists", () => {
        const older = secret("s1", "2026-08-01T00:00:00Z", daysBefore(100));
        const newer = secret("s2", "2026-11-01T00:00:00Z", daysBefore(100));
        const changes = [change("delete", older), change("same", newer)];
        expect(whys(changes, { priorOutputs: { gateway: { clientSecret: { keyId: "S1-KEY" } } } })).toEqual([expect.stringMatching(/^s1: the gateway's current client secret/)]);
        expect(whys(changes)).toEqual([]);
    });

    it("grace age: deleting the previous secret while its successor is younger than graceDays is a danger", () => {
        const older = secret("s1", "2026-08-01T00:00:00Z", daysBefore(100));
        const young = secret("s2", "2026-11-01T00:00:00Z", daysBefore(10));
        const changes = [change("delete", older), change("same", young)];
        expect(whys(changes)).toEqual([
            "s1: the client secret s1, valid until 2026-08-01 is deleted while its successor s2 has existed 10.0 days, less than graceDays (30): gateways that have not picked up the successor lose sign-in",
        ]);
        expect(whys(changes, { graceDays: { clientSecret: 7 } })).toEqual([]);
        expect(whys([change("delete", older), change("same", secret("s2", "2026-11-01T00:00:00Z", daysBefore(31)))])).toEqual([]);
        // Without the successor's creation time (a render) its age is unknown: no danger claimed.
        expect(whys([change("delete", older), change("same", secret("s2", "2026-11-01T00:00:00Z"))])).toEqual([]);
    });

    it("an expired credential may go", () => {
        expect(whys([change("delete", secret("s1", "2026-05-01T00:00:00Z"))])).toEqual([]);
    });
});

describe("role assignments", () => {
    const assignment = (name: string, principalId: string, role = "Cognitive Services OpenAI User") =>
        prior(ROLE_ASSIGNMENT, name, { inputs: { description: `foundry-entra: ${role} for gateway`, scope: SCOPE, principalId } });

    it("a role assignment replaced is a danger: the principal loses the role for the gap", () => {
        expect(whys([change("replace", assignment("ra-gateway", OTHER))])).toEqual([
            "ra-gateway: the role assignment (Cognitive Services OpenAI User for gateway) is deleted and created again: the principal loses the role for the gap and up to ~5 minutes of RBAC propagation",
        ]);
    });

    it("the same grant under a new name (409 RoleAssignmentExists) is a danger", () => {
        const old = assignment("ra-old-name", OTHER);
        const renamed: JudgedChange = { urn: urn(ROLE_ASSIGNMENT, "ra-new-name"), type: ROLE_ASSIGNMENT, name: "ra-new-name", op: "create", nextInputs: { ...old.inputs, scope: SCOPE.toUpperCase() } };
        expect(whys([change("delete", old), renamed])).toEqual([
            expect.stringMatching(/^ra-old-name: the same grant \(Cognitive Services OpenAI User for gateway\) is declared again as ra-new-name and created before this one is deleted: .*409 RoleAssignmentExists/),
        ]);
    });

    it("the gateway losing its role is a danger; a role swapped for another at the same scope is not", () => {
        const old = assignment("ra-gateway", GATEWAY_SP);
        expect(whys([change("delete", old)], { priorOutputs: GATEWAY_OUTPUTS })).toEqual([`ra-gateway: the gateway loses its role at ${SCOPE} (Cognitive Services OpenAI User for gateway)`]);
        // Known as the gateway's from the service principal's own state, without outputs.
        const sp = prior(SERVICE_PRINCIPAL, "gateway-sp", { outputs: { objectId: GATEWAY_SP.toUpperCase() } });
        expect(whys([change("delete", old), change("same", sp)])).toHaveLength(1);
        const swapped: JudgedChange = { urn: urn(ROLE_ASSIGNMENT, "ra-gateway-user"), type: ROLE_ASSIGNMENT, name: "ra-gateway-user", op: "create",
            nextInputs: { description: "foundry-entra: Cognitive Services User for gateway", scope: SCOPE, principalId: GATEWAY_SP } };
        expect(whys([change("delete", old), swapped], { priorOutputs: GATEWAY_OUTPUTS })).toEqual([]);
        expect(whys([change("delete", assignment("ra-other", OTHER))], { priorOutputs: GATEWAY_OUTPUTS })).toEqual([]);
    });
});

describe("app-role assignments (Foundry Local)", () => {
    const assignment = (principalObjectId: string) => prior(APP_ROLE_ASSIGNMENT, "foundry-local-gateway-role", { inputs: { principalObjectId } });

    it("replaced: tokens issued in the gap carry no roles", () => {
        expect(whys([change("replace", assignment(OTHER))])).toEqual([
            "foundry-local-gateway-role: the app-role assignment is deleted and created again: tokens issued in between carry no `roles`, and Foundry Local answers 401 invalid_token",
        ]);
    });

    it("deleted for the gateway: it loses the app role; for another principal: no danger", () => {
        expect(whys([change("delete", assignment(GATEWAY_SP))], { priorOutputs: GATEWAY_OUTPUTS })).toEqual([
            "foundry-local-gateway-role: the gateway loses the Foundry Local app role: its tokens no longer carry `roles`, and Foundry Local answers 401 invalid_token",
        ]);
        expect(whys([change("delete", assignment(OTHER))], { priorOutputs: GATEWAY_OUTPUTS })).toEqual([]);
    });
});

describe("ownership: adopted accounts and protected resources", () => {
    it("an adopted account (imported) deleted or replaced is a danger", () => {
        const adopted = prior(ACCOUNT, "aoai-legacy", { importId: "/subscriptions/s/accounts/aoai-legacy" });
        expect(whys([change("delete", adopted)])).toEqual(["aoai-legacy: the adopted account aoai-legacy would be deleted; it was created outside this stack"]);
        expect(whys([change("replace", { ...adopted, retainOnDelete: true })])).toEqual([
            "aoai-legacy: the adopted account aoai-legacy would be deleted and created again: its endpoint, deployments and keys are gone; it was created outside this stack",
        ]);
    });

    it("an adopted account kept with retainOnDelete may leave the stack", () => {
        expect(whys([change("delete", prior(ACCOUNT, "aoai-legacy", { retainOnDelete: true }))])).toEqual([]);
        expect(whys([change("delete", prior(ACCOUNT, "aoai-new"))])).toEqual([]);
    });

    it("a protected resource deleted or replaced stops the up half-way", () => {
        const kept = prior(ACCOUNT, "aoai-dev", { protect: true });
        expect(whys([change("delete", kept)])).toEqual(["aoai-dev: aoai-dev is protected: pulumi up stops with an error when it reaches this delete, after the changes before it were made"]);
        expect(whys([change("replace", prior(PASSWORD, "gateway-secret", { protect: true, outputs: { endDate: "2026-05-01T00:00:00Z" } }))]))
            .toEqual([expect.stringMatching(/^gateway-secret: gateway-secret is protected: .* this replace/)]);
        expect(whys([change("update", kept)])).toEqual([]);
    });
});

describe("imports", () => {
    const imported = (extra: Partial<JudgedChange>): JudgedChange => ({ urn: urn(ACCOUNT, "aoai-legacy"), type: ACCOUNT, name: "aoai-legacy", op: "import", ...extra });

    it("an import that fails is a danger", () => {
        expect(whys([imported({ importFails: "/subscriptions/s/accounts/aoai-legacy does not exist: the import step fails" })])).toEqual([
            "aoai-legacy: the import of aoai-legacy fails: /subscriptions/s/accounts/aoai-legacy does not exist: the import step fails; pulumi up stops there, after the steps before it ran",
        ]);
    });

    it("an import whose update removes live settings is a danger; one that removes none is not", () => {
        expect(whys([imported({ removes: ["properties.networkAcls", "tags"] })])).toEqual([
            expect.stringMatching(/^aoai-legacy: aoai-legacy is imported and then updated without properties\.networkAcls, tags: .* would be removed/),
        ]);
        expect(whys([imported({ removes: [] })])).toEqual([]);
    });
});

describe("key access", () => {
    const account = (disableLocalAuth: boolean | undefined) => prior(ACCOUNT, "aoai-dev", { inputs: { properties: disableLocalAuth === undefined ? {} : { disableLocalAuth } } });
    const off = { properties: { disableLocalAuth: true } };

    it("turning key access off on an account that has it on is a danger", () => {
        expect(whys([change("update", account(false), { nextInputs: off })])).toEqual([expect.stringMatching(/^aoai-dev: key access is turned off on aoai-dev: every client that still calls it with an api-key/)]);
        expect(whys([change("import", account(undefined), { nextInputs: off })])).toHaveLength(1);
    });

    it("an account whose key access is off already is no danger", () => {
        expect(whys([change("update", account(true), { nextInputs: off })])).toEqual([]);
    });
});
