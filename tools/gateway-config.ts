/**
 * `npm run gateway-config -- --format <truefoundry|litellm|envoy|portkey> [--auth certificate|client-secret|workload-identity]
 *  [--outputs FILE|-] [--out FILE|DIR/] [--show-secrets] …`
 *
 * Turns `pulumi stack output --json --show-secrets` into ready-to-apply gateway configuration. Logic lives in
 * src/gateway/; see docs/gateways.md. Exit codes: 0 done, 2 a problem you can fix (message on stderr), 1 a bug.
 */
import { main } from "../src/gateway/cli";
import { nowFromEnv, processIo, runAsProcess } from "../src/lib/cli";

// FOUNDRY_ENTRA_NOW, as for the program, judges credential expiry as of another date.
runAsProcess("gateway-config", () => main(process.argv.slice(2), { ...processIo(), ...nowFromEnv(process.env) }));
