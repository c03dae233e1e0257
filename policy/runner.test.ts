/** The offline runner itself: what policies see, and how it treats not-applicable, disabled and broken policies. */
import { join } from "node:path";
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { beforeAll, describe, expect, it } from "vitest";
import type { RenderedResource } from "./offline";
import { TYPES } from "./policies/constants";
import { ofType } from "./policies/guards";
import { runPack, toValidationArgs, validate } from "./runner";
import { byName, renderFile, ROOT } from "./testing";

let dev: readonly RenderedResource[];
beforeAll(async () => {
    dev = await renderFile(join(ROOT, "test/fixtures/stacks/Pulumi.dev.yaml"));
});

const reportAll = (name: string, level: ResourceValidationPolicy["enforcementLevel"] = "mandatory"): ResourceValidationPolicy => ({
    name, description: name, enforcementLevel: level,
    validateResource: ofType(TYPES.application, (_props, args, report) => report(`saw ${args.name}`)),
});

describe("the offline runner", () => {
    it("passes inputs as props and the options the analyzer protocol carries", () => {
        const api = byName(dev, "foundry-local-api-app");
        const args = toValidationArgs(api);
        expect(args).toMatchObject({ type: TYPES.application, urn: api.urn, name: "foundry-local-api-app" });
        expect(args.props).toEqual(api.inputs);
        expect(args.props).not.toBe(api.inputs);
        expect(args.opts).toMatchObject({ protect: false, ignoreChanges: ["identifierUris"], parent: api.parent });
        expect(Object.keys(args.opts)).not.toContain("retainOnDelete");
        expect(() => args.notApplicable("other type")).toThrow("other type");
    });

    it("skips resources a policy is not applicable to, and counts the rest", async () => {
        const { violations, applied } = await runPack(dev, { policies: [reportAll("apps")], offlinePolicies: [] });
        expect(violations.map((v) => v.message).sort()).toEqual(["saw foundry-local-api-app", "saw gateway-app"]);
        expect(applied.get("apps")).toBe(2);
        expect(violations.every((v) => v.enforcementLevel === "mandatory" && !v.offlineOnly)).toBe(true);
    });

    it("runs every validation of a policy that has several", async () => {
        const twice: ResourceValidationPolicy = { ...reportAll("twice"), validateResource: [reportAll("a").validateResource!, reportAll("b").validateResource!].flat() };
        expect(await validate(twice, byName(dev, "gateway-app"))).toEqual(["saw gateway-app", "saw gateway-app"]);
    });

    it("skips disabled policies", async () => {
        const { violations } = await runPack(dev, { policies: [reportAll("off", "disabled")], offlinePolicies: [] });
        expect(violations).toEqual([]);
    });

    it("lets a policy's own error through instead of passing the resource", async () => {
        const broken: ResourceValidationPolicy = {
            name: "broken", description: "broken", enforcementLevel: "mandatory",
            validateResource: ofType(TYPES.application, () => {
                throw new Error("bug in policy");
            }),
        };
        await expect(runPack(dev, { policies: [broken], offlinePolicies: [] })).rejects.toThrow("bug in policy");
    });
});
