/**
 * How verify and token-doctor read the stack outputs: the shared contract (src/outputs/), restricted to the
 * keys they use, with the secret values required, since verify signs in with them. The token scope, the
 * accounts and their deployments default as the program writes them. Every problem names where the outputs
 * came from.
 */
import { z } from "zod";
import type { StdinIo } from "../lib/cli";
import {
    AccountSchema, CertificateSchema, CertificateSlotSchema, ClientSecretSchema, ClientSecretSlotSchema, DeploymentSchema, FOUNDRY_LOCAL_REACHABLE, FoundryLocalSchema,
    GatewaySchema, OutputsError, parseJson, parseOutputs as parseWith, readOutputsText, redactedSecrets, StackOutputsSchema,
} from "../outputs";

/** The outputs verify and token-doctor read; other outputs are ignored. */
export const VerifyOutputsSchema = StackOutputsSchema.extend({
    gateway: GatewaySchema.pick({ clientId: true, tokenScope: true }).extend({
        certificate: CertificateSchema.omit({ nextRotationOn: true })
            .extend({ slots: z.array(CertificateSlotSchema.omit({ generation: true })).optional() }).optional(),
        clientSecret: ClientSecretSchema.pick({ value: true, expiresOn: true })
            .extend({ slots: z.array(ClientSecretSlotSchema.omit({ generation: true })).optional() }).optional(),
    }),
    accounts: z.record(z.string(), AccountSchema.extend({ deployments: z.array(DeploymentSchema.pick({ name: true })).default([]) })).default({}),
    foundryLocal: FoundryLocalSchema.omit({ scopeId: true, appRoleId: true }).refine(...FOUNDRY_LOCAL_REACHABLE).optional(),
});

/** Parsed stack outputs. */
export type StackOutputs = z.infer<typeof VerifyOutputsSchema>;
/** `accounts.<name>`. */
export type AccountOutputs = StackOutputs["accounts"][string];
/** `gateway.certificate`. */
export type CertificateOutputs = NonNullable<StackOutputs["gateway"]["certificate"]>;

/** Parses outputs JSON text; `from` names the source in errors. */
export function parseOutputs(text: string, from: string): StackOutputs {
    const raw = parseJson(text, from);
    let outputs: StackOutputs;
    try {
        outputs = parseWith(VerifyOutputsSchema, raw, { secrets: "optional" });
    } catch (err) {
        throw err instanceof OutputsError ? new OutputsError(`${from}: ${err.message}`) : err;
    }
    const redacted = redactedSecrets(outputs);
    if (redacted.length) throw new OutputsError(`${from}: ${redacted.join(" and ")} show${redacted.length === 1 ? "s" : ""} "[secret]"; read the outputs with \`pulumi stack output --json --show-secrets\``);
    return outputs;
}

/** The outputs, and where they came from (`stdin`, the file, or `pulumi stack output`). */
export interface OutputsRead {
    readonly source: string;
    readonly outputs: StackOutputs;
}

/**
 * Reads the outputs from a file, from stdin (`-`), or, when no source is given, by running
 * `pulumi stack output --json --show-secrets [--stack <stack>]` in the current directory.
 */
export async function readOutputs(source: string | undefined, io: StdinIo, stack?: string): Promise<OutputsRead> {
    const input = await readOutputsText(source, io, { whenAbsent: "pulumi", ...(stack ? { stack } : {}) });
    return { source: input.name, outputs: parseOutputs(input.text, input.name) };
}
