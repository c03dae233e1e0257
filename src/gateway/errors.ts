/**
 * The one error type of `gateway-config`: a problem the user can fix (bad input, an impossible option
 * combination, a refusal to print secrets). The CLI prints its message as one line and exits with code 2.
 */
export class GatewayConfigError extends Error {
    /** The process exit code the CLI uses for every user-fixable problem. */
    readonly exitCode = 2;

    constructor(message: string) {
        super(message);
        this.name = "GatewayConfigError";
    }
}
