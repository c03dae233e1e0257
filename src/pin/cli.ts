/**
 * The `pin` command: what depends on resource names, brought up to date from the stack files in one step.
 * Renaming resources in a stack file (step 2 of the README's walk-through: your accounts, groups, clusters)
 * changes their URNs, which test/urns.test.ts pins in test/fixtures/urns/, and the staging diagram docs/stack.md
 * shows. `npm run pin` says what is out of date (exit 1); `npm run pin -- --write` rewrites it (exit 0). Exit 0
 * when all is up to date, 2 for bad usage or a stack the program refuses. Renders offline, under mocks.
 *
 * Pins are for a stack that does not exist yet, or for resources added or removed on purpose: a renamed resource
 * of a deployed stack needs an alias instead, or `pulumi up` replaces it (test/urns.test.ts explains).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Command } from "commander";
import { DEFAULT_NOW, loadStackConfigFile, PROJECT, runProgram, type RunResult } from "../../harness/run";
import { CliError, messageOf, runCli, type CommandIo } from "../lib/cli";
import { engineIdentities } from "../plan/urns";
import { buildModel } from "../render/model";
import { renderMermaid } from "../render/mermaid";

/** The command that rewrites what this module computes, as the pins and the docs name it. */
export const PIN_COMMAND = "npm run pin -- --write";

/** The pinned stacks: pin name → stack file (relative to the project). */
export const PINNED_STACKS = [
    { pin: "dev", file: "Pulumi.dev.yaml" },
    { pin: "full", file: "examples/full.yaml" },
    { pin: "prod", file: "Pulumi.prod.yaml" },
    { pin: "staging", file: "Pulumi.staging.yaml" },
] as const;

/** The stack whose diagram docs/stack.md shows. */
export const DIAGRAM_STACK_FILE = "Pulumi.staging.yaml";

/** The page that shows it, relative to the project. */
export const DIAGRAM_DOC = "docs/stack.md";

/** Where a stack's URNs are pinned, relative to the project. */
export const pinFile = (pin: string) => `test/fixtures/urns/${pin}.json`;

/** A pin file: the engine URNs of a stack file, rendered with the harness's fixed clock. */
export interface PinFile {
    readonly $comment: string;
    readonly file: string;
    readonly stack: string;
    readonly now: string;
    readonly urns: readonly string[];
}

/** The first ```mermaid block of a Markdown text: its body, and where the body starts and ends. */
export function mermaidBlock(markdown: string): { body: string; start: number; end: number } | undefined {
    const m = /```mermaid\n([\s\S]*?)```/.exec(markdown);
    if (!m) return undefined;
    const start = m.index + "```mermaid\n".length;
    return { body: m[1]!, start, end: start + m[1]!.length };
}

/** Every file of the project that depends on resource names, as it should read: project-relative path → text. */
export async function pinnedFiles(root: string): Promise<Map<string, string>> {
    const runs = new Map<string, RunResult>();
    for (const { file } of PINNED_STACKS) runs.set(file, await runProgram({ ...loadStackConfigFile(join(root, file)), now: DEFAULT_NOW }));
    const files = new Map<string, string>();
    for (const { pin, file } of PINNED_STACKS) {
        const { stack, resources } = runs.get(file)!;
        const doc: PinFile = {
            $comment: `URNs of ${file} as stack "${stack}", rendered with the harness clock. Regenerate only for an intended change: ${PIN_COMMAND}`,
            file, stack, now: DEFAULT_NOW.toISOString(), urns: engineIdentities(resources, stack, PROJECT).map((x) => x.urn).sort(),
        };
        files.set(pinFile(pin), `${JSON.stringify(doc, null, 2)}\n`);
    }
    const page = readFileSync(join(root, DIAGRAM_DOC), "utf8");
    const block = mermaidBlock(page);
    if (!block) throw new CliError(`${DIAGRAM_DOC} has no \`\`\`mermaid block for the staging diagram`);
    const diagram = renderMermaid(buildModel(runs.get(DIAGRAM_STACK_FILE)!, DEFAULT_NOW));
    files.set(DIAGRAM_DOC, `${page.slice(0, block.start)}${diagram}${page.slice(block.end)}`);
    return files;
}

/** The project-relative paths whose text differs from `pinnedFiles` (a missing file differs). */
export function outOfDate(root: string, files: ReadonlyMap<string, string>): string[] {
    const current = (path: string) => {
        try {
            return readFileSync(join(root, path), "utf8");
        } catch {
            return undefined;
        }
    };
    return [...files].filter(([path, text]) => current(path) !== text).map(([path]) => path);
}

interface Options {
    write?: boolean;
}

/** The command's I/O and the project it works on. */
export interface PinIo extends CommandIo {
    /** The project directory: stack files, docs/stack.md, test/fixtures/urns/. */
    readonly projectDir: string;
}

async function run(opts: Options, io: PinIo): Promise<number> {
    const files = await pinnedFiles(io.projectDir);
    const stale = outOfDate(io.projectDir, files);
    if (stale.length === 0) {
        io.stdout.write(`pin: up to date: ${[...files.keys()].join(", ")}\n`);
        return 0;
    }
    if (!opts.write) {
        for (const path of stale) io.stdout.write(`out of date: ${path}\n`);
        io.stderr.write(`pin: ${stale.length} file${stale.length === 1 ? "" : "s"} out of date with the stack files; rewrite with ${PIN_COMMAND}\n`);
        return 1;
    }
    for (const path of stale) {
        writeFileSync(join(io.projectDir, path), files.get(path)!);
        io.stdout.write(`wrote ${path}\n`);
    }
    return 0;
}

/** Runs the command; returns the exit code. */
export function main(argv: readonly string[], io: PinIo): Promise<number> {
    const program = new Command("pin")
        .description("Bring what depends on resource names up to date with the stack files: the URN pins (test/fixtures/urns/) and the staging diagram in docs/stack.md. Offline.")
        .option("--write", "rewrite the files that are out of date (without it: list them, exit 1)");
    return runCli<Options>(argv, io, {
        name: "pin", program, run: (opts) => run(opts, io),
        unexpected: (err) => ({ code: 2, line: `pin: a stack file the program refuses: ${messageOf(err).split("\n")[0] ?? ""}` }),
    });
}
