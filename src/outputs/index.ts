/**
 * The consumer side of the stack-outputs contract, for every tool that reads `pulumi stack output --json
 * [--show-secrets]`: the schema, parsing with messages that name the output path and the likely cause,
 * requiring the secret values, and reading the outputs from a file, stdin or the Pulumi CLI.
 */
export { OutputsError } from "./errors";
export { parseJson, type JsonSyntaxError, type JsonWording } from "./json";
export { unknownOutputPaths } from "./keys";
export { parseOutputs, parseOutputsText, validateOutputs, type ParseOptions } from "./parse";
export { readOutputsText, type ReadOutputsOptions } from "./read";
export {
    AccountSchema, CertificateSchema, CertificateSlotSchema, ClientSecretSchema, ClientSecretSlotSchema, DEFAULT_TOKEN_SCOPE, DeploymentSchema,
    FOUNDRY_LOCAL_REACHABLE, FoundryLocalSchema, FoundryLocalSiteSchema, GatewaySchema, OutputsContractSchema, StackOutputsSchema,
    type CertificateSlotOutputs, type ClientSecretSlotOutputs,
} from "./schema";
export { redactedSecrets, SECRET_OUTPUT_PATHS, SECRET_PLACEHOLDER, type SecretOutputPath } from "./secrets";
