/**
 * Entra ID token-endpoint error answers, shaped as login.microsoftonline.com sends them (`error`,
 * `error_description` starting with the AADSTS code, `error_codes`, trace and correlation ids). Message texts
 * follow what the service returns (e.g. AzureAD/microsoft-authentication-library-for-js#8339 for 700027,
 * MicrosoftDocs/azure-docs#48669 and Azure-Samples/active-directory-dotnetcore-daemon-v2#87 for 7000222).
 */
import { randomUUID } from "node:crypto";
import type { Reply } from "./https";

/** An Entra ID error answer with the given status, OAuth error and AADSTS code. */
export function aadError(status: number, error: string, code: number, text: string): Reply {
    const timestamp = new Date().toISOString().replace("T", " ").replace(/\.\d+Z$/, "Z");
    const trace = randomUUID();
    const correlation = randomUUID();
    return {
        status,
        json: {
            error,
            error_description: `AADSTS${code}: ${text} Trace ID: ${trace} Correlation ID: ${correlation} Timestamp: ${timestamp}`,
            error_codes: [code],
            timestamp,
            trace_id: trace,
            correlation_id: correlation,
            error_uri: `https://login.microsoftonline.com/error?code=${code}`,
        },
    };
}

const GRAPH_HINT = "Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id";

export const AAD = {
    tenantNotFound: (tenant: string) => aadError(400, "invalid_request", 90002, `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`),
    appNotFound: (clientId: string, tenant: string) => aadError(400, "unauthorized_client", 700016, `Application with identifier '${clientId}' was not found in the directory '${tenant}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`),
    resourceNotFound: (resource: string, tenant: string) => aadError(400, "invalid_resource", 500011, `The resource principal named ${resource} was not found in the tenant named ${tenant}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`),
    certificateNotRegistered: (clientId: string, thumbprintHex: string) => aadError(401, "invalid_client", 700027, `The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found., Thumbprint of key used by client: '${thumbprintHex}', ${GRAPH_HINT} '${clientId}'.]`),
    certificateExpired: (clientId: string, thumbprintHex: string) => aadError(401, "invalid_client", 700027, `Client assertion contains an invalid signature. [Reason - The key used is expired., Thumbprint of key used by client: '${thumbprintHex}', ${GRAPH_HINT} '${clientId}'.]`),
    badSignature: () => aadError(401, "invalid_client", 700027, "Client assertion failed signature validation."),
    assertionTime: () => aadError(401, "invalid_client", 700024, "Client assertion is not within its valid time range."),
    assertionClientMismatch: () => aadError(401, "invalid_client", 700021, "Client assertion application identifier doesn't match 'client_id' parameter."),
    assertionInvalid: (reason: string) => aadError(401, "invalid_client", 50027, `JWT token is invalid or is malformed: ${reason}.`),
    invalidSecret: (clientId: string) => aadError(401, "invalid_client", 7000215, `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`),
    expiredSecret: (clientId: string) => aadError(401, "invalid_client", 7000222, `The provided client secret keys for app '${clientId}' are expired. Visit the Azure portal to create new keys for your app: https://aka.ms/NewClientSecret, or consider using certificate credentials for added security: https://aka.ms/certCreds.`),
    noCredential: () => aadError(401, "invalid_client", 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'."),
};
