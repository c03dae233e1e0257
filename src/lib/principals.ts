import * as azuread from "@pulumi/azuread";
import { principalLabel, principalSlug, type Principal } from "./names";
import type { PrincipalRef } from "./grants";

/**
 * Turns config principals into object ids: users by UPN and groups by display name are looked up in Entra
 * (once each, however many entries name them); raw principal ids are used as given.
 */
export class PrincipalResolver {
    private readonly cache = new Map<string, PrincipalRef>();

    resolve(p: Principal): PrincipalRef {
        const key = principalSlug(p);
        const cached = this.cache.get(key);
        if (cached) return cached;
        const ref: PrincipalRef = { key, label: principalLabel(p), ...this.lookup(p) };
        this.cache.set(key, ref);
        return ref;
    }

    private lookup(p: Principal): Pick<PrincipalRef, "principalId" | "principalType"> {
        switch (p.kind) {
            case "user":
                return { principalId: azuread.getUserOutput({ userPrincipalName: p.upn }).objectId, principalType: "User" };
            case "group":
                return { principalId: azuread.getGroupOutput({ displayName: p.displayName, securityEnabled: true }).objectId, principalType: "Group" };
            case "principalId":
                return { principalId: p.id, principalType: p.principalType };
        }
    }
}
