/** Which keys of some outputs a schema does not name: how the contract test catches a new, unknown output. */
import { z } from "zod";
import { outputPath } from "./paths";
import { OutputsContractSchema } from "./schema";

/** The schema inside optional, nullable and default wrappers. */
function unwrap(schema: z.ZodType): z.ZodType {
    if (schema instanceof z.ZodOptional || schema instanceof z.ZodNullable || schema instanceof z.ZodDefault) return unwrap(schema.unwrap() as z.ZodType);
    return schema;
}

/**
 * The paths in `value` (e.g. `delivery.keyVault.newKey`) whose key `schema` does not name; the entries of
 * records and arrays are checked against their element schema.
 */
export function unknownOutputPaths(value: unknown, schema: z.ZodType = OutputsContractSchema, path: readonly PropertyKey[] = []): string[] {
    const s = unwrap(schema);
    if (Array.isArray(value)) return s instanceof z.ZodArray ? value.flatMap((v, i) => unknownOutputPaths(v, s.element as z.ZodType, [...path, i])) : [];
    if (value === null || typeof value !== "object") return [];
    const entries = Object.entries(value);
    if (s instanceof z.ZodRecord) return entries.flatMap(([k, v]) => unknownOutputPaths(v, s.valueType as z.ZodType, [...path, k]));
    if (!(s instanceof z.ZodObject)) return [];
    const shape = s.shape as Record<string, z.ZodType>;
    return entries.flatMap(([k, v]) => {
        const child = shape[k];
        return child ? unknownOutputPaths(v, child, [...path, k]) : [outputPath([...path, k])];
    });
}
