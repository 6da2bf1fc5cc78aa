/**
 * One tenant set up the way a person would, through the portal's tRPC API (createCaller with a real
 * signed-in session): a bearer-token HTTP connection and published, enabled webhook → map → http flows.
 */
import { createCaller } from '../../apps/portal/src/server/root.ts';
import { signUpAndSignIn, testServices, TEST_MASTER_KEY } from '../../apps/portal/src/server/testing.ts';
import { changeTenantPlan } from '../../packages/core/src/plans/change-plan.ts';

/** The master key every bench process uses (the portal helper's fixed test key). */
export const BENCH_MASTER_KEY = TEST_MASTER_KEY;

/** A published flow's webhook door. */
export interface BenchHook {
  flowId: string;
  key: string;
  authMode: 'hmac' | 'path_token';
  /** HMAC signing secret (hmac mode). */
  secret: string | null;
}

/** The map step: reshapes the order into what the receiving system wants (typical of a real flow). */
export const MAP_EXPRESSION = `{
  "seq": trigger.seq,
  "phase": trigger.phase,
  "orderId": trigger.order.id,
  "total": $sum(trigger.order.lines.(qty * price)),
  "currency": trigger.order.currency,
  "customer": $uppercase(trigger.order.customer.name),
  "email": trigger.order.customer.email,
  "skus": trigger.order.lines.sku
}`;

export function flowDefinition(params: { connectionId: string | null; deliverUrl: string | null }) {
  const steps: unknown[] = [{ kind: 'map', key: 'shape', expression: MAP_EXPRESSION }];
  if (params.deliverUrl) {
    steps.push({
      kind: 'action',
      key: 'deliver',
      connector: 'http',
      action: 'request',
      connectionId: params.connectionId,
      props: { method: 'POST', url: params.deliverUrl, body: { expr: 'steps.shape' } },
    });
  }
  return { trigger: { connector: 'webhook', trigger: 'catchHook', props: {} }, steps };
}

/** Signs a user up (which creates the workspace), then creates the connection and flows through tRPC. */
export async function setUpTenant(urls: { appUrl: string; systemUrl: string }, params: { deliverUrl: string | null; flows: { name: string; authMode: 'hmac' | 'path_token' }[] }) {
  const services = testServices({ appUrl: urls.appUrl, systemUrl: urls.systemUrl } as Parameters<typeof testServices>[0]);
  try {
    const user = await signUpAndSignIn(services, { name: 'Bench Owner', email: `bench-${Date.now()}@example.com`, workspaceName: 'Bench Co' });
    const caller = createCaller(await user.context());
    const me = await caller.me.get();
    const connection = params.deliverUrl
      ? await caller.connections.create({ connectorId: 'http', name: 'Receiving system', authKind: 'bearer', credentials: { token: 'bench-token-0123456789' } })
      : null;
    const hooks: BenchHook[] = [];
    for (const spec of params.flows) {
      const flow = await caller.flows.create({ name: spec.name, definition: flowDefinition({ connectionId: connection?.id ?? null, deliverUrl: params.deliverUrl }) });
      await caller.flows.publish({ flowId: flow.id });
      await caller.flows.setEnabled({ flowId: flow.id, enabled: true });
      await caller.flows.setWebhookAuth({ flowId: flow.id, authMode: spec.authMode });
      const got = await caller.flows.get({ flowId: flow.id });
      if (!got.webhook) throw new Error('the published flow has no webhook endpoint');
      hooks.push({ flowId: flow.id, key: got.webhook.url.split('/hooks/')[1]!, authMode: spec.authMode, secret: got.webhook.secret });
    }
    if (!me.activeTenant) throw new Error('the new user has no active workspace');
    // The platform's throughput is measured, not the free plan's limits (5 runs at once, 10,000 a month).
    await changeTenantPlan(services.system.db, { tenantId: me.activeTenant.id, planId: 'business' });
    return { tenantId: me.activeTenant.id, connectionId: connection?.id ?? null, hooks };
  } finally {
    await services.close();
  }
}

/**
 * A tenant created straight in the database (no user, no sign-up: fast enough for a hundred of them), on a
 * plan, with one published and enabled flow. `owner` must bypass row-level security (the owner URL).
 */
export async function createTenantWithFlow(
  owner: import('./modules.ts').PgClient,
  params: { name: string; plan: string; flowName: string; definition: unknown },
): Promise<{ tenantId: string; flowId: string; versionId: string }> {
  const tenantId = (await owner.query<{ id: string }>(`INSERT INTO tenant (name) VALUES ($1) RETURNING id`, [params.name])).rows[0]!.id;
  // The tenant's account row is created by a trigger on tenant; only its plan changes here.
  await owner.query(`UPDATE tenant_account SET plan_id = $2 WHERE tenant_id = $1`, [tenantId, params.plan]);
  const flowId = (
    await owner.query<{ id: string }>(`INSERT INTO flow (tenant_id, name, enabled, draft, published_version) VALUES ($1, $2, true, $3, 1) RETURNING id`, [
      tenantId,
      params.flowName,
      params.definition,
    ])
  ).rows[0]!.id;
  const versionId = (
    await owner.query<{ id: string }>(`INSERT INTO flow_version (tenant_id, flow_id, version, definition) VALUES ($1, $2, 1, $3) RETURNING id`, [tenantId, flowId, params.definition])
  ).rows[0]!.id;
  return { tenantId, flowId, versionId };
}
