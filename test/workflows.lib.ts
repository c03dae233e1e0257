/**
 * Structural checks for the GitHub Actions workflows in .github/workflows/, used by test/workflows.test.ts.
 * Every check takes a parsed workflow (and the text it came from, for what only the text shows: `# v1.2.3`
 * comments) and returns the problems it finds, one line each, so a test can assert both that the real
 * workflows have none and that a broken copy is caught.
 *
 * Run blocks are read with a small shell tokenizer (quotes, escapes, line continuations, comments, `&&`, `||`,
 * `;`, `|`, redirections, env-assignment prefixes, `if/then/do` keywords). It does not look inside `$( … )`,
 * here-documents or functions: the workflows use none (shellCommands refuses here-documents).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";

// ---------------------------------------------------------------------------------------------------------------
// Workflow model

export interface Step {
    id?: string;
    name?: string;
    if?: string;
    uses?: string;
    run?: string;
    with?: Record<string, unknown>;
    env?: Record<string, unknown>;
    [key: string]: unknown;
}

export interface Job {
    name?: string;
    needs?: string | string[];
    if?: string;
    environment?: string | { name?: string; url?: string };
    permissions?: Record<string, string> | string;
    env?: Record<string, unknown>;
    defaults?: { run?: { shell?: string } };
    steps?: Step[];
    strategy?: { matrix?: Record<string, unknown>; "fail-fast"?: boolean };
    concurrency?: string | { group?: string; "cancel-in-progress"?: boolean | string };
    [key: string]: unknown;
}

export interface WorkflowDoc {
    name?: string;
    on?: unknown;
    permissions?: Record<string, string> | string;
    env?: Record<string, unknown>;
    defaults?: { run?: { shell?: string } };
    jobs: Record<string, Job>;
    [key: string]: unknown;
}

export interface Workflow {
    /** The file name, e.g. `deploy.yml`. */
    readonly file: string;
    readonly text: string;
    readonly doc: WorkflowDoc;
}

/**
 * Parses one workflow's text. YAML aliases (`steps: *deploy-steps`, which GitHub Actions resolves) become copies,
 * so a check or a test that changes one job never changes another through a shared node.
 */
export function parseWorkflow(file: string, text: string): Workflow {
    const doc = structuredCopy(parse(text)) as WorkflowDoc;
    if (!doc || typeof doc !== "object" || !doc.jobs || typeof doc.jobs !== "object") throw new Error(`${file}: no jobs`);
    return { file, text, doc };
}

/** Every `*.yml` / `*.yaml` in `dir`, parsed. */
export function loadWorkflows(dir: string): Workflow[] {
    return readdirSync(dir)
        .filter((f) => /\.ya?ml$/.test(f))
        .sort()
        .map((f) => parseWorkflow(f, readFileSync(join(dir, f), "utf8")));
}

/** A deep copy of the workflow with `mutate` applied to its document (the text is kept: checks of the text ignore it). */
export function withDoc(wf: Workflow, mutate: (doc: WorkflowDoc) => void): Workflow {
    const doc = structuredClone(wf.doc);
    mutate(doc);
    return { ...wf, doc };
}

/** The workflow re-parsed from its text with `replace` applied (for checks that read the text). */
export function withText(wf: Workflow, replace: (text: string) => string): Workflow {
    return parseWorkflow(wf.file, replace(wf.text));
}

/** One run of a job: the job itself, or one combination of its matrix with `${{ matrix.x }}` substituted. */
export interface JobInstance {
    readonly id: string;
    /** `job` or `job (stack=dev)`, for messages. */
    readonly label: string;
    readonly matrix: Readonly<Record<string, string>>;
    readonly job: Job;
}

/** A deep copy that does not keep shared references (JSON is all a parsed workflow holds). */
const structuredCopy = (value: unknown): unknown => JSON.parse(JSON.stringify(value)) as unknown;

/** Replaces `${{ <context>.<key> }}` where `values` has the key (e.g. `matrix.stack`, `env.STACK`). */
function substitute<T>(value: T, context: "matrix" | "env", values: Readonly<Record<string, string>>): T {
    if (typeof value === "string") {
        const expression = new RegExp(`\\$\\{\\{\\s*${context}\\.([A-Za-z0-9_-]+)\\s*\\}\\}`, "g");
        return value.replace(expression, (whole, key: string) => values[key] ?? whole) as T;
    }
    if (Array.isArray(value)) return value.map((v) => substitute(v, context, values)) as T;
    if (value && typeof value === "object") {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, context, values)])) as T;
    }
    return value;
}

/** A job with the workflow's and its own literal `env` values substituted into its steps' `with:` and `if:`. */
function withEnv(wf: Workflow, job: Job): Job {
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries({ ...wf.doc.env, ...job.env })) if (typeof v === "string" && !v.includes("${{")) env[k] = v;
    return { ...job, steps: job.steps?.map((step) => substitute(step, "env", env)) };
}

/**
 * Every job, expanded over its matrix (lists of scalars; `include`/`exclude` are not supported and throw), with
 * literal `env` values substituted into its steps, as the runner evaluates `${{ env.X }}`.
 */
export function jobInstances(wf: Workflow): JobInstance[] {
    const out: JobInstance[] = [];
    for (const [id, job] of Object.entries(wf.doc.jobs)) {
        const matrix = job.strategy?.matrix;
        if (!matrix) {
            out.push({ id, label: id, matrix: {}, job: withEnv(wf, job) });
            continue;
        }
        let combos: Record<string, string>[] = [{}];
        for (const [key, values] of Object.entries(matrix)) {
            if (!Array.isArray(values)) throw new Error(`${wf.file}: jobs.${id}.strategy.matrix.${key}: only lists are supported`);
            combos = combos.flatMap((c) => values.map((v) => ({ ...c, [key]: String(v) })));
        }
        for (const m of combos) {
            const label = `${id} (${Object.entries(m).map(([k, v]) => `${k}=${v}`).join(", ")})`;
            out.push({ id, label, matrix: m, job: withEnv(wf, substitute(job, "matrix", m)) });
        }
    }
    return out;
}

/** The action a step uses, without its ref (`actions/checkout`), lower-cased; undefined for a run step. */
export function actionOf(step: Step): string | undefined {
    return step.uses?.split("@")[0]?.toLowerCase();
}

