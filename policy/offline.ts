/**
 * Checks the policy SDK cannot express, run only by the offline runner (`policy/runner.ts`) in the test suite.
 *
 * The analyzer protocol gives policies a resource's inputs and some of its options (protect, ignoreChanges,
 * deleteBeforeReplace, aliases, custom timeouts, additionalSecretOutputs, parent), but not `import` or
 * `retainOnDelete` (see `PolicyResourceOptions` in @pulumi/policy and `AnalyzerResourceOptions` in
 * @pulumi/pulumi's proto/analyzer_pb). So "adopted accounts are retained on delete" cannot be a pack policy:
 * `pulumi preview --policy-pack policy` does not enforce it. The offline harness records both options, and
 * `npm test` runs this check over every example stack.
 */
import type { EnforcementLevel } from "@pulumi/policy";
import { TYPES } from "./policies/constants";
import { isRecord, nonEmptyString } from "./policies/guards";

/** A resource as the offline harness renders it (`HarnessResource` from harness/run.ts fits this shape). */
export interface RenderedResource {
    readonly urn: string;
    readonly type: string;
    readonly name: string;
    readonly parent?: string;
    /** Inputs with secret wrappers removed. */
    readonly inputs: Readonly<Record<string, unknown>>;
    readonly options: {
        readonly protect: boolean;
        readonly retainOnDelete: boolean;
        /** The ARM id an existing resource is adopted by. */
        readonly import?: string;
        readonly ignoreChanges: readonly string[];
        readonly deleteBeforeReplace?: boolean;
    };
}

/** A check over a rendered resource, with the same metadata as a pack policy. */
export interface OfflinePolicy {
    readonly name: string;
    readonly description: string;
    readonly enforcementLevel: EnforcementLevel;
    /** The resource type the check applies to. */
    readonly type: string;
    readonly validate: (resource: RenderedResource, report: (message: string) => void) => void;
}

/** An adopted (imported) account is never deleted by `pulumi destroy`: the stack did not create it. */
export const adoptedAccountRetained: OfflinePolicy = {
    name: "cognitive-services-adopted-account-retained",
    description: "Every Cognitive Services account adopted with the import option also has retainOnDelete (offline runner only).",
    enforcementLevel: "mandatory",
    type: TYPES.account,
    validate: (resource, report) => {
        if (!nonEmptyString(resource.options.import) || resource.options.retainOnDelete) return;
        const name = isRecord(resource.inputs) && nonEmptyString(resource.inputs.accountName) ? resource.inputs.accountName : resource.name;
        report(`Account "${name}" is adopted (import ${resource.options.import}) without retainOnDelete, so pulumi destroy would ` +
            `delete an account this stack did not create. Adopt accounts only with "existing: true" in foundry-entra:accounts; ` +
            `components/foundryAccount.ts then sets retainOnDelete: true.`);
    },
};

/** Every offline-only check. */
export const offlinePolicies: readonly OfflinePolicy[] = [adoptedAccountRetained];
