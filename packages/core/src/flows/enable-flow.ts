import type { TenantGate } from '@conflux/db';
import type { AuthValue, ConnectorDefinition, TriggerContext } from '@conflux/connector-sdk';
import { AppError } from '../errors.ts';
import type { Actor } from '../tenants/actor.ts';
import type { ConnectorCatalog } from '../connections/catalog.ts';
import type { Keyring } from '../connections/keyring.ts';
import { loadConnectionAuth } from '../connections/load-connection-auth.ts';
import { connectionStore } from '../connections/connection-store.ts';
import { setFlowEnabled } from './set-flow-enabled.ts';
import { getWebhookEndpoint } from './webhook-endpoint.ts';

/** What enabling or disabling a flow needs when its trigger registers itself with the provider. */
export interface EnableFlowDeps {
  catalog: ConnectorCatalog;
  keyring: Keyring;
  gatewayUrl: string;
  fetchFor(params: { hosts: string[]; connectionKey: string }): typeof fetch;
}

type PublishedTrigger = { connector: string; trigger: string; connectionId?: string | null; props?: Record<string, unknown> };

const stateKey = (flowId: string) => `webhook-subscription:${flowId}`;
const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * Enables or disables a flow. When its trigger is a webhook the provider must be told about (it has
 * subscribe/unsubscribe), enabling first subscribes — and the flow stays disabled if the provider refuses —
 * and disabling unsubscribes after the flow stopped accepting events. The provider calls happen outside
 * any database transaction; the subscription state is kept in the trigger connection's store.
 */
export async function enableFlow(
  gate: TenantGate,
  actor: Actor,
  params: { flowId: string; enabled: boolean },
  deps: EnableFlowDeps,
): Promise<{ enabled: boolean; warning?: string }> {
  const found = await gate.withTenant(actor.tenantId, async (db) => {
    const flow = await db.flow.findFirst({
      where: { id: params.flowId, tenantId: actor.tenantId },
      select: { id: true, enabled: true, publishedVersion: true, versions: { select: { version: true, definition: true }, orderBy: { version: 'desc' }, take: 1 } },
    });
    if (!flow) throw new AppError('FLOW_NOT_FOUND', 'That flow does not exist.');
    const published = flow.versions.find((v) => v.version === flow.publishedVersion);
    const trigger = (published?.definition as { trigger?: PublishedTrigger } | undefined)?.trigger ?? null;
    const endpoint = await getWebhookEndpoint(db, { tenantId: actor.tenantId, flowId: flow.id, keyring: deps.keyring, gatewayUrl: deps.gatewayUrl });
    const auth = trigger?.connectionId ? await loadConnectionAuth(db, { tenantId: actor.tenantId, connectionId: trigger.connectionId, keyring: deps.keyring }) : null;
    const state = trigger?.connectionId
      ? await connectionStore(db, { tenantId: actor.tenantId, connectionId: trigger.connectionId }).get<Record<string, unknown>>(stateKey(flow.id))
      : undefined;
    return { flow, trigger, webhookUrl: endpoint?.url ?? null, auth: auth?.auth ?? null, state };
  });

  const connector = found.trigger ? deps.catalog.get(found.trigger.connector) : undefined;
  const definition = connector && found.trigger ? connector.triggers[found.trigger.trigger] : undefined;
  const hooks = definition?.type === 'webhook' && (definition.subscribe || definition.unsubscribe) ? definition : undefined;
  if (!hooks || !connector || !found.trigger || params.enabled === found.flow.enabled) {
    return gate.withTenant(actor.tenantId, (db) => setFlowEnabled(db, actor, params));
  }

  const trigger = found.trigger;
  const context = (auth: AuthValue | null): TriggerContext<Record<string, unknown>> => ({
    props: hooks.props.parse(trigger.props ?? {}) as Record<string, unknown>,
    auth,
    fetch: deps.fetchFor({ hosts: (connector as ConnectorDefinition).egress.hosts, connectionKey: trigger.connectionId ?? `${actor.tenantId}:${connector.id}` }),
    store: { get: async () => undefined, put: async () => undefined, delete: async () => undefined },
    log: quiet,
    webhookUrl: found.webhookUrl ?? '',
  });

  if (params.enabled) {
    if (!found.flow.publishedVersion) throw new AppError('FLOW_NOT_PUBLISHED', 'Publish the flow before enabling it.');
    let state: Record<string, unknown> = {};
    if (hooks.subscribe) {
      try {
        state = await hooks.subscribe(context(found.auth));
      } catch (error) {
        throw new AppError('FLOW_SUBSCRIBE_FAILED', `${connector.name} did not accept the webhook subscription: ${(error as Error).message}. The flow stays disabled.`, { cause: error });
      }
    }
    return gate.withTenant(actor.tenantId, async (db) => {
      if (trigger.connectionId) await connectionStore(db, { tenantId: actor.tenantId, connectionId: trigger.connectionId }).put(stateKey(found.flow.id), state);
      return setFlowEnabled(db, actor, params);
    });
  }

  const result = await gate.withTenant(actor.tenantId, (db) => setFlowEnabled(db, actor, params));
  if (!hooks.unsubscribe) return result;
  try {
    await hooks.unsubscribe(context(found.auth), found.state ?? {});
    if (trigger.connectionId) {
      await gate.withTenant(actor.tenantId, (db) => connectionStore(db, { tenantId: actor.tenantId, connectionId: trigger.connectionId! }).delete(stateKey(found.flow.id)));
    }
    return result;
  } catch (error) {
    // The flow is disabled either way (events are refused); the provider may keep sending for a while.
    return { ...result, warning: `The flow is disabled, but ${connector.name} did not confirm the unsubscription: ${(error as Error).message}` };
  }
}
