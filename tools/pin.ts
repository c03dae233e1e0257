/**
 * `npm run pin [-- --write]`
 *
 * After renaming resources in the stack files (your accounts, groups, clusters): brings what depends on names up
 * to date — the URN pins (test/fixtures/urns/*.json) and the staging diagram in docs/stack.md. Without --write, lists what
 * is out of date and exits 1. Logic lives in src/pin/.
 */
import { join } from "node:path";
import { processIo, runAsProcess } from "../src/lib/cli";
import { main } from "../src/pin/cli";

runAsProcess("pin", () => main(process.argv.slice(2), { ...processIo(), projectDir: join(__dirname, "..") }), 2);
