/**
 * The GitHub Actions workflows (.github/workflows/), checked structurally: npm scripts that exist, actions
 * pinned to reviewed commits with only inputs their action.yml declares, least-privilege permissions, the
 * right identity in the right GitHub environment, the deploy chain, what follows every `pulumi up`, how the
 * secret-bearing outputs are handled, allowed secrets and variables, and the schedules. Each rule also runs on
 * a broken copy of a real workflow to show it catches the mistake. The checks live in test/workflows.lib.ts.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
    actionInputProblems, actionOf, afterUpProblems, ALLOWED_VARS, checkoutProblems, crons, debugGuardProblems, deployChainProblems,
    environmentOf, identityProblems, isDaily, jobInstances, keyProblems, loadWorkflows, needsOf, nodeSetupProblems, NODE_VERSION, npmInvocation,
    npmRuns, npmScriptProblems, parseWorkflow, permissionProblems, PINNED_ACTIONS, pinProblems, previewSteps, pulumiVersionProblems,
    runCommands, runExpressionProblems, secretFileHandlingProblems, secretProblems, shellCommands, shellProblems, STACKS, triggers, upSteps,
    varsProblems, withDoc, withText, type Step, type Workflow,
} from "./workflows.lib";

const root = join(__dirname, "..");
const workflows = loadWorkflows(join(root, ".github", "workflows"));
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { scripts: Record<string, string>; dependencies: Record<string, string>; engines: { node: string } };
const sdkVersion = pkg.dependencies["@pulumi/pulumi"] as string;

function workflow(file: string): Workflow {
    const wf = workflows.find((w) => w.file === file);
    if (!wf) throw new Error(`.github/workflows/${file} is missing`);
    return wf;
}
const pr = workflow("pull-request.yml");
const deploy = workflow("deploy.yml");
const expiry = workflow("expiry.yml");

/** Every step of a job (by id) of a mutable document copy. */
const stepsOf = (doc: Workflow["doc"], job: string): Step[] => doc.jobs[job]?.steps ?? [];
const findStep = (doc: Workflow["doc"], job: string, pred: (s: Step) => boolean): Step => {
    const s = stepsOf(doc, job).find(pred);
    if (!s) throw new Error(`no such step in ${job}`);
    return s;
};
const isUp = (s: Step) => actionOf(s) === "pulumi/actions" && s.with?.command === "up";

describe("workflow files", () => {
    it("are the three pipelines, each parsed with jobs", () => {
        expect(workflows.map((w) => w.file)).toEqual(["deploy.yml", "expiry.yml", "pull-request.yml"]);
    });

    it("use only keys GitHub Actions knows, and steps with exactly one of uses and run", () => {
        for (const wf of workflows) expect(keyProblems(wf)).toEqual([]);
        const bad = withDoc(deploy, (d) => {
            (d.jobs.dev as Record<string, unknown>)["run-on"] = "ubuntu-latest";
            stepsOf(d, "dev").push({ uses: "x", run: "y" });
            (d.jobs.dev!.permissions as Record<string, string>)["id_token"] = "write";
        });
        expect(keyProblems(bad)).toEqual([
            'deploy.yml: jobs.dev: unknown key "run-on"',
            'deploy.yml: jobs.dev.steps[12]: needs exactly one of uses and run',
            'deploy.yml: jobs.dev.permissions: unknown scope "id_token"',
        ]);
    });
});

