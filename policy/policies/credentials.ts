/** Policies on the gateway's credentials: client secrets, certificate keys, certificates and their uploads. */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { DAY_MS, MAX_CERTIFICATE_DAYS, MAX_SECRET_DAYS, MIN_RSA_BITS, TLS_DEFAULT_RSA_BITS, TYPES } from "./constants";
import { ofType, show } from "./guards";
import { credentialLifetime, days } from "./time";

/** Where lifetimes that start "now" are measured from. */
export type Clock = () => Date;

/** Client secrets live at most 730 days (Entra's maximum is 24 months). */
export function secretLifetime(clock: Clock): ResourceValidationPolicy {
    return {
        name: "entra-client-secret-max-730-days",
        description: `Every client secret (ApplicationPassword) expires at most ${MAX_SECRET_DAYS} days after it starts.`,
        enforcementLevel: "mandatory",
        severity: "high",
        validateResource: ofType(TYPES.applicationPassword, (props, args, report) => {
            const life = credentialLifetime(props, clock());
            if (!life.ok) {
                report(`Client secret "${args.name}" ${life.problem}. Set endDate; foundry-entra:gateway.clientSecret.validityDays does.`);
            } else if (life.ms > MAX_SECRET_DAYS * DAY_MS) {
                report(`Client secret "${args.name}" lives ${days(life.ms)} days (${life.from} to ${life.to}); the maximum is ` +
                    `${MAX_SECRET_DAYS}. Lower foundry-entra:gateway.clientSecret.validityDays to ${MAX_SECRET_DAYS} or less.`);
            }
        }),
    };
}

/** Certificate keys are RSA of at least 2048 bits: Entra ID signs and verifies client assertions with RSA (RS256/PS256). */
export const rsaKeyStrength: ResourceValidationPolicy = {
    name: "tls-private-key-rsa-2048",
    description: `Every private key (tls.PrivateKey) is RSA with at least ${MIN_RSA_BITS} bits.`,
    enforcementLevel: "mandatory",
    severity: "high",
    validateResource: ofType(TYPES.privateKey, (props, args, report) => {
        if (props.algorithm !== "RSA") {
            report(`Private key "${args.name}" uses algorithm ${show(props.algorithm)}. Use "RSA": Entra ID's certificate ` +
                `credentials sign client assertions with RSA (RS256/PS256).`);
            return;
        }
        const bits = props.rsaBits ?? TLS_DEFAULT_RSA_BITS;
        if (typeof bits === "number" && Number.isInteger(bits) && bits >= MIN_RSA_BITS) return;
        report(`Private key "${args.name}" has rsaBits ${show(bits)}; the minimum is ${MIN_RSA_BITS}. ` +
            `Set foundry-entra:gateway.certificate.rsaBits to 2048, 3072 or 4096.`);
    }),
};

/** Self-signed certificates are valid at most 3 years. */
export const certificateValidity: ResourceValidationPolicy = {
    name: "tls-certificate-max-3-years",
    description: `Every self-signed certificate (tls.SelfSignedCert) is valid at most ${MAX_CERTIFICATE_DAYS} days (3 years).`,
    enforcementLevel: "mandatory",
    severity: "medium",
    validateResource: ofType(TYPES.selfSignedCert, (props, args, report) => {
        const hours = props.validityPeriodHours;
        if (typeof hours === "number" && hours > 0 && hours <= MAX_CERTIFICATE_DAYS * 24) return;
        const asDays = typeof hours === "number" ? ` (${days(hours * 3_600_000)} days)` : "";
        report(`Certificate "${args.name}" has validityPeriodHours ${show(hours)}${asDays}; it must be between 1 and ` +
            `${MAX_CERTIFICATE_DAYS * 24} (${MAX_CERTIFICATE_DAYS} days). Set foundry-entra:gateway.certificate.validityDays to ` +
            `${MAX_CERTIFICATE_DAYS} or less.`);
    }),
};

/** Certificates uploaded to an app registration are valid there at most 3 years. */
export function appCertificateLifetime(clock: Clock): ResourceValidationPolicy {
    return {
        name: "entra-app-certificate-max-3-years",
        description: `Every certificate credential of an app registration (ApplicationCertificate) ends at most ${MAX_CERTIFICATE_DAYS} days after it starts.`,
        enforcementLevel: "mandatory",
        severity: "medium",
        validateResource: ofType(TYPES.applicationCertificate, (props, args, report) => {
            const life = credentialLifetime(props, clock());
            if (!life.ok) {
                report(`Certificate credential "${args.name}" ${life.problem}. Set endDate to the certificate's validityEndTime ` +
                    `(components/certificateCredential.ts does).`);
            } else if (life.ms > MAX_CERTIFICATE_DAYS * DAY_MS) {
                report(`Certificate credential "${args.name}" is valid for ${days(life.ms)} days (${life.from} to ${life.to}); the maximum ` +
                    `is ${MAX_CERTIFICATE_DAYS}. Lower foundry-entra:gateway.certificate.validityDays to ${MAX_CERTIFICATE_DAYS} or less.`);
            }
        }),
    };
}
