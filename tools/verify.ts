/**
 * npm run verify -- [--outputs FILE|-] [--auth certificate|client-secret|all] [--account NAME]… [--wait 600]
 *                   [--json] [--authority-host URL] [--api-version V] [--stack NAME] [--no-foundry-local]
 *
 * Proves a deployed stack works for a gateway: tokens with the gateway's certificate and client secret, an
 * authenticated call per account (waiting for RBAC to propagate), key-based auth refused, Foundry Local
 * accepting the gateway. Exit 0 when every check passes (warnings allowed), 1 when one fails, 2 on bad input.
 * Logic lives in src/verify/.
 */
import { processIo, runAsProcess } from "../src/lib/cli";
import { main } from "../src/verify/cli";

runAsProcess("verify", () => main(process.argv.slice(2), processIo()));
