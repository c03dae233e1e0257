export * from "./pipelineIdentity";
export * from "./scopeAccess";
export * from "./stateBackend";
