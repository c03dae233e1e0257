/**
 * The README and docs/ link to each other a lot, and pages move (issue 16 moved the references out of the README):
 * every relative link must name a file that exists and, with `#anchor`, a heading of that file as GitHub renders
 * it. Anchors are computed with github-slugger, the slug algorithm GitHub uses for heading ids; links are the
 * inline `[text](target)` form outside fenced code blocks.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import GithubSlugger from "github-slugger";
import { describe, expect, it } from "vitest";
import { ROOT } from "./helpers";

const PAGES = ["README.md", ...readdirSync(join(ROOT, "docs")).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`)];

/** The text outside fenced code blocks. */
function prose(markdown: string): string {
    let fenced = false;
    return markdown.split("\n").filter((line) => {
        if (/^\s*```/.test(line)) {
            fenced = !fenced;
            return false;
        }
        return !fenced;
    }).join("\n");
}

/** The ids GitHub gives the headings of a page. */
function anchors(path: string): Set<string> {
    const slugger = new GithubSlugger();
    const ids = new Set<string>();
    for (const line of prose(readFileSync(path, "utf8")).split("\n")) {
        const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line)?.[1];
        // GitHub slugs the heading's text: inline code keeps its content, links their text.
        if (heading !== undefined) ids.add(slugger.slug(heading.replace(/`/g, "").replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")));
    }
    return ids;
}

/** Relative links of a page: [page, line, target]. */
function links(page: string): [string, number, string][] {
    const found: [string, number, string][] = [];
    prose(readFileSync(join(ROOT, page), "utf8")).split("\n").forEach((line, i) => {
        // Inline code is not a link.
        for (const m of line.replace(/`[^`]*`/g, "").matchAll(/\]\(([^)\s]+)\)/g)) {
            const target = m[1]!;
            if (!/^[a-z][a-z0-9+.-]*:/i.test(target)) found.push([page, i + 1, target]);
        }
    });
    return found;
}

describe("links between the README and docs/", () => {
    const all = PAGES.flatMap(links);

    it("are there to check (not vacuous)", () => {
        expect(all.length).toBeGreaterThan(50);
        expect(all.some(([, , t]) => t.includes("#"))).toBe(true);
    });

    it("each name a file that exists, and a heading of it", () => {
        const broken: string[] = [];
        for (const [page, line, target] of all) {
            const [file, anchor] = target.split("#", 2) as [string, string | undefined];
            const path = file === "" ? join(ROOT, page) : resolve(dirname(join(ROOT, page)), decodeURIComponent(file));
            if (!existsSync(path)) broken.push(`${page}:${line}: ${target}: no file ${relative(ROOT, path)}`);
            else if (anchor !== undefined && path.endsWith(".md") && !anchors(path).has(anchor)) broken.push(`${page}:${line}: ${target}: no heading #${anchor} in ${relative(ROOT, path)}`);
        }
        expect(broken).toEqual([]);
    });
});
