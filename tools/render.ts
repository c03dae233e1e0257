/**
 * `npm run render -- [--stack NAME | --config FILE] [--format tree|json|mermaid] [--out FILE] [--now DATE]`
 *
 * Renders a stack offline: runs the real program under the test harness's mocks (no Azure credentials, no
 * Pulumi CLI, no network) and prints its resources and outputs. Secrets print as [secret], values Azure
 * assigns as <resource.field>. Logic lives in src/render/; see docs/render.md.
 */
import { join } from "node:path";
import { processIo, runAsProcess } from "../src/lib/cli";
import { main } from "../src/render/cli";

// The SDK captures a stack trace for every promise it creates (for its leak report), and under tsx each one is
// source-mapped: a third of a large render. The render never prints a stack trace.
Error.stackTraceLimit = 0;

// `npm run render -- --format json | head`: runAsProcess ends quietly when the reader stops early.
runAsProcess("render", () => main(process.argv.slice(2), {
    ...processIo(),
    cwd: process.env.INIT_CWD ?? process.cwd(),
    projectDir: join(__dirname, ".."),
    env: process.env,
}));
