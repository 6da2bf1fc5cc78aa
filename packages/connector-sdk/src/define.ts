import { z } from 'zod';
import type { AuthDefinition, AuthValue } from './auth.ts';

/** A minimal structured logger handed to connector code; lines end up in the run view, secrets redacted. */
export interface ConnectorLogger {
  debug(message: string, data?: Record<string, unknown>): void;
  info(message: string, data?: Record<string, unknown>): void;
  warn(message: string, data?: Record<string, unknown>): void;
  error(message: string, data?: Record<string, unknown>): void;
}

/** A small key-value store scoped to one connection (cursors, cached ids, webhook subscription state). */
export interface KeyValueStore {
  get<T = unknown>(key: string): Promise<T | undefined>;
  put(key: string, value: unknown, options?: { ttlSeconds?: number }): Promise<void>;
  delete(key: string): Promise<void>;
}

/** What an action's `run` receives from the platform. */
export interface ActionContext<P> {
  props: P;
  /** Decrypted credentials of the step's connection, or null when the connector needs none. */
  auth: AuthValue | null;
  /** The guarded fetch: SSRF checks at connect time, timeouts, size caps, the connector's allowed hosts. */
  fetch: typeof fetch;
  store: KeyValueStore;
  log: ConnectorLogger;
  /** The step's connection (its non-secret settings, e.g. an API base URL), or null without one. */
  connection?: { id: string; metadata: Record<string, unknown> } | null;
  /** `runId:stepKey` — the same across retries and replays of this step; pass it to the vendor. */
  idempotencyKey: string;
  signal: AbortSignal;
  run: { id: string; stepKey: string; attempt: number; flowId: string };
  /**
   * Resolves a host name to ONE address the platform allows (public, or private when the operator allows it).
   * For actions that open their own sockets (a database driver, SMTP): connect to that address, never re-resolve
   * the name, so that DNS cannot answer differently between the check and the connect. Throws
   * ConnectorError('permanent') when refused. Optional: connectors that only use `fetch` never need it.
   */
  resolveHost?(host: string): Promise<string>;
  /**
   * Commands to the tenant's devices (MQTT). Given by the platform to first-party device connectors only:
   * the command is queued inside the run's tenant gate and published by the MQTT app.
   */
  devices?: DeviceCommands;
}

/** A command for one of the tenant's devices, published on `t/{tenant}/d/{device}/down/{channel}`. */
export interface DeviceCommand {
  deviceId: string;
  channel: string;
  /** A JSON value (sent as JSON text) or a string (sent as is). */
  payload: unknown;
  qos: 0 | 1;
}

/** What a queued command looks like to the flow. */
export interface QueuedDeviceCommand {
  commandId: string;
  topic: string;
  status: 'queued' | 'sent' | 'failed';
  /** True when this step had queued it already (a retry): nothing new was queued. */
  duplicate: boolean;
}

/** The platform service behind `ctx.devices`. */
export interface DeviceCommands {
  /** Queues a command once per step (the step's idempotency key); throws ConnectorError('permanent') for an unknown or disabled device. */
  send(command: DeviceCommand): Promise<QueuedDeviceCommand>;
}

/** An action: typed props in, JSON out. */
export interface ActionDefinition<P extends z.ZodObject = z.ZodObject> {
  name: string;
  description: string;
  props: P;
  /** Example output, shown in the mapping editor before any real run exists. */
  sample: unknown;
  run(ctx: ActionContext<z.output<P>>): Promise<unknown>;
}

/** An inbound HTTP request as the gateway hands it to trigger code. */
export interface InboundRequest {
  method: string;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  query: Record<string, string>;
  rawBody: Buffer;
  /** The body parsed per its content type (JSON object, form fields), or undefined. */
  body: unknown;
}

/** One event extracted from an inbound request. */
export interface InboundEvent {
  /** The provider's event id, used to store each event once. */
  id?: string;
  type?: string;
  /** For app webhooks: which tenant's connection this event belongs to (e.g. a Stripe account id). */
  routingKey?: string;
  payload: unknown;
}

