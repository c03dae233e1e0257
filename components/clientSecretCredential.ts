import * as pulumi from "@pulumi/pulumi";
import * as azuread from "@pulumi/azuread";
import type { ClientSecretConfig } from "../src/config/types";
import { addDays, planRotation, type SlotPlan } from "../src/lib/rotation";

export interface ClientSecretCredentialArgs {
    /** Resource id (`/applications/<objectId>`) of the app registration. */
    readonly applicationId: pulumi.Input<string>;
    /** Validity and optional rotation. @default 180 days, no rotation (set by config) */
    readonly config: ClientSecretConfig;
    /** The date lifetimes and rotation are computed from. @default the current time (set by the program) */
    readonly now: Date;
}

export interface ClientSecretSlotOutput {
    readonly slot: string;
    readonly generation: number | null;
    readonly expiresOn: pulumi.Output<string>;
    readonly current: boolean;
}

/**
 * A client secret of the app registration with a bounded lifetime. Graph generates the value and returns
 * it only at creation. With rotation, two alternating slots keep the previous secret valid for the grace
 * period after its successor exists; Pulumi's default create-before-delete means a new secret always exists
 * before an old one is removed.
 */
export class ClientSecretCredential extends pulumi.ComponentResource {
    /** The newest secret's value. A Pulumi secret. */
    public readonly value: pulumi.Output<string>;
    public readonly expiresOn: pulumi.Output<string>;
    public readonly keyId: pulumi.Output<string>;
    public readonly slots: ClientSecretSlotOutput[];
    /** First `pulumi up` on or after this date rotates; absent without rotation. */
    public readonly nextRotationOn?: string;

    constructor(name: string, args: ClientSecretCredentialArgs, opts?: pulumi.ComponentResourceOptions) {
        super("foundry-entra:index:ClientSecretCredential", name, {}, opts);
        const { config } = args;
        const rotating = (plan: SlotPlan) => new azuread.ApplicationPassword(`${name}-password-${plan.slot}`, {
            applicationId: args.applicationId,
            displayName: `foundry-entra slot ${plan.slot} generation ${plan.generation}`,
            // Derived from the generation, not from the clock: stable on every run until the slot rotates.
            endDate: plan.expiresOn.toISOString(),
            rotateWhenChanged: { generation: String(plan.generation) },
        }, { parent: this });

        let passwords: { plan?: SlotPlan; password: azuread.ApplicationPassword }[];
        if (config.rotation) {
            const plan = planRotation(args.now, config.rotation, config.validityDays);
            passwords = [plan.current, ...(plan.previous ? [plan.previous] : [])].map((p) => ({ plan: p, password: rotating(p) }));
            this.nextRotationOn = plan.nextRotationOn.toISOString();
        } else {
            const password = new azuread.ApplicationPassword(`${name}-password`, {
                applicationId: args.applicationId,
                displayName: "foundry-entra",
                endDate: addDays(args.now, config.validityDays).toISOString(),
            }, {
                parent: this,
                // The end date is fixed when the secret is created; later runs must not move it (that would
                // replace the secret on every `pulumi up`). Rotate by configuring rotateEveryDays.
                ignoreChanges: ["endDate"],
            });
            passwords = [{ password }];
        }
        const newest = passwords[0]!.password;
        // The mock runtime does not apply provider-marked secrets: mark the value ourselves.
        this.value = pulumi.secret(newest.value);
        this.expiresOn = newest.endDate;
        this.keyId = newest.keyId;
        this.slots = passwords.map(({ plan, password }) => ({
            slot: plan?.slot ?? "single",
            generation: plan?.generation ?? null,
            expiresOn: password.endDate,
            current: password === newest,
        }));
        this.registerOutputs({ expiresOn: this.expiresOn, keyId: this.keyId });
    }
}
