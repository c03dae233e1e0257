/**
 * gateway-config's Portkey output, judged by the real Portkey gateway (@portkey-ai/gateway 1.15.2, started once
 * for this file on 127.0.0.1): the configs it generates go through Portkey's own request validator and its
 * azure-openai provider, and the chat completions must reach a local fake Azure OpenAI account carrying
 * `Authorization: Bearer <the token the local token service issued>`.
 *
 * - Workload identity: Portkey reads AZURE_AUTHORITY_HOST, AZURE_TENANT_ID and AZURE_FEDERATED_TOKEN_FILE, posts
 *   the service-account token to the local token service, which checks it against the stack's federated credential.
 * - Client secret: Portkey's token URL is hard-coded to login.microsoftonline.com; the preload sends that one
 *   request to the local token service instead (test/support/portkeyPreload.mjs), so the flow runs end to end too.
 *
 * The accounts' endpoints are the fakes' (https://127.0.0.1:<port>/), so the configs carry `custom_host`, as they
 * do for any endpoint that is not `<name>.openai.azure.com`.
 */
import { generateKeyPairSync, type KeyObject } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generate } from "../src/gateway";
import { parseStackOutputs, type StackOutputs } from "../src/gateway/outputs";
import { PORTKEY_FILE } from "../src/gateway/portkey";
import { tempDirs } from "./helpers";
import { FakeAzureOpenAI } from "./support/fakeAzureOpenAi";
import { FederatedTokenService, TOKEN_EXCHANGE_AUDIENCE } from "./support/federatedTokenService";
import type { Request, Reply } from "./support/https";
import { listeners, startPortkeyGateway, type PortkeyGateway } from "./support/portkeyGateway";
import { testPki, type TestPki } from "./support/tls";

/** A fake account that also keeps the Authorization header of every call. */
class RecordingAzureOpenAI extends FakeAzureOpenAI {
    readonly authorizations: string[] = [];
    protected override handle(req: Request): Promise<Reply> {
        this.authorizations.push(String(req.headers.authorization ?? ""));
        return super.handle(req);
    }
}

const FIXTURE = join(__dirname, "fixtures", "gateway", "outputs.dev.json");
const FAR_FUTURE = new Date("2099-01-01T00:00:00Z");

/** Removed after every other afterAll of this file (vitest runs them last registered first): the gateway has stopped by then. */
const tempDir = tempDirs("portkey-e2e-");
let dir: string;
let pki: TestPki;
let sts: FederatedTokenService;
let swc: RecordingAzureOpenAI;
let weu: RecordingAzureOpenAI;
let gateway: PortkeyGateway;
let outputs: StackOutputs;
let issuerKey: KeyObject;
let gatewayEnv: NodeJS.ProcessEnv;
let tokenPath: string;

/** The stack outputs with the fakes as endpoints, a second account, and a second model only there. */
function localOutputs(): StackOutputs {
    const base = parseStackOutputs(JSON.parse(readFileSync(FIXTURE, "utf8")));
    const aoai = base.accounts["aoai-dev-swc"];
    if (!aoai) throw new Error("fixture has no aoai-dev-swc");
    return {
        ...base,
        accounts: {
            "aoai-dev-swc": { ...aoai, endpoint: swc.endpoint, openAiEndpoint: swc.endpoint },
            "aoai-dev-weu": { ...aoai, endpoint: weu.endpoint, openAiEndpoint: weu.endpoint, deployments: [...aoai.deployments, { name: "gpt-4.1", model: "gpt-4.1", version: "2025-04-14", sku: "GlobalStandard" }] },
        },
    };
}

/** The generated portkey.json, parsed. */
function portkeyFile(auth: "client-secret" | "workload-identity"): { config: Record<string, unknown>; "x-portkey-config": string; deployments: Record<string, Record<string, unknown>> } {
    const config = generate("portkey", outputs, { auth, now: FAR_FUTURE });
    const file = config.files.find((f) => f.name === PORTKEY_FILE);
    expect(file).toBeDefined();
    return JSON.parse(file?.content ?? "{}");
}

