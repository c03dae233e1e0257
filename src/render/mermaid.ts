/**
 * `--format mermaid`: a Mermaid flowchart. Each component is a subgraph holding its children, each cloud
 * resource a node labelled with its name and type, and each arrow points from a resource to one that waits
 * for it (explicit or property dependency). Renders with the Mermaid CLI and in GitHub Markdown.
 */
import { childrenByParent, shortType, type RenderModel, type RenderResource } from "./model";

/** Quoted-label text with Mermaid's entity codes for the characters that would end or change a label. */
export function mermaidLabel(text: string): string {
    return text.replace(/[#"<>]/g, (c) => `#${c.charCodeAt(0)};`);
}

export function renderMermaid(model: RenderModel): string {
    // Node ids are positions in tree order: safe characters only, and the same on every render.
    const ids = new Map(model.resources.map((r, i) => [r.urn, `n${i}`]));
    const children = childrenByParent(model.resources);
    const lines = ["flowchart LR", `    %% ${model.project} stack ${model.stack}: arrows point from a resource to one that waits for it`];

    const declare = (r: RenderResource, indent: string): void => {
        const id = ids.get(r.urn) ?? "";
        if (r.custom) {
            lines.push(`${indent}${id}["${mermaidLabel(r.name)}<br/>${mermaidLabel(shortType(r.type))}"]`);
            return;
        }
        lines.push(`${indent}subgraph ${id}["${mermaidLabel(`${shortType(r.type)}: ${r.name}`)}"]`);
        for (const child of children.get(r.urn) ?? []) declare(child, `${indent}    `);
        lines.push(`${indent}end`);
    };
    for (const r of children.get(null) ?? []) declare(r, "    ");

    for (const r of model.resources) {
        for (const d of r.dependsOn) {
            const from = ids.get(d);
            if (from !== undefined) lines.push(`    ${from} --> ${ids.get(r.urn) ?? ""}`);
        }
    }
    return `${lines.join("\n")}\n`;
}