/** What trigger lifecycle hooks (subscribe/unsubscribe) receive. */
export interface TriggerContext<P> {
  props: P;
  auth: AuthValue | null;
  fetch: typeof fetch;
  store: KeyValueStore;
  log: ConnectorLogger;
  /** The public URL events must be sent to (webhook triggers). */
  webhookUrl: string;
}

/** Events pushed to a tenant endpoint (`POST /hooks/:key`). */
export interface WebhookTriggerDefinition<P extends z.ZodObject = z.ZodObject> {
  type: 'webhook';
  name: string;
  description: string;
  props: P;
  sample: unknown;
  /** Turns a verified request into events; the default takes the JSON body and an `x-event-id`/`idempotency-key` header. */
  parse?(request: InboundRequest, props: z.output<P>): InboundEvent[];
  /** Registers the endpoint with the provider when the flow is enabled; returns state kept for unsubscribe. */
  subscribe?(ctx: TriggerContext<z.output<P>>): Promise<Record<string, unknown>>;
  unsubscribe?(ctx: TriggerContext<z.output<P>>, state: Record<string, unknown>): Promise<void>;
}

/** Events from one provider-wide endpoint (`POST /apps/:connector`), fanned out to tenants by routing key. */
export interface AppWebhookTriggerDefinition<P extends z.ZodObject = z.ZodObject> {
  type: 'app_webhook';
  name: string;
  description: string;
  props: P;
  sample: unknown;
  /** Whether an event concerns a flow with these props (e.g. its event types). */
  matches(props: z.output<P>, event: InboundEvent): boolean;
}

/** Time-based runs. */
export interface ScheduleTriggerDefinition<P extends z.ZodObject = z.ZodObject> {
  type: 'schedule';
  name: string;
  description: string;
  props: P;
  sample: unknown;
}

/** A telemetry message of a device, as device-message triggers see it (and as the flow's `trigger`). */
export interface DeviceMessageEvent {
  deviceId: string;
  deviceName: string;
  deviceType: string;
  tags: string[];
  topic: string;
  channel: string;
  payloadFormat: 'json' | 'raw';
  /** The parsed JSON (json devices) or the bytes as base64 (raw devices). */
  payload: unknown;
  qos: number;
  /** ISO 8601. */
  receivedAt: string;
  /** The stored message's id. */
  messageId: string;
}

/** Messages published by a tenant's devices over MQTT, matched per flow (topic filter, device, tag…). */
export interface DeviceMessageTriggerDefinition<P extends z.ZodObject = z.ZodObject> {
  type: 'device_message';
  name: string;
  description: string;
  props: P;
  sample: unknown;
  /** Whether a device message starts a flow with these props. Called for every message: keep it cheap. */
  matches(props: z.output<P>, message: DeviceMessageEvent): boolean;
}

/** One record a poll returned. `id` keys the record; `updatedAt` (ISO 8601) is set when the trigger dedupes by updated-at. */
export interface PolledRecord {
  id: string;
  updatedAt?: string;
  data: unknown;
}

/** One page of a poll. The platform stores `cursor` with the page's records in one transaction, then asks again while hasMore. */
export interface PollPage {
  records: PolledRecord[];
  /** What the next poll starts from (JSON; stored by the platform and handed back as `ctx.cursor`). */
  cursor: unknown;
  hasMore: boolean;
  /** total records at the source, when it says so (for a progress estimate) */
  total?: number;
}

/** What a polling trigger's `poll` receives from the platform. */
export interface PollContext<P> {
  props: P;
  auth: AuthValue | null;
  connection?: { id: string; metadata: Record<string, unknown> } | null;
  /** The guarded fetch (see ActionContext.fetch). */
  fetch: typeof fetch;
  /** Resolves a host name to ONE address the platform allows (public, or private when the operator allows it) — connect to that address, never re-resolve the name. Throws ConnectorError('permanent') when refused. */
  resolveHost(host: string): Promise<string>;
  /** Evaluates a JSONata expression in the platform's sandbox (time and memory limits). */
  evaluate(expression: string, input: unknown): Promise<unknown>;
  log: ConnectorLogger;
  signal: AbortSignal;
  /** The cursor the previous page returned; null on the very first poll of a flow. */
  cursor: unknown;
  /** Page size the platform asks for (the connector may return fewer). */
  pageSize: number;
}