/** The job's environment name, or undefined. */
export function environmentOf(job: Job): string | undefined {
    return typeof job.environment === "string" ? job.environment : job.environment?.name;
}

/** `needs` as a list. */
export function needsOf(job: Job): string[] {
    return job.needs === undefined ? [] : Array.isArray(job.needs) ? job.needs : [job.needs];
}

/** The environment a step runs with: the workflow's, the job's and the step's own `env`. */
export function stepEnv(wf: Workflow, job: Job, step: Step): Record<string, string> {
    return Object.fromEntries(
        Object.entries({ ...wf.doc.env, ...job.env, ...step.env }).map(([k, v]) => [k, String(v)]),
    );
}

/** The permissions a job gets: its own, else the workflow's. */
export function effectivePermissions(wf: Workflow, job: Job): Record<string, string> | string | undefined {
    return job.permissions ?? wf.doc.permissions;
}

const pulumiAction = "pulumi/actions";
const azureLogin = "azure/login";

/** The pulumi/actions steps of a job that run a command (preview, up, …), with their index. */
function pulumiCommandSteps(job: Job): { index: number; step: Step; command: string }[] {
    return (job.steps ?? []).flatMap((step, index) => {
        const command = step.with?.command;
        return actionOf(step) === pulumiAction && typeof command === "string" ? [{ index, step, command }] : [];
    });
}

/** The `pulumi up` steps of a job. */
export function upSteps(job: Job): { index: number; step: Step }[] {
    return pulumiCommandSteps(job).filter((s) => s.command === "up" || s.command === "update");
}

/** The `pulumi preview` steps of a job. */
export function previewSteps(job: Job): { index: number; step: Step }[] {
    return pulumiCommandSteps(job).filter((s) => s.command === "preview");
}

// ---------------------------------------------------------------------------------------------------------------
// Shell

/** One simple command of a run block: its words after quote removal, its redirections, and what follows it. */
export interface ShellCommand {
    readonly argv: readonly string[];
    readonly redirects: readonly { readonly op: string; readonly target: string }[];
    /** The operator that ended the command: `|`, `||`, `&&`, `;`, `&`, newline (`\n`) or end of script (``). */
    readonly then: string;
}

const KEYWORDS = new Set(["if", "then", "else", "elif", "fi", "do", "done", "while", "until", "!", "{", "}", "(", ")", "time"]);

/**
 * Splits a bash script into simple commands. Quotes and backslashes are removed as bash would; `$VAR` and
 * `$( … )` stay as text inside their word. Leading keywords (`then npm test`) and variable assignments
 * (`FOO=1 npm test`) are dropped from argv; `for … in …` and `case` lines come out as commands of their own.
 */
