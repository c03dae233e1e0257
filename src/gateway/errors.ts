/**
 * The one error type of `gateway-config`: a problem the user can fix (bad input, an impossible option
 * combination, a refusal to print secrets). The CLI prints its message as one line and exits with code 2.
 * It is the shared CliError, so problems with the stack outputs (OutputsError, src/outputs/) are ones too.
 * A message quotes a value the user gave only as src/lib/excerpt.ts `excerpt` shows it.
 */
export { CliError as GatewayConfigError } from "../lib/cli";
