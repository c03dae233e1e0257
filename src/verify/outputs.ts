/**
 * The part of the stack outputs (`pulumi stack output --json --show-secrets`, README "Outputs reference") that
 * verify and token-doctor read, parsed with zod so a wrong or partial file fails with the path that is wrong.
 */
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { z } from "zod";

const certificate = z.object({
    thumbprint: z.string(),
    x5t: z.string().optional(),
    x5tS256: z.string().optional(),
    certificatePem: z.string(),
    privateKeyPem: z.string(),
    notAfter: z.string(),
    slots: z.array(z.object({ slot: z.string(), thumbprint: z.string().optional(), notAfter: z.string(), current: z.boolean().optional() })).optional(),
});

const clientSecret = z.object({
    value: z.string(),
    expiresOn: z.string(),
    slots: z.array(z.object({ slot: z.string(), expiresOn: z.string(), current: z.boolean().optional() })).optional(),
});

const account = z.object({
    kind: z.string(),
    endpoint: z.string(),
    openAiEndpoint: z.string().optional(),
    resourceId: z.string().optional(),
    localAuthDisabled: z.boolean().optional(),
    deployments: z.array(z.object({ name: z.string() })).default([]),
});

const foundryLocal = z.object({
    clientId: z.string(),
    identifierUri: z.string().optional(),
    appScope: z.string(),
    userScope: z.string().optional(),
    endpoint: z.string(),
    clusterId: z.string().optional(),
    appRole: z.string().optional(),
});

/** The outputs verify and token-doctor read; other outputs are ignored. */
export const StackOutputsSchema = z.object({
    tenantId: z.string(),
    gateway: z.object({
        clientId: z.string(),
        tokenScope: z.string().default("https://cognitiveservices.azure.com/.default"),
        certificate: certificate.optional(),
        clientSecret: clientSecret.optional(),
    }),
    accounts: z.record(z.string(), account).default({}),
    foundryLocal: foundryLocal.optional(),
});

/** Parsed stack outputs. */
export type StackOutputs = z.infer<typeof StackOutputsSchema>;
export type AccountOutputs = z.infer<typeof account>;
export type CertificateOutputs = z.infer<typeof certificate>;
export type ClientSecretOutputs = z.infer<typeof clientSecret>;
export type FoundryLocalOutputs = z.infer<typeof foundryLocal>;

/** The outputs could not be read or are not stack outputs; the message is one line. */
export class OutputsError extends Error {
    override readonly name = "OutputsError";
}

/** Parses outputs JSON text; `from` names the source in errors. */
export function parseOutputs(text: string, from: string): StackOutputs {
    let json: unknown;
    try {
        json = JSON.parse(text);
    } catch (err) {
        throw new OutputsError(`${from}: not JSON (${err instanceof Error ? err.message : String(err)})`);
    }
    const parsed = StackOutputsSchema.safeParse(json);
    if (!parsed.success) {
        const problems = parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`);
        throw new OutputsError(`${from}: not foundry-entra stack outputs: ${problems.slice(0, 3).join("; ")}`);
    }
    const redacted = [
        parsed.data.gateway.certificate?.privateKeyPem === "[secret]" ? "gateway.certificate.privateKeyPem" : undefined,
        parsed.data.gateway.clientSecret?.value === "[secret]" ? "gateway.clientSecret.value" : undefined,
    ].filter((p): p is string => p !== undefined);
    if (redacted.length) throw new OutputsError(`${from}: ${redacted.join(" and ")} show "[secret]"; read the outputs with \`pulumi stack output --json --show-secrets\``);
    return parsed.data;
}

/**
 * Reads the outputs from a file, from stdin (`-`), or, when no source is given, by running
 * `pulumi stack output --json --show-secrets [--stack <stack>]` in the current directory.
 */
export async function readOutputs(source: string | undefined, options: { stack?: string; stdin?: NodeJS.ReadableStream } = {}): Promise<StackOutputs> {
    if (source === "-") return parseOutputs(await readAll(options.stdin ?? process.stdin), "stdin");
    if (source) {
        const text = await readFile(source, "utf8").catch((err: NodeJS.ErrnoException) => {
            throw new OutputsError(`${source}: cannot read (${err.code ?? err.message})`);
        });
        return parseOutputs(text, source);
    }
    const args = ["stack", "output", "--json", "--show-secrets", ...(options.stack ? ["--stack", options.stack] : [])];
    return parseOutputs(await run("pulumi", args), "pulumi stack output");
}

/** Reads a stream to its end as UTF-8 (the outputs or a token piped in). */
export async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
    return Buffer.concat(chunks).toString("utf8");
}

function run(cmd: string, args: string[]): Promise<string> {
    return new Promise((resolve, reject) => {
        execFile(cmd, args, { maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
            if (!err) return resolve(stdout);
            const code = (err as NodeJS.ErrnoException).code;
            if (code === "ENOENT") return reject(new OutputsError("the pulumi CLI is not installed or not on PATH; pass --outputs FILE (or - for stdin)"));
            const line = String(stderr).trim().split("\n").pop() ?? err.message;
            reject(new OutputsError(`${cmd} ${args.join(" ")} failed: ${line}`));
        });
    });
}
