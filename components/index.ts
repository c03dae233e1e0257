export * from "./arcCluster";
export * from "./certificateCredential";
export * from "./clientSecretCredential";
export * from "./foundryAccount";
export * from "./foundryLocalApi";
export * from "./gatewayIdentity";
export * from "./inferenceAccess";
export * from "./managedIdentityAccess";
