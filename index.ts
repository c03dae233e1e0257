// The Pulumi program. The CLI calls the exported function and publishes what it returns as stack outputs.
// Tests and `npm run render` run the same function under the SDK's mock runtime (see harness/).
import { runStack } from "./src/program";

export = runStack;
