import * as pulumi from "@pulumi/pulumi";
import * as azuread from "@pulumi/azuread";
import type { ClientSecretConfig } from "../src/config/types";
import { addDays, graphDateTime, planRotation, type SlotPlan } from "../src/lib/rotation";

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
 * it only at creation. With rotation, each generation is its own secret (named by its start day): a new one is
 * created on its due day and the previous one stays valid until it expires, at least the grace period after its
 * successor exists. A config change (validity) reaches the next generation only; the secrets that exist keep
 * their end dates. Without rotation there is one secret, whose end date is fixed when it is created.
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
        const generation = (plan: SlotPlan) => new azuread.ApplicationPassword(`${name}-password-${plan.key}`, {
            applicationId: args.applicationId,
            displayName: `foundry-entra slot ${plan.slot} generation ${plan.generation}`,
            // Derived from the generation, not from the clock, and in the form Graph stores (see graphDateTime).
            endDate: graphDateTime(plan.expiresOn),
            rotateWhenChanged: { generation: String(plan.generation) },
        }, {
            parent: this,
            // Before generations were named by day they lived in slots "a" and "b": the alias carries them over.
            ...(plan.legacySlot ? { aliases: [{ name: `${name}-password-${plan.legacySlot}` }] } : {}),
            // All three are ForceNew (terraform-provider-azuread application_password_resource.go). A secret keeps
            // what it was created with: a change of validity or of the schedule reaches the next generation only.
            ignoreChanges: ["displayName", "endDate", "rotateWhenChanged"],
        });

        let passwords: { plan?: SlotPlan; password: azuread.ApplicationPassword }[];
        if (config.rotation) {
            const plan = planRotation(args.now, config.rotation, config.validityDays);
            passwords = [plan.current, ...(plan.previous ? [plan.previous] : [])].map((p) => ({ plan: p, password: generation(p) }));
            this.nextRotationOn = plan.nextRotationOn.toISOString();
        } else {
            const password = new azuread.ApplicationPassword(`${name}-password`, {
                applicationId: args.applicationId,
                displayName: "foundry-entra",
                endDate: graphDateTime(addDays(args.now, config.validityDays)),
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
