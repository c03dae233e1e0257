/**
 * `npm run plan -- (--stack NAME | --config FILE) --state FILE [--now DATE] [--as OBJECT_ID] [--format text|json]`
 * `npm run plan -- --preview FILE [--stack NAME | --config FILE] [--format text|json]`
 *
 * What `pulumi up` would do to a stack, offline, against a previous render or a real `pulumi stack export`; or the
 * judgement of a real `pulumi preview --json`. Exit 1 names the changes that would cut a gateway off. Logic lives in
 * src/plan/; see docs/day-two.md.
 */
import { join } from "node:path";
import { processIo, runAsProcess } from "../src/lib/cli";
import { main } from "../src/plan/cli";

// As for render: no stack traces are printed, so none are captured or source-mapped.
Error.stackTraceLimit = 0;
process.setSourceMapsEnabled(false);

runAsProcess("plan", () => main(process.argv.slice(2), {
    ...processIo(),
    cwd: process.env.INIT_CWD ?? process.cwd(),
    projectDir: join(__dirname, ".."),
}), 2);
