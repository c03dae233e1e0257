// The bootstrap program, run once per tenant and subscription by an administrator. The CLI calls the exported
// function and publishes what it returns as stack outputs. Tests run the same function under the SDK's mock runtime.
import { runBootstrap } from "./program";

export = runBootstrap;
