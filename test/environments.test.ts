/**
 * The three shipped stacks (`Pulumi.dev.yaml`, `Pulumi.staging.yaml`, `Pulumi.prod.yaml`) have the shape the
 * pipelines promise: dev is cheap (one OpenAI account, a client secret and a certificate), prod has no client
 * secret and reaches a Foundry account and Foundry Local with rotation and protection on, and staging has prod's
 * shape without protection, so whatever reaches prod has been deployed in staging first. Rendered under mocks.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { RunResult } from "../harness/run";
import { ofType, RT, stackRun } from "./helpers";

const STACKS = ["dev", "staging", "prod"] as const;
type Stack = (typeof STACKS)[number];

const runs = {} as Record<Stack, RunResult>;
beforeAll(async () => {
    for (const name of STACKS) {
        runs[name] = await stackRun(`Pulumi.${name}.yaml`);
        expect(runs[name].stack).toBe(name);
    }
});

const kinds = (r: RunResult) => ofType(r, RT.account).map((a) => (a.inputs as { kind: string }).kind).sort();
const protectedNames = (r: RunResult) => r.resources.filter((x) => x.options.protect).map((x) => x.name);
const gatewayOutputs = (r: RunResult) => r.outputs.gateway as Record<string, unknown>;
/** The rotation slots of a credential output (`[]` when it does not rotate). */
const slots = (credential: unknown) => ((credential as { slots?: { slot: string }[] } | undefined)?.slots ?? []).map((s) => s.slot);

describe("dev: the cheapest useful stack", () => {
    it("has exactly one account, an Azure OpenAI one, with one deployment", () => {
        expect(kinds(runs.dev)).toEqual(["OpenAI"]);
        expect(ofType(runs.dev, RT.deployment)).toHaveLength(1);
    });

    it("gives the gateway a client secret and a certificate", () => {
        expect(ofType(runs.dev, RT.password).length).toBeGreaterThan(0);
        expect(ofType(runs.dev, RT.appCert).length).toBeGreaterThan(0);
        expect(Object.keys(gatewayOutputs(runs.dev))).toEqual(expect.arrayContaining(["certificate", "clientSecret"]));
    });

    it("has no Foundry Local, managed identities or protection", () => {
        expect(runs.dev.outputs.foundryLocal).toBeUndefined();
        expect(ofType(runs.dev, RT.uai)).toEqual([]);
        expect(ofType(runs.dev, RT.appRoleAssignment)).toEqual([]);
        expect(protectedNames(runs.dev)).toEqual([]);
    });
});

describe.each(["staging", "prod"] as const)("%s: the production shape", (name) => {
    it("has no client secret: the gateway signs in with a certificate or its workload identity", () => {
        expect(ofType(runs[name], RT.password)).toEqual([]);
        expect(gatewayOutputs(runs[name]).clientSecret).toBeUndefined();
        expect(ofType(runs[name], RT.appCert).length).toBeGreaterThan(0);
        const fics = ofType(runs[name], RT.fic).map((f) => f.inputs as { subject: string; audiences: string[] });
        expect(fics.length).toBeGreaterThan(0);
        for (const f of fics) {
            expect(f.subject).toMatch(/^system:serviceaccount:[^:]+:[^:]+$/);
            expect(f.audiences).toEqual(["api://AzureADTokenExchange"]);
        }
    });

    it("reaches an Azure OpenAI account, a Foundry account and Foundry Local on an Arc cluster", () => {
        expect(kinds(runs[name])).toEqual(expect.arrayContaining(["AIServices", "OpenAI"]));
        expect(runs[name].outputs.foundryLocal).toMatchObject({ clusterId: expect.stringContaining("/providers/Microsoft.Kubernetes/connectedClusters/") });
    });

    it("gives managed identities access, Foundry Local's app role included", () => {
        expect(Object.keys(runs[name].outputs.managedIdentities as object).length).toBeGreaterThan(0);
        expect(ofType(runs[name], RT.appRoleAssignment).filter((a) => a.name.startsWith("mi-")).length).toBeGreaterThan(0);
    });

    it("rotates the certificate: two slots, and a next rotation date", () => {
        const certificate = gatewayOutputs(runs[name]).certificate as Record<string, unknown>;
        expect(slots(certificate).sort()).toEqual(["a", "b"]);
        expect(certificate.nextRotationOn).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    });
});

describe("staging against prod", () => {
    it("staging declares every resource type prod does, so prod meets nothing staging has not had", () => {
        const types = (r: RunResult) => [...new Set(r.resources.map((x) => x.type))].sort();
        expect(types(runs.staging)).toEqual(types(runs.prod));
    });

    it("prod protects its app registrations, service principals and accounts; staging protects nothing", () => {
        expect(protectedNames(runs.prod).length).toBeGreaterThan(0);
        expect(protectedNames(runs.staging)).toEqual([]);
    });

    it("the three stacks use different names for everything Azure and Entra key on", () => {
        const displayNames = STACKS.map((s) => gatewayOutputs(runs[s]).displayName);
        expect(new Set(displayNames).size).toBe(3);
        const accounts = STACKS.flatMap((s) => Object.keys(runs[s].outputs.accounts as object));
        expect(new Set(accounts).size).toBe(accounts.length);
    });
});
