/**
 * `npm run gateway-config -- --format <truefoundry|litellm|envoy|portkey> [--auth certificate|client-secret|workload-identity]
 *  [--outputs FILE|-] [--out FILE|DIR/] [--show-secrets] …`
 *
 * Turns `pulumi stack output --json --show-secrets` into ready-to-apply gateway configuration. Logic lives in
 * src/gateway/; see docs/gateways.md. Exit codes: 0 done, 2 a problem you can fix (message on stderr), 1 a bug.
 */
import { text } from "node:stream/consumers";
import { main } from "../src/gateway/cli";

// FOUNDRY_ENTRA_NOW, as for the program, judges credential expiry as of another date.
const now = process.env.FOUNDRY_ENTRA_NOW ? new Date(process.env.FOUNDRY_ENTRA_NOW) : undefined;

main(process.argv.slice(2), {
    ...(now && !Number.isNaN(now.getTime()) ? { now } : {}),
    stdout: process.stdout,
    stderr: process.stderr,
    stdinIsTTY: Boolean(process.stdin.isTTY),
    readStdin: () => text(process.stdin),
}).then((code) => {
    process.exitCode = code;
}, (err: unknown) => {
    process.stderr.write(`gateway-config: unexpected error: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
});
