/**
 * How token-doctor reads stack outputs: only the tenant and the Foundry Local API app, the contract's schemas
 * (src/outputs/) restricted to them. No secret is among them, so plain `pulumi stack output --json` (every
 * secret "[secret]") is what it asks for: nobody has to write the stack's secrets to disk to diagnose a token.
 */
import type { z } from "zod";
import type { StdinIo } from "../lib/cli";
import { FoundryLocalSchema, OutputsError, parseJson, parseOutputs, readOutputsText, StackOutputsSchema } from "../outputs";
import type { DoctorOutputs } from "./doctor";

/** The outputs token-doctor reads; any other output is ignored. */
export const DoctorOutputsSchema = StackOutputsSchema.pick({ tenantId: true }).extend({
    foundryLocal: FoundryLocalSchema.pick({ clientId: true, appRole: true, userScope: true }).optional(),
});

const MISSING = "no stack outputs: pass --outputs outputs.json, or pipe pulumi stack output --json into this command";
const WORDING = {
    empty: (source: string) => `${source} is empty: pass what pulumi stack output --json prints`,
    notJson: (source: string, e: { position?: number }) => `${source} is not JSON${e.position !== undefined ? ` (at character ${e.position})` : ""}: pass what pulumi stack output --json prints`,
};

/** Reads `--outputs <file|->`; every problem names the source. */
export async function readDoctorOutputs(source: string, io: StdinIo): Promise<DoctorOutputs> {
    const input = await readOutputsText(source, io, { missing: MISSING });
    const raw = parseJson(input.text, input.name, WORDING);
    try {
        return parseOutputs(DoctorOutputsSchema, raw, { secrets: "optional" }) satisfies z.output<typeof DoctorOutputsSchema>;
    } catch (err) {
        throw err instanceof OutputsError ? new OutputsError(`${input.name}: ${err.message}`) : err;
    }
}
