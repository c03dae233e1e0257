/** Policies on Azure RBAC role assignments (`azure-native:authorization:RoleAssignment`). */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { classifyScope, roleDefinitionGuid, SCOPE_WORDS } from "./arm";
import { FLEET_RESOURCE_GROUP_GRANT_MARK, FORBIDDEN_ROLES, TYPES } from "./constants";
import { nonEmptyString, ofType, show } from "./guards";

/** No Owner, Contributor or User Access Administrator: they grant no inference and can change access. */
export const noPrivilegedRoles: ResourceValidationPolicy = {
    name: "role-assignment-no-privileged-roles",
    description: "No role assignment grants Owner, Contributor or User Access Administrator.",
    enforcementLevel: "mandatory",
    severity: "critical",
    validateResource: ofType(TYPES.roleAssignment, (props, args, report) => {
        const id = props.roleDefinitionId;
        const guid = typeof id === "string" ? roleDefinitionGuid(id) : undefined;
        if (guid === undefined) {
            report(`Role assignment "${args.name}" has roleDefinitionId ${show(id)}, which is neither a role definition GUID nor ` +
                `an id ending in /providers/Microsoft.Authorization/roleDefinitions/<GUID>, so its role cannot be checked.`);
            return;
        }
        const forbidden = FORBIDDEN_ROLES.get(guid);
        if (forbidden === undefined) return;
        report(`Role assignment "${args.name}" grants ${forbidden} (${guid}). Owner, Contributor and User Access Administrator ` +
            `grant no inference and can change who has access. Use role "inference" or "admin" in foundry-entra:access or ` +
            `foundry-entra:managedIdentities.`);
    }),
};

/**
 * Every assignment targets one resource (an account, the Arc cluster), never a resource group or wider — except a
 * Foundry Local fleet's grants at its resource groups, which the stack's config asks for by name
 * (`foundryLocal.grantScope: resourceGroup`) and the program marks in the assignment's description.
 */
export const resourceScope: ResourceValidationPolicy = {
    name: "role-assignment-resource-scope",
    description: "Every role assignment is scoped to a single resource, not to a resource group, subscription or management group " +
        "(a Foundry Local fleet's grants at its resource groups excepted, as its config asks).",
    enforcementLevel: "mandatory",
    severity: "high",
    validateResource: ofType(TYPES.roleAssignment, (props, args, report) => {
        const scope = props.scope;
        const kind = typeof scope === "string" ? classifyScope(scope) : "other";
        if (kind === "resource") return;
        const description = typeof props.description === "string" ? props.description : "";
        if (kind === "resource-group" && description.endsWith(FLEET_RESOURCE_GROUP_GRANT_MARK)) return;
        report(`Role assignment "${args.name}" has scope ${show(scope)}, which is ${SCOPE_WORDS[kind]}. Assign roles on the ` +
            `resources that need them: list the accounts (or "foundry-local") in the entry's "accounts" in foundry-entra:access ` +
            `or foundry-entra:managedIdentities.`);
    }),
};

/** `principalType` avoids "principal not found" for principals created moments earlier (Entra replication delay). */
export const principalTypeSet: ResourceValidationPolicy = {
    name: "role-assignment-principal-type",
    description: "Every role assignment states its principalType (User, Group or ServicePrincipal).",
    enforcementLevel: "mandatory",
    severity: "medium",
    validateResource: ofType(TYPES.roleAssignment, (props, args, report) => {
        if (nonEmptyString(props.principalType)) return;
        report(`Role assignment "${args.name}" has principalType ${show(props.principalType)}. Set it (User, Group or ServicePrincipal): ` +
            `without it, assigning a role to a principal created moments earlier can fail with "principal not found". ` +
            `For an access entry by principalId, set its principalType in foundry-entra:access.`);
    }),
};
