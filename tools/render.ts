/**
 * `npm run render -- [--stack NAME | --config FILE] [--format tree|json|mermaid] [--out FILE] [--now DATE]`
 *
 * Renders a stack offline: runs the real program under the test harness's mocks (no Azure credentials, no
 * Pulumi CLI, no network) and prints its resources and outputs. Secrets print as [secret], values Azure
 * assigns as <resource.field>. Logic lives in src/render/; see docs/render.md.
 */
import { join } from "node:path";
import { main } from "../src/render/cli";

// The SDK captures a stack trace for every promise it creates (for its leak report), and under tsx each one is
// source-mapped: a third of a large render. The render never prints a stack trace.
Error.stackTraceLimit = 0;

// `npm run render -- --format json | head`: a reader that stops early is not an error.
process.stdout.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code !== "EPIPE") throw err;
    process.exit(process.exitCode ?? 0);
});

main(process.argv.slice(2), {
    stdout: process.stdout,
    stderr: process.stderr,
    cwd: process.env.INIT_CWD ?? process.cwd(),
    projectDir: join(__dirname, ".."),
    env: process.env,
}).then((code) => {
    process.exitCode = code;
}, (err: unknown) => {
    process.stderr.write(`render: unexpected error: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
});
