/**
 * `--format json`: the render model as a stable document for tools, policy checks and diffs.
 *
 * `{ project, stack, resources: [{ urn, type, name, parent, dependsOn, inputs, options: { protect,
 * retainOnDelete, import, ignoreChanges } }], outputs }`; `parent` and `options.import` are null when unset.
 */
import type { RenderModel } from "./model";

export function renderJson(model: RenderModel): string {
    const document = {
        project: model.project,
        stack: model.stack,
        resources: model.resources.map((r) => ({
            urn: r.urn,
            type: r.type,
            name: r.name,
            parent: r.parent,
            dependsOn: r.dependsOn,
            inputs: r.inputs,
            options: {
                protect: r.options.protect,
                retainOnDelete: r.options.retainOnDelete,
                import: r.options.import,
                ignoreChanges: r.options.ignoreChanges,
            },
        })),
        outputs: model.outputs,
    };
    return `${JSON.stringify(document, null, 2)}\n`;
}
