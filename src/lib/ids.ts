import { v5 as uuidv5 } from "uuid";

/**
 * Namespace for every GUID this project derives (itself uuidv5("foundry-entra", the URL namespace)).
 * Never change it: scope ids, app-role ids and role-assignment names are keyed on it, and a changed id
 * deletes and recreates the thing it names.
 */
export const ID_NAMESPACE = uuidv5("https://github.com/foundry-entra/foundry-entra", uuidv5.URL);

/**
 * A stable GUID for the given parts: the same parts give the same GUID on every run and machine.
 * Used where Azure keys on a GUID (scope ids, app role ids, role assignment names).
 */
export function stableGuid(...parts: readonly string[]): string {
    return uuidv5(parts.join("\u001f"), ID_NAMESPACE);
}
