/**
 * Helpers for the pack's tests: render stacks with the offline harness, find resources, and make a failing
 * case by changing one input of a copy of a real rendered resource. Not loaded by the pack itself.
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { DEFAULT_NOW, type HarnessResource } from "../harness/run";
import { stackRun } from "../test/helpers";
import { isRecord } from "./policies/guards";
import type { RenderedResource } from "./offline";

export const ROOT = join(__dirname, "..");

/** The clock the harness renders with; lifetimes in tests are measured from it. */
export const NOW = DEFAULT_NOW;
export const clock = () => NOW;

/** Every example stack: `Pulumi.<stack>.yaml` at the repo root and `examples/*.yaml`. */
export function exampleStackFiles(): string[] {
    const root = readdirSync(ROOT).filter((f) => /^Pulumi\.[^.]+\.ya?ml$/.test(f)).map((f) => join(ROOT, f));
    const examples = readdirSync(join(ROOT, "examples")).filter((f) => /\.ya?ml$/.test(f)).map((f) => join(ROOT, "examples", f));
    return [...root, ...examples].sort();
}

/** Renders a stack config file with the harness (a render shared with the other tests that ask for it; frozen). */
export async function renderFile(path: string): Promise<readonly HarnessResource[]> {
    return (await stackRun(path, { now: NOW })).resources;
}

/** The one rendered resource with this logical name. */
export function byName(resources: readonly RenderedResource[], name: string): RenderedResource {
    const found = resources.find((r) => r.name === name);
    if (!found) throw new Error(`no resource named ${name}; have: ${resources.map((r) => r.name).join(", ")}`);
    return found;
}

/** The first rendered resource of a type. */
export function firstOfType(resources: readonly RenderedResource[], type: string): RenderedResource {
    const found = resources.find((r) => r.type === type);
    if (!found) throw new Error(`no resource of type ${type}`);
    return found;
}

/**
 * A copy of a resource with the input at a dotted path (array indexes as numbers, e.g. `api.oauth2PermissionScopes.0.type`)
 * set to a value, or removed when the value is undefined. Throws if the path does not exist, so a test cannot
 * silently mutate nothing.
 */
export function withInput(r: RenderedResource, path: string, value: unknown): RenderedResource {
    const inputs: Record<string, unknown> = structuredClone({ ...r.inputs });
    const keys = path.split(".");
    const last = keys.pop();
    if (last === undefined) throw new Error("empty path");
    let node: unknown = inputs;
    for (const k of keys) {
        node = Array.isArray(node) ? node[Number(k)] : isRecord(node) ? node[k] : undefined;
        if (node === undefined) throw new Error(`${r.name}: no input at ${path}`);
    }
    if (Array.isArray(node)) {
        if (value === undefined) throw new Error(`${r.name}: cannot remove array element ${path}`);
        node[Number(last)] = value;
    } else if (typeof node === "object" && node !== null) {
        if (value === undefined) Reflect.deleteProperty(node, last);
        else Reflect.set(node, last, value);
    } else {
        throw new Error(`${r.name}: ${path} is not inside an object`);
    }
    return { ...r, inputs };
}

/** A copy of a resource with some options changed. */
export function withOptions(r: RenderedResource, options: Partial<RenderedResource["options"]>): RenderedResource {
    return { ...r, options: { ...r.options, ...options } };
}

/** The graph with one resource replaced by another of the same URN. */
export function replaced(resources: readonly RenderedResource[], r: RenderedResource): RenderedResource[] {
    if (!resources.some((x) => x.urn === r.urn)) throw new Error(`${r.urn} is not in the graph`);
    return resources.map((x) => (x.urn === r.urn ? r : x));
}
