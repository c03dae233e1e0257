/**
 * `--format json`: the render model as a stable document for tools, policy checks and diffs.
 *
 * `{ project, stack, now, resources: [{ urn, type, name, parent, dependsOn, inputs, id, outputs, propertyDependencies,
 * options: { protect, retainOnDelete, import, ignoreChanges, aliases, replacementTrigger? } }], outputs }`; `parent` and
 * `options.import` are null when unset. URNs are the engine's. `id` and `outputs` are what the provider would store,
 * so the file also serves as the previous state for `npm run plan -- --state FILE`.
 */
import type { RenderModel } from "./model";

export function renderJson(model: RenderModel): string {
    const document = {
        project: model.project,
        stack: model.stack,
        now: model.now,
        resources: model.resources.map((r) => ({
            urn: r.urn,
            type: r.type,
            name: r.name,
            custom: r.custom,
            parent: r.parent,
            dependsOn: r.dependsOn,
            inputs: r.inputs,
            id: r.id ?? "",
            outputs: r.outputs ?? {},
            propertyDependencies: r.propertyDependencies ?? {},
            options: {
                protect: r.options.protect,
                retainOnDelete: r.options.retainOnDelete,
                import: r.options.import,
                ignoreChanges: r.options.ignoreChanges,
                aliases: r.options.aliases ?? [],
                ...(r.options.replacementTrigger !== undefined ? { replacementTrigger: r.options.replacementTrigger } : {}),
            },
        })),
        outputs: model.outputs,
    };
    return `${JSON.stringify(document, null, 2)}\n`;
}
