/**
 * Checks that need no network: does the certificate in the outputs match its thumbprints and private key, and
 * how long does each credential stay valid (a warning inside 30 days, a failure once expired).
 */
import { createPublicKey, X509Certificate } from "node:crypto";
import { messageOf } from "../lib/cli";
import { thumbprints } from "../lib/thumbprint";
import { fail, info, pass, warn, type Finding } from "../token/finding";
import type { CredentialKind } from "./credentials";
import type { CertificateOutputs, StackOutputs } from "./outputs";

/** Credentials with fewer days left than this are reported with a warning. */
export const EXPIRY_WARNING_DAYS = 30;
const DAY_MS = 86_400_000;
const REREAD = "read the outputs again with `pulumi stack output --json --show-secrets` (do not edit them by hand); the program derives every thumbprint from certificatePem";

/** Thumbprints and key pair of `gateway.certificate`. */
export function certificateConsistency(cert: CertificateOutputs): Finding[] {
    let actual: ReturnType<typeof thumbprints>;
    try {
        actual = thumbprints(cert.certificatePem);
    } catch (err) {
        return [fail("gateway.certificate.certificatePem is not a PEM certificate", messageOf(err), REREAD)];
    }
    const out: Finding[] = [];
    const given = cert.thumbprint.replace(/:/g, "").toUpperCase();
    const mismatches = [
        given !== actual.hex ? `thumbprint ${cert.thumbprint} ≠ ${actual.hex}` : undefined,
        cert.x5t !== undefined && cert.x5t !== actual.x5t ? `x5t ${cert.x5t} ≠ ${actual.x5t}` : undefined,
        cert.x5tS256 !== undefined && cert.x5tS256 !== actual.x5tS256 ? `x5tS256 ${cert.x5tS256} ≠ ${actual.x5tS256}` : undefined,
    ].filter((m): m is string => m !== undefined);
    if (mismatches.length) {
        out.push(fail(`gateway.certificate thumbprints do not match certificatePem (${mismatches.join("; ")})`,
            "a gateway configured with this thumbprint sends an x5t Entra ID does not know and gets AADSTS700027", REREAD));
    } else {
        out.push(pass(`thumbprint ${actual.hex} (x5t ${actual.x5t}) matches the certificate`));
    }
    out.push(keyMatches(cert));
    return out;
}

function keyMatches(cert: CertificateOutputs): Finding {
    try {
        const fromKey = createPublicKey(cert.privateKeyPem).export({ type: "spki", format: "der" });
        const fromCert = new X509Certificate(cert.certificatePem).publicKey.export({ type: "spki", format: "der" });
        if (fromKey.equals(fromCert)) return pass("the private key belongs to the certificate");
        return fail("gateway.certificate.privateKeyPem does not belong to certificatePem", "client assertions signed with it fail signature validation (AADSTS700027)", REREAD);
    } catch (err) {
        return fail("gateway.certificate.privateKeyPem is not a readable private key", messageOf(err), REREAD);
    }
}

/** Expiry of the selected credentials and of their other rotation slots. */
export function expiryFindings(outputs: StackOutputs, kinds: readonly CredentialKind[], now: Date): Finding[] {
    const out: Finding[] = [];
    const { certificate, clientSecret } = outputs.gateway;
    if (kinds.includes("certificate") && certificate) {
        out.push(expiry("certificate", certificate.notAfter, now, "`foundry-entra:gateway.certificate.rotateEveryDays` (or a new validityDays)"));
        for (const s of certificate.slots ?? []) if (!s.current) out.push(previous(`certificate slot ${s.slot} (${s.thumbprint ?? "?"})`, s.notAfter, now));
    }
    if (kinds.includes("client-secret") && clientSecret) {
        out.push(expiry("client secret", clientSecret.expiresOn, now, "`foundry-entra:gateway.clientSecret.rotateEveryDays` (or a new validityDays)"));
        for (const s of clientSecret.slots ?? []) if (!s.current) out.push(previous(`client secret slot ${s.slot}`, s.expiresOn, now));
    }
    return out;
}

const days = (ms: number) => Math.floor(ms / DAY_MS);

function expiry(what: string, end: string, now: Date, rotateKey: string): Finding {
    const left = new Date(end).getTime() - now.getTime();
    if (Number.isNaN(left)) return fail(`${what}: end date "${end}" is not a date`, "the outputs are malformed", REREAD);
    const fix = `rotate: set ${rotateKey}, run \`pulumi up\`, and deliver the new credential to every gateway`;
    if (left <= 0) return fail(`${what} expired on ${end}`, "Entra ID refuses an expired credential", fix);
    if (left < EXPIRY_WARNING_DAYS * DAY_MS) return warn(`${what} expires on ${end} (in ${days(left)} days)`, `less than ${EXPIRY_WARNING_DAYS} days left`, fix);
    return pass(`${what} valid until ${end} (${days(left)} days left)`);
}

function previous(what: string, end: string, now: Date): Finding {
    const left = new Date(end).getTime() - now.getTime();
    if (left < EXPIRY_WARNING_DAYS * DAY_MS) {
        return warn(`previous ${what} expires on ${end}`, "gateways still configured with the previous generation stop working then", "deliver the current credential to every gateway");
    }
    return info(`previous ${what} valid until ${end}`);
}
