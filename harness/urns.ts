/**
 * Resource URNs as the Pulumi engine forms them, from what the recorder captured: the type part chains every
 * ancestor component's type (`GatewayIdentity$CertificateCredential$tls:…:PrivateKey`), where the SDK's mock
 * monitor keeps only the direct parent's type; and every URN a resource answers to through its aliases (its own,
 * and those it inherits from its ancestors' aliases, as the engine computes them). The URN pins
 * (test/fixtures/urns/, `npm run pin`) and their test use it.
 */
import type { RecordedResource } from "./recorder";

/** `urn:pulumi:<stack>::<project>::<qualified type>::<name>` → the qualified type. */
export const qualifiedType = (urn: string) => urn.split("::")[2] ?? "";
export const urnOf = (stack: string, project: string, type: string, name: string, parentUrn?: string) =>
    `urn:pulumi:${stack}::${project}::${parentUrn ? `${qualifiedType(parentUrn)}$` : ""}${type}::${name}`;

/** The shape of a recorded alias (`Alias` protobuf → `toObject()`). */
interface AliasObject {
    readonly urn?: string;
    readonly spec?: { name?: string; type?: string; stack?: string; project?: string; parenturn?: string; noparent?: boolean };
}

/** A resource's engine URN and the URNs it answers to through aliases. */
export interface EngineIdentity {
    readonly urn: string;
    readonly aliases: readonly string[];
}

/**
 * Engine URNs of the recorded resources, and every URN each one answers to through its aliases (its own, and
 * those it inherits from its ancestors' aliases, as the engine computes them).
 */
export function engineIdentities(resources: readonly RecordedResource[], stack: string, project: string): EngineIdentity[] {
    const byMockUrn = new Map(resources.map((r) => [r.urn, r]));
    const urns = new Map<string, string>();
    const engineUrn = (r: RecordedResource): string => {
        const known = urns.get(r.urn);
        if (known) return known;
        const parent = r.parent ? byMockUrn.get(r.parent) : undefined;
        const urn = urnOf(stack, project, r.type, r.name, parent ? engineUrn(parent) : undefined);
        urns.set(r.urn, urn);
        return urn;
    };
    const aliasCache = new Map<string, string[]>();
    const aliasUrns = (r: RecordedResource): string[] => {
        const cached = aliasCache.get(r.urn);
        if (cached) return cached;
        const parent = r.parent ? byMockUrn.get(r.parent) : undefined;
        const own = r.options.aliases.map((a) => {
            const o = (typeof (a as { toObject?: unknown }).toObject === "function" ? (a as { toObject(): AliasObject }).toObject() : a) as AliasObject;
            if (o.urn) return o.urn;
            const s = o.spec ?? {};
            const parentUrn = s.noparent ? undefined
                : s.parenturn ? (byMockUrn.has(s.parenturn) ? engineUrn(byMockUrn.get(s.parenturn)!) : s.parenturn)
                    : parent ? engineUrn(parent) : undefined;
            return urnOf(s.stack || stack, s.project || project, s.type || r.type, s.name || r.name, parentUrn);
        });
        const inherited = parent ? aliasUrns(parent).map((p) => urnOf(stack, project, r.type, r.name, p)) : [];
        // A parent renamed by name only leaves its children's URNs as they were: drop such self-aliases.
        const all = [...new Set([...own, ...inherited])].filter((u) => u !== engineUrn(r));
        aliasCache.set(r.urn, all);
        return all;
    };
    return resources.map((r) => ({ urn: engineUrn(r), aliases: aliasUrns(r) }));
}
