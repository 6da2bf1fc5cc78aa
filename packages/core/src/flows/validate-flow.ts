import { flowDefinitionSchema, expressionsOf, allSteps, type FlowDefinition } from '@conflux/engine';
import type { TenantDb } from '@conflux/db';
import { validateMapping } from '@conflux/mapping';
import { AppError } from '../errors.ts';
import type { ConnectorCatalog } from '../connections/catalog.ts';

/** A problem in a flow definition, located by path, for the builder to show inline. */
export interface FlowIssue {
  path: string;
  message: string;
  line?: number;
  column?: number;
}

/** Parses a definition's structure; throws FLOW_INVALID with located issues when it is malformed. */
export function parseDefinition(input: unknown): FlowDefinition {
  const parsed = flowDefinitionSchema.safeParse(input);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
    throw new AppError('FLOW_INVALID', `The flow definition is invalid: ${issues[0]?.message ?? 'unknown problem'}${issues[0]?.path ? ` (at ${issues[0].path})` : ''}`, { issues });
  }
  return parsed.data;
}

/** A polling trigger needs a schedule (every N minutes or a cron expression); other triggers take none. */
function scheduleIssues(trigger: FlowDefinition['trigger'], polling: boolean, catalog: ConnectorCatalog): FlowIssue[] {
  const schedule = trigger.schedule;
  if (!polling) return schedule ? [{ path: 'trigger.schedule', message: 'Only polling triggers take a schedule' }] : [];
  if (!schedule || (schedule.everyMinutes === undefined) === (schedule.cron === undefined)) {
    return [{ path: 'trigger.schedule', message: 'Choose how often to poll: every N minutes, or a cron expression' }];
  }
  if (schedule.cron === undefined) return [];
  // The schedule connector owns cron syntax and time zones: its trigger's props check them.
  const cron = catalog.get('schedule')?.triggers.cron?.props.safeParse({ cron: schedule.cron, timezone: schedule.timezone ?? 'UTC' });
  return cron && !cron.success ? cron.error.issues.map((i) => ({ path: `trigger.schedule.${i.path.join('.')}`, message: i.message })) : [];
}

/**
 * Everything that would make a published version fail at run time and can be known now: unknown
 * connectors, actions and triggers, missing or foreign connections, expressions that do not compile
 * (with line and column), and literal props that do not match their schema.
 */
export async function flowIssues(db: TenantDb, params: { tenantId: string; definition: FlowDefinition; catalog: ConnectorCatalog }): Promise<FlowIssue[]> {
  const { definition, catalog } = params;
  const issues: FlowIssue[] = [];
  for (const { path, expression } of expressionsOf(definition)) {
    const result = validateMapping(expression);
    if (!result.ok) issues.push({ path, message: result.error.message, line: result.error.line, column: result.error.column });
  }
  const triggerConnector = catalog.get(definition.trigger.connector);
  if (!triggerConnector) issues.push({ path: 'trigger.connector', message: `Unknown connector "${definition.trigger.connector}"` });
  else {
    const trigger = triggerConnector.triggers[definition.trigger.trigger];
    if (!trigger) issues.push({ path: 'trigger.trigger', message: `${triggerConnector.name} has no trigger "${definition.trigger.trigger}"` });
    else {
      const props = trigger.props.safeParse(definition.trigger.props);
      if (!props.success) for (const i of props.error.issues) issues.push({ path: `trigger.props.${i.path.join('.')}`, message: i.message });
      issues.push(...scheduleIssues(definition.trigger, trigger.type === 'polling', catalog));
    }
  }
  const connectionIds = new Set<string>();
  for (const step of allSteps(definition.steps)) {
    if (step.kind !== 'action') continue;
    const connector = catalog.get(step.connector);
    if (!connector) {
      issues.push({ path: `${step.key}.connector`, message: `Unknown connector "${step.connector}"` });
      continue;
    }
    const action = connector.actions[step.action];
    if (!action) {
      issues.push({ path: `${step.key}.action`, message: `${connector.name} has no action "${step.action}"` });
      continue;
    }
    const needsAuth = !connector.auth.some((a) => a.kind === 'none');
    if (needsAuth && !step.connectionId) issues.push({ path: `${step.key}.connectionId`, message: `Choose a ${connector.name} connection` });
    if (step.connectionId) connectionIds.add(step.connectionId);
    // Only literal props can be checked before a run; expression props are checked when they are evaluated.
    const shape = action.props.shape as Record<string, { safeParse(v: unknown): { success: boolean; error?: { issues: { message: string }[] } }; isOptional?: () => boolean }>;
    for (const [name, schema] of Object.entries(shape)) {
      const value = step.props[name];
      const isExpr = value && typeof value === 'object' && !Array.isArray(value) && 'expr' in value;
      if (isExpr) continue;
      const result = schema.safeParse(value);
      if (!result.success) issues.push({ path: `${step.key}.props.${name}`, message: result.error?.issues[0]?.message ?? 'Invalid value' });
    }
    for (const name of Object.keys(step.props)) if (!(name in shape)) issues.push({ path: `${step.key}.props.${name}`, message: `${action.name} has no setting "${name}"` });
  }
  if (connectionIds.size) {
    const found = await db.connection.findMany({ where: { tenantId: params.tenantId, id: { in: [...connectionIds] } }, select: { id: true, connectorId: true } });
    const byId = new Map(found.map((c) => [c.id, c.connectorId]));
    for (const step of allSteps(definition.steps)) {
      if (step.kind !== 'action' || !step.connectionId) continue;
      const connectorId = byId.get(step.connectionId);
      if (!connectorId) issues.push({ path: `${step.key}.connectionId`, message: 'That connection does not exist in this workspace' });
      else if (connectorId !== step.connector) issues.push({ path: `${step.key}.connectionId`, message: `That connection is for ${connectorId}, not ${step.connector}` });
    }
  }
  return issues;
}

/** Refuses a definition that names connections this tenant does not have (they would never resolve). */
export async function assertOwnConnections(db: TenantDb, params: { tenantId: string; definition: FlowDefinition }): Promise<void> {
  const ids = new Set<string>();
  if (params.definition.trigger.connectionId) ids.add(params.definition.trigger.connectionId);
  for (const step of allSteps(params.definition.steps)) if (step.kind === 'action' && step.connectionId) ids.add(step.connectionId);
  if (!ids.size) return;
  const found = await db.connection.count({ where: { tenantId: params.tenantId, id: { in: [...ids] } } });
  if (found !== ids.size) throw new AppError('CONNECTION_NOT_FOUND', 'The flow refers to a connection that does not exist in this workspace.');
}
