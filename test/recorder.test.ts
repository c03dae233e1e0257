import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";
import { describe, expect, it } from "vitest";
import { ProviderMocks } from "../harness/mocks";
import { outputValue, Recorder, waitForRegistrations } from "../harness/recorder";

// The recorder reads internals of @pulumi/pulumi (the mock monitor's RegisterResourceRequest). If an SDK
// upgrade changes them, this test fails first and says where to look: harness/recorder.ts.
describe("harness recorder", () => {
    it("sees parent, dependencies, property dependencies, options and secret inputs of registered resources", async () => {
        await pulumi.runtime.setMocks(new ProviderMocks({ now: new Date("2026-01-01T00:00:00Z") }), "p", "s", false);
        const recorder = new Recorder();
        recorder.attach();
        class Parent extends pulumi.ComponentResource {
            constructor() {
                super("test:index:Parent", "parent", {});
                this.registerOutputs({});
            }
        }
        const parent = new Parent();
        const key = new tls.PrivateKey("key", { algorithm: "RSA" }, { parent, protect: true, ignoreChanges: ["rsaBits"] });
        const other = new tls.PrivateKey("other", { algorithm: "RSA" }, { parent, retainOnDelete: true, replacementTrigger: "gen-7" });
        const cert = new tls.SelfSignedCert("cert", {
            privateKeyPem: pulumi.secret(key.privateKeyPem), validityPeriodHours: 1, allowedUses: ["digital_signature"],
        }, { parent, dependsOn: [other] });
        await new Promise((r) => cert.certPem.apply(r));
        await waitForRegistrations();

        const byName = new Map(recorder.resources.map((r) => [r.name, r]));
        const recCert = byName.get("cert")!;
        const recKey = byName.get("key")!;
        expect(recCert.parent).toBe(byName.get("parent")!.urn);
        expect(recCert.type).toBe("tls:index/selfSignedCert:SelfSignedCert");
        expect(recCert.propertyDependencies.privateKeyPem).toEqual([recKey.urn]);
        expect(recCert.dependencies).toEqual(expect.arrayContaining([byName.get("other")!.urn, recKey.urn]));
        expect(recCert.rawInputs.privateKeyPem).toMatchObject({ value: expect.stringContaining("PRIVATE KEY") });
        expect(recKey.options).toMatchObject({ protect: true, retainOnDelete: false, ignoreChanges: ["rsaBits"] });
        expect(byName.get("other")!.options).toMatchObject({ retainOnDelete: true, replacementTrigger: "gen-7" });
        expect(byName.get("parent")!.custom).toBe(false);
    });

    it("reads an Output's value through the SDK's internal promise()", async () => {
        await pulumi.runtime.setMocks(new ProviderMocks({ now: new Date("2026-01-01T00:00:00Z") }), "p", "s", false);
        expect(await outputValue(pulumi.output("x").apply((v) => `${v}y`))).toBe("xy");
    });
});
