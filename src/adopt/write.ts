/**
 * Puts what `npm run adopt` found into a stack file, keeping the file as its owner wrote it: comments, order, quoting
 * and flow style survive, because the edit goes through the `yaml` package's Document API (the parsed document with
 * its comments) rather than a re-serialised plain object. Only `foundry-entra:adopt` is replaced, and the entries
 * adopt changes (`accounts[i]`, `managedIdentities[i]`) get the changed keys and a comment saying why.
 */
import { isMap, isScalar, isSeq, parseDocument, type Document, type Pair, type Scalar, type YAMLMap } from "yaml";
import { NAMESPACE } from "../config/parse";
import type { EntryEdit } from "./discover";

export const ADOPT_KEY = `${NAMESPACE}:adopt`;

/** Lists whose items are written as one-line flow maps (an item per line reads like the table it is). */
const FLOW_ITEMS = new Set(["roleAssignments", "appRoleAssignments", "userAssignedIdentities", "gatewayCredentials"]);

function configMap(doc: Document): YAMLMap {
    const config = doc.get("config", true);
    if (!isMap(config)) throw new Error("the stack file has no config map");
    return config;
}

/** Returns the stack file's text with the adopt map and the entry edits applied. */
export function applyAdoption(text: string, adopt: Record<string, unknown>, edits: readonly EntryEdit[], stamp: string): string {
    const doc = parseDocument(text);
    if (doc.errors.length > 0) throw new Error(doc.errors[0]!.message);
    const config = configMap(doc);

    const value = doc.createNode(adopt) as YAMLMap;
    for (const pair of value.items as Pair<Scalar, unknown>[]) {
        if (FLOW_ITEMS.has(String(pair.key.value)) && isSeq(pair.value)) for (const item of pair.value.items) if (isMap(item)) item.flow = true;
    }
    const existing = (config.items as Pair[]).find((p) => isScalar(p.key) && p.key.value === ADOPT_KEY);
    const comment = ` What existed before this stack, taken over by the next pulumi up (written by npm run adopt, ${stamp}; docs/adoption.md).`;
    if (existing) {
        existing.value = value;
        if (isScalar(existing.key)) existing.key.commentBefore = comment;
    } else {
        const key = doc.createNode(ADOPT_KEY) as Scalar;
        key.commentBefore = comment;
        config.items.push(doc.createPair(key, value));
    }

    for (const edit of edits) {
        const list = config.get(`${NAMESPACE}:${edit.key}`, true);
        const entry = isSeq(list) ? list.items[edit.index] : undefined;
        if (!isMap(entry)) throw new Error(`${NAMESPACE}:${edit.key}[${edit.index}] is not a map in the stack file`);
        for (const [path, v] of Object.entries(edit.set)) entry.setIn(path.split("."), v);
        entry.commentBefore = ` ${edit.why}`;
    }
    return doc.toString({ lineWidth: 0 });
}
