/**
 * Stable identity: the set of URNs the dev, full and prod example stacks produce is pinned in
 * `test/fixtures/urns/*.json`. A URN is a resource's identity in Pulumi state; a changed URN means delete and
 * recreate. The test fails on any change a resource does not carry an alias for, and says why it matters.
 *
 * URNs are written as the Pulumi engine forms them: the type part chains every ancestor component's type
 * (`GatewayIdentity$CertificateCredential$tls:…:PrivateKey`). The SDK's mock monitor keeps only the direct
 * parent's type, so src/plan/urns.ts rebuilds the chain from the recorded parents.
 *
 * The pins are rendered with the harness's fixed clock (DEFAULT_NOW, 2026-01-01): rotated credentials are
 * date dependent (slot b exists only from generation 1 on and while the previous generation is valid), and
 * at that date both slots of every rotated credential exist in the full and prod examples.
 *
 * Regenerate after an intended change, or after giving the example resources your names (the walk-through's step
 * 2, before anything is deployed): `npm run pin -- --write` (src/pin/cli.ts; test/walkthrough.test.ts).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";
import { describe, expect, it } from "vitest";
import { ProviderMocks } from "../harness/mocks";
import { Recorder, waitForRegistrations, type RecordedResource } from "../harness/recorder";
import { DEFAULT_NOW, PROJECT } from "../harness/run";
import { engineIdentities } from "../src/plan/urns";
import { PIN_COMMAND, pinFile, PINNED_STACKS, type PinFile } from "../src/pin/cli";
import { ROOT, stackRun } from "./helpers";

const REGENERATE = PIN_COMMAND;

/** Compares pinned URNs with rendered ones; a disappeared URN is fine when a resource answers to it by alias. */
function comparePins(pinned: readonly string[], rendered: readonly { urn: string; aliases: readonly string[] }[]) {
    const now = new Set(rendered.map((r) => r.urn));
    const before = new Set(pinned);
    const aliasOf = new Map(rendered.flatMap((r) => r.aliases.map((a) => [a, r.urn] as const)));
    const disappeared = pinned.filter((u) => !now.has(u));
    const moved = disappeared.filter((u) => aliasOf.has(u)).map((from) => ({ from, to: aliasOf.get(from)! }));
    const movedTo = new Set(moved.map((m) => m.to));
    return {
        deleted: disappeared.filter((u) => !aliasOf.has(u)),
        created: [...now].filter((u) => !before.has(u) && !movedTo.has(u)).sort(),
        moved,
    };
}

function explain(pin: string, file: string, stack: string, diff: ReturnType<typeof comparePins>): string {
    return [
        `The URNs of the ${pin} stack (${file}, stack "${stack}", rendered at ${DEFAULT_NOW.toISOString()}) differ from test/fixtures/urns/${pin}.json.`,
        ...(diff.deleted.length ? ["", "Disappeared — `pulumi up` would DELETE these:", ...diff.deleted.map((u) => `  - ${u}`)] : []),
        ...(diff.created.length ? ["", "Appeared — `pulumi up` would CREATE these:", ...diff.created.map((u) => `  + ${u}`)] : []),
        "",
        "A URN (stack, project, the chain of parent component types, type, name) is a resource's identity in Pulumi state. A",
        "changed URN is not a rename: Pulumi deletes the old resource and creates a new one. Here that means:",
        "  - an app registration (Application) recreated gets a NEW CLIENT ID: every gateway configured with the old one stops",
        "    signing in, and its certificates, secrets and federated credentials go with it;",
        "  - a service principal or role assignment recreated: callers lose access between the delete and the create, plus up",
        "    to ~5 minutes of RBAC propagation; an app-role assignment recreated: tokens lose `roles` until re-issued;",
        "  - an account recreated: its endpoint, deployments and quota are gone (an adopted account is only forgotten).",
        "If the rename is intended (new name, new parent component, new type), keep the identity with an alias on the renamed",
        "resource, e.g. `{ parent: this, aliases: [{ name: \"<old name>\" }] }`, or `aliases: [{ parent: <old parent> }]`",
        "for a move, or the old URN itself; Pulumi then moves the state instead of replacing. This test accepts a",
        "disappeared URN that a resource aliases. If resources were added or removed on purpose, say so in review and",
        `regenerate the pins: ${REGENERATE}. The same command after giving the example resources your names in the stack`,
        "files (the README walk-through's step 2, before the stack is deployed): nothing exists yet that could be replaced.",
    ].join("\n");
}