describe("shell parsing of run blocks", () => {
    const argvs = (script: string) => shellCommands(script).map((c) => c.argv.join(" "));

    it("splits on newlines, ;, &&, ||, | and & and drops keywords and assignments", () => {
        expect(argvs("npm ci && npm test; FOO=1 npm run -s render | tee x || exit 1 &\nif [ -n a ]; then npm run verify; fi")).toEqual([
            "npm ci", "npm test", "npm run -s render", "tee x", "exit 1", "[ -n a ]", "npm run verify",
        ]);
    });

    it("joins continued lines, removes quotes and escapes, and skips comments", () => {
        expect(argvs('npm run -s gateway-config -- --format "$F" \\\n  --out \'$RUNNER_TEMP/g/\' # a comment\necho "a \\"b\\"" c\\ d')).toEqual([
            "npm run -s gateway-config -- --format $F --out $RUNNER_TEMP/g/",
            'echo a "b" c d',
        ]);
    });

    it("reads redirections apart from the words", () => {
        const [cmd] = shellCommands('pulumi stack output --json --show-secrets > "$RUNNER_TEMP/o.json" 2>&1');
        expect(cmd?.argv).toEqual(["pulumi", "stack", "output", "--json", "--show-secrets"]);
        expect(cmd?.redirects).toEqual([{ op: ">", target: "$RUNNER_TEMP/o.json" }, { op: "2>&", target: "1" }]);
        expect(shellCommands("a | b")[0]?.then).toBe("|");
    });

    it("refuses what it cannot read", () => {
        expect(() => shellCommands("cat <<EOF\nx\nEOF")).toThrow(/here-documents/);
        expect(() => shellCommands("echo 'open")).toThrow(/single quote/);
    });

    it("names the script or builtin of an npm command", () => {
        expect(npmInvocation(["npm", "run", "-s", "verify", "--", "--outputs", "f"])).toEqual({ command: "run", script: "verify", args: ["--outputs", "f"] });
        expect(npmInvocation(["npm", "--silent", "test"])).toEqual({ command: "test", script: "test", args: [] });
        expect(npmInvocation(["npm", "ci", "--ignore-scripts"])).toEqual({ command: "ci", args: ["--ignore-scripts"] });
        expect(npmInvocation(["npx", "tsc"])).toBeUndefined();
    });
});

describe("npm commands", () => {
    it("every npm run <x> / npm <x> names a script of package.json or a known npm command", () => {
        for (const wf of workflows) expect(npmScriptProblems(wf, pkg.scripts)).toEqual([]);
        const used = workflows.flatMap((wf) => runCommands(wf).map((r) => npmInvocation(r.command.argv)?.script)).filter(Boolean);
        expect(new Set(used)).toEqual(new Set(["test", "test:long", "render", "plan", "verify", "gateway-config", "expiry"]));
    });

    it("catches a missing script, also inside a multi-line run block, and an unknown npm command", () => {
        const bad = withDoc(deploy, (d) => {
            findStep(d, "dev", (s) => npmRuns(s, "verify").length > 0).run = 'echo start\nif true; then\n  npm run -s verfiy -- --outputs x\nfi';
            stepsOf(d, "test").push({ run: "npm tets" });
        });
        expect(npmScriptProblems(bad, pkg.scripts)).toEqual([
            'deploy.yml: test step 5: `npm tets`: "tets" is not an npm command this check knows',
            'deploy.yml: dev step 10: `npm run -s verfiy -- --outputs x`: package.json has no script "verfiy"',
        ]);
        const { render: _render, ...withoutRender } = pkg.scripts;
        expect(npmScriptProblems(pr, withoutRender)).toEqual([expect.stringMatching(/package.json has no script "render"/)]);
    });

    it(`every job that runs npm sets up Node ${NODE_VERSION} (an LTS line package.json's engines admits) with the npm cache, and installs with npm ci first`, () => {
        expect(pkg.engines.node.split("||").map((r) => r.trim())).toContain(`^${NODE_VERSION}.0.0`);
        for (const wf of workflows) expect(nodeSetupProblems(wf)).toEqual([]);
        const bad = withDoc(pr, (d) => {
            findStep(d, "test", (s) => actionOf(s) === "actions/setup-node").with = { "node-version": 18 };
            findStep(d, "test", (s) => s.run === "npm ci --ignore-scripts").run = "npm install";
        });
        expect(nodeSetupProblems(bad)).toEqual([
            `pull-request.yml: test: actions/setup-node must set node-version: ${NODE_VERSION}`,
            "pull-request.yml: test: actions/setup-node must set cache: npm",
            "pull-request.yml: test: the first npm command must be npm ci",
        ]);
    });
});

