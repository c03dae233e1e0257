/**
 * `--format tree` (the default): the resource tree as a person reads it in an 80-column terminal. Each
 * component with its children, each resource with its type and key properties, then the stack outputs.
 */
import { ROLE_ASSIGNMENTS_PER_SUBSCRIPTION } from "../config/roleAssignments";
import { criticalPath, describeChain } from "./criticalPath";
import { childrenByParent, shortType, type RenderModel, type RenderResource } from "./model";
import { SECRET } from "./redact";
import { summarize } from "./summary";

export const TREE_WIDTH = 80;

/**
 * Fits `text` after `first` in lines of at most `width` columns; continuation lines start with `next`.
 * Breaks after a space or `/` where it can, then after `,` or `-`, mid-word where it must.
 */
export function fit(first: string, next: string, text: string, width = TREE_WIDTH): string[] {
    const lines: string[] = [];
    let prefix = first;
    let rest = text;
    while (prefix.length + rest.length > width) {
        const room = Math.max(width - prefix.length, 10);
        const window = rest.slice(0, room);
        // The last good break in the line: a space or slash, else a comma, else a hyphen, else mid-word.
        const cut = [[" ", "/"], [","], ["-"]]
            .map((chars) => Math.max(...chars.map((c) => window.lastIndexOf(c))))
            .find((i) => i > room / 3);
        const at = cut !== undefined ? cut + 1 : room;
        lines.push(`${prefix}${rest.slice(0, at)}`.trimEnd());
        rest = rest.slice(at).trimStart();
        prefix = next;
    }
    lines.push(`${prefix}${rest}`);
    return lines;
}

export function renderTree(model: RenderModel, width = TREE_WIDTH): string {
    const custom = model.resources.filter((r) => r.custom).length;
    const path = criticalPath(model);
    const out = [
        ...fit("", "", `${model.project}, stack ${model.stack}: ${custom} cloud resources in ${model.resources.length - custom} components, rendered offline as of ${model.now}.`, width),
        ...fit("", "", `<resource.field> is assigned by Azure or a provider at deploy time; ${SECRET} is a Pulumi secret.`, width),
        ...fit("", "  ", `Critical path (${path.chain.length} round trips): ${describeChain(path)}`, width),
        ...fit("", "  ", roleAssignmentLine(model), width),
        ...fleetLines(model).flatMap((line) => fit("", "  ", line, width)),
        "",
    ];
    const children = childrenByParent(model.resources);
    const node = (r: RenderResource, lead: string, guide: string, bodyGuide: string): void => {
        out.push(...fit(`${lead}${guide}`, `${lead}${bodyGuide}    `, `${shortType(r.type)} ${r.name}`, width));
        const kids = children.get(r.urn) ?? [];
        const below = `${lead}${bodyGuide}${kids.length > 0 ? "│  " : "   "}`;
        for (const [key, value] of [...groupSummary(r, kids), ...summarize(r, model)]) out.push(...fit(`${below}${key}: `, `${below}    `, value, width));
        kids.forEach((k, i) => {
            const last = i === kids.length - 1;
            node(k, `${lead}${bodyGuide}`, last ? "└─ " : "├─ ", last ? "   " : "│  ");
        });
    };
    for (const r of children.get(null) ?? []) {
        node(r, "", "", "");
        out.push("");
    }
    out.push("Outputs");
    outputLines(model.outputs, "  ", out, width);
    return `${out.join("\n")}\n`;
}

const ROLE_ASSIGNMENT = "azure-native:authorization:RoleAssignment";
const FLEET = "foundry-entra:index:FoundryLocalFleet";
const RESOURCE_GROUP = "foundry-entra:index:FoundryLocalResourceGroup";
const SITE = "foundry-entra:index:ArcCluster";
const count = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString("en-US")} ${n === 1 ? one : many}`;

/** The role assignments declared, against Azure's limit per subscription (src/config/roleAssignments.ts). */
function roleAssignmentLine(model: RenderModel): string {
    const n = model.resources.filter((r) => r.type === ROLE_ASSIGNMENT).length;
    return `Role assignments: ${n.toLocaleString("en-US")} of the ${ROLE_ASSIGNMENTS_PER_SUBSCRIPTION.toLocaleString("en-US")} Azure allows ` +
        "per subscription (assignments made outside this stack count too).";
}

/** The fleet at a glance, when the stack has one: sites, resource groups, and where fleet-wide grants are made. */
function fleetLines(model: RenderModel): string[] {
    if (!model.resources.some((r) => r.type === FLEET)) return [];
    const sites = model.resources.filter((r) => r.type === SITE).length;
    const groups = model.resources.filter((r) => r.type === RESOURCE_GROUP).length;
    return [`Foundry Local fleet: ${count(sites, "site")} in ${count(groups, "resource group")}, one API app registration; each resource group below groups its sites.`];
}

/** Lines a grouping component gets in the tree: how many sites it holds, and grants at a resource group's scope. */
function groupSummary(r: RenderResource, kids: readonly RenderResource[]): [string, string][] {
    if (r.type === FLEET) return [["resource groups", String(kids.filter((k) => k.type === RESOURCE_GROUP).length)]];
    if (r.type !== RESOURCE_GROUP) return [];
    return [
        ["sites", String(kids.filter((k) => k.type === SITE).length)],
        ["grants at the resource group", String(kids.filter((k) => k.type === ROLE_ASSIGNMENT).length)],
    ];
}

/** Outputs as an indented outline, YAML-like: `key: value`, nested values below their key, list items as `- `. */
function outputLines(value: unknown, indent: string, out: string[], width: number): void {
    const entries: [string, unknown][] = Array.isArray(value)
        ? value.map((v): [string, unknown] => ["-", v])
        : Object.entries(value as Record<string, unknown>);
    for (const [key, v] of entries) {
        const nested = v !== null && typeof v === "object" && (Array.isArray(v) ? v.length > 0 : Object.keys(v).length > 0);
        if (key === "-" && nested && !Array.isArray(v)) {
            // A list item that is an object: its first key on the dash line, the rest aligned below it.
            const item: string[] = [];
            outputLines(v, `${indent}  `, item, width);
            item[0] = `${indent}- ${item[0]?.slice(indent.length + 2) ?? ""}`;
            out.push(...item);
        } else if (nested) {
            out.push(key === "-" ? `${indent}-` : `${indent}${key}:`);
            outputLines(v, `${indent}  `, out, width);
        } else {
            const text = Array.isArray(v) ? "[]" : v !== null && typeof v === "object" ? "{}" : String(v);
            out.push(...fit(`${indent}${key === "-" ? "-" : `${key}:`} `, `${indent}    `, text, width));
        }
    }
}
