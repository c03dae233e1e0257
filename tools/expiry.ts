/**
 * `npm run expiry -- [--outputs FILE|-] [--within 30] [--now DATE] [--json]`
 *
 * For a scheduled pipeline: `pulumi stack output --json | npm run --silent expiry -- --within 30` exits 1,
 * naming the credential, its date and the fix, when the gateway's current client secret or certificate
 * expires within the window; 2 when the input or an option is wrong; 0 otherwise. Logic lives in
 * src/expiry/; see docs/production.md.
 */
import { main } from "../src/expiry/cli";
import { processIo, runAsProcess } from "../src/lib/cli";

// FOUNDRY_ENTRA_NOW, as for the program, judges expiry as of another date (--now wins; anything but a date is refused).
runAsProcess("expiry", () => main(process.argv.slice(2), processIo()), 2);