async function chat(config: string, model: string): Promise<{ status: number; body: Record<string, unknown> }> {
    const r = await fetch(`${gateway.url}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-portkey-config": config },
        body: JSON.stringify({ model, messages: [{ role: "user", content: "ping" }], max_tokens: 5 }),
    });
    return { status: r.status, body: (await r.json()) as Record<string, unknown> };
}

beforeAll(async () => {
    dir = tempDir();
    pki = testPki();
    const tenantId = parseStackOutputs(JSON.parse(readFileSync(FIXTURE, "utf8"))).tenantId;
    sts = await new FederatedTokenService(tenantId).start(pki.server);
    swc = await new RecordingAzureOpenAI({ tenantId, signingKey: sts.signingKey, deployments: ["gpt-4o-mini"] }).start(pki.server);
    weu = await new RecordingAzureOpenAI({ tenantId, signingKey: sts.signingKey, deployments: ["gpt-4o-mini", "gpt-4.1"] }).start(pki.server);
    outputs = localOutputs();

    // The app registration as the stack declares it: its client secret and its federated credential.
    const g = outputs.gateway;
    sts.apps.set(g.clientId, { clientId: g.clientId, certificates: [], secrets: [{ value: g.clientSecret?.value ?? "", expiresOn: FAR_FUTURE }] });
    const federated = g.federatedCredentials[0];
    if (!federated) throw new Error("fixture has no federated credential");
    sts.federated.set(g.clientId, [{ issuer: federated.issuer, subject: federated.subject }]);

    // The service-account token the AKS webhook would project, from the federated credential's issuer.
    const keys = generateKeyPairSync("rsa", { modulusLength: 2048 });
    issuerKey = keys.privateKey;
    sts.issuerKeys.set(federated.issuer, keys.publicKey);
    const saToken = await new SignJWT({}).setProtectedHeader({ alg: "RS256", kid: "sa" }).setIssuer(federated.issuer).setSubject(federated.subject)
        .setAudience(TOKEN_EXCHANGE_AUDIENCE).setIssuedAt().setExpirationTime("1h").sign(issuerKey);
    const tokenFile = join(dir, "azure-identity-token");
    writeFileSync(tokenFile, saToken, { mode: 0o600 });

    gatewayEnv = {
        NODE_EXTRA_CA_CERTS: pki.caFile,
        AZURE_AUTHORITY_HOST: sts.url,
        AZURE_TENANT_ID: tenantId,
        // Relative to the gateway's working directory: Portkey 1.15.2 replaces a value starting with "/", "./" or
        // "../" by the file's contents at startup (src/utils/env.ts getValueOrFileContents), then reads the
        // token from a "path" that is the token itself (see the last test).
        AZURE_FEDERATED_TOKEN_FILE: "azure-identity-token",
        FOUNDRY_ENTRA_TEST_LOGIN_HOST: sts.url,
    };
    gateway = await startPortkeyGateway(gatewayEnv, dir);
    tokenPath = tokenFile;
});

afterAll(async () => {
    await gateway?.stop();
    await Promise.all([sts?.close(), swc?.close(), weu?.close()]);
});

describe("the real Portkey gateway", () => {
    it("listens on 127.0.0.1 only", () => {
        expect(listeners(gateway.port)).toEqual([`0100007F:${gateway.port.toString(16).toUpperCase().padStart(4, "0")}`]);
    });

    it("refuses the camelCase form gateway-config used to write: 400 Invalid config passed", async () => {
        const old = { provider: "azure-openai", azureAuthMode: "entra", resourceName: "aoai-dev-swc", deploymentId: "gpt-4o-mini", apiVersion: "2024-10-21" };
        const r = await chat(JSON.stringify(old), "gpt-4o-mini");
        expect(r.status).toBe(400);
        expect(r.body.message).toBe("Invalid config passed");
    });

    it("workload identity: a per-deployment config reaches the account with the token the local STS issued for the federated token", async () => {
        const file = portkeyFile("workload-identity");
        const before = { calls: swc.authorizations.length, issued: sts.issued.length };
        const r = await chat(JSON.stringify(file.deployments["aoai-dev-swc/gpt-4o-mini"]), "gpt-4o-mini");
        expect(r.status, JSON.stringify(r.body)).toBe(200);
        expect((r.body.choices as { message: { content: string } }[])[0]?.message.content).toBe("OK");
        const issued = sts.issued.slice(before.issued);
        expect(issued.map((i) => [i.clientId, i.credential])).toEqual([[outputs.gateway.clientId, "federated"]]);
        expect(swc.authorizations.slice(before.calls)).toEqual([`Bearer ${issued[0]?.token}`]);
        expect(swc.calls.at(-1)).toMatchObject({ method: "POST", path: "/openai/deployments/gpt-4o-mini/chat/completions", auth: "bearer", status: 200 });
    });

    it("client secret: Portkey's entra mode, its token request sent to the local STS, the issued token reaches the account", async () => {
        const file = portkeyFile("client-secret");
        const before = { calls: swc.authorizations.length, issued: sts.issued.length };
        const r = await chat(JSON.stringify(file.deployments["aoai-dev-swc/gpt-4o-mini"]), "gpt-4o-mini");
        expect(r.status, JSON.stringify(r.body)).toBe(200);
        const issued = sts.issued.slice(before.issued);
        expect(issued.map((i) => [i.clientId, i.credential])).toEqual([[outputs.gateway.clientId, "client-secret"]]);
        expect(swc.authorizations.slice(before.calls)).toEqual([`Bearer ${issued[0]?.token}`]);
        expect(gateway.stderr()).toContain(`portkey-preload: rewrote https://login.microsoftonline.com/${outputs.tenantId}/oauth2/v2.0/token`);
    });

    it("the ready config routes each model to the accounts that deploy it, and the header value is that config", async () => {
        const file = portkeyFile("workload-identity");
        expect(JSON.parse(file["x-portkey-config"])).toEqual(file.config);
        const before = { swc: swc.calls.length, weu: weu.calls.length };
        const r41 = await chat(file["x-portkey-config"], "gpt-4.1");
        expect(r41.status, JSON.stringify(r41.body)).toBe(200);
        expect(swc.calls.length).toBe(before.swc);
        expect(weu.calls.slice(before.weu).map((c) => [c.path, c.status])).toEqual([["/openai/deployments/gpt-4.1/chat/completions", 200]]);
        // gpt-4o-mini is in both accounts: every request lands on one of them.
        const n = 6;
        for (let i = 0; i < n; i++) expect((await chat(file["x-portkey-config"], "gpt-4o-mini")).status).toBe(200);
        const mini = [...swc.calls.slice(before.swc), ...weu.calls.slice(before.weu + 1)];
        expect(mini.map((c) => [c.path, c.auth, c.status])).toEqual(Array(n).fill(["/openai/deployments/gpt-4o-mini/chat/completions", "bearer", 200]));
        // A model the stack does not deploy reaches no account.
        const unknown = await chat(file["x-portkey-config"], "gpt-5");
        expect(unknown.status).not.toBe(200);
        expect(swc.calls.length + weu.calls.length).toBe(before.swc + before.weu + 1 + n);
    });

    it("workload identity fails in Portkey 1.15.2 when AZURE_FEDERATED_TOKEN_FILE is an absolute path, as the AKS webhook sets it", async () => {
        // Portkey-AI/gateway src/utils/env.ts reads AZURE_FEDERATED_TOKEN_FILE through getValueOrFileContents, so
        // the provider gets the token where it expects a path (fix proposed in Portkey-AI/gateway PR #1432).
        const second = await startPortkeyGateway({ ...gatewayEnv, AZURE_FEDERATED_TOKEN_FILE: tokenPath }, dir);
        try {
            const before = swc.calls.length;
            const r = await fetch(`${second.url}/v1/chat/completions`, {
                method: "POST",
                headers: { "content-type": "application/json", "x-portkey-config": JSON.stringify(portkeyFile("workload-identity").deployments["aoai-dev-swc/gpt-4o-mini"]) },
                body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "ping" }] }),
            });
            expect(r.status).toBe(500);
            expect(second.stderr()).toContain("ENAMETOOLONG");
            expect(swc.calls.length).toBe(before);
        } finally {
            await second.stop();
        }
    });

    it("sent nothing off this machine", () => {
        expect(gateway.stderr()).not.toContain("portkey-preload: refused");
    });
});