describe("actions", () => {
    it("every uses: is pinned to the reviewed 40-hex commit with its version as a comment", () => {
        for (const wf of workflows) expect(pinProblems(wf)).toEqual([]);
        const used = new Set(workflows.flatMap((wf) => jobInstances(wf).flatMap(({ job }) => (job.steps ?? []).map(actionOf))).filter(Boolean));
        expect(used).toEqual(new Set(Object.keys(PINNED_ACTIONS)));
    });

    it("reads every uses: from a line of its own, steps reached through a YAML alias included", () => {
        const flow = parseWorkflow("flow.yml", [
            "on: push",
            "jobs:",
            "  a:",
            "    runs-on: ubuntu-latest",
            "    steps: &steps",
            `      - { uses: actions/checkout@${PINNED_ACTIONS["actions/checkout"]!.sha} }`,
            "  b:",
            "    runs-on: ubuntu-latest",
            "    steps: *steps",
        ].join("\n"));
        expect(pinProblems(flow)).toEqual([`flow.yml: \`uses: actions/checkout@${PINNED_ACTIONS["actions/checkout"]!.sha}\` was not read from a line of its own; write each uses: on its own line`]);
        // The deploy jobs share their steps through an alias; each job still gets a copy of its own.
        expect(deploy.doc.jobs.prod!.steps).toEqual(deploy.doc.jobs.dev!.steps);
        const renamed = withDoc(deploy, (d) => (d.jobs.dev!.steps![0]!.name = "renamed"));
        expect(renamed.doc.jobs.prod!.steps![0]!.name).not.toBe("renamed");
    });

    it("catches a tag, a short SHA, a missing comment, a wrong version and an unreviewed action", () => {
        const { sha } = PINNED_ACTIONS["actions/checkout"]!;
        const bad = withText(pr, (t) =>
            t
                .replace(`actions/checkout@${sha} # v7.0.1`, "actions/checkout@v4")
                .replace(`actions/checkout@${sha} # v7.0.1`, `actions/checkout@${sha.slice(0, 7)} # v7.0.1`)
                .replace(/azure\/login@([0-9a-f]{40}) # v3\.0\.1/, "azure/login@$1")
                .replace(/pulumi\/actions@([0-9a-f]{40}) # v7\.0\.0/, "pulumi/actions@$1 # v6.6.1")
                .replace(/actions\/setup-node@[0-9a-f]{40}/, `evil/setup-node@${"a".repeat(40)}`),
        );
        const problems = pinProblems(bad).join("\n");
        expect(problems).toMatch(/actions\/checkout@v4 is not pinned to a full 40-hex commit SHA/);
        expect(problems).toMatch(/actions\/checkout@3d3c42e is not pinned/);
        expect(problems).toMatch(/azure\/login@f5d393ae46f8fde4be8b75f32e3fc50e654ad0ca has no trailing version comment/);
        expect(problems).toMatch(/pulumi\/actions must be 8e5e406f4007fca908480587cb9893c07090f58d # v7\.0\.0 \(the reviewed pin\), not .* # v6\.6\.1/);
        expect(problems).toMatch(/evil\/setup-node is not one of the reviewed actions/);
    });

    it("pass only inputs their action.yml declares", () => {
        for (const wf of workflows) expect(actionInputProblems(wf)).toEqual([]);
        const bad = withDoc(deploy, (d) => {
            findStep(d, "prod", isUp).with!["stack"] = "prod";
            findStep(d, "prod", (s) => actionOf(s) === "azure/login").with!["client_id"] = "x";
        });
        expect(actionInputProblems(bad)).toEqual([
            'deploy.yml: prod: azure/login has no input "client_id"',
            'deploy.yml: prod: pulumi/actions has no input "stack"',
        ]);
    });

    it("pin the Pulumi CLI with pulumi-version, no older than the SDK in package.json", () => {
        for (const wf of workflows) expect(pulumiVersionProblems(wf, sdkVersion)).toEqual([]);
        const all = workflows.flatMap((wf) => jobInstances(wf).flatMap(({ job }) => (job.steps ?? []).filter((s) => actionOf(s) === "pulumi/actions")));
        expect(new Set(all.map((s) => s.with?.["pulumi-version"]))).toEqual(new Set(["3.248.0"]));
        expect(pulumiVersionProblems(expiry, "3.249.0")).toEqual(
            STACKS.map((stack) => `expiry.yml: expiry (stack=${stack}): pulumi-version 3.248.0 is older than the SDK (@pulumi/pulumi 3.249.0)`),
        );
        const unpinned = withDoc(expiry, (d) => delete findStep(d, "expiry", (s) => actionOf(s) === "pulumi/actions").with!["pulumi-version"]);
        expect(pulumiVersionProblems(unpinned, sdkVersion)[0]).toMatch(/must pin pulumi-version/);
    });

    it("check out without leaving the token behind", () => {
        for (const wf of workflows) expect(checkoutProblems(wf)).toEqual([]);
        const bad = withDoc(pr, (d) => delete findStep(d, "test", (s) => actionOf(s) === "actions/checkout").with);
        expect(checkoutProblems(bad)).toEqual(["pull-request.yml: test: actions/checkout must set persist-credentials: false"]);
    });
});

describe("shell", () => {
    it("every run block is valid bash (bash -n, the shell the runner uses)", () => {
        let blocks = 0;
        for (const wf of workflows) {
            for (const [id, job] of Object.entries(wf.doc.jobs)) {
                for (const step of job.steps ?? []) {
                    if (step.run === undefined) continue;
                    blocks++;
                    const check = spawnSync("bash", ["-n"], { input: step.run, encoding: "utf8" });
                    expect(check.stderr, `${wf.file}: jobs.${id}: ${step.name ?? step.run.split("\n")[0]}`).toBe("");
                    expect(check.status).toBe(0);
                }
            }
        }
        expect(blocks).toBeGreaterThan(10);
        expect(spawnSync("bash", ["-n"], { input: 'if [ -n "$X" ]; then echo x', encoding: "utf8" }).status).not.toBe(0);
    });

    it("every workflow runs bash with pipefail, so a failing command before | tee fails its step", () => {
        for (const wf of workflows) expect(shellProblems(wf)).toEqual([]);
        const unnamed = withDoc(expiry, (d) => delete d.defaults);
        expect(shellProblems(unnamed)).toEqual(["expiry.yml: defaults.run.shell is not bash (pipefail is off)"]);
        const sh = withDoc(deploy, (d) => (findStep(d, "dev", (s) => s.name === "Verify the deployment (real tokens, real calls)")["shell"] = "sh"));
        expect(shellProblems(sh)).toEqual([expect.stringMatching(/^deploy\.yml: jobs\.dev\.steps\[\d+\]\.shell is sh$/)]);
    });
});

describe("secrets, variables and expressions", () => {
    it("reference no secret but PULUMI_ACCESS_TOKEN and GITHUB_TOKEN", () => {
        for (const wf of workflows) expect(secretProblems(wf)).toEqual([]);
        const bad = withDoc(deploy, (d) => {
            d.jobs.dev!.env!["ARM_CLIENT_SECRET"] = "${{ secrets.AZURE_CLIENT_SECRET }}";
            d.jobs.dev!.env!["ALL"] = "${{ toJSON(secrets) }}";
            d.jobs.staging!.env!["X"] = "${{ secrets['PULUMI_ACCESS_TOKEN'] }}";
        });
        expect(secretProblems(bad)).toEqual([
            "deploy.yml: secrets.AZURE_CLIENT_SECRET is not allowed (only PULUMI_ACCESS_TOKEN, GITHUB_TOKEN; everything else is a vars. variable)",
            "deploy.yml: `secrets)`: refer to secrets by name only",
            "deploy.yml: `secrets[`: refer to secrets by name only",
        ]);
    });

    it("use only the variables the bootstrap project outputs, and every one of them", () => {
        for (const wf of workflows) expect(varsProblems(wf)).toEqual([]);
        const used = new Set(workflows.flatMap((wf) => [...wf.text.matchAll(/\bvars\.([A-Z_]+)/g)].map((m) => m[1])));
        expect(used).toEqual(new Set(ALLOWED_VARS));
        const bad = withDoc(expiry, (d) => (d.jobs.expiry!.env!["ARM_CLIENT_ID"] = "${{ vars.ARM_CLIENT_ID }}"));
        expect(varsProblems(bad)).toEqual([expect.stringMatching(/vars\.ARM_CLIENT_ID is not one of AZURE_TENANT_ID/)]);
    });

    it("never put ${{ }} expressions inside a run block (values reach scripts through env)", () => {
        for (const wf of workflows) expect(runExpressionProblems(wf)).toEqual([]);
        const bad = withDoc(expiry, (d) => (findStep(d, "expiry", (s) => s.name === "Expiry watch").run = 'echo "${{ github.head_ref }}"'));
        expect(runExpressionProblems(bad)).toHaveLength(3);
    });
});

describe("permissions", () => {
    it("grant nothing at the top; each job contents: read, id-token: write only with azure/login, pull-requests: write only to comment", () => {
        for (const wf of workflows) expect(permissionProblems(wf)).toEqual([]);
        const oidcJobs = workflows.flatMap((wf) => jobInstances(wf).filter(({ job }) => (job.steps ?? []).some((s) => actionOf(s) === "azure/login")).map((j) => `${wf.file}:${j.id}`));
        expect(new Set(oidcJobs)).toEqual(new Set(["deploy.yml:dev", "deploy.yml:staging", "deploy.yml:prod", "expiry.yml:expiry", "pull-request.yml:preview"]));
    });

    it("catch id-token: write without azure/login, azure/login without it, a needless write and a workflow-wide grant", () => {
        const bad = withDoc(pr, (d) => {
            (d.jobs.test!.permissions as Record<string, string>)["id-token"] = "write";
            delete (d.jobs.preview!.permissions as Record<string, string>)["id-token"];
            (d.jobs.preview!.permissions as Record<string, string>)["contents"] = "write";
            d.permissions = { contents: "read" };
        });
        const problems = permissionProblems(bad);
        expect(problems).toContain("pull-request.yml: top-level permissions must be {} (each job asks for its own)");
        expect(problems).toContain("pull-request.yml: test: permissions.id-token: write is not needed (no azure/login in this job)");
        expect(problems).toContain("pull-request.yml: preview (stack=prod): needs permissions.id-token: write");
        expect(problems).toContain("pull-request.yml: preview (stack=dev): needs permissions.contents: read");
        const noComment = withDoc(pr, (d) => (findStep(d, "preview", (s) => actionOf(s) === "pulumi/actions").with!["comment-on-pr"] = false));
        expect(permissionProblems(noComment)).toContain("pull-request.yml: preview (stack=dev): permissions.pull-requests: write is not needed");
    });
});

describe("identities and GitHub environments", () => {
    it("sign in as the deployer in dev, staging and prod and as the preview identity in <stack>-preview, providers included", () => {
        for (const wf of workflows) expect(identityProblems(wf)).toEqual([]);
        const previews = jobInstances(pr).filter(({ job }) => previewSteps(job).length > 0);
        expect(previews.map(({ job }) => environmentOf(job))).toEqual(["dev-preview", "staging-preview", "prod-preview"]);
        expect(previews.map(({ job }) => previewSteps(job)[0]?.step.with?.["stack-name"])).toEqual(["dev", "staging", "prod"]);
        expect(jobInstances(expiry).map(({ job }) => environmentOf(job))).toEqual(["dev-preview", "staging-preview", "prod-preview"]);
    });

    it("catch the deployer in a preview, the previewer deploying, providers signed in as someone else, and a wrong environment", () => {
        const deployerPreview = withDoc(pr, (d) => (findStep(d, "preview", (s) => actionOf(s) === "azure/login").with!["client-id"] = "${{ vars.AZURE_CLIENT_ID }}"));
        expect(identityProblems(deployerPreview)).toContain(
            "pull-request.yml: preview (stack=dev): environment dev-preview must sign in as ${{ vars.AZURE_PREVIEW_CLIENT_ID }}, not ${{ vars.AZURE_CLIENT_ID }}",
        );
        const previewerDeploying = withDoc(deploy, (d) => {
            findStep(d, "staging", (s) => actionOf(s) === "azure/login").with!["client-id"] = "${{ vars.AZURE_PREVIEW_CLIENT_ID }}";
            d.jobs.staging!.env!["ARM_CLIENT_ID"] = "${{ vars.AZURE_PREVIEW_CLIENT_ID }}";
        });
        expect(identityProblems(previewerDeploying)).toEqual([
            "deploy.yml: staging: environment staging must sign in as ${{ vars.AZURE_CLIENT_ID }}, not ${{ vars.AZURE_PREVIEW_CLIENT_ID }}",
            "deploy.yml: staging: pulumi up must run as the deployer (${{ vars.AZURE_CLIENT_ID }})",
        ]);
        const mixed = withDoc(deploy, (d) => {
            d.jobs.prod!.env!["ARM_CLIENT_ID"] = "${{ vars.AZURE_PREVIEW_CLIENT_ID }}";
            delete d.jobs.prod!.env!["ARM_USE_OIDC"];
            d.jobs.dev!.environment = "prod";
        });
        expect(identityProblems(mixed)).toEqual([
            'deploy.yml: dev: pulumi up on dev must run in the GitHub environment dev, not prod',
            'deploy.yml: prod: pulumi up needs ARM_USE_OIDC: "true" for the providers',
            "deploy.yml: prod: pulumi up: ARM_CLIENT_ID (${{ vars.AZURE_PREVIEW_CLIENT_ID }}) must be azure/login's client-id (${{ vars.AZURE_CLIENT_ID }})",
        ]);
    });

    it("skip previews for pull requests from forks (they get no OIDC token)", () => {
        expect(pr.doc.jobs.preview?.if).toBe("github.event.pull_request.head.repo.full_name == github.repository");
        expect(triggers(pr)).toEqual(["pull_request"]);
        expect((pr.doc.on as { pull_request: { branches: string[] } }).pull_request.branches).toEqual(["main"]);
        expect(needsOf(pr.doc.jobs.preview!)).toEqual(["test"]);
    });

    it("comment the preview on the pull request, with the policy pack, against the configured backend", () => {
        const step = findStep(pr.doc, "preview", (s) => actionOf(s) === "pulumi/actions");
        expect(step.with).toMatchObject({
            command: "preview", "comment-on-pr": true, "github-token": "${{ secrets.GITHUB_TOKEN }}",
            "cloud-url": "${{ vars.PULUMI_BACKEND_URL }}", policyPacks: "policy",
        });
    });
});

describe("deploy", () => {
    it("judges a preview with npm run plan before every pulumi up, and stops on a danger unless accepted by hand", () => {
        for (const { id, job } of jobInstances(deploy).filter(({ job }) => upSteps(job).length > 0)) {
            const steps = job.steps ?? [];
            const guardAt = steps.findIndex((s) => npmRuns(s, "plan").some((args) => args.includes("--preview")));
            const upAt = upSteps(job)[0]!.index;
            expect(guardAt, `${id}: a plan --preview step`).toBeGreaterThan(0);
            expect(guardAt, `${id}: before pulumi up`).toBeLessThan(upAt);
            const guard = String(steps[guardAt]!.run);
            const preview = shellCommands(guard).find((c) => c.argv[0] === "pulumi" && c.argv[1] === "preview");
            expect(preview?.argv, id).toEqual(expect.arrayContaining(["--json", "--show-sames", "--stack", "$STACK"]));
            // The plan's exit status decides the step; only a hand-run with accept-dangers turns a 1 into a 0.
            expect(guard).toContain('exit "$status"');
            expect(guard).toMatch(/\[ "\$status" -eq 1 \] && \[ "\$ACCEPT_DANGERS" = "true" \]/);
            expect(steps[guardAt]!.env?.ACCEPT_DANGERS).toBe("${{ inputs.accept-dangers == true }}");
            // The CLI is installed before the guard (pulumi/actions without a command only installs it).
            const installAt = steps.findIndex((s) => actionOf(s) === "pulumi/actions" && s.with?.command === undefined);
            expect(installAt, id).toBeGreaterThan(0);
            expect(installAt).toBeLessThan(guardAt);
        }
        expect((deploy.doc.on as { workflow_dispatch: { inputs: Record<string, { type: string; default: boolean }> } }).workflow_dispatch.inputs["accept-dangers"])
            .toMatchObject({ type: "boolean", default: false });
    });

    it("runs pulumi up on dev, then staging, then prod, chained by needs, each in its environment with its own queue", () => {
        expect(deployChainProblems(deploy)).toEqual([]);
        const ups = jobInstances(deploy).flatMap(({ id, job }) => upSteps(job).map(({ step }) => [id, environmentOf(job), step.with?.["stack-name"], needsOf(job).join()]));
        expect(ups).toEqual([["dev", "dev", "dev", "test"], ["staging", "staging", "staging", "dev"], ["prod", "prod", "prod", "staging"]]);
        for (const wf of [pr, expiry]) expect(jobInstances(wf).flatMap(({ job }) => upSteps(job))).toEqual([]);
    });

    it("catches a skipped stage, a reversed order, a shared queue and a cancellable deploy", () => {
        const skip = withDoc(deploy, (d) => (d.jobs.prod!.needs = "dev"));
        expect(deployChainProblems(skip)).toEqual(["deploy.yml: jobs.prod (prod) must need staging (staging)"]);
        const reversed = withDoc(deploy, (d) => {
            d.jobs.dev!.needs = "prod";
            d.jobs.prod!.needs = "test";
            d.jobs.staging!.needs = "dev";
        });
        expect(deployChainProblems(reversed).join("\n")).toMatch(/jobs\.dev \(dev\) must not need prod[\s\S]*jobs\.prod \(prod\) must need staging/);
        const queue = withDoc(deploy, (d) => (d.jobs.staging!.concurrency = { group: "deploy", "cancel-in-progress": true }));
        expect(deployChainProblems(queue)).toEqual([
            "deploy.yml: jobs.staging: needs a concurrency group per environment (naming staging)",
            "deploy.yml: jobs.staging: concurrency must set cancel-in-progress: false (never stop a running pulumi up)",
        ]);
        const env = withDoc(deploy, (d) => (d.jobs.prod!.environment = "production"));
        expect(deployChainProblems(env)).toEqual(["deploy.yml: jobs.prod must run in the GitHub environment prod, not production"]);
    });

    it("creates missing stacks with the configured secrets provider, runs the policy pack, and runs on push to main, daily and by hand", () => {
        for (const { job } of jobInstances(deploy)) {
            for (const { step } of upSteps(job)) {
                expect(step.with).toMatchObject({
                    upsert: true, "secrets-provider": "${{ vars.PULUMI_SECRETS_PROVIDER }}", "cloud-url": "${{ vars.PULUMI_BACKEND_URL }}", policyPacks: "policy",
                });
            }
        }
        expect(triggers(deploy)).toEqual(["push", "schedule", "workflow_dispatch"]);
        expect((deploy.doc.on as { push: { branches: string[] } }).push.branches).toEqual(["main"]);
        // docs/production.md: rotation happens at the first `pulumi up` on or after its due date; run it daily.
        expect(crons(deploy).length).toBeGreaterThan(0);
        expect(crons(deploy).every(isDaily)).toBe(true);
    });

    it("keeps the three deploy jobs identical but for the stack and what they need", () => {
        const normalise = (id: string) =>
            JSON.stringify({ ...deploy.doc.jobs[id], needs: undefined }).replaceAll(id, "<stack>");
        expect(normalise("staging")).toBe(normalise("dev"));
        expect(normalise("prod")).toBe(normalise("dev"));
    });

    it("gives every Pulumi job the backend, the access token and the state's secrets provider", () => {
        for (const wf of workflows) {
            for (const { label, job } of jobInstances(wf)) {
                if (!(job.steps ?? []).some((s) => actionOf(s) === "pulumi/actions")) continue;
                expect(job.env, `${wf.file}: ${label}`).toMatchObject({
                    PULUMI_BACKEND_URL: "${{ vars.PULUMI_BACKEND_URL }}",
                    PULUMI_ACCESS_TOKEN: "${{ secrets.PULUMI_ACCESS_TOKEN }}",
                    PULUMI_FALLBACK_TO_STATE_SECRETS_MANAGER: "true",
                    AZURE_KEYVAULT_AUTH_VIA_CLI: "true",
                });
            }
        }
    });
});

describe("after every pulumi up", () => {
    it("writes the outputs under umask 077 to $RUNNER_TEMP, verifies, checks the gateway config when GATEWAY_FORMAT is set, and deletes both if: always()", () => {
        for (const wf of workflows) expect(afterUpProblems(wf)).toEqual([]);
        expect(jobInstances(deploy).flatMap(({ job }) => upSteps(job))).toHaveLength(3);
    });

    it("catches a missing umask, a file outside $RUNNER_TEMP, a skipped verify, an unconditional gateway-config and no cleanup", () => {
        const noUmask = withDoc(deploy, (d) => {
            const s = findStep(d, "dev", (x) => /pulumi stack output/.test(x.run ?? ""));
            s.run = (s.run as string).replace("umask 077\n", "");
        });
        expect(afterUpProblems(noUmask)).toEqual(["deploy.yml: dev: umask 077 must come before the outputs are written to $RUNNER_TEMP/outputs.secret.json"]);

        const workspace = withDoc(deploy, (d) => {
            const s = findStep(d, "staging", (x) => /pulumi stack output/.test(x.run ?? ""));
            s.run = (s.run as string).replace('> "$RUNNER_TEMP/outputs.secret.json"', "> outputs.json");
        });
        expect(afterUpProblems(workspace)).toEqual(["deploy.yml: staging: the outputs (with secrets) must be written to a file under $RUNNER_TEMP"]);

        const noVerify = withDoc(deploy, (d) => {
            d.jobs.prod!.steps = stepsOf(d, "prod").filter((s) => npmRuns(s, "verify").length === 0);
        });
        expect(afterUpProblems(noVerify)).toEqual(["deploy.yml: prod: npm run verify must follow pulumi up"]);

        const always = withDoc(deploy, (d) => {
            delete findStep(d, "dev", (s) => npmRuns(s, "gateway-config").length > 0).if;
            findStep(d, "dev", (s) => npmRuns(s, "verify").length > 0).if = "github.event_name == 'push'";
        });
        expect(afterUpProblems(always)).toEqual([
            "deploy.yml: dev: verify must run after every successful pulumi up (no if:)",
            "deploy.yml: dev: gateway-config must be skipped when GATEWAY_FORMAT is unset (if: vars.GATEWAY_FORMAT != '')",
        ]);

        const noCleanup = withDoc(deploy, (d) => {
            delete stepsOf(d, "staging").at(-1)!.if;
        });
        expect(afterUpProblems(noCleanup)).toEqual([
            "deploy.yml: staging: the generated config $RUNNER_TEMP/gateway-config/ must be deleted if: always()",
            "deploy.yml: staging: the last step must delete $RUNNER_TEMP/outputs.secret.json with if: always()",
        ]);
    });

    it("never prints, copies or uploads the secret outputs", () => {
        for (const wf of workflows) expect(secretFileHandlingProblems(wf)).toEqual([]);
        const bad = withDoc(deploy, (d) => {
            stepsOf(d, "dev").splice(8, 0,
                { run: 'cat "$RUNNER_TEMP/outputs.secret.json"' },
                { run: "pulumi stack output --stack dev --json --show-secrets | jq ." },
                { run: 'jq .gateway "$RUNNER_TEMP/outputs.secret.json"' },
                { uses: `actions/upload-artifact@${"b".repeat(40)}` },
            );
        });
        expect(secretFileHandlingProblems(bad)).toEqual([
            "deploy.yml: dev step 10: `pulumi stack output --stack dev --json --show-secrets` prints secrets: write them to a file under $RUNNER_TEMP",
            "deploy.yml: dev step 9: `cat $RUNNER_TEMP/outputs.secret.json` prints or copies a file that holds secrets",
            "deploy.yml: dev step 11: `jq .gateway $RUNNER_TEMP/outputs.secret.json` prints values of a file that holds secrets to the log",
            `deploy.yml: dev: actions/upload-artifact@${"b".repeat(40)} would publish files from the runner`,
        ]);
    });

    it("refuses debug logging before any pulumi/actions command (step outputs would print nested secrets)", () => {
        for (const wf of workflows) expect(debugGuardProblems(wf)).toEqual([]);
        const bad = withDoc(deploy, (d) => (d.jobs.prod!.steps = stepsOf(d, "prod").filter((s) => s.name !== "Refuse debug logging")));
        expect(debugGuardProblems(bad)).toEqual(["deploy.yml: prod: pulumi up needs a step before it that fails when runner.debug == '1'"]);
    });
});

describe("expiry watch", () => {
    it("runs daily (and by hand) on every stack, reading outputs without --show-secrets into npm run expiry", () => {
        expect(triggers(expiry)).toEqual(["schedule", "workflow_dispatch"]);
        expect(crons(expiry).length).toBeGreaterThan(0);
        expect(crons(expiry).every(isDaily)).toBe(true);
        const runs = jobInstances(expiry).map(({ matrix, job }) => {
            const step = (job.steps ?? []).find((s) => npmRuns(s, "expiry").length > 0);
            const commands = shellCommands(step?.run ?? "");
            const read = commands.find((c) => c.argv.slice(0, 3).join(" ") === "pulumi stack output");
            return { stack: matrix.stack, read: read?.argv.join(" "), piped: read?.then, args: npmRuns(step ?? {}, "expiry")[0], env: job.env?.STACK, ifs: step?.if };
        });
        expect(runs).toEqual(STACKS.map((stack) => ({
            stack, read: "pulumi stack output --stack $STACK --json", piped: "|", args: ["--within", "30"], env: stack, ifs: undefined,
        })));
        // No pulumi command through the action: it only installs the CLI.
        expect(jobInstances(expiry).flatMap(({ job }) => (job.steps ?? []).filter((s) => actionOf(s) === "pulumi/actions" && s.with?.command !== undefined))).toEqual([]);
    });

    it("the checks notice a workflow without a schedule, or with a weekly one", () => {
        const weekly = parseWorkflow("expiry.yml", expiry.text.replace('"23 6 * * *"', '"23 6 * * 1"'));
        expect(crons(weekly).every(isDaily)).toBe(false);
        const manual = withDoc(expiry, (d) => (d.on = { workflow_dispatch: {} }));
        expect(crons(manual)).toEqual([]);
        expect(isDaily("17 0 * * *")).toBe(true);
        expect(isDaily("*/5 * * * *")).toBe(false);
    });
});
