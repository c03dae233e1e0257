/**
 * The policies of foundry-entra's pack, as plain objects. Constructing a `PolicyPack` starts a gRPC server,
 * so `policy/index.ts` is the only place that does; tests and the offline runner use these directly.
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { adminConsentScopes, apiV2Tokens, singleTenant } from "./applications";
import { keyAuthDisabled } from "./cognitiveServices";
import { appCertificateLifetime, certificateValidity, rsaKeyStrength, secretLifetime, type Clock } from "./credentials";
import { noPrivilegedRoles, principalTypeSet, resourceScope } from "./roleAssignments";

export type { Clock } from "./credentials";

export interface PolicyOptions {
    /** The time credential lifetimes without a `startDate` are measured from. @default the current time, read on each check */
    readonly now?: Clock;
}

/** Every policy of the pack, in a stable order. */
export function createPolicies(options: PolicyOptions = {}): ResourceValidationPolicy[] {
    const clock = options.now ?? (() => new Date());
    return [
        keyAuthDisabled,
        noPrivilegedRoles,
        resourceScope,
        principalTypeSet,
        singleTenant,
        apiV2Tokens,
        adminConsentScopes,
        secretLifetime(clock),
        rsaKeyStrength,
        certificateValidity,
        appCertificateLifetime(clock),
    ];
}

/** The policies with the real clock: what `pulumi preview --policy-pack policy` runs. */
export const policies: ResourceValidationPolicy[] = createPolicies();
