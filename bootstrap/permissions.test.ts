import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { GRAPH_APP_ROLE_IDS } from "../harness/mocks";
import { FORBIDDEN_ROLES } from "../src/config/roles";
import { DOC_FILE, updateDocs } from "./docs";
import { ROOT } from "./helpers";
import { GRANTS, graphGrants, renderGrantsTable } from "./permissions";
import { assignableRoleGuids, BOOTSTRAP_ROLES, isCustomRole, NOT_ASSIGNABLE, roleAssignmentCondition } from "./roles";

const FORBIDDEN_GRAPH = ["Directory.ReadWrite.All", "Application.ReadWrite.All", "RoleManagement.ReadWrite.Directory"];
const ALL_ON = { appRoleAssignments: true, keyVaultDelivery: true, previews: true, state: {} };

function sourceFiles(dir: string): string[] {
    return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
        const path = join(dir, e.name);
        if (e.isDirectory()) return sourceFiles(path);
        return e.name.endsWith(".ts") && !e.name.endsWith(".test.ts") ? [path] : [];
    });
}

describe("the permission table", () => {
    it("gives every grant a reason", () => {
        for (const g of GRANTS) expect(g.reason.length, JSON.stringify(g)).toBeGreaterThan(20);
    });

    it("names only Graph permissions that exist, and none of the forbidden ones", () => {
        for (const g of GRANTS) {
            if (g.kind !== "graph") continue;
            expect(Object.keys(GRAPH_APP_ROLE_IDS)).toContain(g.permission);
            expect(FORBIDDEN_GRAPH).not.toContain(g.permission);
        }
    });

    it("gives the previewer only read permissions and read roles", () => {
        for (const g of graphGrants("previewer", ALL_ON)) expect(g.permission).toMatch(/\.Read(Basic)?\.All$/);
        for (const g of GRANTS) {
            if (g.kind !== "azure" || g.identity !== "previewer") continue;
            if (isCustomRole(g.role)) {
                expect(g.role.actions).toEqual([]);
                for (const a of g.role.dataActions) expect(a).toMatch(/\/(read|encrypt\/action|decrypt\/action)$/);
            } else {
                expect([BOOTSTRAP_ROLES.reader.guid, BOOTSTRAP_ROLES.storageBlobDataReader.guid]).toContain(g.role.guid);
            }
        }
    });

    it("never hands out a role that controls access, except RBAC Administrator under its condition", () => {
        for (const g of GRANTS) {
            if (g.kind !== "azure" || isCustomRole(g.role)) continue;
            const refused = NOT_ASSIGNABLE.get(g.role.guid);
            if (refused) {
                expect(g.role.guid).toBe(BOOTSTRAP_ROLES.rbacAdministrator.guid);
                expect(g.limitedToProgramRoles).toBe(true);
            }
        }
    });
});

describe("the roles the deployer may assign", () => {
    it("include every role GUID the main program's code names", () => {
        const found = new Set<string>();
        for (const file of [...sourceFiles(join(ROOT, "components")), ...sourceFiles(join(ROOT, "src"))]) {
            for (const m of readFileSync(file, "utf8").matchAll(/\bguid:\s*"([0-9a-fA-F-]{36})"/g)) found.add((m[1] ?? "").toLowerCase());
        }
        expect(found.size).toBeGreaterThanOrEqual(7);
        expect([...found].sort()).toEqual(assignableRoleGuids());
    });

    it("exclude Owner, Contributor, User Access Administrator and RBAC Administrator", () => {
        const list = assignableRoleGuids();
        for (const refused of [...FORBIDDEN_ROLES.keys(), BOOTSTRAP_ROLES.rbacAdministrator.guid]) expect(list).not.toContain(refused);
        expect(NOT_ASSIGNABLE.size).toBe(4);
    });

    it("are written into a condition of the documented shape", () => {
        expect(roleAssignmentCondition(["a", "b"])).toBe([
            "(", " (", "  !(ActionMatches{'Microsoft.Authorization/roleAssignments/write'})", " )", " OR", " (",
            "  @Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {a, b}", " )", ")",
            "AND",
            "(", " (", "  !(ActionMatches{'Microsoft.Authorization/roleAssignments/delete'})", " )", " OR", " (",
            "  @Resource[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {a, b}", " )", ")",
        ].join("\n"));
    });
});

describe("docs/bootstrap.md", () => {
    const doc = readFileSync(DOC_FILE, "utf8");

    it("carries the code's tables (regenerate with: npx tsx bootstrap/docs.ts)", () => {
        expect(updateDocs(doc)).toBe(doc);
        expect(doc).toContain(renderGrantsTable());
    });

    it("documents every config key", () => {
        for (const key of ["github", "environments", "previews", "scopes", "owners", "appRoleAssignments", "keyVaultDelivery", "assignableRoles", "displayNamePrefix", "state"]) {
            expect(doc).toContain(`\`${key}\``);
        }
    });

    it("names every GitHub variable the bootstrap outputs", () => {
        for (const name of ["AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_SUBSCRIPTION_ID", "AZURE_PREVIEW_CLIENT_ID", "PULUMI_BACKEND_URL", "PULUMI_SECRETS_PROVIDER"]) {
            expect(doc).toContain(name);
        }
    });
});
