import type { StackConfig } from "./config/types";
import type { GatewayIdentity } from "../components";
import type { DeployContext } from "./program";

/** In-stack delivery of the gateway's credentials (Key Vault, Kubernetes). */
export function declareDelivery(config: StackConfig, _gateway: GatewayIdentity, _ctx: DeployContext): Record<string, unknown> | undefined {
    if (!config.gatewayDelivery) return undefined;
    throw new Error("foundry-entra:gatewayDelivery is not implemented yet");
}
