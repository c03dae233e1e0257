/**
 * `npm run expiry -- [--outputs FILE|-] [--within 30] [--now DATE] [--json]`
 *
 * For a scheduled pipeline: `pulumi stack output --json | npm run --silent expiry -- --within 30` exits 1,
 * naming the credential, its date and the fix, when the gateway's current client secret or certificate
 * expires within the window; 2 when the input or an option is wrong; 0 otherwise. Logic lives in
 * src/expiry/; see docs/production.md.
 */
import { text } from "node:stream/consumers";
import { main } from "../src/expiry/cli";

// FOUNDRY_ENTRA_NOW, as for the program, judges expiry as of another date (--now wins).
const env = process.env.FOUNDRY_ENTRA_NOW ? new Date(process.env.FOUNDRY_ENTRA_NOW) : undefined;

main(process.argv.slice(2), {
    ...(env && !Number.isNaN(env.getTime()) ? { now: env } : {}),
    stdout: process.stdout,
    stderr: process.stderr,
    stdinIsTTY: Boolean(process.stdin.isTTY),
    readStdin: () => text(process.stdin),
}).then((code) => {
    process.exitCode = code;
}, (err: unknown) => {
    process.stderr.write(`expiry: unexpected error: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 2;
});
