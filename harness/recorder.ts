/**
 * Records what the program asks the engine to register: type, name, parent, dependencies and options.
 *
 * The SDK's public mock API (`Mocks.newResource`) sees only type, name and inputs. Parent, dependencies and
 * resource options travel in the RegisterResourceRequest the mock monitor receives, which is an internal API
 * of @pulumi/pulumi. This module is the only place that touches it; `test/recorder.test.ts` fails loudly if
 * an SDK upgrade changes it.
 */
import type * as pulumi from "@pulumi/pulumi";
import * as settings from "@pulumi/pulumi/runtime/settings";
import { deserializeProperties } from "@pulumi/pulumi/runtime/rpc";

export interface RecordedResource {
    readonly urn: string;
    readonly type: string;
    readonly name: string;
    readonly custom: boolean;
    readonly parent?: string;
    /** Explicit `dependsOn` URNs. */
    readonly dependencies: readonly string[];
    /** Per input property, the URNs whose outputs flow into it. */
    readonly propertyDependencies: Readonly<Record<string, readonly string[]>>;
    /** Inputs as registered; secrets still carry the runtime's secret wrapper. */
    readonly rawInputs: Record<string, unknown>;
    /** The id the provider (the mock) answered with; empty for components. */
    readonly id: string;
    /** The state the provider (the mock) answered with, as it would be stored; secrets keep their wrapper. */
    readonly rawOutputs: Record<string, unknown>;
    readonly options: {
        readonly protect: boolean;
        readonly retainOnDelete: boolean;
        readonly import?: string;
        readonly ignoreChanges: readonly string[];
        readonly replaceOnChanges: readonly string[];
        /** As sent to the engine: the old URN, or a spec whose empty fields mean "as now". */
        readonly aliases: readonly RecordedAlias[];
        readonly replacementTrigger?: unknown;
        readonly deleteBeforeReplace: boolean;
        readonly provider?: string;
    };
}

export interface RecordedAlias {
    readonly urn?: string;
    readonly spec?: { name: string; type: string; stack: string; project: string; parenturn?: string; noparent?: boolean };
}

/** The subset of the generated protobuf request this module reads. */
interface RegisterRequest {
    getType(): string;
    getName(): string;
    getParent(): string;
    getCustom(): boolean;
    getObject(): unknown;
    getDependenciesList(): string[];
    getPropertydependenciesMap(): { forEach(cb: (v: { getUrnsList(): string[] }, k: string) => void): void };
    getProtect(): boolean;
    getRetainondelete(): boolean;
    getImportid(): string;
    getIgnorechangesList(): string[];
    getReplaceonchangesList(): string[];
    getAliasesList(): { toObject(): RecordedAlias }[];
    getAliasspecs(): boolean;
    getDeletebeforereplace(): boolean;
    getProvider(): string;
    hasReplacementTrigger(): boolean;
    getReplacementTrigger(): { toJavaScript(): unknown } | undefined;
}

interface RegisterResponse {
    getUrn(): string;
    getId(): string;
    getObject(): unknown;
}
type Callback = (err: unknown, resp?: RegisterResponse) => void;
interface Monitor {
    registerResource(req: RegisterRequest, cb: Callback): Promise<void> | void;
}

const REQUIRED_METHODS = [
    "getType", "getName", "getParent", "getCustom", "getObject", "getDependenciesList", "getPropertydependenciesMap",
    "getProtect", "getRetainondelete", "getImportid", "getIgnorechangesList", "getReplaceonchangesList",
    "getAliasesList", "getDeletebeforereplace", "getProvider", "hasReplacementTrigger", "getReplacementTrigger",
] as const;

/** `waitForRPCs` is @internal in the SDK (absent from its typings): waits until every registration is answered. */
export function waitForRegistrations(): Promise<void> {
    const internal = settings as unknown as { waitForRPCs?: () => Promise<void> };
    if (typeof internal.waitForRPCs !== "function") {
        throw new Error("harness: @pulumi/pulumi/runtime/settings has no waitForRPCs; SDK internals changed (see harness/recorder.ts)");
    }
    return internal.waitForRPCs();
}

/**
 * The value of an Output, rejecting when the program's `apply` throws. (Awaiting with the public
 * `output.apply(resolve)` would wait forever on a failed Output.) `promise()` is @internal in the SDK.
 */
export function outputValue<T>(output: pulumi.Output<T>): Promise<T> {
    const internal = output as unknown as { promise?: () => Promise<T> };
    if (typeof internal.promise !== "function") {
        throw new Error("harness: Output has no promise(); @pulumi/pulumi internals changed (see harness/recorder.ts)");
    }
    return internal.promise();
}

export class Recorder {
    readonly resources: RecordedResource[] = [];

    /** Wraps the current (mock) monitor's registerResource. Call right after `setMocks`. */
    attach(): void {
        const monitor = settings.getMonitor() as unknown as Monitor | undefined;
        if (!monitor || typeof monitor.registerResource !== "function") {
            throw new Error("harness: the SDK's monitor has no registerResource; @pulumi/pulumi internals changed (see harness/recorder.ts)");
        }
        const original = monitor.registerResource.bind(monitor);
        monitor.registerResource = (req, cb) => {
            const missing = REQUIRED_METHODS.filter((m) => typeof (req as unknown as Record<string, unknown>)[m] !== "function");
            if (missing.length > 0) {
                throw new Error(`harness: RegisterResourceRequest lacks ${missing.join(", ")}; @pulumi/pulumi internals changed (see harness/recorder.ts)`);
            }
            return original(req, (err, resp) => {
                if (!err && resp) this.resources.push(record(req, resp));
                cb(err, resp);
            });
        };
    }
}

function record(req: RegisterRequest, resp: RegisterResponse): RecordedResource {
    const urn = resp.getUrn();
    const propertyDependencies: Record<string, string[]> = {};
    req.getPropertydependenciesMap().forEach((v, k) => {
        propertyDependencies[k] = v.getUrnsList();
    });
    const trigger = req.hasReplacementTrigger() ? req.getReplacementTrigger()?.toJavaScript() : undefined;
    const parent = req.getParent();
    const importId = req.getImportid();
    const provider = req.getProvider();
    return {
        urn,
        type: req.getType(),
        name: req.getName(),
        custom: req.getCustom(),
        ...(parent ? { parent } : {}),
        dependencies: req.getDependenciesList(),
        propertyDependencies,
        rawInputs: deserializeProperties(req.getObject() as Parameters<typeof deserializeProperties>[0]) as Record<string, unknown>,
        id: resp.getId(),
        rawOutputs: (resp.getObject() ? deserializeProperties(resp.getObject() as Parameters<typeof deserializeProperties>[0]) : {}) as Record<string, unknown>,
        options: {
            protect: req.getProtect(),
            retainOnDelete: req.getRetainondelete(),
            ...(importId ? { import: importId } : {}),
            ignoreChanges: req.getIgnorechangesList(),
            replaceOnChanges: req.getReplaceonchangesList(),
            aliases: req.getAliasesList().map((a) => a.toObject()),
            ...(trigger !== undefined ? { replacementTrigger: trigger } : {}),
            deleteBeforeReplace: req.getDeletebeforereplace(),
            ...(provider ? { provider } : {}),
        },
    };
}