/**
 * Records fetched on a schedule. The platform calls `poll` with the stored cursor, stores each page's
 * records and its cursor together, and starts a run per record that is new or changed per `dedupe`.
 */
export interface PollingTriggerDefinition<P extends z.ZodObject = z.ZodObject> {
  type: 'polling';
  name: string;
  description: string;
  props: P;
  /** What a run sees as `trigger` for one record: the platform's change event `{ id, change, updatedAt, data }`. */
  sample: unknown;
  /** How unchanged records are recognised: 'id' — a record id seen before with the same content is skipped; 'updated_at' — records are compared by updatedAt + id. */
  dedupe: 'id' | 'updated_at';
  poll(ctx: PollContext<z.output<P>>): Promise<PollPage>;
}

export type TriggerDefinition =
  | WebhookTriggerDefinition
  | AppWebhookTriggerDefinition
  | ScheduleTriggerDefinition
  | DeviceMessageTriggerDefinition
  | PollingTriggerDefinition;

/** The provider-wide side of app webhooks: signature check and event extraction with routing keys. */
export interface AppWebhookDefinition {
  /** Throws ConnectorError('permanent') when the signature or timestamp is wrong. */
  verify(request: InboundRequest, secret: string, now?: number): InboundEvent[];
  /** How the routing key of a connection is found (e.g. the Stripe account id in its metadata). */
  routingKeyOf(connection: { metadata: Record<string, unknown> }): string | undefined;
}

/** What a connection test receives: the connection's decrypted credentials and settings, and the guarded fetch. */
export interface ConnectionTestContext {
  auth: AuthValue | null;
  connection: { id: string; metadata: Record<string, unknown> };
  /** The guarded fetch, limited to the connector's allowed hosts. */
  fetch: typeof fetch;
  /** As ActionContext.resolveHost, for connectors with their own sockets; optional like there. */
  resolveHost?(host: string): Promise<string>;
  log: ConnectorLogger;
  /** Aborted when the test takes too long. */
  signal: AbortSignal;
}

/**
 * The outcome of a connection test, in words the tenant can act on (never secrets). `skipped` says that
 * nothing could be checked (e.g. a connection without credentials), which is not a failure; `refused` says
 * that the service rejected the credentials themselves (the connection then needs new ones), as opposed to
 * not answering.
 */
export type ConnectionTestResult =
  | {
      ok: true;
      detail: string;
      skipped?: boolean;
      /** The provider-confirmed id of the account behind these credentials, for app-webhook routing. Only a
       * passed test sets a connection's routing key: a tenant cannot claim another's account by typing its id. */
      routingKey?: string;
    }
  | { ok: false; message: string; refused?: boolean };

/** A non-secret connection setting that connector code reads from `ctx.connection.metadata`. */
export interface ConnectionMetadataField {
  key: string;
  label: string;
  description: string;
  /** An example value, shown as the input's placeholder. */
  example?: string;
}

/** A connector: its manifest and its actions and triggers. */
export interface ConnectorDefinition {
  id: string;
  name: string;
  version: string;
  description: string;
  categories: string[];
  /** An inline SVG or a data: URL, shown in the catalogue. */
  icon?: string;
  /** Accepted auth kinds; the first is the default. */
  auth: AuthDefinition[];
  /** Hosts the connector's calls may reach (`*` for any public host, as the http connector does). */
  egress: {
    hosts: string[];
    /** True for connectors whose actions call nothing over HTTP (they use platform services such as `ctx.devices`). */
    none?: boolean;
  };
  actions: Record<string, ActionDefinition>;
  triggers: Record<string, TriggerDefinition>;
  appWebhook?: AppWebhookDefinition;
  /** The connection settings this connector reads, offered to tenants under "Advanced" when they connect. */
  connectionMetadata?: ConnectionMetadataField[];
  /**
   * Checks that a connection's credentials work, for the portal's "Test connection": one cheap, read-only
   * call (an identity or balance endpoint). Returns a readable outcome rather than throwing.
   */
  test?(ctx: ConnectionTestContext): Promise<ConnectionTestResult>;
}

