/**
 * `npm run token-doctor`: decodes an access token offline and says whether Azure OpenAI / Foundry and the
 * Foundry Local sidecar would accept it, and why not. The CLI (tools/token-doctor.ts) only parses arguments.
 */
import { looksSecret, WITHHELD } from "../lib/excerpt";
import { asChecks, checklistJson, type CheckGroup } from "../verify/checklist";
import { COGNITIVE_SERVICES_AUDIENCES, FOUNDRY_PROJECT_AUDIENCES } from "./constants";
import { decodeAccessToken, NotAJwtError, type DecodedToken } from "./decode";
import { info, type Finding } from "./finding";
import { assessToken, TARGET_LABELS, TARGETS, type Expectations, type Target } from "./rules";

/** Which rules to apply, and what the token should say. */
export interface DoctorOptions {
    /** @default the target the token's audience names (`targetsFor`) */
    readonly targets?: readonly Target[];
    readonly expect: Expectations;
}

/** The outputs token-doctor reads: the tenant, and the Foundry Local API app (no secret among them). */
export interface DoctorOutputs {
    readonly tenantId: string;
    readonly foundryLocal?: { readonly clientId: string; readonly appRole?: string | undefined; readonly userScope?: string | undefined } | undefined;
}

const API_APP_AUDIENCE = /^(?:api:\/\/)?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The services a token was issued for, read from its `aud`: Azure OpenAI / Foundry for the Cognitive Services
 * and Foundry project audiences, the Foundry Local sidecar for an API app (`api://<client-id>` or the bare client
 * id); both when the audience names neither, so each says why it would refuse the token.
 */
export function targetsFor(token: DecodedToken): readonly Target[] {
    const aud = token.audiences;
    const cloud = aud.some((a) => COGNITIVE_SERVICES_AUDIENCES.includes(a) || FOUNDRY_PROJECT_AUDIENCES.includes(a));
    const local = aud.some((a) => API_APP_AUDIENCE.test(a));
    if (cloud && !local) return ["azure-openai"];
    if (local && !cloud) return ["foundry-local"];
    return TARGETS;
}

/** The checklist and the exit code `npm run token-doctor` ends with. */
export interface DoctorResult {
    /** 0: every selected target accepts the token; 1: one does not; 2: the input is not a JWT. */
    readonly exitCode: 0 | 1 | 2;
    readonly groups: readonly CheckGroup[];
    /** Set when the input is not a JWT. */
    readonly error?: string;
    /** Per target, whether it would accept the token. */
    readonly accepted: Partial<Record<Target, boolean>>;
}

/** Expectations taken from stack outputs: the tenant and the Foundry Local API app. */
export function expectationsFromOutputs(outputs: DoctorOutputs, now: Date): Expectations {
    const fl = outputs.foundryLocal;
    return {
        tenantId: outputs.tenantId,
        now,
        ...(fl ? { foundryLocal: { clientId: fl.clientId, appRole: fl.appRole, scopeValue: fl.userScope?.split("/").pop() } } : {}),
    };
}

/** Decodes the input and applies each target's rules; never throws for bad input (exit code 2 instead). */
export function diagnose(input: string, options: DoctorOptions): DoctorResult {
    let token: DecodedToken;
    try {
        token = decodeAccessToken(input);
    } catch (err) {
        if (err instanceof NotAJwtError) return { exitCode: 2, groups: [], error: err.message, accepted: {} };
        throw err;
    }
    const targets = options.targets ?? targetsFor(token);
    const chosen = options.targets ? [] : [info(targets.length === 1
        ? `judged for ${TARGET_LABELS[targets[0]!]}: the token's audience names it (--for chooses)`
        : "judged for every target: the token's audience names none of them (--for chooses)")];
    const groups: CheckGroup[] = [{ title: "Token", checks: asChecks("token", [...describe(token), ...chosen].map(tidy)) }];
    const accepted: Partial<Record<Target, boolean>> = {};
    for (const target of targets) {
        const a = assessToken(token, target, options.expect);
        accepted[target] = a.accepted;
        groups.push({ title: `${TARGET_LABELS[target]}: ${a.accepted ? "accepted" : "rejected"}`, checks: asChecks(target, a.findings.map(tidy)) });
    }
    return { exitCode: Object.values(accepted).every(Boolean) ? 0 : 1, groups, accepted };
}

/**
 * A finding as it may print: its title quotes the token's claims, which are the token holder's to choose — a
 * claim that looks like a secret is withheld, a long one cut short, control characters escaped (one line each).
 */
function tidy(f: Finding): Finding {
    const title = f.title.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`)
        .replace(/\S{161,}/g, (word) => (looksSecret(word) ? WITHHELD : `${word.slice(0, 100)}… (${word.length} characters)`));
    return { ...f, title: looksSecret(title) ? `${title.split(" ").slice(0, 3).join(" ")} ${WITHHELD}` : title };
}

/** The JSON `--json` prints. */
export function doctorJson(result: DoctorResult): Record<string, unknown> {
    if (result.error) return { ok: false, error: result.error, exitCode: result.exitCode };
    return { ...checklistJson(result.groups, { accepted: result.accepted, exitCode: result.exitCode }), ok: result.exitCode === 0 };
}

function describe(t: DecodedToken): Finding[] {
    const caller = t.callerKind === "user"
        ? `user ${String(t.claims.upn ?? t.claims.preferred_username ?? t.claims.oid ?? "?")} via client ${t.clientId ?? "?"}`
        : `application ${t.clientId ?? "?"} (object id ${String(t.claims.oid ?? "?")})`;
    return [
        info(`version ${t.version ?? "(no ver claim)"}, issuer ${t.issuer ?? "(none)"}`),
        info(`audience ${t.audiences.join(", ") || "(none)"}`),
        info(`caller: ${caller}`),
        info(t.callerKind === "user" ? `scp: ${t.scopes.join(" ")}` : `roles: ${t.roles.length ? t.roles.join(", ") : "(none)"}`),
        info(`issued ${t.issuedAt?.toISOString() ?? "?"}, expires ${t.expiresAt?.toISOString() ?? "?"}`),
    ];
}
