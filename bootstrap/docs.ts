/**
 * Keeps the generated tables of `docs/bootstrap.md` equal to the code's: `npx tsx bootstrap/docs.ts` rewrites them,
 * and a test fails when they differ.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { renderAssignableRolesTable, renderGrantsTable } from "./permissions";

export const DOC_FILE = join(__dirname, "..", "docs", "bootstrap.md");

const SECTIONS: Record<string, () => string> = {
    grants: renderGrantsTable,
    "assignable-roles": renderAssignableRolesTable,
};

/** The document with every generated section replaced by what the code renders now. */
export function updateDocs(text: string): string {
    let out = text;
    for (const [name, render] of Object.entries(SECTIONS)) {
        const begin = `<!-- generated:${name}:begin (npx tsx bootstrap/docs.ts) -->`;
        const end = `<!-- generated:${name}:end -->`;
        const start = out.indexOf(begin);
        const stop = out.indexOf(end);
        if (start < 0 || stop < start) throw new Error(`docs/bootstrap.md has no "${begin}" ... "${end}" section`);
        out = `${out.slice(0, start + begin.length)}\n${render()}\n${out.slice(stop)}`;
    }
    return out;
}

if (require.main === module) {
    writeFileSync(DOC_FILE, updateDocs(readFileSync(DOC_FILE, "utf8")));
}
