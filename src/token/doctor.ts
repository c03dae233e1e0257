/**
 * `npm run token-doctor`: decodes an access token offline and says whether Azure OpenAI / Foundry and the
 * Foundry Local sidecar would accept it, and why not. The CLI (tools/token-doctor.ts) only parses arguments.
 */
import { asChecks, checklistJson, type CheckGroup } from "../verify/checklist";
import type { StackOutputs } from "../verify/outputs";
import { decodeAccessToken, NotAJwtError, type DecodedToken } from "./decode";
import { info, type Finding } from "./finding";
import { assessToken, TARGET_LABELS, type Expectations, type Target } from "./rules";

/** Which rules to apply, and what the token should say. */
export interface DoctorOptions {
    readonly targets: readonly Target[];
    readonly expect: Expectations;
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
export function expectationsFromOutputs(outputs: StackOutputs, now: Date): Expectations {
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
    const groups: CheckGroup[] = [{ title: "Token", checks: asChecks("token", describe(token)) }];
    const accepted: Partial<Record<Target, boolean>> = {};
    for (const target of options.targets) {
        const a = assessToken(token, target, options.expect);
        accepted[target] = a.accepted;
        groups.push({ title: `${TARGET_LABELS[target]}: ${a.accepted ? "accepted" : "rejected"}`, checks: asChecks(target, a.findings) });
    }
    return { exitCode: Object.values(accepted).every(Boolean) ? 0 : 1, groups, accepted };
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
