/**
 * npm run token-doctor -- <token | -> [--for azure-openai|foundry-local] [--outputs FILE] [--tenant ID]
 *                                     [--api-client-id ID] [--caller ID] [--json]
 *
 * Offline: decodes an access token and says whether Azure OpenAI / Foundry and the Foundry Local sidecar would
 * accept it, and why not. Exit 0 when accepted, 1 when not, 2 when the input is not a JWT (or unusable).
 * Logic lives in src/token/.
 */
import { processIo, runAsProcess } from "../src/lib/cli";
import { main } from "../src/token/cli";

runAsProcess("token-doctor", () => main(process.argv.slice(2), processIo()), 2);
