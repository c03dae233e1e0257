import * as pulumi from "@pulumi/pulumi";
import * as azuread from "@pulumi/azuread";
import * as tls from "@pulumi/tls";
import type { CertificateConfig } from "../src/config/types";
import { planRotation, type SlotPlan } from "../src/lib/rotation";
import { thumbprints } from "../src/lib/thumbprint";

export interface CertificateCredentialArgs {
    /** Resource id (`/applications/<objectId>`) of the app registration the certificate signs in as. */
    readonly applicationId: pulumi.Input<string>;
    /** Key size, validity and optional rotation. @default 2048-bit RSA, 365 days, no rotation (set by config) */
    readonly config: CertificateConfig;
    /** The date rotation is planned against. @default the current time (set by the program) */
    readonly now: Date;
}

/** One certificate slot as exported: the newest slot carries the key material too. */
export interface CertificateSlotOutput {
    readonly slot: string;
    readonly generation: number | null;
    readonly thumbprint: pulumi.Output<string>;
    readonly notAfter: pulumi.Output<string>;
    readonly current: boolean;
}

interface Slot {
    readonly plan?: SlotPlan;
    readonly cert: tls.SelfSignedCert;
    readonly privateKeyPem: pulumi.Output<string>;
}

/**
 * A self-signed certificate the gateway signs client assertions with: an RSA key, the certificate, and its
 * upload to the app registration with the certificate's own end date. With rotation, each generation is its own
 * key, certificate and upload (named by its start day): the previous generation stays valid while its successor
 * takes over, and a config change (key size, subject, validity) reaches the next generation only.
 */
export class CertificateCredential extends pulumi.ComponentResource {
    public readonly certificatePem: pulumi.Output<string>;
    /** The newest certificate's private key (PKCS#8 PEM). A Pulumi secret. */
    public readonly privateKeyPem: pulumi.Output<string>;
    /** Upper-case hex SHA-1 of the newest certificate, as the Azure portal shows it. */
    public readonly thumbprint: pulumi.Output<string>;
    /** base64url of the same SHA-1 bytes (JWT `x5t`). */
    public readonly x5t: pulumi.Output<string>;
    /** base64url SHA-256 of the certificate (JWT `x5t#S256`). */
    public readonly x5tS256: pulumi.Output<string>;
    public readonly notAfter: pulumi.Output<string>;
    public readonly slots: CertificateSlotOutput[];
    /** First `pulumi up` on or after this date rotates; absent without rotation. */
    public readonly nextRotationOn?: string;

    constructor(name: string, args: CertificateCredentialArgs, opts?: pulumi.ComponentResourceOptions) {
        super("foundry-entra:index:CertificateCredential", name, {}, opts);
        const { config } = args;
        const slot = (suffix: string, plan?: SlotPlan): Slot => {
            // A generation's resources keep the settings they were created with: every one of these inputs is
            // ForceNew in terraform-provider-tls (RequiresReplace on private_key's rsa_bits, self_signed_cert's subject
            // and validity_period_hours), so without ignoreChanges a config change would replace every live
            // certificate in one run and cut off the gateway. The single (unrotated) certificate has nothing to carry
            // over to: it is replaced, and `npm run plan` says what the gateway loses.
            const keep = (props: string[]) => (plan ? { ignoreChanges: props } : {});
            // Generations named by day replaced slots "a" and "b": the alias carries an existing one over.
            const alias = (kind: string) => (plan?.legacySlot ? { aliases: [{ name: `${name}-${kind}-${plan.legacySlot}` }] } : {});
            const key = new tls.PrivateKey(`${name}-key${suffix}`, { algorithm: "RSA", rsaBits: config.rsaBits },
                { parent: this, ...keep(["rsaBits"]), ...alias("key") });
            // Provider-marked secret outputs are not applied by every runtime (the mock runtime ignores them): mark
            // the key material ourselves, both where it is exported and where it feeds the certificate (@pulumi/tls
            // also marks that input secret; this keeps it so if the SDK ever stops). test/secrets.test.ts checks.
            const privateKeyPem = pulumi.secret(key.privateKeyPemPkcs8);
            const cert = new tls.SelfSignedCert(`${name}-cert${suffix}`, {
                privateKeyPem: pulumi.secret(key.privateKeyPem),
                subject: { commonName: config.subject, ...(plan ? { serialNumber: `generation-${plan.generation}` } : {}) },
                validityPeriodHours: config.validityDays * 24,
                allowedUses: ["digital_signature", "client_auth"],
            }, { parent: this, ...keep(["subject", "validityPeriodHours"]), ...alias("cert") });
            new azuread.ApplicationCertificate(`${name}-upload${suffix}`, {
                applicationId: args.applicationId,
                type: "AsymmetricX509Cert",
                encoding: "pem",
                value: cert.certPem,
                // Graph refuses an end date later than the certificate's own notAfter.
                endDate: cert.validityEndTime,
            }, { parent: this, ...alias("upload") });
            return { ...(plan ? { plan } : {}), cert, privateKeyPem };
        };

        let slots: Slot[];
        if (config.rotation) {
            const plan = planRotation(args.now, config.rotation, config.validityDays);
            slots = [plan.current, ...(plan.previous ? [plan.previous] : [])].map((p) => slot(`-${p.key}`, p));
            this.nextRotationOn = plan.nextRotationOn.toISOString();
        } else {
            slots = [slot("")];
        }
        const newest = slots[0]!;
        const prints = newest.cert.certPem.apply(thumbprints);
        this.certificatePem = newest.cert.certPem;
        this.privateKeyPem = newest.privateKeyPem;
        this.thumbprint = prints.hex;
        this.x5t = prints.x5t;
        this.x5tS256 = prints.x5tS256;
        this.notAfter = newest.cert.validityEndTime;
        this.slots = slots.map((s) => ({
            slot: s.plan?.slot ?? "single",
            generation: s.plan?.generation ?? null,
            thumbprint: s.cert.certPem.apply((pem) => thumbprints(pem).hex),
            notAfter: s.cert.validityEndTime,
            current: s === newest,
        }));
        this.registerOutputs({ thumbprint: this.thumbprint, notAfter: this.notAfter });
    }
}
