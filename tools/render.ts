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

// The SDK captures a stack trace for every promise it creates (for its leak report) and a full one for every
// resource it constructs (its source position), and tsx source-maps each: a large share of a big render. The
// render never prints a stack trace, so it needs neither.
Error.stackTraceLimit = 0;
process.setSourceMapsEnabled(false);
// package.json runs this with --max-semi-space-size=64: the SDK keeps ~1,200 promises per resource alive until
// the resource is registered, and a larger young generation cuts garbage collection, the other large share.

// `npm run render -- --format json | head`: runAsProcess ends quietly when the reader stops early.
runAsProcess("render", () => main(process.argv.slice(2), {
    ...processIo(),
    cwd: process.env.INIT_CWD ?? process.cwd(),
    projectDir: join(__dirname, ".."),
}));
