/**
 * Offline renders of a stack: run the real program under the harness's mocks, build the redacted render
 * model, print it as a tree, JSON or a Mermaid flowchart. Used by `npm run render`, `npm run bench` and tests.
 */
import { runProgram } from "../../harness/run";
import { renderJson } from "./json";
import { renderMermaid } from "./mermaid";
import { buildModel, type RenderModel } from "./model";
import { renderTree } from "./tree";

export { buildModel, type RenderModel, type RenderResource } from "./model";

export const FORMATS = ["tree", "json", "mermaid"] as const;
export type Format = (typeof FORMATS)[number];

const FORMATTERS: Readonly<Record<Format, (model: RenderModel) => string>> = {
    tree: renderTree,
    json: renderJson,
    mermaid: renderMermaid,
};

export interface RenderOptions {
    /** Stack config as the runtime holds it (`loadStackConfigFile(...).config`). */
    readonly config: Readonly<Record<string, string>>;
    readonly stack: string;
    /** The clock credential dates are computed from. */
    readonly now: Date;
}

/** Runs the program offline and returns its render model. Throws the harness's ProgramFailed on bad config. */
export async function renderModel(options: RenderOptions): Promise<RenderModel> {
    const run = await runProgram(options);
    return buildModel(run, options.now);
}

export function formatModel(model: RenderModel, format: Format): string {
    return FORMATTERS[format](model);
}
