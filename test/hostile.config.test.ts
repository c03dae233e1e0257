/**
 * Configs Azure or Entra ID would refuse at `pulumi up` (after other resources were created) are refused before
 * anything is registered, one line per problem naming the key. Every case here was accepted before; the rules
 * and their sources are in src/config/azureNames.ts.
 */
import { describe, expect, it } from "vitest";
import { parseStackConfig } from "../src/config/parse";
import { devWith } from "./helpers";

const ACCOUNT = { name: "aoai-dev-swc", resourceGroupName: "rg-ai-dev", kind: "OpenAI" };
const GUID = "3f2504e0-4f89-41d3-9a0c-0305e82c3301";
const FL = { cluster: { name: "arc-edge-01", resourceGroupName: "rg-edge" }, endpoint: "https://foundry.edge.contoso.com" };
const FIC = { issuer: "https://oidc.example.com/", subject: "system:serviceaccount:a:b" };
const deployment = (name: string) => ({ name, model: "gpt-4o-mini", version: "2024-07-18" });

/** [what, config overrides on the dev stack, the line (its start: key path and rule)]. */
const REFUSED: readonly [string, Record<string, unknown>, string][] = [
    ["an account name of one character", { accounts: [{ ...ACCOUNT, name: "a" }] }, 'foundry-entra:accounts[0].name: "a" is not a valid account name; use 2-64'],
    ["deployment names equal but for case", { accounts: [{ ...ACCOUNT, deployments: [deployment("GPT-4o"), deployment("gpt-4o")] }] },
        'foundry-entra:accounts[0].deployments[1].name: "gpt-4o" differs from entry 0 ("GPT-4o") only in case'],
    ["identity names equal but for case", { managedIdentities: [{ name: "Batch-Worker", principalId: GUID }, { name: "batch-worker", create: { resourceGroupName: "rg" } }] },
        'foundry-entra:managedIdentities[1].name: "batch-worker" differs from entry 0 ("Batch-Worker") only in case'],
    ["21 federated credentials", { gateway: { federatedCredentials: Array.from({ length: 21 }, (_, i) => ({ ...FIC, name: `fic-${i}`, subject: `system:serviceaccount:a:b${i}` })) } },
        "foundry-entra:gateway.federatedCredentials: declares 21 federated credentials; Entra ID allows at most 20 per application"],
    ["a Key Vault name with --", { gatewayDelivery: { keyVault: { name: "kv--double", resourceGroupName: "rg" } } }, 'foundry-entra:gatewayDelivery.keyVault.name: "kv--double" is not a valid Key Vault name'],
    ["a secret prefix ending in -", { gatewayDelivery: { keyVault: { name: "kv-gateway", resourceGroupName: "rg", secretPrefix: "dev-" } } }, 'foundry-entra:gatewayDelivery.keyVault.secretPrefix: "dev-" is not a valid secret name prefix'],
    ["a cluster name that walks out of its resource id", { foundryLocal: { ...FL, cluster: { ...FL.cluster, name: "../../providers/Microsoft.Storage/storageAccounts/x" } } },
        "foundry-entra:foundryLocal.cluster.name: \"../../providers/Microsoft.Storage/storag…\" (51 characters) is not a valid cluster name"],
    ["a cluster name with ..", { foundryLocal: { ...FL, cluster: { ...FL.cluster, name: "edge..01" } } }, 'foundry-entra:foundryLocal.cluster.name: "edge..01" is not a valid cluster name'],
    ["a UPN whose domain labels start and end with -", { access: [{ user: "alice@-contoso-.com" }] }, 'foundry-entra:access[0].user: "alice@-contoso-.com" is not a user principal name'],
    ["a location of any text", { accounts: [{ ...ACCOUNT, location: "Sweden Central!" }] }, 'foundry-entra:accounts[0].location: "Sweden Central!" is not an Azure region name'],
    ["a created identity's location of any text", { managedIdentities: [{ name: "mi-one", create: { resourceGroupName: "rg", location: "mars" + "\n" } }] },
        "foundry-entra:managedIdentities[0].create.location: \"mars\\n\" is not an Azure region name"],
    ["an account SKU of any text", { accounts: [{ ...ACCOUNT, sku: "S0; DROP" }] }, 'foundry-entra:accounts[0].sku: "S0; DROP" is not an account SKU name'],
    ["a model of any text", { accounts: [{ ...ACCOUNT, deployments: [{ ...deployment("d"), model: "gpt 4o\n" }] }] }, 'foundry-entra:accounts[0].deployments[0].model: "gpt 4o\\n" is not a model name'],
    ["a model version of any text", { accounts: [{ ...ACCOUNT, deployments: [{ ...deployment("d"), version: "latest please" }] }] }, 'foundry-entra:accounts[0].deployments[0].version: "latest please" is not a model version'],
    ["a model format of any text", { accounts: [{ ...ACCOUNT, deployments: [{ ...deployment("d"), format: "Open\tAI" }] }] }, 'foundry-entra:accounts[0].deployments[0].format: "Open\\tAI" is not a model format'],
    ["an issuer with a query", { gateway: { federatedCredentials: [{ ...FIC, name: "k8s", issuer: "https://oidc.example.com/?x=1" }] } }, "foundry-entra:gateway.federatedCredentials[0].issuer: \"https://oidc.example.com/?x=1\" has a query or fragment"],
    ["an issuer of 601 characters", { gateway: { federatedCredentials: [{ ...FIC, name: "k8s", issuer: `https://oidc.example.com/${"x".repeat(576)}` }] } }, "foundry-entra:gateway.federatedCredentials[0].issuer: is 601 characters long; Entra ID takes at most 600"],
    ["an issuer with credentials", { gateway: { federatedCredentials: [{ ...FIC, name: "k8s", issuer: "https://user:hunter2@oidc.example.com/" }] } }, "foundry-entra:gateway.federatedCredentials[0].issuer: must not carry credentials"],
    ["a Foundry Local endpoint with credentials", { foundryLocal: { ...FL, endpoint: "https://admin:hunter2@foundry.edge.contoso.com" } }, "foundry-entra:foundryLocal.endpoint: must not carry credentials"],
    ["a federated subject with a newline", { gateway: { federatedCredentials: [{ ...FIC, name: "k8s", subject: "system:serviceaccount:a:b\n" }] } }, "foundry-entra:gateway.federatedCredentials[0].subject: holds a control character"],
    ["an access entry naming a target no account could have", { access: [{ user: "alice@contoso.com", accounts: ["Not An Account"] }] }, 'foundry-entra:access[0].accounts[0]: "Not An Account" is not a valid target; use an account name'],
];

