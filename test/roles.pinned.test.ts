/**
 * Every built-in role GUID the program, the bootstrap and the policy pack use, pinned against Microsoft's own list
 * ("Azure built-in roles", https://learn.microsoft.com/azure/role-based-access-control/built-in-roles), written
 * here as literals copied from that list, never from the code's constants: a typo in a constant makes every
 * behavioural test that builds its expectation from the same constant pass, and this one fail.
 *
 * Where each literal was read: test/support/builtInRoles.ts.
 */
import { describe, expect, it } from "vitest";
import { BOOTSTRAP_ROLES } from "../bootstrap/roles";
import { KEY_VAULT_SECRETS_USER } from "../components/keyVaultDelivery";
import { FORBIDDEN_ROLES as POLICY_FORBIDDEN_ROLES } from "../policy/policies/constants";
import { FORBIDDEN_ROLES, resolveRole, ROLES } from "../src/config/roles";
import { devConfig, named, render } from "./helpers";
import { MICROSOFT, MICROSOFT_BY_NAME } from "./support/builtInRoles";


describe("built-in role GUIDs", () => {
    it.each([
        ...Object.values(ROLES).map((r) => ["src/config/roles.ts", r.name, r.guid] as const),
        ["components/keyVaultDelivery.ts", KEY_VAULT_SECRETS_USER.name, KEY_VAULT_SECRETS_USER.guid] as const,
        ...Object.values(BOOTSTRAP_ROLES).map((r) => ["bootstrap/roles.ts", r.name, r.guid] as const),
    ])("%s: %s is Microsoft's GUID", (_file, name, guid) => {
        expect(MICROSOFT_BY_NAME[name], `${name} is not in the pinned list`).toBeDefined();
        expect(guid).toBe(MICROSOFT_BY_NAME[name]);
    });

    it("the roles refused by the config and by the policy pack are Owner, Contributor and User Access Administrator", () => {
        for (const forbidden of [FORBIDDEN_ROLES, POLICY_FORBIDDEN_ROLES]) {
            expect([...forbidden].sort()).toEqual([
                [MICROSOFT.Owner, "Owner"], [MICROSOFT["User Access Administrator"], "User Access Administrator"], [MICROSOFT.Contributor, "Contributor"],
            ].sort());
        }
    });

    it("inference and admin resolve to the roles Microsoft documents for them, by literal GUID", () => {
        expect(resolveRole("inference", "OpenAI").guid).toBe("5e0bd9bd-7b93-4f28-af87-19fc36ad61bd");
        // Least privilege on Foundry accounts: OpenAI User by default (no listkeys), the seed's role when configured.
        expect(resolveRole("inference", "AIServices").guid).toBe("5e0bd9bd-7b93-4f28-af87-19fc36ad61bd");
        expect(resolveRole("Cognitive Services User", "AIServices").guid).toBe("a97b65f3-24c7-4388-baec-2e87135dc908");
        expect(resolveRole("Cognitive Services Data Contributor (Preview)", "AIServices").guid).toBe("19c28022-e58e-450d-a464-0b2a53034789");
        expect(resolveRole("inference", "FoundryLocal").guid).toBe("5e0bd9bd-7b93-4f28-af87-19fc36ad61bd");
        expect(resolveRole("admin", "OpenAI").guid).toBe("25fbc0a9-bd7c-42a3-aa1a-3b75d497ee68");
        expect(resolveRole("Foundry User", "AIServices").guid).toBe("53ca6127-db72-4b80-b1b0-d745d6d5456d");
    });

    it("a rendered stack assigns those GUIDs", async () => {
        const r = await render(devConfig());
        const id = (name: string) => String(named(r, name).inputs.roleDefinitionId).split("/").pop();
        expect(id("access-gateway-aoai-dev-swc-openai-user")).toBe("5e0bd9bd-7b93-4f28-af87-19fc36ad61bd");
        expect(id("access-gateway-foundry-dev-swc-openai-user")).toBe("5e0bd9bd-7b93-4f28-af87-19fc36ad61bd");
        expect(id("access-group-ai-engineers-aoai-dev-swc-cs-contributor")).toBe("25fbc0a9-bd7c-42a3-aa1a-3b75d497ee68");
    });
});
