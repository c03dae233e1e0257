// The Mermaid render is checked with Mermaid's own parser (the one the CLI and GitHub use), run in-process
// under jsdom: mermaid sanitises labels with DOMPurify, which needs a DOM. No browser is involved.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { JSDOM } from "jsdom";
import type MermaidApi from "mermaid";
import { beforeAll, describe, expect, it } from "vitest";
import { buildModel, formatModel, type RenderModel, type RenderResource } from "../src/render/index";
import { DIAGRAM_STACK_FILE, mermaidBlock, PIN_COMMAND } from "../src/pin/cli";
import { renderMermaid } from "../src/render/mermaid";
import { ROOT, stackRun } from "./helpers";

/** What this test reads of mermaid's flowchart database (the diagram's parsed form). */
interface FlowDb {
    getVertices(): Map<string, { id: string; text?: string }>;
    getEdges(): { start: string; end: string }[];
    getSubGraphs(): { id: string; title: string; nodes: string[] }[];
}

const NOW = new Date("2026-01-01T00:00:00Z");

describe("--format mermaid", () => {
    let mermaid: typeof MermaidApi;
    let dev: RenderModel;
    let full: RenderModel;

    beforeAll(async () => {
        const dom = new JSDOM("<!doctype html><html><body></body></html>");
        Object.assign(globalThis, { window: dom.window, document: dom.window.document });
        mermaid = (await import("mermaid")).default;
        mermaid.initialize({ startOnLoad: false });
        dev = buildModel(await stackRun("test/fixtures/stacks/Pulumi.dev.yaml", { now: NOW }), NOW);
        full = buildModel(await stackRun("examples/full.yaml", { now: NOW }), NOW);
    });

    const parsed = async (text: string) => (await mermaid.mermaidAPI.getDiagramFromText(text)).db as unknown as FlowDb;

    it("is a flowchart mermaid's parser accepts, for the dev and the full stack", async () => {
        for (const m of [dev, full]) {
            await expect(mermaid.parse(formatModel(m, "mermaid")), m.stack).resolves.toMatchObject({ diagramType: "flowchart-v2" });
        }
    });

    it("has a node per cloud resource, a subgraph per component and an arrow per dependency", async () => {
        for (const m of [dev, full]) {
            const db = await parsed(renderMermaid(m));
            const custom = m.resources.filter((r) => r.custom);
            const components = m.resources.filter((r) => !r.custom);
            const ids = new Map(m.resources.map((r, i) => [r.urn, `n${i}`]));
            const subgraphs = db.getSubGraphs();
            expect(subgraphs.map((s) => s.id).sort(), m.stack).toEqual(components.map((c) => ids.get(c.urn)).sort());
            const vertices = db.getVertices();
            for (const r of custom) expect(vertices.get(ids.get(r.urn)!)?.text, r.name).toContain(r.name);
            // Each resource sits in its parent's subgraph.
            for (const r of m.resources.filter((x) => x.parent !== null)) {
                const parent = subgraphs.find((s) => s.id === ids.get(r.parent!));
                expect(parent?.nodes, r.name).toContain(ids.get(r.urn));
            }
            const expected = m.resources.flatMap((r) => r.dependsOn.map((d) => `${ids.get(d)}->${ids.get(r.urn)}`)).sort();
            expect(expected.length, m.stack).toBeGreaterThan(10);
            expect(db.getEdges().map((e) => `${e.start}->${e.end}`).sort(), m.stack).toEqual(expected);
        }
    });

    it("keeps labels with quotes, angle brackets and # intact", async () => {
        const odd = (name: string, extra: Partial<RenderResource> = {}): RenderResource => ({
            urn: `urn:${name}`, type: "test:index/thing:Thing", name, custom: true, parent: null, dependsOn: [], inputs: {},
            options: { protect: false, retainOnDelete: false, import: null, ignoreChanges: [] }, ...extra,
        });
        const model: RenderModel = {
            project: "p", stack: "s", now: NOW.toISOString(), outputs: {},
            resources: [
                odd(`group "AI #1" <admins>`, { custom: false, type: "p:index:Group" }),
                odd("end", { parent: `urn:group "AI #1" <admins>` }),
                odd("subgraph", { dependsOn: ["urn:end"] }),
            ],
        };
        const text = renderMermaid(model);
        await expect(mermaid.parse(text)).resolves.toMatchObject({ diagramType: "flowchart-v2" });
        const db = await parsed(text);
        expect(db.getSubGraphs()[0]?.title).toContain("AI");
        expect(db.getEdges()).toHaveLength(1);
    });

    it(`is the diagram docs/stack.md shows for the staging stack (regenerate: ${PIN_COMMAND})`, async () => {
        const staging = buildModel(await stackRun(DIAGRAM_STACK_FILE, { now: NOW }), NOW);
        const doc = readFileSync(join(ROOT, "docs", "stack.md"), "utf8");
        expect(mermaidBlock(doc)?.body, `docs/stack.md's diagram is not the staging stack's: ${PIN_COMMAND}`).toBe(renderMermaid(staging));
    });

    it("rejects a broken flowchart (the parser is real)", async () => {
        const broken = renderMermaid(dev).replace(/\n\s*end\n/, "\n");
        await expect(mermaid.parse(broken)).rejects.toThrow();
    });
});
