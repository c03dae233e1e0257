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

/** Parses JSON text; `source` names the input in messages, e.g. `outputs.json` or `stdin`. */
export function parseJson(text: string, source: string, wording: JsonWording = SHOW_SECRETS_WORDING): unknown {
    if (wording.empty && text.trim() === "") throw new OutputsError(wording.empty(source));
    try {
        return JSON.parse(text);
    } catch (err) {
        const message = messageOf(err);
        const position = /position (\d+)/.exec(message)?.[1];
        throw new OutputsError(wording.notJson(source, { message, ...(position !== undefined ? { position: Number(position) } : {}) }));
    }
}
