/** What Azure OpenAI and Foundry's `/openai/` surface require of an access token. */
import { COGNITIVE_SERVICES_AUDIENCES, COGNITIVE_SERVICES_SCOPE, FOUNDRY_PROJECT_AUDIENCES } from "./constants";
import type { DecodedToken } from "./decode";
import { fail, info, pass, type Finding } from "./finding";

const FIX_SCOPE = `request the scope ${COGNITIVE_SERVICES_SCOPE} (output \`gateway.tokenScope\`)`;

/** Issuer, audience and caller kind, as Azure OpenAI judges them (RBAC on the account does the rest). */
export function azureOpenAiFindings(token: DecodedToken): Finding[] {
    return [issuerFinding(token), audienceFinding(token), callerKindFinding(token)];
}

function issuerFinding(token: DecodedToken): Finding {
    switch (token.issuerKind) {
        case "v1":
        case "v2":
            return pass(`${token.issuerKind} token (issuer ${token.issuer}); Azure OpenAI accepts v1 and v2`);
        case "missing":
            return fail("the token has no iss claim", "it was not issued by Entra ID", `request a token from Entra ID for ${COGNITIVE_SERVICES_SCOPE}`);
        default:
            return fail(`issuer ${token.issuer} is not Entra ID`, "Azure OpenAI accepts only Entra ID tokens of the account's tenant", `request a token from Entra ID for ${COGNITIVE_SERVICES_SCOPE}`);
    }
}

function audienceFinding(token: DecodedToken): Finding {
    const aud = token.audiences;
    if (aud.some((a) => COGNITIVE_SERVICES_AUDIENCES.includes(a))) return pass(`audience ${aud.join(", ")}`);
    const shown = aud.length ? aud.join(", ") : "(none)";
    if (aud.some((a) => FOUNDRY_PROJECT_AUDIENCES.includes(a))) {
        return fail(`audience ${shown} is for Foundry project endpoints (/api/projects), not the /openai/ surface`, "the token was requested for https://ai.azure.com/.default", FIX_SCOPE);
    }
    return fail(`audience ${shown} is not https://cognitiveservices.azure.com`, "the token was requested for another resource; Azure OpenAI answers 401 \"audience is incorrect\"", FIX_SCOPE);
}

function callerKindFinding(token: DecodedToken): Finding {
    const who = token.callerKind === "user" ? `user token (scp: ${token.scopes.join(" ")})` : "application token";
    return info(`${who}: Azure RBAC on the account decides (Cognitive Services OpenAI User on OpenAI accounts, Cognitive Services User on AIServices accounts)`);
}
