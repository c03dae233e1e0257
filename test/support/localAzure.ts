/**
 * The whole local world verify talks to: real program outputs (the offline harness runs the dev stack), a
 * token service that knows the gateway's uploaded certificate and secret, one fake Azure OpenAI per account,
 * and a Foundry Local sidecar; the outputs are rewritten to point at them. Everything listens on 127.0.0.1.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runProgram } from "../../harness/run";
import { BASE_OWNERS, config } from "../helpers";
import { FakeAzureOpenAI } from "./fakeAzureOpenAi";
import { FakeFoundryLocal } from "./fakeFoundryLocal";
import { testPki, type TestPki } from "./tls";
import { TokenService } from "./tokenService";

/** The stack outputs as the JSON file `pulumi stack output --json --show-secrets` writes. */
export type OutputsJson = {
    tenantId: string;
    gateway: {
        clientId: string;
        tokenScope: string;
        certificate: { thumbprint: string; x5t: string; x5tS256: string; certificatePem: string; privateKeyPem: string; notAfter: string };
        clientSecret: { value: string; expiresOn: string };
    };
    accounts: Record<string, { endpoint: string; openAiEndpoint: string; localAuthDisabled: boolean; deployments: { name: string }[] }>;
    foundryLocal: { clientId: string; identifierUri: string; appScope: string; userScope: string; endpoint: string; appRole: string };
};

/**
 * The stack the tests verify, written out here so edits to `Pulumi.dev.yaml` do not change them: a gateway with a
 * certificate and a client secret, an Azure OpenAI account with a deployment, a Foundry account without, and
 * Foundry Local.
 */
export const VERIFY_STACK_CONFIG: Readonly<Record<string, string>> = config({
    "azure-native:location": "swedencentral",
    "foundry-entra:gateway": { displayName: "ai-gateway-dev", owners: BASE_OWNERS, certificate: { validityDays: 365 }, clientSecret: { validityDays: 180 } },
    "foundry-entra:accounts": [
        { name: "aoai-dev-swc", resourceGroupName: "rg-ai-dev", kind: "OpenAI", deployments: [{ name: "gpt-4o-mini", model: "gpt-4o-mini", version: "2024-07-18" }] },
        { name: "foundry-dev-swc", resourceGroupName: "rg-ai-dev", kind: "AIServices" },
    ],
    "foundry-entra:foundryLocal": { cluster: { name: "arc-edge-01", resourceGroupName: "rg-edge" }, endpoint: "https://foundry.edge.contoso.com" },
});

/** Real outputs of that stack, rendered by the offline harness (the program itself, mock providers) as of `now`. */
export async function programOutputs(now: Date): Promise<OutputsJson> {
    const { outputs } = await runProgram({ config: VERIFY_STACK_CONFIG, now });
    return outputs as unknown as OutputsJson;
}

export class LocalAzure {
    readonly dir = mkdtempSync(join(tmpdir(), "foundry-entra-verify-"));
    readonly pki: TestPki = testPki();
    readonly tokens: TokenService;
    readonly accounts = new Map<string, FakeAzureOpenAI>();
    readonly foundryLocal: FakeFoundryLocal;
    private files = 0;

    private constructor(readonly outputs: OutputsJson) {
        this.tokens = new TokenService(outputs.tenantId);
        const fl = outputs.foundryLocal;
        this.foundryLocal = new FakeFoundryLocal({
            tenantId: outputs.tenantId, apiClientId: fl.clientId, appRole: fl.appRole,
            scopeValue: fl.userScope.split("/").pop() ?? "", signingKey: this.tokens.signingKey,
        });
        for (const [name, account] of Object.entries(outputs.accounts)) {
            this.accounts.set(name, new FakeAzureOpenAI({ tenantId: outputs.tenantId, signingKey: this.tokens.signingKey, deployments: account.deployments.map((d) => d.name) }));
        }
    }

    static async start(outputs: OutputsJson): Promise<LocalAzure> {
        const world = new LocalAzure(structuredClone(outputs));
        await world.tokens.start(world.pki.server);
        await world.foundryLocal.start(world.pki.server);
        for (const fake of world.accounts.values()) await fake.start(world.pki.server);
        world.resetRegistrations();
        return world;
    }

    /** The app registrations as `pulumi up` leaves them: the outputs' certificate and secret, the app role. */
    resetRegistrations(): void {
        const { gateway, foundryLocal } = this.outputs;
        this.tokens.apps.set(gateway.clientId, {
            clientId: gateway.clientId,
            certificates: [{ pem: gateway.certificate.certificatePem }],
            secrets: [{ value: gateway.clientSecret.value, expiresOn: new Date(gateway.clientSecret.expiresOn) }],
        });
        this.tokens.apis.set(foundryLocal.clientId, {
            clientId: foundryLocal.clientId, identifierUri: foundryLocal.identifierUri, tokenVersion: 2,
            appRoleAssignments: new Map([[gateway.clientId, [foundryLocal.appRole]]]),
        });
        this.tokens.requests.length = 0;
        for (const fake of this.accounts.values()) fake.reset();
        this.foundryLocal.reset();
    }

    /** Writes outputs pointing at the local servers (after an optional edit) and returns the file. */
    writeOutputs(edit: (o: OutputsJson) => void = () => {}): string {
        const o = structuredClone(this.outputs);
        for (const [name, fake] of this.accounts) {
            const account = o.accounts[name];
            if (account) Object.assign(account, { endpoint: fake.endpoint, openAiEndpoint: fake.endpoint });
        }
        o.foundryLocal.endpoint = this.foundryLocal.url;
        edit(o);
        const file = join(this.dir, `outputs-${++this.files}.json`);
        writeFileSync(file, JSON.stringify(o, null, 2));
        return file;
    }

    async close(): Promise<void> {
        await Promise.all([this.tokens.close(), this.foundryLocal.close(), ...[...this.accounts.values()].map((f) => f.close())]);
        rmSync(this.dir, { recursive: true, force: true });
    }
}
