/**
 * The one error type of `gateway-config`: a problem the user can fix (bad input, an impossible option
 * combination, a refusal to print secrets). The CLI prints its message as one line and exits with code 2.
 * It is the shared CliError, so problems with the stack outputs (OutputsError, src/outputs/) are ones too.
 */
export { CliError as GatewayConfigError } from "../lib/cli";

/** The most of a refused value a message quotes. */
const EXCERPT = 40;

/**
 * A value the user gave (a flag, a key), quoted for a message: JSON-quoted, so control characters show, and cut
 * to a short excerpt. Never pass a secret here: messages name where a secret was wrong, not what it was.
 */
export function quoted(value: string): string {
    return value.length > EXCERPT ? `${JSON.stringify(value.slice(0, EXCERPT - 3)).slice(0, -1)}…"` : JSON.stringify(value);
}
