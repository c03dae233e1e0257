/**
 * Foundry Local on Azure Arc: `/v1/models` needs no token; one authenticated call (the openai SDK against the
 * OpenAI-compatible `/v1`) must pass the sidecar's token and RBAC checks.
 */
import OpenAI from "openai";
import type { Finding } from "../token/finding";
import type { Classified } from "./azureOpenAi";
import { explainFoundryLocalError, foundryLocalCode } from "./foundryLocalErrors";
import { networkAdvice, readServiceError, type ServiceError } from "./serviceErrors";

/** Model id used when the endpoint lists none: auth is checked before the model is looked up. */
export const PROBE_MODEL = "foundry-entra-verify-probe";

const base = (endpoint: string) => endpoint.replace(/\/+$/, "");
/** Where the endpoint is configured: the single form's key, or a fleet site's. */
const ENDPOINT_KEYS = "`foundry-entra:foundryLocal.endpoint` (or the site's `endpoint` in `foundryLocal.clusters`) and its ingress";
const unreachable = (e: ServiceError) => `unreachable (${e.network ?? "no answer"})`;

/** GET /v1/models without a token. */
export async function listModels(endpoint: string): Promise<{ result: Classified; models: string[] }> {
    const url = `${base(endpoint)}/v1/models`;
    let res: Response;
    try {
        res = await fetch(url, { signal: AbortSignal.timeout(30_000) });
    } catch (err) {
        const e = readServiceError(err);
        return { models: [], result: { outcome: "fail", title: `cannot reach ${url} (${e.network ?? e.message})`, reason: unreachable(e), ...networkAdvice(e.network, "the Foundry Local endpoint", ENDPOINT_KEYS) } };
    }
    const text = await res.text();
    if (!res.ok) {
        const code = foundryLocalCode(undefined, text);
        return { models: [], result: { outcome: "fail", title: `GET /v1/models answered ${res.status}${code ? ` ${code}` : ""}`, reason: `/v1/models ${res.status}${code ? ` ${code}` : ""}`,
            cause: "the sidecar serves /v1/models without a token; something in front of it (ingress, API management) or another service answers", fix: "check `foundry-entra:foundryLocal.endpoint` and what the ingress routes to" } };
    }
    let models: string[] = [];
    try {
        const body = JSON.parse(text) as { data?: { id?: unknown }[] };
        models = (body.data ?? []).map((m) => m.id).filter((id): id is string => typeof id === "string");
    } catch {
        return { models, result: { outcome: "fail", title: "GET /v1/models did not return JSON", reason: "/v1/models not JSON", cause: "the endpoint is not Foundry Local's OpenAI-compatible API", fix: "check `foundry-entra:foundryLocal.endpoint`" } };
    }
    return { models, result: { outcome: "pass", title: `GET /v1/models without a token: ${models.length} model${models.length === 1 ? "" : "s"}${models.length ? ` (${models.slice(0, 3).join(", ")})` : ""}` } };
}

/** One chat completion with the bearer token; an unknown-model answer still proves the sidecar let it through. */
export async function callFoundryLocal(endpoint: string, token: string, model: string, tokenFindings: readonly Finding[]): Promise<Classified> {
    const client = new OpenAI({ baseURL: `${base(endpoint)}/v1`, apiKey: token, maxRetries: 0, timeout: 60_000 });
    try {
        await client.chat.completions.create({ model, messages: [{ role: "user", content: "Reply with OK." }], max_tokens: 1 });
        return { outcome: "pass", title: `Foundry Local: authenticated chat completion on ${model}` };
    } catch (err) {
        return classifyFoundryLocalError(readServiceError(err), model, tokenFindings);
    }
}

/** Reads the sidecar's answer to the authenticated call into pass, retry (RBAC propagating) or a failure with cause and fix. */
export function classifyFoundryLocalError(e: ServiceError, model: string, tokenFindings: readonly Finding[]): Classified {
    if (e.status === undefined) {
        return { outcome: "fail", title: `Foundry Local: cannot reach the endpoint (${e.network ?? e.message})`, reason: unreachable(e), ...networkAdvice(e.network, "the Foundry Local endpoint", ENDPOINT_KEYS) };
    }
    const code = foundryLocalCode(e.code, e.message);
    if (code) {
        const x = explainFoundryLocalError(code, tokenFindings);
        const title = `Foundry Local: authenticated call: ${e.status} ${code}: ${e.message}`;
        return x.retry ? { outcome: "retry", reason: `${e.status} ${code}`, title, cause: x.cause, fix: x.fix } : { outcome: "fail", reason: `${e.status} ${code}`, title, cause: x.cause, fix: x.fix };
    }
    if (e.status === 404 || e.status === 400) {
        return { outcome: "pass", title: `Foundry Local: authenticated and authorised (the sidecar let the call through; the model service answered ${e.status} for ${model})` };
    }
    return { outcome: "fail", title: `Foundry Local: authenticated call: ${e.status} ${e.code ?? ""}: ${e.message}`, reason: `${e.status} ${e.code ?? ""}`.trim(), cause: "unexpected answer from the Foundry Local endpoint", fix: "check the inference operator's logs on the cluster" };
}
