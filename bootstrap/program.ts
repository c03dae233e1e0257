/**
 * The bootstrap program: validates the config, then declares the identities GitHub Actions signs in as (a deployer
 * and a read-only previewer, no stored secret), their Microsoft Graph permissions and Azure roles, and optionally the
 * shared state backend. Returns exactly what pipelines need. `index.ts` exports `runBootstrap` for the Pulumi CLI;
 * the tests run the same function under the SDK's mock runtime.
 */
import * as pulumi from "@pulumi/pulumi";
import * as azuread from "@pulumi/azuread";
import { ConfigError } from "../src/config/parse";
import { MICROSOFT_GRAPH_CLIENT_ID, PipelineIdentity, ScopeAccess, StateBackend, type GraphServicePrincipal } from "./components";
import { environmentSubject, parseBootstrapConfig, PREVIEW_SUFFIX, type BootstrapConfig } from "./config";
import { azureGrants, graphGrants, type Identity } from "./permissions";
import { assignableRoleGuids, isCustomRole, roleAssignmentCondition } from "./roles";

/** Who runs the bootstrap, from the provider's client config. */
export interface BootstrapContext {
    readonly tenantId: string;
}

/** Entry point: parse and validate the whole config first, so bad input registers nothing. */
export async function runBootstrap(): Promise<Record<string, unknown>> {
    const parsed = parseBootstrapConfig(pulumi.runtime.allConfig(), { stack: pulumi.getStack() });
    if (!parsed.ok) throw new pulumi.RunError(new ConfigError(parsed.problems).message);
    const aad = await azuread.getClientConfig();
    return declareBootstrap(parsed.config, { tenantId: aad.tenantId });
}

/** Declares every resource for a validated config and returns the stack outputs (none of them secret). */
export function declareBootstrap(config: BootstrapConfig, ctx: BootstrapContext): Record<string, unknown> {
    // From config only: see BootstrapSchema.owners.
    const owners = [...config.owners];
    const repository = `${config.github.owner}/${config.github.repo}`;
    const graphSp = azuread.getServicePrincipalOutput({ clientId: MICROSOFT_GRAPH_CLIENT_ID });
    const graph: GraphServicePrincipal = { objectId: graphSp.objectId, appRoleIds: graphSp.appRoleIds };

    const identity = (who: Identity, environments: readonly string[], purpose: string) => new PipelineIdentity(who, {
        displayName: `${config.displayNamePrefix}-${who}`,
        owners,
        subjects: environments.map((environment) => ({ environment, subject: environmentSubject(config.github, environment) })),
        graph,
        graphPermissions: graphGrants(who, config).map((g) => ({ permission: g.permission, reason: g.reason })),
        notes: `Managed by foundry-entra-bootstrap (stack ${config.stack}): ${purpose} for ${repository}`,
    });
    const access = (who: Identity, principalId: pulumi.Output<string>) => new ScopeAccess(`${who}-access`, {
        principalId,
        label: who,
        scopes: config.scopes.map((s) => s.id),
        customRoleSuffix: repository,
        roles: azureGrants(who, "each scope", config).map((g) => ({
            role: g.role,
            reason: isCustomRole(g.role) ? g.role.description : `${g.role.name}: ${g.reason}`,
            ...(g.limitedToProgramRoles ? { condition: roleAssignmentCondition(assignableRoleGuids(config.assignableRoles)) } : {}),
        })),
    });

    /** An identity's roles on the state container and key: the grants table's single entry for each. */
    const stateRoles = (who: Identity) => {
        const only = (at: "state container" | "state key") => {
            const [grant, ...more] = azureGrants(who, at, config);
            if (!grant || more.length > 0) throw new Error(`bootstrap/permissions.ts must grant the ${who} exactly one role on the ${at}`);
            return grant.role;
        };
        return { container: only("state container"), key: only("state key") };
    };

    const deployer = identity("deployer", config.environments, "GitHub Actions deployments");
    access("deployer", deployer.servicePrincipalObjectId);

    let previewer: PipelineIdentity | undefined;
    if (config.previews) {
        previewer = identity("previewer", config.environments.map((e) => `${e}${PREVIEW_SUFFIX}`), "read-only pull-request previews");
        access("previewer", previewer.servicePrincipalObjectId);
    }

    const state = config.state && new StateBackend("state", {
        config: config.state,
        tenantId: ctx.tenantId,
        writers: [{ key: "deployer", principalId: deployer.servicePrincipalObjectId, roles: stateRoles("deployer") }],
        readers: previewer ? [{ key: "previewer", principalId: previewer.servicePrincipalObjectId, roles: stateRoles("previewer") }] : [],
        customRoleSuffix: repository,
    });

    const githubVariables: Record<string, pulumi.Input<string>> = {
        AZURE_TENANT_ID: ctx.tenantId,
        AZURE_CLIENT_ID: deployer.clientId,
        AZURE_SUBSCRIPTION_ID: config.subscriptionId,
        ...(previewer ? { AZURE_PREVIEW_CLIENT_ID: previewer.clientId } : {}),
        ...(state ? { PULUMI_BACKEND_URL: state.backendUrl, PULUMI_SECRETS_PROVIDER: state.secretsProvider } : {}),
    };
    return {
        tenantId: ctx.tenantId,
        clientId: deployer.clientId,
        // What each program stack lists in foundry-entra:gateway.owners, so the deployer keeps owning what it creates.
        deployerObjectId: deployer.servicePrincipalObjectId,
        subscriptionId: config.subscriptionId,
        ...(previewer ? { previewClientId: previewer.clientId } : {}),
        ...(state ? { backendUrl: state.backendUrl, secretsProvider: state.secretsProvider } : {}),
        federatedSubjects: {
            deployer: deployer.subjects,
            ...(previewer ? { previewer: previewer.subjects } : {}),
        },
        githubVariables,
    };
}
