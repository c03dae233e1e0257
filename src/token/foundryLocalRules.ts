/**
 * What the Foundry Local authentication sidecar requires of an access token (Microsoft Learn, "Configure
 * Microsoft Entra ID for Foundry Local enabled by Azure Arc"): a v2 token for the API app, with `scp` holding
 * the delegated scope (users) or `roles` holding the app role (applications and managed identities).
 */
import { COGNITIVE_SERVICES_AUDIENCES, DEFAULT_FOUNDRY_LOCAL_APP_ROLE, DEFAULT_FOUNDRY_LOCAL_SCOPE } from "./constants";
import type { DecodedToken } from "./decode";
import { fail, info, pass, type Finding } from "./finding";
import type { Expectations } from "./rules";

const FIX_V2 = "set `api.requestedAccessTokenVersion: 2` on the Foundry Local API app registration: FoundryLocalApi declares it, so run `pulumi up` for this stack (by hand: accessTokenAcceptedVersion: 2 in the app manifest), then request a new token";
const FIX_SCOPE = "request `foundryLocal.appScope` (api://<client-id>/.default) for applications, or `foundryLocal.userScope` for users (`az account get-access-token --resource api://<client-id>`)";
const FIX_ROLES = "assign the app role: the gateway gets it from FoundryLocalApi and workload identities from `foundry-entra:managedIdentities` (run `pulumi up`); for another application POST an appRoleAssignment with Microsoft Graph; roles are stamped at issuance, so request a new token afterwards";

/** Token version, audience, and `scp` (users) or `roles` (applications), as the sidecar judges them. */
export function foundryLocalFindings(token: DecodedToken, expect: Expectations["foundryLocal"]): Finding[] {
    return [versionFinding(token), audienceFinding(token, expect?.clientId), callerFinding(token, expect)];
}

function versionFinding(token: DecodedToken): Finding {
    if (token.issuerKind === "v2" && (token.version ?? "2.0") === "2.0") return pass(`v2 token (issuer ${token.issuer})`);
    if (token.issuerKind === "v1" || token.version === "1.0") {
        return fail(`v1 token (issuer ${token.issuer ?? "(none)"}): the sidecar accepts only v2`, "the API app registration issues v1 tokens (requestedAccessTokenVersion is not 2); the sidecar answers 401 invalid_token", FIX_V2);
    }
    return fail(`issuer ${token.issuer ?? "(none)"} is not an Entra ID v2 issuer`, "the sidecar accepts only https://login.microsoftonline.com/<tenant>/v2.0", FIX_V2);
}

function audienceFinding(token: DecodedToken, clientId: string | undefined): Finding {
    const aud = token.audiences;
    const shown = aud.length ? aud.join(", ") : "(none)";
    if (aud.some((a) => COGNITIVE_SERVICES_AUDIENCES.includes(a))) {
        return fail(`audience ${shown} is Azure OpenAI, not the Foundry Local API`, "the token was requested for https://cognitiveservices.azure.com/.default", FIX_SCOPE);
    }
    if (!clientId) {
        const looksRight = aud.some((a) => /^(api:\/\/)?[0-9a-f-]{36}$/i.test(a));
        return looksRight ? info(`audience ${shown} (not compared: pass --client-id or --outputs)`)
            : fail(`audience ${shown} is not an API app (api://<client-id> or <client-id>)`, "the token was requested for another resource", FIX_SCOPE);
    }
    const wanted = [clientId.toLowerCase(), `api://${clientId.toLowerCase()}`];
    if (aud.some((a) => wanted.includes(a.toLowerCase()))) return pass(`audience ${shown} (the Foundry Local API)`);
    return fail(`audience ${shown} is not the Foundry Local API ${clientId}`, "the token was requested for another app, or the extension's `entraAuth.clientId` names another app", `${FIX_SCOPE}; the extension's \`entraAuth.clientId\` must be \`foundryLocal.clientId\``);
}

function callerFinding(token: DecodedToken, expect: Expectations["foundryLocal"]): Finding {
    if (token.callerKind === "user") {
        const scope = expect?.scopeValue ?? DEFAULT_FOUNDRY_LOCAL_SCOPE;
        if (token.scopes.includes(scope)) return pass(`user token with scp ${scope}`);
        return fail(`user token without the ${scope} scope (scp: ${token.scopes.join(" ")})`, "the sidecar needs the delegated scope in scp and answers 401 invalid_token", `${FIX_SCOPE}; the scope's value is \`foundry-entra:foundryLocal.scopeValue\``);
    }
    const role = expect?.appRole ?? DEFAULT_FOUNDRY_LOCAL_APP_ROLE;
    if (token.roles.includes(role)) return pass(`application token with roles [${token.roles.join(", ")}]`);
    const why = "applications need the app role in `roles` (there is no scp for them); the sidecar answers 401 invalid_token";
    if (token.roles.length > 0) return fail(`application token with roles [${token.roles.join(", ")}], without ${role}`, why, FIX_ROLES);
    return fail("application token without a roles claim", `the application has no assignment of the ${role} app role on the Foundry Local API; ${why}`, FIX_ROLES);
}
