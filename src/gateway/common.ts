/**
 * Helpers the format renderers share: YAML that YAML 1.1 readers (PyYAML in LiteLLM and the TrueFoundry CLI)
 * read back as the same strings, the Foundry Local note, and model-type inference.
 */
import { stringify } from "yaml";
import { excerpt } from "../lib/excerpt";
import { outputPath } from "../outputs/paths";
import type { AccountOutputs, StackOutputs } from "./outputs";

/**
 * YAML text for one document. `version: "1.1"` quotes strings a YAML 1.1 reader would take for something
 * else (`2024-10-21` is a date to PyYAML, `on`/`yes` booleans); `lineWidth: 0` never folds long values.
 */
export function toYaml(doc: unknown): string {
    return stringify(doc, { version: "1.1", lineWidth: 0, minContentWidth: 0 });
}

/** Joins YAML documents into one multi-document stream. */
export function yamlDocuments(docs: readonly string[]): string {
    return docs.map((d) => (d.endsWith("\n") ? d : `${d}\n`)).join("---\n");
}

/**
 * The note for a stack with Foundry Local, which no supported gateway format can target: Foundry Local serves
 * OpenAI-compatible `/v1/...` routes and takes tokens for its own API (`foundryLocal.appScope`), and the
 * stack outputs name no Foundry Local models. `why` says what the gateway lacks.
 */
export function foundryLocalNote(outputs: StackOutputs, why: string): string[] {
    const fl = outputs.foundryLocal;
    if (!fl) return [];
    const where = fl.endpoint ?? `${Object.keys(fl.sites ?? {}).length} sites`;
    return [`foundryLocal (${shown(where)}) skipped: ${why}; the stack outputs also name no Foundry Local models. ` +
        `Call it with a token for ${shown(fl.appScope)} (docs/gateways.md, "Foundry Local")`];
}

/**
 * A value from the outputs as a note names it: as is when it looks like an ordinary one (an endpoint, a scope: up to
 * 255 characters, on one line), else a short excerpt (docs/reliability.md).
 */
function shown(value: string): string {
    return value.length <= 255 && !/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/.test(value) ? value : excerpt(value);
}

/** Accounts without deployments in the outputs (adopted accounts may still have deployments made elsewhere). */
export function emptyAccountNotes(outputs: StackOutputs, what: string): string[] {
    return Object.entries(outputs.accounts)
        .filter(([, a]) => a.deployments.length === 0)
        .map(([name]) => `${outputPath(["accounts", name])} has no deployments in the stack outputs: ${what}`);
}

/** Every (account, deployment) pair, in output order. */
export function deploymentsOf(outputs: StackOutputs): { account: string; acc: AccountOutputs; deployment: AccountOutputs["deployments"][number] }[] {
    return Object.entries(outputs.accounts).flatMap(([account, acc]) => acc.deployments.map((deployment) => ({ account, acc, deployment })));
}

/** The resource name of an account, from its `https://<name>.openai.azure.com/` endpoint. */
export function resourceName(acc: AccountOutputs): string | undefined {
    return /^([a-z0-9][a-z0-9-]*)\.openai\.azure\.com$/i.exec(new URL(acc.openAiEndpoint).hostname)?.[1];
}
