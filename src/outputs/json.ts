/**
 * Stack-output text to a JSON value. JSON.parse's message can quote the input, which may hold secrets: the
 * default wording keeps only the position.
 */
import { messageOf } from "../lib/cli";
import { OutputsError } from "./errors";
import { SHOW_SECRETS_COMMAND } from "./messages";

/** Why text is not JSON: JSON.parse's message, and the position it names (when it names one). */
export interface JsonSyntaxError {
    readonly message: string;
    readonly position?: number;
}

/** How a consumer words text that is not JSON, as the message of the OutputsError thrown. */
export interface JsonWording {
    /** Text that is only white space; without it, such text is a syntax error like any other. */
    readonly empty?: (source: string) => string;
    readonly notJson: (source: string, error: JsonSyntaxError) => string;
}

const HINT = `pass what ${SHOW_SECRETS_COMMAND} prints`;

/** The wording of the tools that read `pulumi stack output --json --show-secrets`. */
const SHOW_SECRETS_WORDING: JsonWording = {
    empty: (source) => `${source} is empty: ${HINT}`,
    notJson: (source, e) => `${source} is not JSON${e.position !== undefined ? ` (at character ${e.position})` : ""}: ${HINT}`,
};

/**
 * How deep stack outputs may nest. The program's outputs are at most six levels deep; every reader walks them,
 * some recursively, so input nested thousands deep is refused here rather than overflowing the stack there.
 */
export const MAX_OUTPUTS_DEPTH = 64;

/** Whether `value` nests deeper than `limit` (objects and lists), found without recursion. */
export function nestsDeeperThan(value: unknown, limit: number): boolean {
    const stack: [unknown, number][] = [[value, 0]];
    while (stack.length > 0) {
        const [v, depth] = stack.pop()!;
        if (v === null || typeof v !== "object") continue;
        if (depth >= limit) return true;
        for (const child of Object.values(v)) if (child !== null && typeof child === "object") stack.push([child, depth + 1]);
    }
    return false;
}

/** Parses JSON text; `source` names the input in messages, e.g. `outputs.json` or `stdin`. */
export function parseJson(text: string, source: string, wording: JsonWording = SHOW_SECRETS_WORDING): unknown {
    if (wording.empty && text.trim() === "") throw new OutputsError(wording.empty(source));
    let value: unknown;
    try {
        value = JSON.parse(text);
    } catch (err) {
        const message = messageOf(err);
        const position = /position (\d+)/.exec(message)?.[1];
        throw new OutputsError(wording.notJson(source, { message, ...(position !== undefined ? { position: Number(position) } : {}) }));
    }
    if (nestsDeeperThan(value, MAX_OUTPUTS_DEPTH)) {
        throw new OutputsError(`${source}: nested more than ${MAX_OUTPUTS_DEPTH} levels deep; stack outputs nest a few levels, so this is not what pulumi stack output --json prints`);
    }
    return value;
}