describe("Azure's naming and count rules", () => {
    it.each(REFUSED)("refuses %s, naming the key", (_what, overrides, expected) => {
        const parsed = parseStackConfig(devWith(overrides), { stack: "dev" });
        expect(parsed.ok).toBe(false);
        const lines = parsed.ok ? [] : parsed.problems;
        expect(lines.some((l) => l.startsWith(expected)), `${expected}\n  not in:\n${lines.join("\n")}`).toBe(true);
        for (const l of lines) expect(l).not.toContain("hunter2");
    });

    it("accepts what Azure takes: 20 federated credentials, a two-character account, labels with inner hyphens, a publisher with a space", () => {
        const parsed = parseStackConfig(devWith({
            gateway: { federatedCredentials: Array.from({ length: 20 }, (_, i) => ({ ...FIC, name: `fic-${i}`, subject: `system:serviceaccount:a:b${i}` })) },
            accounts: [{ ...ACCOUNT, name: "ab", deployments: [{ ...deployment("mistral"), model: "Mistral-Large-2411", version: "1", format: "Mistral AI" }] }],
            access: [{ user: "first.last@my-company.co.uk", accounts: ["ab"] }],
            managedIdentities: undefined,
        }), { stack: "dev" });
        expect(parsed.ok ? [] : parsed.problems).toEqual([]);
    });
});
