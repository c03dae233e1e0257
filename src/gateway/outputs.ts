/**
 * What gateway-config reads of the stack outputs: the shared contract (src/outputs/) with every secret shown
 * (the generated configuration holds them), restricted to the keys it uses, and with the values each gateway
 * format writes required: the app's display name, the token scope, the certificate's x5t, and per account
 * the OpenAI endpoint and every deployment's model, version and SKU. A problem names the output path and its
 * likely cause, e.g. `gateway.certificate is absent: was the stack deployed with certificate: false?`.
 */
import { z } from "zod";
import {
    AccountSchema, CertificateSchema, ClientSecretSchema, DeploymentSchema, FOUNDRY_LOCAL_REACHABLE, FoundryLocalSchema, GatewaySchema, parseOutputs, parseOutputsText,
    StackOutputsSchema,
} from "../outputs";

export { SECRET_OUTPUT_PATHS } from "../outputs";

const CertificateView = CertificateSchema.pick({ thumbprint: true, x5t: true, certificatePem: true, privateKeyPem: true, notAfter: true }).required({ x5t: true });

const AccountView = AccountSchema.pick({ kind: true, endpoint: true, openAiEndpoint: true, deployments: true })
    .required({ openAiEndpoint: true })
    .extend({ deployments: z.array(DeploymentSchema.required()) });

/** The outputs as gateway-config reads them. */
export const GatewayOutputsSchema = StackOutputsSchema.extend({
    gateway: GatewaySchema.omit({ servicePrincipalObjectId: true }).required({ displayName: true }).extend({
        tokenScope: GatewaySchema.shape.tokenScope.removeDefault(),
        certificate: CertificateView.optional(),
        clientSecret: ClientSecretSchema.pick({ value: true, expiresOn: true }).optional(),
    }),
    accounts: z.record(z.string(), AccountView),
    foundryLocal: FoundryLocalSchema.pick({ clientId: true, appScope: true, endpoint: true, sites: true }).refine(...FOUNDRY_LOCAL_REACHABLE).optional(),
});

/** Parsed stack outputs, with everything gateway-config writes. */
export type StackOutputs = z.infer<typeof GatewayOutputsSchema>;
/** `accounts.<name>`. */
export type AccountOutputs = StackOutputs["accounts"][string];
/** `gateway.certificate`. */
export type CertificateOutputs = NonNullable<StackOutputs["gateway"]["certificate"]>;
/** One of `gateway.federatedCredentials`. */
export type FederatedCredentialOutputs = StackOutputs["gateway"]["federatedCredentials"][number];

/** Validates parsed stack-output JSON; throws an OutputsError (a GatewayConfigError) naming the first problem and counting the rest. */
export function parseStackOutputs(raw: unknown): StackOutputs {
    return parseOutputs(GatewayOutputsSchema, raw);
}

/** Parses stack-output JSON text; `source` names the input in messages, e.g. `outputs.json` or `stdin`. */
export function parseStackOutputsText(text: string, source: string): StackOutputs {
    return parseOutputsText(GatewayOutputsSchema, text, source);
}
