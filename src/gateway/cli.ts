/**
 * The `gateway-config` command: reads stack outputs (a file or stdin), generates one gateway's config and
 * prints or writes it. Every user-fixable problem is one line on stderr and exit code 2. The I/O is passed in
 * so tests can run the command in-process with a pretend terminal.
 */
import { statSync } from "node:fs";
import { resolve } from "node:path";
import { Command, Option } from "commander";
import { runCli, trackedByGit, type StdinIo } from "../lib/cli";
import { readOutputsText } from "../outputs";
import { AUTH_MODES, type AuthMode } from "./auth";
import { GatewayConfigError } from "./errors";
import { generate } from "./index";
import { parseStackOutputsText } from "./outputs";
import { FORMATS, type Format, type GenerateOptions } from "./types";
import { emit, writeSecretValues } from "./write";

/** The command's I/O: stdout may be a terminal (then secrets need --show-secrets). */
export interface CliIo extends StdinIo {
    /** @default now */
    readonly now?: Date;
}

interface CliOptions {
    format: Format;
    auth?: AuthMode;
    outputs?: string;
    out?: string;
    showSecrets: boolean;
    apiVersion?: string;
    thumbprint?: "hex" | "x5t";
    secretRef?: string;
    secretValues?: string;
    namespace?: string;
    envoyApiVersion?: "v1beta1" | "v1alpha1";
    gatewayName?: string;
    oidcClientId?: string;
    federatedCredential?: string;
    portkeyStrategy?: "loadbalance" | "fallback";
    certificatePath?: string;
}

function command(): Command {
    return new Command("gateway-config")
        .description("Turn `pulumi stack output --json --show-secrets` into ready-to-apply AI gateway configuration.")
        .addOption(new Option("--format <format>", "the gateway").choices(FORMATS).makeOptionMandatory())
        .addOption(new Option("--auth <mode>", "how the gateway signs in (default: certificate if the stack has one and the gateway supports it, else client-secret, else workload-identity)").choices(AUTH_MODES))
        .option("--outputs <file>", "the stack outputs JSON; - for stdin (default: stdin when piped)")
        .option("--out <path>", "write to this file, or into this directory (existing, or ending in /); litellm always writes a directory")
        .option("--show-secrets", "allow printing secrets to a terminal", false)
        .option("--api-version <version>", "Azure OpenAI API version (truefoundry, litellm, portkey; default 2024-10-21)")
        .addOption(new Option("--thumbprint <form>", "truefoundry, certificate: certificate_thumbprint as hex (Azure portal, default) or x5t (base64url)").choices(["hex", "x5t"]))
        .option("--secret-ref <ref>", "truefoundry: tfy-secret://<tenant>:<group>; reference secrets in that group instead of inlining them")
        .option("--secret-values <dir>", "truefoundry with --secret-ref: write each referenced secret to <dir>/<key> (mode 0600)")
        .option("--namespace <ns>", "envoy: namespace of every object (default: default)")
        .addOption(new Option("--envoy-api-version <version>", "envoy: aigateway.envoyproxy.io version: v1beta1 (Envoy AI Gateway v0.6 and later, default) or v1alpha1 (v0.3 to v0.5)").choices(["v1beta1", "v1alpha1"]))
        .option("--gateway-name <name>", "envoy: the Gateway the AIGatewayRoute attaches to (default: envoy-ai-gateway)")
        .option("--oidc-client-id <id>", "envoy, workload identity: the client id the controller uses at the OIDC provider")
        .option("--federated-credential <name>", "envoy, workload identity: the federated credential (by name) the OIDC provider's tokens match")
        .addOption(new Option("--portkey-strategy <mode>", "portkey: how the ready config spreads a model deployed in several accounts (default: loadbalance)").choices(["loadbalance", "fallback"]))
        .option("--certificate-path <path>", "litellm, certificate: the path AZURE_CERTIFICATE_PATH names (default: the bundle written by --out)");
}

/** The outputs hold secrets: a note when their file is readable by others (and not one git tracks). */
function noteIfShared(file: string | undefined, io: CliIo): void {
    if (file === undefined) return;
    const mode = statSync(file).mode & 0o777;
    if (mode & 0o077 && !trackedByGit(file)) io.stderr.write(`note: ${file} holds secrets but is readable by others (mode 0${mode.toString(8)}): chmod 600 ${file}\n`);
}

