/**
 * The pack imports nothing from the program (so it can be published alone); these tests fail when its
 * copies of the program's facts drift: forbidden roles, credential limits, and resource type tokens.
 */
import * as authorization from "@pulumi/azure-native/authorization";
import * as cognitiveservices from "@pulumi/azure-native/cognitiveservices";
import * as azuread from "@pulumi/azuread";
import * as tls from "@pulumi/tls";
import { describe, expect, it } from "vitest";
import { RESOURCE_GROUP_GRANT_MARK } from "../src/config/foundryLocal";
import { FORBIDDEN_ROLES as PROGRAM_FORBIDDEN_ROLES } from "../src/config/roles";
import { MAX_CERTIFICATE_DAYS as PROGRAM_MAX_CERTIFICATE_DAYS, MAX_SECRET_DAYS as PROGRAM_MAX_SECRET_DAYS } from "../src/config/schema";
import { FLEET_RESOURCE_GROUP_GRANT_MARK, FORBIDDEN_ROLES, MAX_CERTIFICATE_DAYS, MAX_SECRET_DAYS, TYPES } from "./policies/constants";

describe("the pack's constants", () => {
    it("forbid exactly the roles the program's config validation forbids", () => {
        expect([...FORBIDDEN_ROLES].sort()).toEqual([...PROGRAM_FORBIDDEN_ROLES].sort());
        expect([...FORBIDDEN_ROLES.values()].sort()).toEqual(["Contributor", "Owner", "User Access Administrator"]);
    });

    it("know how the program marks a Foundry Local fleet's grants at its resource groups", () => {
        expect(FLEET_RESOURCE_GROUP_GRANT_MARK).toBe(RESOURCE_GROUP_GRANT_MARK);
    });

    it("use the program's credential limits", () => {
        expect(MAX_SECRET_DAYS).toBe(PROGRAM_MAX_SECRET_DAYS);
        expect(MAX_CERTIFICATE_DAYS).toBe(PROGRAM_MAX_CERTIFICATE_DAYS);
    });

    it("name the provider SDKs' resource types", () => {
        const sdk = {
            account: cognitiveservices.Account,
            roleAssignment: authorization.RoleAssignment,
            application: azuread.Application,
            applicationPassword: azuread.ApplicationPassword,
            applicationCertificate: azuread.ApplicationCertificate,
            privateKey: tls.PrivateKey,
            selfSignedCert: tls.SelfSignedCert,
        } as const;
        for (const [key, cls] of Object.entries(sdk)) {
            expect(TYPES[key as keyof typeof TYPES], key).toBe(Reflect.get(cls, "__pulumiType"));
        }
        expect(Object.keys(sdk).sort()).toEqual(Object.keys(TYPES).sort());
    });
});
