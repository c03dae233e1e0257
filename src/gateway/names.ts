/**
 * Names gateway-config derives from its input (account keys of the stack outputs, the app's display name,
 * `--namespace`) become file names and Kubernetes object names, so they are checked or made safe here, once:
 * a file is never written outside `--out`, and a Kubernetes name is never empty, never starts with "-", and
 * is what the API server accepts. A refused value is quoted only as a short excerpt.
 */
import { ACCOUNT_NAME as STACK_ACCOUNT_NAME } from "../config/azureNames";
import { excerpt } from "../lib/excerpt";
import { GatewayConfigError } from "./errors";
import type { StackOutputs } from "./outputs";

/**
 * An Azure AI services (Cognitive Services) account name, the key of `accounts.<name>` in the outputs: the rule the
 * stack config checks (src/config/azureNames.ts, with its source), here without regard to case, as Azure compares
 * resource names.
 */
const ACCOUNT_NAME = new RegExp(STACK_ACCOUNT_NAME.source, "i");

/** Refuses account keys that are not Azure account names: they become file names and Kubernetes names. */
export function checkAccountNames(outputs: StackOutputs): void {
    const bad = Object.keys(outputs.accounts).filter((name) => !ACCOUNT_NAME.test(name));
    if (bad.length > 0) {
        throw new GatewayConfigError(`accounts: key ${excerpt(bad[0] ?? "")} is not an Azure account name (2–64 letters, digits and hyphens, ` +
            `starting and ending with a letter or digit)${bad.length > 1 ? ` (and ${bad.length - 1} more)` : ""}: are these the outputs of a foundry-entra stack?`);
    }
}

/**
 * A Kubernetes namespace: an RFC 1123 label, at most 63 lower-case letters, digits and "-", starting and ending
 * with a letter or digit (k8s.io/apimachinery pkg/util/validation/validation.go `IsDNS1123Label`, which
 * ValidateNamespaceName uses).
 */
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** Checks `--namespace`. */
export function checkNamespace(namespace: string): string {
    if (!DNS1123_LABEL.test(namespace)) {
        throw new GatewayConfigError(`--namespace ${excerpt(namespace)} is not a Kubernetes namespace name: at most 63 lower-case letters, digits and "-", ` +
            "starting and ending with a letter or digit");
    }
    return namespace;
}

/**
 * An RFC 1123 label made from free text (a display name, an account name): lower-case, every run of other
 * characters as one "-", no leading or trailing "-", at most `max` characters; `fallback` when nothing is left
 * (a display name of emoji only). Object names built from it with fixed suffixes stay valid DNS-1123 subdomains.
 */
export function k8sLabel(value: string, fallback: string, max = 40): string {
    const label = value.toLowerCase().replace(/[^a-z0-9]+/g, "-").slice(0, max).replace(/^-+|-+$/g, "");
    return label === "" ? fallback : label;
}
