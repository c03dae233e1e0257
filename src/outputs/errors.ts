/** The one error type of the outputs module. */
import { CliError } from "../lib/cli";

/**
 * The stack outputs could not be read, or are not a foundry-entra stack's outputs: a problem the user can fix,
 * printed as one line (exit code 2) that names the output path and the likely cause.
 */
export class OutputsError extends CliError {}
