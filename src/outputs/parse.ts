/**
 * Parsed JSON to typed stack outputs. Every problem names the output path and its likely cause, e.g.
 * `gateway.clientSecret.value is "[secret]": …run pulumi stack output --json --show-secrets` or
 * `gateway.certificate is absent: was the stack deployed with certificate: false?`.
 */
import type { z } from "zod";
import { OutputsError } from "./errors";
import { parseJson } from "./json";
import { describeValue } from "../lib/excerpt";
import { issueMessage, SHOW_SECRETS_COMMAND } from "./messages";
import { requireSecrets } from "./secrets";

/** What a consumer needs of the outputs. */
export interface ParseOptions {
    /**
     * "required": refuse any "[secret]" (the outputs must come from `--show-secrets`); "optional": let the
     * secret outputs be "[secret]", as plain `pulumi stack output --json` prints them. @default "required"
     */
    readonly secrets?: "required" | "optional";
}

/**
 * Validates `raw` against `schema` (the contract, or the part of it a consumer reads). Throws an OutputsError
 * naming the first problem (and how many more there are).
 */
export function validateOutputs<S extends z.ZodType>(schema: S, raw: unknown): z.output<S> {
    const result = schema.safeParse(raw);
    if (result.success) return result.data;
    const [first, ...rest] = result.error.issues;
    const more = rest.length > 0 ? ` (and ${rest.length} more problem${rest.length === 1 ? "" : "s"})` : "";
    throw new OutputsError(`${first ? issueMessage(raw, first) : "invalid stack outputs"}${more}`);
}

/**
 * Validates parsed stack-output JSON with `schema`: a tool's view, or the whole contract. Refuses anything but
 * a JSON object, and by default any "[secret]".
 */
export function parseOutputs<S extends z.ZodType>(schema: S, raw: unknown, options: ParseOptions = {}): z.output<S> {
    if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
        throw new OutputsError(`expected a JSON object of stack outputs, got ${describeValue(raw)}: pass what ${SHOW_SECRETS_COMMAND} prints`);
    }
    if ((options.secrets ?? "required") === "required") requireSecrets(raw);
    return validateOutputs(schema, raw);
}

/** Parses stack-output JSON text with `schema`; `source` names the input in messages, e.g. `outputs.json` or `stdin`. */
export function parseOutputsText<S extends z.ZodType>(schema: S, text: string, source: string, options: ParseOptions = {}): z.output<S> {
    return parseOutputs(schema, parseJson(text, source), options);
}