export function shellCommands(script: string): ShellCommand[] {
    if (/<<-?\s*['"]?\w/.test(script)) throw new Error("here-documents are not supported by this tokenizer");
    const commands: ShellCommand[] = [];
    let words: string[] = [];
    let redirects: { op: string; target: string }[] = [];
    let word: string | undefined;
    let pendingRedirect: string | undefined;

    const endWord = () => {
        if (word === undefined) return;
        if (pendingRedirect !== undefined) {
            redirects.push({ op: pendingRedirect, target: word });
            pendingRedirect = undefined;
        } else {
            words.push(word);
        }
        word = undefined;
    };
    const endCommand = (then: string) => {
        endWord();
        let argv = words;
        while (argv.length && (KEYWORDS.has(argv[0] as string) || /^[A-Za-z_][A-Za-z0-9_]*=/.test(argv[0] as string))) argv = argv.slice(1);
        while (argv.length && KEYWORDS.has(argv[argv.length - 1] as string)) argv = argv.slice(0, -1);
        if (argv.length || redirects.length) commands.push({ argv, redirects, then });
        words = [];
        redirects = [];
    };

    let i = 0;
    const at = (k: number) => script[k] ?? "";
    while (i < script.length) {
        const c = at(i);
        if (c === "\\") {
            if (at(i + 1) === "\n") {
                i += 2; // line continuation
                continue;
            }
            word = (word ?? "") + at(i + 1);
            i += 2;
            continue;
        }
        if (c === "'") {
            const end = script.indexOf("'", i + 1);
            if (end < 0) throw new Error("unterminated single quote");
            word = (word ?? "") + script.slice(i + 1, end);
            i = end + 1;
            continue;
        }
        if (c === '"') {
            let j = i + 1;
            let s = "";
            while (j < script.length && at(j) !== '"') {
                if (at(j) === "\\" && '"\\$`\n'.includes(at(j + 1))) {
                    if (at(j + 1) !== "\n") s += at(j + 1);
                    j += 2;
                } else {
                    s += at(j);
                    j += 1;
                }
            }
            if (j >= script.length) throw new Error("unterminated double quote");
            word = (word ?? "") + s;
            i = j + 1;
            continue;
        }
        if (c === "#" && word === undefined) {
            while (i < script.length && at(i) !== "\n") i += 1;
            continue;
        }
        if (c === " " || c === "\t") {
            endWord();
            i += 1;
            continue;
        }
        if (c === "\n" || c === ";") {
            endCommand(c);
            i += 1;
            continue;
        }
        if (c === "&" || c === "|") {
            const two = c + at(i + 1);
            if (two === "&&" || two === "||") {
                endCommand(two);
                i += 2;
            } else if (c === "&" && at(i + 1) === ">") {
                endWord();
                pendingRedirect = at(i + 2) === ">" ? "&>>" : "&>";
                i += pendingRedirect.length;
            } else {
                endCommand(c);
                i += 1;
            }
            continue;
        }
        if (c === ">" || c === "<") {
            // A word of digits right before the operator is a file descriptor (2>&1).
            const fd = word !== undefined && /^\d+$/.test(word) ? word : "";
            if (fd) word = undefined;
            else endWord();
            let op = fd + c;
            i += 1;
            if (at(i) === c) {
                op += c;
                i += 1;
            }
            if (at(i) === "&") {
                op += "&";
                i += 1;
            }
            pendingRedirect = op;
            continue;
        }
        word = (word ?? "") + c;
        i += 1;
    }
    endCommand("");
    return commands;
}

/** Every command of every run step of the workflow, with where it came from. */
export function runCommands(wf: Workflow): { label: string; step: Step; command: ShellCommand }[] {
    return jobInstances(wf).flatMap(({ label, job }) =>
        (job.steps ?? []).flatMap((step, index) =>
            typeof step.run === "string"
                ? shellCommands(step.run).map((command) => ({ label: `${wf.file}: ${label} step ${index + 1}`, step, command }))
                : [],
        ),
    );
}

// ---------------------------------------------------------------------------------------------------------------
// npm

const NPM_BUILTINS = new Set([
    "ci", "clean-install", "install-ci-test", "install", "i", "exec", "x", "view", "ls", "audit", "cache", "config", "pack", "version", "help",
]);
const NPM_SCRIPT_ALIASES: Record<string, string> = { test: "test", t: "test", tst: "test", start: "start", stop: "stop", restart: "restart" };
const NPM_RUN = new Set(["run", "run-script", "rum", "urn"]);
const NPM_FLAGS_WITH_VALUE = new Set(["--prefix", "-C", "-w", "--workspace", "--userconfig", "--cache", "--loglevel", "--registry", "--script-shell"]);

/** What an `npm …` command line runs: a builtin, or a package.json script. Undefined when argv is not npm. */
export function npmInvocation(argv: readonly string[]): { command?: string; script?: string; args: string[] } | undefined {
    if (argv[0] !== "npm") return undefined;
    let k = 1;
    const skipOptions = () => {
        while (k < argv.length && (argv[k] as string).startsWith("-") && argv[k] !== "--") {
            k += NPM_FLAGS_WITH_VALUE.has(argv[k] as string) ? 2 : 1;
        }
    };
    skipOptions();
    const command = argv[k];
    k += 1;
    if (command === undefined) return { args: [] };
    if (NPM_RUN.has(command)) {
        skipOptions();
        const script = argv[k] === "--" ? undefined : argv[k];
        const rest = argv.slice(k + 1);
        return { command: "run", script, args: rest[0] === "--" ? rest.slice(1) : rest };
    }
    const alias = NPM_SCRIPT_ALIASES[command];
    if (alias) return { command, script: alias, args: argv.slice(k) };
    return { command, args: argv.slice(k) };
}

/** Every `npm run <x>` / `npm test` names a script of package.json; every other npm command is a known builtin. */
export function npmScriptProblems(wf: Workflow, scripts: Readonly<Record<string, string>>): string[] {
    const problems: string[] = [];
    for (const { label, command } of runCommands(wf)) {
        const npm = npmInvocation(command.argv);
        if (!npm) continue;
        const line = command.argv.join(" ");
        if (npm.command === undefined) problems.push(`${label}: \`${line}\` names no npm command`);
        else if (npm.command === "run" && npm.script === undefined) problems.push(`${label}: \`${line}\` names no script`);
        else if (npm.script !== undefined && !(npm.script in scripts)) problems.push(`${label}: \`${line}\`: package.json has no script "${npm.script}"`);
        else if (npm.script === undefined && !NPM_BUILTINS.has(npm.command)) problems.push(`${label}: \`${line}\`: "${npm.command}" is not an npm command this check knows`);
    }
    return problems;
}

/** The script arguments of each `npm run <script>` in a step's run block. */
export function npmRuns(step: Step, script: string): string[][] {
    if (typeof step.run !== "string") return [];
    return shellCommands(step.run).flatMap(({ argv }) => {
        const npm = npmInvocation(argv);
        return npm?.script === script ? [npm.args] : [];
    });
}

/** The Node.js the workflows run: the current LTS line (package.json `engines` also admits the older supported ones). */
export const NODE_VERSION = "24";

/** Jobs that run npm set up NODE_VERSION with the npm cache first, and install with `npm ci` before any other npm command. */
export function nodeSetupProblems(wf: Workflow): string[] {
    const problems: string[] = [];
    for (const { label, job } of jobInstances(wf)) {
        const steps = job.steps ?? [];
        const npmAt = steps.findIndex((s) => typeof s.run === "string" && shellCommands(s.run).some((c) => c.argv[0] === "npm"));
        if (npmAt < 0) continue;
        const setupAt = steps.findIndex((s) => actionOf(s) === "actions/setup-node");
        const setup = steps[setupAt];
        if (!setup || setupAt > npmAt) {
            problems.push(`${wf.file}: ${label}: runs npm without actions/setup-node before it`);
            continue;
        }
        if (String(setup.with?.["node-version"]) !== NODE_VERSION) problems.push(`${wf.file}: ${label}: actions/setup-node must set node-version: ${NODE_VERSION}`);
        if (setup.with?.cache !== "npm") problems.push(`${wf.file}: ${label}: actions/setup-node must set cache: npm`);
        const first = shellCommands(steps[npmAt]?.run as string).find((c) => c.argv[0] === "npm");
        if (npmInvocation(first?.argv ?? [])?.command !== "ci") problems.push(`${wf.file}: ${label}: the first npm command must be npm ci`);
    }
    return problems;
}

// ---------------------------------------------------------------------------------------------------------------
// Actions: pins, inputs, keys

/** The actions the workflows may use, pinned to one commit each, and the inputs of that commit's action.yml. */
export const PINNED_ACTIONS: Record<string, { sha: string; version: string; inputs: readonly string[] }> = {
    "actions/checkout": {
        sha: "3d3c42e5aac5ba805825da76410c181273ba90b1",
        version: "v7.0.1",
        inputs: [
            "repository", "ref", "token", "ssh-key", "ssh-known-hosts", "ssh-strict", "ssh-user", "persist-credentials", "path", "clean",
            "filter", "sparse-checkout", "sparse-checkout-cone-mode", "fetch-depth", "fetch-tags", "show-progress", "lfs", "submodules",
            "set-safe-directory", "github-server-url", "allow-unsafe-pr-checkout",
        ],
    },
    "actions/setup-node": {
        sha: "820762786026740c76f36085b0efc47a31fe5020",
        version: "v7.0.0",
        inputs: [
            "node-version", "node-version-file", "architecture", "check-latest", "registry-url", "scope", "token", "cache",
            "package-manager-cache", "cache-dependency-path", "mirror", "mirror-token",
        ],
    },
    "azure/login": {
        sha: "f5d393ae46f8fde4be8b75f32e3fc50e654ad0ca",
        version: "v3.0.1",
        inputs: ["creds", "client-id", "tenant-id", "subscription-id", "enable-AzPSSession", "environment", "allow-no-subscriptions", "audience", "auth-type"],
    },
    "pulumi/actions": {
        sha: "8e5e406f4007fca908480587cb9893c07090f58d",
        version: "v7.0.0",
        inputs: [
            "command", "stack-name", "pulumi-version", "pulumi-version-file", "work-dir", "comment-on-pr", "comment-on-pr-number",
            "comment-on-summary", "github-token", "cloud-url", "secrets-provider", "parallel", "message", "config-map", "expect-no-changes",
            "diff", "replace", "exclude", "exclude-dependents", "target", "target-dependents", "policyPacks", "policyPackConfigs", "refresh",
            "upsert", "remove", "edit-pr-comment", "color", "exclude-protected", "plan", "suppress-outputs", "suppress-progress",
            "always-include-summary", "continue-on-error", "log-verbosity", "log-flow", "debug",
        ],
    },
};

/** Every `uses:` is a known action pinned to its 40-hex commit, with the version as a trailing comment. */
export function pinProblems(wf: Workflow): string[] {
    const problems: string[] = [];
    const lines = wf.text.split("\n");
    lines.forEach((line, n) => {
        const m = /^\s*(?:-\s*)?uses:\s*(.*)$/.exec(line);
        if (!m) return;
        const where = `${wf.file}:${n + 1}`;
        const pin = /^["']?([^@\s"']+)@([^\s"']+)["']?\s*(?:#\s*(\S+))?\s*$/.exec(m[1] as string);
        if (!pin) {
            problems.push(`${where}: cannot read \`${(m[1] as string).trim()}\``);
            return;
        }
        const [, action, ref, comment] = pin as unknown as [string, string, string, string | undefined];
        if (!/^[0-9a-f]{40}$/.test(ref)) problems.push(`${where}: ${action}@${ref} is not pinned to a full 40-hex commit SHA`);
        if (!comment || !/^v\d+(\.\d+){0,2}$/.test(comment)) problems.push(`${where}: ${action}@${ref} has no trailing version comment (# vX.Y.Z)`);
        const known = PINNED_ACTIONS[action.toLowerCase()];
        if (!known) problems.push(`${where}: ${action} is not one of the reviewed actions (${Object.keys(PINNED_ACTIONS).join(", ")})`);
        else if (ref !== known.sha || (comment !== undefined && comment !== known.version)) {
            problems.push(`${where}: ${action} must be ${known.sha} # ${known.version} (the reviewed pin), not ${ref}${comment ? ` # ${comment}` : ""}`);
        }
    });
    // Every action the parser sees must have been read from a line above (no flow-style `{ uses: … }`). Values, not
    // counts: steps reached through a YAML alias appear once in the text and several times in the parsed workflow.
    const read = new Set(lines.map((l) => /^\s*(?:-\s*)?uses:\s*["']?([^\s"'#]+)/.exec(l)?.[1]).filter((u) => u !== undefined));
    const unread = new Set(Object.values(wf.doc.jobs).flatMap((job) => (job.steps ?? []).map((s) => s.uses)).filter((u) => u !== undefined && !read.has(u)));
    for (const uses of unread) problems.push(`${wf.file}: \`uses: ${String(uses)}\` was not read from a line of its own; write each uses: on its own line`);
    return problems;
}

/** Every `with:` key is an input of the pinned action.yml. */
export function actionInputProblems(wf: Workflow): string[] {
    const problems: string[] = [];
    for (const { label, job } of jobInstances(wf)) {
        for (const step of job.steps ?? []) {
            const action = actionOf(step);
            const known = action ? PINNED_ACTIONS[action] : undefined;
            if (!known) continue;
            for (const key of Object.keys(step.with ?? {})) {
                if (!known.inputs.includes(key)) problems.push(`${wf.file}: ${label}: ${action} has no input "${key}"`);
            }
        }
    }
    return problems;
}

const WORKFLOW_KEYS = new Set(["name", "run-name", "on", "permissions", "env", "defaults", "concurrency", "jobs"]);
const JOB_KEYS = new Set([
    "name", "needs", "permissions", "if", "runs-on", "environment", "concurrency", "outputs", "env", "defaults", "steps", "timeout-minutes",
    "strategy", "continue-on-error", "container", "services", "uses", "with", "secrets",
]);
const STEP_KEYS = new Set(["id", "if", "name", "uses", "run", "working-directory", "shell", "with", "env", "continue-on-error", "timeout-minutes"]);
const PERMISSION_SCOPES = new Set([
    "actions", "attestations", "checks", "contents", "deployments", "discussions", "id-token", "issues", "models", "packages", "pages",
    "pull-requests", "repository-projects", "security-events", "statuses",
]);

/** Only keys GitHub Actions knows, at the workflow, job and step level; steps have exactly one of uses and run. */
export function keyProblems(wf: Workflow): string[] {
    const problems: string[] = [];
    for (const key of Object.keys(wf.doc)) if (!WORKFLOW_KEYS.has(key)) problems.push(`${wf.file}: unknown workflow key "${key}"`);
    for (const [id, job] of Object.entries(wf.doc.jobs)) {
        for (const key of Object.keys(job)) if (!JOB_KEYS.has(key)) problems.push(`${wf.file}: jobs.${id}: unknown key "${key}"`);
        (job.steps ?? []).forEach((step, n) => {
            for (const key of Object.keys(step)) if (!STEP_KEYS.has(key)) problems.push(`${wf.file}: jobs.${id}.steps[${n}]: unknown key "${key}"`);
            if ((step.uses === undefined) === (step.run === undefined)) problems.push(`${wf.file}: jobs.${id}.steps[${n}]: needs exactly one of uses and run`);
        });
        for (const perms of [job.permissions].filter((p) => p && typeof p === "object") as Record<string, string>[]) {
            for (const [scope, level] of Object.entries(perms)) {
                if (!PERMISSION_SCOPES.has(scope)) problems.push(`${wf.file}: jobs.${id}.permissions: unknown scope "${scope}"`);
                if (!["read", "write", "none"].includes(level)) problems.push(`${wf.file}: jobs.${id}.permissions.${scope}: "${level}" is not read, write or none`);
            }
        }
    }
    return problems;
}

// ---------------------------------------------------------------------------------------------------------------
// Secrets, variables, expressions, permissions

export const ALLOWED_SECRETS = ["PULUMI_ACCESS_TOKEN", "GITHUB_TOKEN"] as const;
export const ALLOWED_VARS = [
    "AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_SUBSCRIPTION_ID", "AZURE_PREVIEW_CLIENT_ID", "PULUMI_BACKEND_URL", "PULUMI_SECRETS_PROVIDER",
    "GATEWAY_FORMAT", "VERIFY_FOUNDRY_LOCAL",
] as const;

/** Every string in the workflow (keys and values; comments are not part of it), depth first. */
export function strings(value: unknown): string[] {
    if (typeof value === "string") return [value];
    if (Array.isArray(value)) return value.flatMap(strings);
    if (value && typeof value === "object") return Object.entries(value).flatMap(([k, v]) => [k, ...strings(v)]);
    return [];
}

/** The only secrets referenced are PULUMI_ACCESS_TOKEN and GITHUB_TOKEN, by name (no secrets[…], inherit or toJSON). */
export function secretProblems(wf: Workflow): string[] {
    const problems: string[] = [];
    for (const [id, job] of Object.entries(wf.doc.jobs)) {
        if (job.secrets !== undefined) problems.push(`${wf.file}: jobs.${id}: passes secrets to a reusable workflow`);
    }
    for (const text of strings(wf.doc)) {
        for (const m of text.matchAll(/\bsecrets\s*(?:\.([A-Za-z0-9_-]+)|(\[|\)))/g)) {
            const name = m[1];
            if (name === undefined) problems.push(`${wf.file}: \`${m[0]}\`: refer to secrets by name only`);
            else if (!(ALLOWED_SECRETS as readonly string[]).includes(name)) problems.push(`${wf.file}: secrets.${name} is not allowed (only ${ALLOWED_SECRETS.join(", ")}; everything else is a vars. variable)`);
        }
    }
    return problems;
}

/** Every `vars.` name is one of the variables the bootstrap project outputs. */
export function varsProblems(wf: Workflow): string[] {
    const problems: string[] = [];
    for (const text of strings(wf.doc)) {
        for (const m of text.matchAll(/\bvars\s*(?:\.([A-Za-z0-9_-]+)|(\[|\)))/g)) {
            const name = m[1];
            if (name === undefined) problems.push(`${wf.file}: \`${m[0]}\`: refer to variables by name only`);
            else if (!(ALLOWED_VARS as readonly string[]).includes(name)) problems.push(`${wf.file}: vars.${name} is not one of ${ALLOWED_VARS.join(", ")}`);
        }
    }
    return problems;
}

/** No `${{ … }}` inside a run block: values reach scripts through env (no script injection). */
export function runExpressionProblems(wf: Workflow): string[] {
    return jobInstances(wf).flatMap(({ label, job }) =>
        (job.steps ?? []).flatMap((step, n) =>
            typeof step.run === "string" && step.run.includes("${{") ? [`${wf.file}: ${label} step ${n + 1}: \${{ … }} inside run; pass it through env`] : [],
        ),
    );
}

/**
 * The workflow grants nothing by default (`permissions: {}`); each job says `contents: read`, `id-token: write`
 * exactly when it signs in with azure/login, `pull-requests: write` exactly when pulumi/actions comments on the
 * pull request, and nothing else.
 */
export function permissionProblems(wf: Workflow): string[] {
    const problems: string[] = [];
    const top = wf.doc.permissions;
    if (!top || typeof top !== "object" || Object.keys(top).length > 0) problems.push(`${wf.file}: top-level permissions must be {} (each job asks for its own)`);
    for (const { label, job } of jobInstances(wf)) {
        const perms = effectivePermissions(wf, job);
        if (!perms || typeof perms !== "object") {
            problems.push(`${wf.file}: ${label}: set permissions as a map`);
            continue;
        }
        const steps = job.steps ?? [];
        const oidc = steps.some((s) => actionOf(s) === azureLogin);
        const comments = steps.some((s) => actionOf(s) === pulumiAction && String(s.with?.["comment-on-pr"]) === "true");
        const expected: Record<string, string> = { contents: "read", ...(oidc ? { "id-token": "write" } : {}), ...(comments ? { "pull-requests": "write" } : {}) };
        for (const [scope, level] of Object.entries(expected)) {
            if (perms[scope] !== level) problems.push(`${wf.file}: ${label}: needs permissions.${scope}: ${level}`);
        }
        for (const [scope, level] of Object.entries(perms)) {
            if (expected[scope] === undefined && level !== "none") {
                problems.push(`${wf.file}: ${label}: permissions.${scope}: ${level} is not needed${scope === "id-token" ? " (no azure/login in this job)" : ""}`);
            }
        }
    }
    return problems;
}

// ---------------------------------------------------------------------------------------------------------------
// Identities, environments, the deploy chain

export const STACKS = ["dev", "staging", "prod"] as const;
const DEPLOYER = "${{ vars.AZURE_CLIENT_ID }}";
const PREVIEWER = "${{ vars.AZURE_PREVIEW_CLIENT_ID }}";
const TENANT = "${{ vars.AZURE_TENANT_ID }}";
const SUBSCRIPTION = "${{ vars.AZURE_SUBSCRIPTION_ID }}";

/**
 * azure/login and the providers (ARM_*) sign in as the same identity: the deployer in a deploy environment
 * (dev, staging, prod), the preview identity in a `<stack>-preview` environment; `pulumi up` runs only as the
 * deployer in the environment named like its stack, `pulumi preview` only as the previewer in `<stack>-preview`.
 */
export function identityProblems(wf: Workflow): string[] {
    const problems: string[] = [];
    for (const { label, job } of jobInstances(wf)) {
        const steps = job.steps ?? [];
        const env = environmentOf(job);
        const where = `${wf.file}: ${label}`;
        const logins = steps.filter((s) => actionOf(s) === azureLogin);
        const pulumiSteps = pulumiCommandSteps(job);
        if (logins.length === 0) {
            if (pulumiSteps.length) problems.push(`${where}: runs pulumi ${pulumiSteps[0]?.command} without azure/login`);
            continue;
        }
        if (logins.length > 1) problems.push(`${where}: signs in more than once`);
        const login = logins[0] as Step;
        const identity = login.with?.["client-id"];
        if (login.with?.["tenant-id"] !== TENANT) problems.push(`${where}: azure/login tenant-id must be ${TENANT}`);
        if (login.with?.["subscription-id"] !== SUBSCRIPTION) problems.push(`${where}: azure/login subscription-id must be ${SUBSCRIPTION}`);
        if (login.with?.creds !== undefined) problems.push(`${where}: azure/login must use OIDC (client-id), not creds`);
        const expected = env && (STACKS as readonly string[]).includes(env) ? DEPLOYER : env && /^(dev|staging|prod)-preview$/.test(env) ? PREVIEWER : undefined;
        if (!expected) problems.push(`${where}: signs in to Azure outside the GitHub environments dev, staging, prod and <stack>-preview (environment: ${env ?? "none"})`);
        else if (identity !== expected) problems.push(`${where}: environment ${env} must sign in as ${expected}, not ${String(identity)}`);
        const loginAt = steps.indexOf(login);
        for (const { index, step, command } of pulumiSteps) {
            const vars = stepEnv(wf, job, step);
            if (vars.ARM_USE_OIDC !== "true") problems.push(`${where}: pulumi ${command} needs ARM_USE_OIDC: "true" for the providers`);
            if (vars.ARM_CLIENT_ID !== identity) problems.push(`${where}: pulumi ${command}: ARM_CLIENT_ID (${vars.ARM_CLIENT_ID}) must be azure/login's client-id (${String(identity)})`);
            if (vars.ARM_TENANT_ID !== TENANT) problems.push(`${where}: pulumi ${command}: ARM_TENANT_ID must be ${TENANT}`);
            if (vars.ARM_SUBSCRIPTION_ID !== SUBSCRIPTION) problems.push(`${where}: pulumi ${command}: ARM_SUBSCRIPTION_ID must be ${SUBSCRIPTION}`);
            if (index < loginAt) problems.push(`${where}: pulumi ${command} runs before azure/login`);
            const stack = step.with?.["stack-name"];
            if (command === "up" || command === "update") {
                if (identity !== DEPLOYER) problems.push(`${where}: pulumi up must run as the deployer (${DEPLOYER})`);
                if (stack !== env) problems.push(`${where}: pulumi up on ${String(stack)} must run in the GitHub environment ${String(stack)}, not ${env}`);
            } else if (command === "preview") {
                if (identity !== PREVIEWER) problems.push(`${where}: pulumi preview must run as the preview identity (${PREVIEWER})`);
                if (`${String(stack)}-preview` !== env) problems.push(`${where}: pulumi preview on ${String(stack)} must run in ${String(stack)}-preview, not ${env}`);
            }
        }
    }
    return problems;
}

/** The `pulumi up` jobs are dev → staging → prod, chained by needs, each in its environment with its own queue. */
export function deployChainProblems(wf: Workflow): string[] {
    const problems: string[] = [];
    const byStack = new Map<string, { id: string; job: Job }>();
    for (const { id, label, job } of jobInstances(wf)) {
        for (const { step } of upSteps(job)) {
            const stack = String(step.with?.["stack-name"]);
            if (byStack.has(stack)) problems.push(`${wf.file}: ${label}: a second pulumi up on ${stack}`);
            byStack.set(stack, { id, job });
        }
    }
    const stacks = [...byStack.keys()];
    if ([...stacks].sort().join() !== [...STACKS].sort().join()) problems.push(`${wf.file}: pulumi up runs on [${stacks.join(", ")}], expected ${STACKS.join(", ")}`);
    // Order by needs: a stack's job must need the previous stack's job, and no later one.
    STACKS.forEach((stack, n) => {
        const entry = byStack.get(stack);
        if (!entry) return;
        const { id, job } = entry;
        const needs = needsOf(job);
        const previous = n > 0 ? byStack.get(STACKS[n - 1] as string)?.id : undefined;
        if (previous && !needs.includes(previous)) problems.push(`${wf.file}: jobs.${id} (${stack}) must need ${previous} (${STACKS[n - 1]})`);
        for (const later of STACKS.slice(n)) {
            const laterId = byStack.get(later)?.id;
            if (laterId && needs.includes(laterId)) problems.push(`${wf.file}: jobs.${id} (${stack}) must not need ${laterId} (${later})`);
        }
        if (n === 0) {
            for (const other of STACKS.slice(1)) {
                const otherId = byStack.get(other)?.id;
                if (otherId && needs.includes(otherId)) problems.push(`${wf.file}: jobs.${id} (dev) must come first`);
            }
        }
        if (environmentOf(job) !== stack) problems.push(`${wf.file}: jobs.${id} must run in the GitHub environment ${stack}, not ${environmentOf(job)}`);
        const c = job.concurrency;
        const group = typeof c === "string" ? c : c?.group;
        const cancel = typeof c === "object" ? c["cancel-in-progress"] : undefined;
        if (!group || !group.includes(stack)) problems.push(`${wf.file}: jobs.${id}: needs a concurrency group per environment (naming ${stack})`);
        if (typeof c !== "object" || (cancel !== false && cancel !== "false")) problems.push(`${wf.file}: jobs.${id}: concurrency must set cancel-in-progress: false (never stop a running pulumi up)`);
    });
    // The topological order of the up jobs is dev, staging, prod.
    const ids = STACKS.map((s) => byStack.get(s)?.id).filter((x): x is string => x !== undefined);
    const depth = (id: string, seen: string[] = []): number => {
        if (seen.includes(id)) return Infinity;
        const job = wf.doc.jobs[id];
        return job ? Math.max(0, ...needsOf(job).map((n) => 1 + depth(n, [...seen, id]))) : 0;
    };
    const order = [...ids].sort((a, b) => depth(a) - depth(b));
    if (order.join() !== ids.join()) problems.push(`${wf.file}: the needs graph runs the deploys as ${order.join(" → ")}, expected ${ids.join(" → ")}`);
    return problems;
}

// ---------------------------------------------------------------------------------------------------------------
// After `pulumi up`: outputs file, verify, gateway-config, cleanup

const PRINTERS = new Set(["cat", "less", "more", "head", "tail", "bat", "echo", "printf", "tee", "cp", "mv", "base64", "xxd", "od", "strings", "curl", "gh"]);

/**
 * After each `pulumi up`, in order: the outputs are written with `--show-secrets` under `umask 077` to a file
 * under $RUNNER_TEMP; `npm run verify` reads that file; `npm run gateway-config` reads it only when
 * vars.GATEWAY_FORMAT is set, with `--format` from it, writing under $RUNNER_TEMP; the last step deletes the
 * file (and the generated config) `if: always()`. Nothing prints or copies the file, and nothing is uploaded.
 */
export function afterUpProblems(wf: Workflow): string[] {
    const problems: string[] = [];
    for (const { label, job } of jobInstances(wf)) {
        const steps = job.steps ?? [];
        const where = `${wf.file}: ${label}`;
        for (const { index } of upSteps(job)) {
            const after = steps.slice(index + 1);
            const writeAt = after.findIndex((s) => typeof s.run === "string" && /pulumi\s+stack\s+output/.test(s.run));
            const write = after[writeAt];
            if (!write) {
                problems.push(`${where}: no step reads the stack outputs after pulumi up`);
                continue;
            }
            const commands = shellCommands(write.run as string);
            const outputCmd = commands.find((c) => c.argv[0] === "pulumi" && c.argv[1] === "stack" && c.argv[2] === "output");
            const file = outputCmd?.redirects.find((r) => r.op === ">" || r.op === "1>")?.target;
            if (!outputCmd || !outputCmd.argv.includes("--show-secrets") || !outputCmd.argv.includes("--json")) {
                problems.push(`${where}: the outputs step must run pulumi stack output --json --show-secrets`);
            }
            if (!file || !file.startsWith("$RUNNER_TEMP/")) {
                problems.push(`${where}: the outputs (with secrets) must be written to a file under $RUNNER_TEMP`);
                continue;
            }
            const umaskAt = commands.findIndex((c) => c.argv[0] === "umask" && c.argv[1] === "077");
            if (umaskAt < 0 || umaskAt > commands.indexOf(outputCmd as ShellCommand)) problems.push(`${where}: umask 077 must come before the outputs are written to ${file}`);
            if (outputCmd && outputCmd.then === "|") problems.push(`${where}: the --show-secrets outputs must go to the file only`);

            const rest = after.slice(writeAt + 1);
            const verifyAt = rest.findIndex((s) => npmRuns(s, "verify").length > 0);
            const verifyArgs = npmRuns(rest[verifyAt] ?? {}, "verify")[0];
            if (!verifyArgs) problems.push(`${where}: npm run verify must follow pulumi up`);
            else {
                if (rest[verifyAt]?.if !== undefined) problems.push(`${where}: verify must run after every successful pulumi up (no if:)`);
                if (verifyArgs[verifyArgs.indexOf("--outputs") + 1] !== file || !verifyArgs.includes("--outputs")) problems.push(`${where}: verify must read --outputs ${file}`);
            }
            const gatewayAt = rest.findIndex((s) => npmRuns(s, "gateway-config").length > 0);
            const gateway = rest[gatewayAt];
            const gatewayArgs = npmRuns(gateway ?? {}, "gateway-config")[0];
            if (!gateway || !gatewayArgs) problems.push(`${where}: npm run gateway-config must follow pulumi up`);
            else {
                if (gatewayAt < verifyAt) problems.push(`${where}: gateway-config must come after verify`);
                if (String(gateway.if).replace(/\s+/g, " ").trim() !== "vars.GATEWAY_FORMAT != ''") problems.push(`${where}: gateway-config must be skipped when GATEWAY_FORMAT is unset (if: vars.GATEWAY_FORMAT != '')`);
                const fmt = gatewayArgs[gatewayArgs.indexOf("--format") + 1];
                const envFmt = stepEnv(wf, job, gateway)[fmt?.replace(/^\$\{?([A-Za-z_]+)\}?$/, "$1") ?? ""];
                if (!gatewayArgs.includes("--format") || envFmt !== "${{ vars.GATEWAY_FORMAT }}") problems.push(`${where}: gateway-config --format must come from vars.GATEWAY_FORMAT`);
                if (gatewayArgs[gatewayArgs.indexOf("--outputs") + 1] !== file || !gatewayArgs.includes("--outputs")) problems.push(`${where}: gateway-config must read --outputs ${file}`);
                const out = gatewayArgs[gatewayArgs.indexOf("--out") + 1];
                if (!gatewayArgs.includes("--out") || !out?.startsWith("$RUNNER_TEMP/")) problems.push(`${where}: gateway-config must write with --out under $RUNNER_TEMP`);
                const gwCommands = shellCommands(gateway.run as string);
                const gwUmask = gwCommands.findIndex((c) => c.argv[0] === "umask" && c.argv[1] === "077");
                const gwAt = gwCommands.findIndex((c) => npmInvocation(c.argv)?.script === "gateway-config");
                if (gwUmask < 0 || gwUmask > gwAt) problems.push(`${where}: umask 077 must come before gateway-config writes its files`);
                if (out && !isRemovedAtEnd(steps, out)) problems.push(`${where}: the generated config ${out} must be deleted if: always()`);
            }
            if (!isRemovedAtEnd(steps, file)) problems.push(`${where}: the last step must delete ${file} with if: always()`);
        }
    }
    return problems.concat(secretFileHandlingProblems(wf));
}

function isRemovedAtEnd(steps: readonly Step[], path: string): boolean {
    const last = steps[steps.length - 1];
    if (!last || typeof last.run !== "string" || String(last.if).replace(/\s+/g, "") !== "always()") return false;
    const target = path.replace(/\/$/, "");
    return shellCommands(last.run).some((c) => c.argv[0] === "rm" && c.argv.slice(1).some((a) => a.replace(/\/$/, "") === target));
}

/**
 * In any workflow: every `--show-secrets` read goes to a file (never the log), no command prints or copies a
 * secret outputs file, and nothing is uploaded as an artifact.
 */
export function secretFileHandlingProblems(wf: Workflow): string[] {
    const problems: string[] = [];
    const files = new Set<string>();
    for (const { label, command } of runCommands(wf)) {
        if (command.argv[0] === "pulumi" && command.argv.includes("--show-secrets")) {
            const file = command.redirects.find((r) => r.op === ">" || r.op === "1>")?.target;
            if (!file) problems.push(`${label}: \`${command.argv.join(" ")}\` prints secrets: write them to a file under $RUNNER_TEMP`);
            else files.add(file);
        }
    }
    for (const { label, command } of runCommands(wf)) {
        if (PRINTERS.has(command.argv[0] as string) && command.argv.slice(1).some((a) => files.has(a))) {
            problems.push(`${label}: \`${command.argv.join(" ")}\` prints or copies a file that holds secrets`);
        }
        if (command.redirects.some((r) => r.op.startsWith("<") && files.has(r.target)) && PRINTERS.has(command.argv[0] as string)) {
            problems.push(`${label}: \`${command.argv.join(" ")}\` prints a file that holds secrets`);
        }
        if (command.argv[0] === "jq" && command.argv.some((a) => files.has(a)) && command.then !== "|" && !command.redirects.some((r) => r.op.includes(">"))) {
            problems.push(`${label}: \`${command.argv.join(" ")}\` prints values of a file that holds secrets to the log`);
        }
    }
    for (const { label, job } of jobInstances(wf)) {
        for (const step of job.steps ?? []) {
            if (/upload-artifact|cache\/save|actions\/cache/.test(step.uses ?? "")) problems.push(`${wf.file}: ${label}: ${step.uses} would publish files from the runner`);
        }
    }
    return problems;
}

/**
 * Every job that runs pulumi/actions with a command first refuses debug logging: the action copies every stack
 * output into a step output, and the runner prints step outputs (nested secrets unmasked) when debug is on.
 */
export function debugGuardProblems(wf: Workflow): string[] {
    const problems: string[] = [];
    for (const { label, job } of jobInstances(wf)) {
        const steps = job.steps ?? [];
        for (const { index, command } of pulumiCommandSteps(job)) {
            const guardAt = steps.findIndex(
                (s) =>
                    String(s.if).replace(/\s+/g, "").replace(/"/g, "'") === "runner.debug=='1'" &&
                    typeof s.run === "string" &&
                    shellCommands(s.run).some((c) => c.argv[0] === "exit" && c.argv[1] === "1"),
            );
            if (guardAt < 0 || guardAt > index) problems.push(`${wf.file}: ${label}: pulumi ${command} needs a step before it that fails when runner.debug == '1'`);
        }
    }
    return problems;
}

/** Every pulumi/actions step pins the CLI with pulumi-version, at least the @pulumi/pulumi SDK version of package.json. */
export function pulumiVersionProblems(wf: Workflow, sdkVersion: string): string[] {
    const problems: string[] = [];
    const parts = (v: string) => v.split(".").map((n) => Number(n));
    for (const { label, job } of jobInstances(wf)) {
        for (const step of job.steps ?? []) {
            if (actionOf(step) !== pulumiAction) continue;
            const v = step.with?.["pulumi-version"];
            if (typeof v !== "string" || !/^\d+\.\d+\.\d+$/.test(v)) {
                problems.push(`${wf.file}: ${label}: pulumi/actions must pin pulumi-version to an exact version`);
                continue;
            }
            const [a, b] = [parts(v), parts(sdkVersion)];
            const cmp = (a[0]! - b[0]!) || (a[1]! - b[1]!) || (a[2]! - b[2]!);
            if (cmp < 0) problems.push(`${wf.file}: ${label}: pulumi-version ${v} is older than the SDK (@pulumi/pulumi ${sdkVersion})`);
        }
    }
    return problems;
}

/** Every checkout leaves no token behind for later steps. */
export function checkoutProblems(wf: Workflow): string[] {
    return jobInstances(wf).flatMap(({ label, job }) =>
        (job.steps ?? [])
            .filter((s) => actionOf(s) === "actions/checkout" && String(s.with?.["persist-credentials"]) !== "false")
            .map(() => `${wf.file}: ${label}: actions/checkout must set persist-credentials: false`),
    );
}

// ---------------------------------------------------------------------------------------------------------------
// Triggers

/** The cron entries of `on.schedule`. */
export function crons(wf: Workflow): string[] {
    const on = wf.doc.on as { schedule?: { cron?: string }[] } | undefined;
    return (on && typeof on === "object" && Array.isArray(on.schedule) ? on.schedule : []).map((s) => String(s.cron));
}

/** Whether a cron expression runs once a day (fixed minute and hour, every day). */
export function isDaily(cron: string): boolean {
    const f = cron.trim().split(/\s+/);
    return f.length === 5 && /^\d+$/.test(f[0]!) && Number(f[0]) < 60 && /^\d+$/.test(f[1]!) && Number(f[1]) < 24 && f.slice(2).every((x) => x === "*");
}

/** The triggers (`on:` keys) of a workflow. */
export function triggers(wf: Workflow): string[] {
    const on = wf.doc.on;
    if (typeof on === "string") return [on];
    if (Array.isArray(on)) return on.map(String);
    return on && typeof on === "object" ? Object.keys(on) : [];
}

/**
 * Every workflow names bash as the default shell: GitHub then runs `bash --noprofile --norc -eo pipefail`, while its
 * unnamed default is `bash -e`, where `a | tee log || status=$?` records tee's status and a failing `a` passes.
 */
export function shellProblems(wf: Workflow): string[] {
    const problems: string[] = [];
    if (wf.doc.defaults?.run?.shell !== "bash") problems.push(`${wf.file}: defaults.run.shell is not bash (pipefail is off)`);
    for (const [id, job] of Object.entries(wf.doc.jobs)) {
        const jobShell = job.defaults?.run?.shell;
        if (jobShell !== undefined && jobShell !== "bash") problems.push(`${wf.file}: jobs.${id}.defaults.run.shell is ${jobShell}`);
        for (const [i, step] of (job.steps ?? []).entries()) {
            if (step["shell"] !== undefined && step["shell"] !== "bash") problems.push(`${wf.file}: jobs.${id}.steps[${i}].shell is ${String(step["shell"])}`);
        }
    }
    return problems;
}