/** Runs a write, turning a file-system error (no such directory, no permission) into one line for `flag`. */
function writing<T>(flag: string, write: () => T): T {
    try {
        return write();
    } catch (err) {
        const { code, path } = err as NodeJS.ErrnoException;
        if (!code || err instanceof GatewayConfigError) throw err;
        const reason = code === "ENOENT" ? "no such directory" : code === "EACCES" || code === "EPERM" ? "permission denied" : code;
        // Secret files are written to `<path>.<pid>.tmp` first; name the file the user asked for.
        throw new GatewayConfigError(`${flag}: cannot write ${path?.replace(/\.\d+\.tmp$/, "") ?? "the output"}: ${reason}`);
    }
}

/**
 * The strings of the outputs that are or may be secrets, whatever their shape: everything under
 * `gateway.clientSecret` and `gateway.certificate.privateKeyPem`, and any string holding a PEM private key.
 */
function secretStrings(text: string): string[] {
    let raw: unknown;
    try {
        raw = JSON.parse(text);
    } catch {
        return [];
    }
    const found: string[] = [];
    const walk = (v: unknown, secret: boolean): void => {
        if (typeof v === "string") {
            if (secret || v.includes("PRIVATE KEY-----")) found.push(v);
        } else if (Array.isArray(v)) {
            for (const x of v) walk(x, secret);
        } else if (v && typeof v === "object") {
            for (const [k, x] of Object.entries(v)) walk(x, secret || k === "clientSecret" || k === "privateKeyPem");
        }
    };
    walk(raw, false);
    return found.filter((s) => s.length >= 6);
}

/**
 * A message with every quoted fragment that is part of a secret of the input replaced by "[secret]". The
 * messages of the outputs parser quote short excerpts of wrong values; a secret put where a plain value belongs
 * must not be one of them.
 */
function redactSecrets(message: string, secrets: readonly string[]): string {
    if (secrets.length === 0) return message;
    return message.replace(/"((?:[^"\\]|\\.)*)"/g, (whole, body: string) => {
        let text: string;
        try {
            text = JSON.parse(`"${body}"`) as string;
        } catch {
            text = body;
        }
        const fragment = text.replace(/…$/, "");
        return fragment.length >= 4 && secrets.some((s) => s.includes(fragment)) ? '"[secret]"' : whole;
    });
}

async function run(opts: CliOptions, io: CliIo): Promise<number> {
    if (opts.secretValues !== undefined && opts.secretRef === undefined) throw new GatewayConfigError("--secret-values goes with --secret-ref");
    const input = await readOutputsText(opts.outputs, io);
    noteIfShared(input.file, io);
    try {
        return generateAndWrite(opts, io, input);
    } catch (err) {
        if (err instanceof GatewayConfigError) throw new GatewayConfigError(redactSecrets(err.message, secretStrings(input.text)));
        throw err;
    }
}

function generateAndWrite(opts: CliOptions, io: CliIo, input: { readonly text: string; readonly name: string }): number {
    const outputs = parseStackOutputsText(input.text, input.name);
    // Undefined means "not given": generate() refuses given options a format does not use.
    const options: GenerateOptions = {
        auth: opts.auth,
        apiVersion: opts.apiVersion,
        thumbprint: opts.thumbprint,
        secretRef: opts.secretRef,
        namespace: opts.namespace,
        envoyApiVersion: opts.envoyApiVersion,
        gatewayName: opts.gatewayName,
        oidcClientId: opts.oidcClientId,
        federatedCredential: opts.federatedCredential,
        portkeyStrategy: opts.portkeyStrategy,
        certificatePath: opts.certificatePath,
        outDir: opts.out === undefined ? undefined : resolve(opts.out),
        now: io.now,
    };
    const config = generate(opts.format, outputs, options);
    const written = writing("--out", () => emit(config, { out: opts.out, showSecrets: opts.showSecrets, stdout: io.stdout }));
    if (opts.secretValues !== undefined) written.push(...writing("--secret-values", () => writeSecretValues(opts.secretValues as string, config.secretValues)));
    for (const f of written) io.stderr.write(`wrote ${f.path}${f.sensitive ? " (mode 0600: it holds secrets)" : ""}\n`);
    io.stderr.write(`${opts.format}: ${config.auth} auth\n`);
    for (const note of config.notes) io.stderr.write(`note: ${note}\n`);
    return 0;
}

/** Runs the command; returns the exit code (0, 1 for an unexpected failure, 2 for a problem the user can fix). */
export function main(argv: readonly string[], io: CliIo): Promise<number> {
    return runCli<CliOptions>(argv, io, { name: "gateway-config", program: command(), run: (opts) => run(opts, io) });
}