const ID = /^[a-z][a-z0-9-]{1,39}$/;
const KEY = /^[a-z][a-zA-Z0-9_]{0,59}$/;
const SEMVER = /^\d+\.\d+\.\d+(?:-[\w.]+)?$/;
const DEDUPE: ReadonlySet<unknown> = new Set(['id', 'updated_at']);

/** Declares a connector; checks the manifest so that mistakes fail at load time, not in a tenant's run. */
export function defineConnector<C extends ConnectorDefinition>(definition: C): C {
  const problems: string[] = [];
  if (!ID.test(definition.id)) problems.push(`id "${definition.id}" must be lower-case letters, digits and dashes`);
  if (!SEMVER.test(definition.version)) problems.push(`version "${definition.version}" is not semver`);
  if (!definition.name.trim()) problems.push('name is empty');
  if (definition.auth.length === 0) problems.push('auth must list at least one kind (use { kind: "none" })');
  if (definition.egress.hosts.length === 0 && !definition.egress.none && Object.keys(definition.actions).length > 0) problems.push('egress.hosts is empty');
  if (definition.egress.none && definition.egress.hosts.length > 0) problems.push('egress.none contradicts egress.hosts');
  for (const key of [...Object.keys(definition.actions), ...Object.keys(definition.triggers)]) {
    if (!KEY.test(key)) problems.push(`key "${key}" must be camelCase letters and digits`);
  }
  for (const [key, trigger] of Object.entries(definition.triggers)) {
    if (trigger.type === 'app_webhook' && !definition.appWebhook) problems.push(`trigger "${key}" is an app webhook but the connector has no appWebhook`);
    if (trigger.type === 'polling') {
      if (typeof trigger.poll !== 'function') problems.push(`trigger "${key}" is a polling trigger without a poll function`);
      if (!DEDUPE.has(trigger.dedupe)) problems.push(`trigger "${key}" dedupe must be "id" or "updated_at"`);
    }
  }
  for (const [key, item] of [...Object.entries(definition.actions), ...Object.entries(definition.triggers)]) {
    if (item.sample === undefined) problems.push(`"${key}" has no sample data`);
    if (!(item.props instanceof z.ZodObject)) problems.push(`"${key}" props must be a zod object`);
  }
  for (const field of definition.connectionMetadata ?? []) {
    if (!KEY.test(field.key)) problems.push(`connection metadata key "${field.key}" must be camelCase letters and digits`);
  }
  if (problems.length) throw new Error(`Connector ${definition.id}: ${problems.join('; ')}`);
  return definition;
}

/** Declares an action with typed props. */
export function defineAction<P extends z.ZodObject>(definition: ActionDefinition<P>): ActionDefinition {
  return definition as unknown as ActionDefinition;
}

/** Declares a trigger with typed props. */
export function defineTrigger<P extends z.ZodObject>(
  definition:
    | WebhookTriggerDefinition<P>
    | AppWebhookTriggerDefinition<P>
    | ScheduleTriggerDefinition<P>
    | DeviceMessageTriggerDefinition<P>
    | PollingTriggerDefinition<P>,
): TriggerDefinition {
  return definition as unknown as TriggerDefinition;
}

/** The default webhook parser: one event from a JSON (or form) body, its id from the usual headers. */
export function defaultWebhookEvents(request: InboundRequest): InboundEvent[] {
  const id = request.headers['x-event-id'] ?? request.headers['idempotency-key'] ?? request.headers['x-request-id'];
  return [{ id: id?.slice(0, 200), payload: request.body ?? {} }];
}
