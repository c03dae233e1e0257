/**
 * Which form of `certificate_thumbprint` a token library signs in with, decided by the library itself: MSAL Node
 * (@azure/msal-node, the certificate client-credential flow of Microsoft's authentication libraries) is given the
 * `certificate` and `certificate_thumbprint` gateway-config writes for TrueFoundry, and asks a local token service
 * that knows the app's uploaded certificate. MSAL's `clientCertificate.thumbprint` is the hex SHA-1 (it hex-decodes
 * it into the assertion's `x5t` header, lib/msal-node src/client/ClientAssertion.ts): the default (hex) signs in;
 * the base64url form (`--thumbprint x5t`) hex-decodes to a few bytes at most (decoding stops at the first
 * character that is not hex), so the assertion names no registered certificate and is refused.
 */
import { request } from "node:https";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ConfidentialClientApplication, type INetworkModule, type NetworkRequestOptions, type NetworkResponse } from "@azure/msal-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { generate } from "../src/gateway";
import { parseStackOutputs, type StackOutputs } from "../src/gateway/outputs";
import { testPki, type TestPki } from "./support/tls";
import { COGNITIVE_SERVICES, TokenService } from "./support/tokenService";

let pki: TestPki;
let sts: TokenService;
let outputs: StackOutputs;

/** MSAL's network client, over node:https trusting the test CA (MSAL's own uses the process-wide fetch). */
const networkClient = (caPem: string): INetworkModule => {
    const send = <T>(method: string, url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> => new Promise((resolve, reject) => {
        const req = request(url, { method, headers: options?.headers, ca: caPem }, (res) => {
            let text = "";
            res.on("data", (c: Buffer) => (text += c.toString()));
            res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: Object.fromEntries(Object.entries(res.headers).map(([k, v]) => [k, String(v)])), body: JSON.parse(text || "{}") as T }));
        });
        req.on("error", reject);
        req.end(options?.body);
    });
    return { sendGetRequestAsync: (url, options) => send("GET", url, options), sendPostRequestAsync: (url, options) => send("POST", url, options) };
};

/** Signs in with MSAL the way a gateway holding the TrueFoundry auth_data would. */
async function signIn(authData: { tenant_id: string; client_id: string; certificate: string; certificate_thumbprint: string }): Promise<string> {
    const app = new ConfidentialClientApplication({
        auth: {
            clientId: authData.client_id,
            authority: `${sts.url}/${authData.tenant_id}`,
            knownAuthorities: [new URL(sts.url).host],
            clientCertificate: { thumbprint: authData.certificate_thumbprint, privateKey: authData.certificate },
        },
        system: { networkClient: networkClient(pki.caPem) },
    });
    const result = await app.acquireTokenByClientCredential({ scopes: [`${COGNITIVE_SERVICES}/.default`] });
    return result?.accessToken ?? "";
}

const authData = (thumbprint: "hex" | "x5t") => {
    const manifest = parseYaml(generate("truefoundry", outputs, { auth: "certificate", ...(thumbprint === "x5t" ? { thumbprint } : {}) }).files[0]?.content ?? "") as
        { auth_data: { tenant_id: string; client_id: string; certificate: string; certificate_thumbprint: string } };
    return manifest.auth_data;
};

beforeAll(async () => {
    pki = testPki();
    outputs = parseStackOutputs(JSON.parse(readFileSync(join(__dirname, "fixtures", "gateway", "outputs.dev.json"), "utf8")));
    sts = await new TokenService(outputs.tenantId).start(pki.server);
    // The certificate the stack uploaded to the app registration (keyCredentials), valid for the test.
    sts.apps.set(outputs.gateway.clientId, { clientId: outputs.gateway.clientId, certificates: [{ pem: outputs.gateway.certificate?.certificatePem ?? "", endDate: new Date("2099-01-01T00:00:00Z") }], secrets: [] });
});

afterAll(async () => {
    await sts?.close();
});

describe("TrueFoundry certificate_thumbprint, judged by MSAL Node against a local token service", () => {
    it("the default (hex, as the Azure portal shows it) signs in: MSAL's thumbprint is hex", async () => {
        const data = authData("hex");
        expect(data.certificate_thumbprint).toMatch(/^[0-9A-F]{40}$/);
        const token = await signIn(data);
        expect(token.split(".")).toHaveLength(3);
        const last = sts.requests.at(-1);
        expect(last).toMatchObject({ clientId: outputs.gateway.clientId, credential: "certificate", status: 200 });
        expect(last?.assertion?.thumbprintHex).toBe(data.certificate_thumbprint);
    });

    it("the base64url x5t form names no registered certificate and is refused", async () => {
        const data = authData("x5t");
        expect(data.certificate_thumbprint).toMatch(/^[A-Za-z0-9_-]{27}$/);
        // An empty x5t header (AADSTS50027) or a wrong one (AADSTS700027), depending on the thumbprint's first characters.
        await expect(signIn(data)).rejects.toThrow(/AADSTS(50027|700027)/);
        expect(sts.requests.at(-1)).toMatchObject({ credential: "certificate", status: 401 });
    });
});
