/** What the two command-line tools share: argument parsing with exit code 2 for bad usage. */
import { CommanderError, type Command } from "commander";

/**
 * Parses argv; returns an exit code when the tool should stop right away (0 after --help, 2 on bad usage,
 * commander having printed the message), or undefined to go on.
 */
export function parseArgs(program: Command, argv: readonly string[]): number | undefined {
    program.exitOverride().configureOutput({ writeErr: (s) => process.stderr.write(s) });
    try {
        program.parse([...argv]);
        return undefined;
    } catch (err) {
        if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
        throw err;
    }
}