describe("pinned URNs", () => {
    for (const { pin, file } of PINNED_STACKS) {
        it(`${pin}: ${file} declares exactly the pinned URNs, or aliases the ones it renamed`, async () => {
            const r = await stackRun(file, { now: DEFAULT_NOW });
            const { stack } = r;
            const rendered = engineIdentities(r.resources, stack, PROJECT);
            const urns = rendered.map((x) => x.urn).sort();
            expect(new Set(urns).size).toBe(urns.length);
            const pinned = JSON.parse(readFileSync(join(ROOT, pinFile(pin)), "utf8")) as PinFile;
            expect(pinned.now).toBe(DEFAULT_NOW.toISOString());
            const diff = comparePins(pinned.urns, rendered);
            if (diff.deleted.length > 0 || diff.created.length > 0) expect.fail(explain(pin, file, stack, diff));
        });
    }

    it("writes engine URNs: ancestors' component types chained, top-level resources without the stack type", async () => {
        const { stack, resources } = await stackRun("examples/full.yaml");
        const urns = engineIdentities(resources, stack, PROJECT).map((x) => x.urn);
        expect(urns).toContain("urn:pulumi:full::foundry-entra::foundry-entra:index:GatewayIdentity$azuread:index/application:Application::gateway-app");
        expect(urns).toContain("urn:pulumi:full::foundry-entra::foundry-entra:index:GatewayIdentity$foundry-entra:index:CertificateCredential$tls:index/privateKey:PrivateKey::gateway-certificate-key-20251221");
    });
});

describe("aliases", () => {
    /** Registers a component and children with aliases under the mock runtime, as the program would. */
    async function registerRenamed(): Promise<RecordedResource[]> {
        await pulumi.runtime.setMocks(new ProviderMocks({ now: DEFAULT_NOW }), PROJECT, "dev", false);
        const recorder = new Recorder();
        recorder.attach();
        class Holder extends pulumi.ComponentResource {
            constructor(name: string, opts?: pulumi.ComponentResourceOptions) {
                super("foundry-entra:index:Holder", name, {}, opts);
                this.registerOutputs({});
            }
        }
        const holder = new Holder("holder", { aliases: [{ name: "old-holder" }] });
        const renamed = new tls.PrivateKey("new-key", { algorithm: "RSA" }, { parent: holder, aliases: [{ name: "old-key" }] });
        const moved = new tls.PrivateKey("moved-key", { algorithm: "RSA" }, { parent: holder, aliases: [{ parent: pulumi.rootStackResource }] });
        new tls.PrivateKey("plain-key", { algorithm: "RSA" }, { parent: holder });
        await Promise.all([renamed, moved].map((k) => new Promise((ok) => k.id.apply(ok))));
        await waitForRegistrations();
        return recorder.resources;
    }

    it("resolves the aliases the recorder captures to the URNs they stand for", async () => {
        const ids = engineIdentities(await registerRenamed(), "dev", PROJECT);
        const aliasesOf = (name: string) => ids.find((x) => x.urn.endsWith(`::${name}`))!.aliases;
        const key = "tls:index/privateKey:PrivateKey";
        expect(aliasesOf("new-key")).toEqual([`urn:pulumi:dev::foundry-entra::foundry-entra:index:Holder$${key}::old-key`]);
        // No parent (the stack) in the alias: the old URN has no parent type.
        expect(aliasesOf("moved-key")).toContain(`urn:pulumi:dev::foundry-entra::${key}::moved-key`);
        expect(aliasesOf("holder")).toEqual(["urn:pulumi:dev::foundry-entra::foundry-entra:index:Holder::old-holder"]);
        expect(aliasesOf("plain-key")).toEqual([]);
    });

    it("accepts a renamed resource that aliases its old URN, and refuses one that does not", async () => {
        const ids = engineIdentities(await registerRenamed(), "dev", PROJECT);
        const key = "tls:index/privateKey:PrivateKey";
        const current = ids.map((x) => x.urn);
        const old = `urn:pulumi:dev::foundry-entra::foundry-entra:index:Holder$${key}::old-key`;
        const pinned = [...current.filter((u) => !u.endsWith("::new-key")), old];
        expect(comparePins(pinned, ids)).toEqual({ deleted: [], created: [], moved: [{ from: old, to: current.find((u) => u.endsWith("::new-key")) }] });
        // plain-key renamed without an alias: its old URN is deleted, the new one created.
        const unaliased = [...current.filter((u) => !u.endsWith("::plain-key")), `urn:pulumi:dev::foundry-entra::foundry-entra:index:Holder$${key}::older-plain-key`];
        const diff = comparePins(unaliased, ids);
        expect(diff.deleted).toEqual([`urn:pulumi:dev::foundry-entra::foundry-entra:index:Holder$${key}::older-plain-key`]);
        expect(diff.created).toEqual([current.find((u) => u.endsWith("::plain-key"))]);
        const message = explain("dev", "Pulumi.dev.yaml", "dev", diff);
        expect(message).toContain("NEW CLIENT ID");
        expect(message).toContain('aliases: [{ name: "<old name>" }]');
        expect(message).toContain(REGENERATE);
    });
});
