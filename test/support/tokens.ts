/**
 * Mints access tokens shaped like Entra ID's (v1: `sts.windows.net` issuer, `appid`; v2: `login.microsoftonline.com`
 * issuer, `azp`) and signs them with a key made in the test, and verifies them the way a resource server does.
 * Used by the token service, the fake services and the token-doctor tests.
 */
import { createHash, generateKeyPairSync, randomUUID, type KeyObject } from "node:crypto";
import { jwtVerify, SignJWT, type JWTPayload } from "jose";
import { stableGuid } from "../../src/lib/ids";

export interface SigningKey {
    readonly privateKey: KeyObject;
    readonly publicKey: KeyObject;
    readonly kid: string;
}

export function createSigningKey(): SigningKey {
    const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const der = publicKey.export({ type: "spki", format: "der" });
    return { privateKey, publicKey, kid: createHash("sha1").update(der).digest("base64url") };
}

export interface AccessTokenSpec {
    readonly version: 1 | 2;
    readonly tenantId: string;
    readonly audience: string;
    /** The caller: `appid` (v1) or `azp` (v2). */
    readonly clientId: string;
    /** Application tokens: app roles. */
    readonly roles?: readonly string[];
    /** User tokens: delegated scopes (space-separated in the token). */
    readonly scp?: string;
    readonly upn?: string;
    /** `appidacr`/`azpacr`: 1 = client secret, 2 = certificate. @default "2" */
    readonly credentialType?: "1" | "2";
    /** @default now */
    readonly issuedAt?: Date;
    /** @default 3600 */
    readonly lifetimeSeconds?: number;
    /** Extra or replaced claims. */
    readonly claims?: Record<string, unknown>;
}

export const v1Issuer = (tenantId: string) => `https://sts.windows.net/${tenantId}/`;
export const v2Issuer = (tenantId: string) => `https://login.microsoftonline.com/${tenantId}/v2.0`;

/** Signs an access token with realistic claims for the spec. */
export async function mintAccessToken(key: SigningKey, spec: AccessTokenSpec): Promise<string> {
    const iat = Math.floor((spec.issuedAt ?? new Date()).getTime() / 1000);
    const oid = stableGuid("test", "sp", spec.clientId);
    const user = spec.scp !== undefined;
    const acr = spec.credentialType ?? "2";
    const common: JWTPayload & Record<string, unknown> = {
        aud: spec.audience, iat, nbf: iat, exp: iat + (spec.lifetimeSeconds ?? 3600),
        aio: "E2RgYJg/test", idtyp: user ? "user" : "app", oid, rh: "0.test.", sub: oid, tid: spec.tenantId,
        uti: randomUUID().replace(/-/g, "").slice(0, 22), xms_tcdt: 1600000000,
        ...(spec.roles ? { roles: [...spec.roles] } : {}),
        ...(user ? { scp: spec.scp, upn: spec.upn ?? "alice@contoso.com", name: "Alice" } : {}),
    };
    const versioned = spec.version === 1
        ? { iss: v1Issuer(spec.tenantId), appid: spec.clientId, appidacr: acr, idp: v1Issuer(spec.tenantId), ver: "1.0" }
        : { iss: v2Issuer(spec.tenantId), azp: spec.clientId, azpacr: acr, ver: "2.0" };
    return new SignJWT({ ...common, ...versioned, ...spec.claims })
        .setProtectedHeader({ typ: "JWT", alg: "RS256", kid: key.kid, ...(spec.version === 1 ? { x5t: key.kid } : {}) })
        .sign(key.privateKey);
}

/** Verifies signature, issuer (v1 or v2 of the tenant), audience and time, as a resource server would. */
export async function verifyAccessToken(key: SigningKey, token: string, expect: { tenantId: string; audiences: readonly string[]; versions: readonly (1 | 2)[] }): Promise<JWTPayload & Record<string, unknown>> {
    const issuers = expect.versions.map((v) => (v === 1 ? v1Issuer(expect.tenantId) : v2Issuer(expect.tenantId)));
    const { payload } = await jwtVerify(token, key.publicKey, { issuer: issuers, audience: [...expect.audiences], algorithms: ["RS256"], clockTolerance: 300 });
    return payload as JWTPayload & Record<string, unknown>;
}
