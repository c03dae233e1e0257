// foundry-entra's policy pack: `pulumi preview --policy-pack policy` (from the repo root) loads this file.
// The policies live in ./policies so that tests can run them without starting the pack's gRPC server.
import { PolicyPack } from "@pulumi/policy";
import { policies } from "./policies";

new PolicyPack("foundry-entra", { policies });
