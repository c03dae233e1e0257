/**
 * `npm run adopt -- (--stack NAME | --config FILE) [--write] [--format text|json] [--authority-host URL]
 *                   [--graph-endpoint URL] [--arm-endpoint URL]`
 *
 * Finds what a stack would create that already exists (built by hand from the portal guides), prints it with what the
 * next `pulumi up` will do, and with --write puts `foundry-entra:adopt` into the stack file. Signs in with
 * DefaultAzureCredential. Logic lives in src/adopt/; see docs/adoption.md.
 */
import { join } from "node:path";
import { processIo, runAsProcess } from "../src/lib/cli";
import { main } from "../src/adopt/cli";

Error.stackTraceLimit = 0;
process.setSourceMapsEnabled(false);

runAsProcess("adopt", () => main(process.argv.slice(2), {
    ...processIo(),
    cwd: process.env.INIT_CWD ?? process.cwd(),
    projectDir: join(__dirname, ".."),
}), 1);
