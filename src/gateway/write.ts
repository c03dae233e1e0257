/**
 * Where generated configuration goes. A file that holds a secret is created with mode 0600 (written to a
 * fresh 0600 file, then renamed over the target, so an existing world-readable file never holds the secret);
 * printing a secret to a terminal needs `--show-secrets`, as with `pulumi stack output`. Piping to a file or
 * another process is allowed.
 */
import { closeSync, existsSync, fchmodSync, mkdirSync, openSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type { OutputStream } from "../lib/cli";
import { yamlDocuments } from "./common";
import { excerpt } from "../lib/excerpt";
import { GatewayConfigError } from "./errors";
import type { GatewayConfig, GeneratedFile, SecretValue } from "./types";

export interface EmitOptions {
    /** A file, or a directory (an existing one, a path ending in "/", or any path for formats that need one). */
    readonly out?: string;
    /** Allow printing secrets to a terminal. */
    readonly showSecrets: boolean;
    readonly stdout: OutputStream;
}

/** A file written, and whether it holds a secret (then its mode is 0600). */
export interface WrittenFile {
    readonly path: string;
    readonly sensitive: boolean;
}

/**
 * `dir/name`, refused unless it is a file directly inside `dir`: a name from the input (an account key, a
 * secret key) never reaches a parent folder, an absolute path or a subfolder.
 */
export function fileInside(dir: string, name: string): string {
    const path = resolve(dir, name);
    if (name === "" || name === "." || name === ".." || dirname(path) !== resolve(dir)) {
        throw new GatewayConfigError(`refusing to write ${excerpt(name)}: every file goes directly into ${dir}`);
    }
    return path;
}

/** Writes `content` to `path`; a sensitive file gets mode 0600 whatever existed there before. */
export function writeFileSecure(path: string, content: string, sensitive: boolean): void {
    if (!sensitive) {
        writeFileSync(path, content);
        return;
    }
    const tmp = `${path}.${process.pid}.tmp`;
    const fd = openSync(tmp, "wx", 0o600);
    try {
        fchmodSync(fd, 0o600); // the mode given to open is reduced by the umask
        writeSync(fd, content);
    } finally {
        closeSync(fd);
    }
    try {
        renameSync(tmp, path);
    } catch (err) {
        rmSync(tmp, { force: true });
        throw err;
    }
}

/** The config as one stream: YAML documents or the single file. */
export function combined(config: GatewayConfig): string {
    if (config.combine === "directory") {
        throw new GatewayConfigError(`${config.format} writes ${config.files.map((f) => f.name).join(", ")}: --out must name a directory`);
    }
    return config.combine === "single" ? config.files.map((f) => f.content).join("") : yamlDocuments(config.files.map((f) => f.content));
}

/** For stdout: the combined stream, or each file under a `# ==> name <==` header when there is none. */
function printable(config: GatewayConfig): string {
    if (config.combine !== "directory") return combined(config);
    return config.files.map((f) => `# ==> ${f.name} <==\n${f.content}`).join("\n");
}

function isDirectoryTarget(out: string, config: GatewayConfig): boolean {
    return config.combine === "directory" || /[\\/]$/.test(out) || (existsSync(out) && statSync(out).isDirectory());
}

function sensitiveNames(files: readonly GeneratedFile[]): string {
    return files.filter((f) => f.sensitive).map((f) => f.name).join(", ");
}

/** Prints or writes the config; returns the files written (none when printed). */
export function emit(config: GatewayConfig, options: EmitOptions): WrittenFile[] {
    const secret = config.files.some((f) => f.sensitive);
    if (options.out === undefined) {
        if (secret && options.stdout.isTTY && !options.showSecrets) {
            throw new GatewayConfigError(`the ${config.format} config holds secrets (${sensitiveNames(config.files)}) and stdout is a terminal: ` +
                "pass --show-secrets to print them, or --out to write them to a file with mode 0600");
        }
        options.stdout.write(printable(config));
        return [];
    }
    if (isDirectoryTarget(options.out, config)) {
        // Every path is checked before anything is written: a refusal leaves no partial output.
        const targets = config.files.map((f) => ({ f, path: fileInside(options.out as string, f.name) }));
        mkdirSync(options.out, { recursive: true, mode: 0o700 });
        return targets.map(({ f, path }) => {
            writeFileSecure(path, f.content, f.sensitive);
            return { path, sensitive: f.sensitive };
        });
    }
    writeFileSecure(options.out, combined(config), secret);
    return [{ path: options.out, sensitive: secret }];
}

/** Writes each secret value to `<dir>/<key>` with mode 0600 (for `--secret-values`). */
export function writeSecretValues(dir: string, values: readonly SecretValue[]): WrittenFile[] {
    const targets = values.map((v) => ({ v, path: fileInside(dir, v.key) }));
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    return targets.map(({ v, path }) => {
        writeFileSecure(path, v.content, true);
        return { path, sensitive: true };
    });
}
