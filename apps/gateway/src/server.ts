import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { defaultWebhookEvents, isConnectorError, type InboundEvent, type InboundRequest } from '@conflux/connector-sdk';
import { AppError, findAppWebhookFlows, getWebhookSecret, loadFlowForEvents, recordEvent, webhookRateFor, type ConnectorCatalog, type Keyring, type Rate } from '@conflux/core';
import { findAppWebhookTargets, findWebhookEndpoint, type EndpointInfo } from '@conflux/core/ingest';
import type { TenantGate } from '@conflux/db';
import type { SystemDb } from '@conflux/db/system';
import { RateLimiter } from './rate-limiter.ts';
import { verifyWebhookSignature } from './signature.ts';
import { handleProvision, ProvisionError } from './provision.ts';

/** What the gateway needs. */
export interface GatewayDeps {
  gate: TenantGate;
  system: SystemDb;
  catalog: ConnectorCatalog;
  keyring: Keyring;
  log: Logger;
  maxBodyBytes: number;
  /**
   * Operator override: one fixed request rate for every tenant instead of each tenant's plan (benchmarks, a
   * single-tenant installation). Unset, a tenant gets its plan's `webhook_rps`, bursts of twice that.
   */
  tenantRate?: Rate;
  appSecrets: Record<string, string>;
  /** Where devices connect, returned with credentials provisioned by key (e.g. mqtt://devices.example.com:1883). */
  mqttPublicUrl?: string;
  /** Evaluates a flow's business-key expression against an event payload. */
  businessKey?: (expression: string, payload: unknown) => Promise<string | null>;
}

class HttpError extends Error {
  constructor(readonly status: number, message: string, readonly headers: Record<string, string> = {}) {
    super(message);
  }
}

const statusOfAppError: Record<string, number> = {
  FLOW_DISABLED: 409,
  FLOW_NOT_PUBLISHED: 409,
  FLOW_NOT_FOUND: 404,
  VERSION_NOT_FOUND: 409,
  PAYLOAD_TOO_LARGE: 413,
};

/** A small TTL cache: endpoint lookups and decrypted secrets are read on every request. */
class TtlCache<V> {
  private readonly map = new Map<string, { value: V; until: number }>();
  constructor(private readonly ttlMs: number, private readonly max = 10_000) {}
  get(key: string): V | undefined {
    const hit = this.map.get(key);
    if (!hit) return undefined;
    if (hit.until < Date.now()) {
      this.map.delete(key);
      return undefined;
    }
    return hit.value;
  }
  set(key: string, value: V) {
    if (this.map.size >= this.max) this.map.delete(this.map.keys().next().value!);
    this.map.set(key, { value, until: Date.now() + this.ttlMs });
  }
  delete(key: string) {
    this.map.delete(key);
  }
}

async function readBody(req: http.IncomingMessage, max: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > max) throw new HttpError(413, `The body is larger than ${max} bytes.`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > max) throw new HttpError(413, `The body is larger than ${max} bytes.`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function inbound(req: http.IncomingMessage, rawBody: Buffer, url: URL): InboundRequest {
  const contentType = String(req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (contentType !== 'application/json') throw new HttpError(415, 'Send the body as application/json.');
  let body: unknown;
  try {
    body = rawBody.length ? JSON.parse(rawBody.toString('utf8')) : {};
  } catch {
    throw new HttpError(400, 'The body is not valid JSON.');
  }
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k.toLowerCase()] = v;
  return { method: req.method ?? 'POST', headers, query: Object.fromEntries(url.searchParams), rawBody, body };
}

/**
 * The inbound HTTP door: tenant webhooks (`POST /hooks/:key`) and provider-wide app webhooks
 * (`POST /apps/:connector`). It verifies, rate-limits per tenant, and records each event with its run
 * and job in one transaction — it never runs connector actions. A plain Node server: this path must
 * stay lean (no framework per request).
 */
export function createGateway(deps: GatewayDeps) {
  const limiter = new RateLimiter();
  // Short, so that an auth-mode switch or a deleted flow takes effect within seconds everywhere.
  const endpoints = new TtlCache<EndpointInfo | null>(5_000);
  const secrets = new TtlCache<string>(60_000);
  // A plan change reaches every gateway process within 30 s. The promise is cached, so a burst of requests
  // from one tenant makes one look-up, not one each; a failed look-up is not kept.
  const planRates = new TtlCache<Promise<Rate>>(30_000);

  function rateFor(tenantId: string): Promise<Rate> {
    if (deps.tenantRate) return Promise.resolve(deps.tenantRate);
    const cached = planRates.get(tenantId);
    if (cached) return cached;
    const lookup = webhookRateFor(deps.system, tenantId);
    lookup.catch(() => planRates.delete(tenantId));
    planRates.set(tenantId, lookup);
    return lookup;
  }

  /** Takes one request from the tenant's budget (webhooks and provisioning share it), or answers 429. */
  async function rateLimit(tenantId: string): Promise<void> {
    const wait = limiter.take(tenantId, await rateFor(tenantId));
    if (wait > 0) throw new HttpError(429, 'Too many requests for this workspace; slow down.', { 'retry-after': String(Math.max(1, Math.ceil(wait / 1000))) });
  }

  async function endpointFor(key: string): Promise<EndpointInfo | null> {
    const cached = endpoints.get(key);
    if (cached !== undefined) return cached;
    const found = await findWebhookEndpoint(deps.system, { key });
    endpoints.set(key, found);
    return found;
  }

  async function hmacSecret(endpoint: EndpointInfo): Promise<string> {
    const cached = secrets.get(endpoint.key);
    if (cached) return cached;
    const secret = await deps.gate.withTenant(endpoint.tenantId, (db) => getWebhookSecret(db, { tenantId: endpoint.tenantId, key: endpoint.key, keyring: deps.keyring }));
    if (!secret) throw new HttpError(500, 'This endpoint has no signing secret.');
    secrets.set(endpoint.key, secret);
    return secret;
  }

  async function handleHook(req: http.IncomingMessage, url: URL, key: string) {
    const endpoint = await endpointFor(key);
    if (!endpoint) throw new HttpError(404, 'No webhook endpoint at this address.');
    await rateLimit(endpoint.tenantId);
    const rawBody = await readBody(req, deps.maxBodyBytes);
    const request = inbound(req, rawBody, url);
    if (endpoint.authMode === 'hmac') {
      const problem = verifyWebhookSignature(await hmacSecret(endpoint), rawBody, request.headers['x-conflux-signature']);
      if (problem) {
        const messages = {
          missing: 'Sign the request: x-conflux-signature header is missing.',
          malformed: 'The x-conflux-signature header is malformed (expected t=<unix>,v1=<hex>).',
          stale: 'The signature timestamp is more than 300 seconds away from now.',
          mismatch: 'The signature does not match the body.',
        };
        throw new HttpError(401, messages[problem]);
      }
    }
    const results = await deps.gate.withTenant(endpoint.tenantId, async (db) => {
      // One read of the flow serves both the trigger's parser and recordEvent.
      const flow = await loadFlowForEvents(db, { tenantId: endpoint.tenantId, flowId: endpoint.flowId });
      const definition = flow?.version?.definition as { trigger?: { connector: string; trigger: string; props?: Record<string, unknown> } } | undefined;
      const trigger = definition?.trigger ? deps.catalog.get(definition.trigger.connector)?.triggers[definition.trigger.trigger] : undefined;
      let events: InboundEvent[];
      try {
        events = trigger && trigger.type === 'webhook' && trigger.parse ? trigger.parse(request, (definition?.trigger?.props ?? {}) as never) : defaultWebhookEvents(request);
      } catch (error) {
        throw new HttpError(400, isConnectorError(error) ? error.message : 'The request could not be read as events.');
      }
      const recorded = [];
      for (const event of events.slice(0, 100)) {
        recorded.push(await recordEvent(db, { tenantId: endpoint.tenantId, flowId: endpoint.flowId, source: 'webhook', sourceEventId: event.id, payload: event.payload }, { businessKey: deps.businessKey, flow }));
      }
      return recorded;
    });
    return { status: 202, body: { accepted: results.length, runs: results.map((r) => ({ runId: r.runId, duplicate: r.duplicate })) } };
  }

  async function handleApp(req: http.IncomingMessage, url: URL, connectorId: string) {
    const connector = deps.catalog.get(connectorId);
    if (!connector?.appWebhook) throw new HttpError(404, 'No app webhook for this connector.');
    const secret = deps.appSecrets[connectorId];
    if (!secret) throw new HttpError(503, `The ${connector.name} app webhook is not configured on this server.`);
    const rawBody = await readBody(req, deps.maxBodyBytes);
    const request = inbound(req, rawBody, url);
    let events: InboundEvent[];
    try {
      events = connector.appWebhook.verify(request, secret);
    } catch (error) {
      throw new HttpError(400, isConnectorError(error) ? error.message : 'The signature could not be verified.');
    }
    let accepted = 0;
    for (const event of events) {
      if (!event.routingKey) continue;
      for (const target of await findAppWebhookTargets(deps.system, { connectorId, routingKey: event.routingKey })) {
        accepted += await deps.gate.withTenant(target.tenantId, async (db) => {
          const flows = await findAppWebhookFlows(db, { tenantId: target.tenantId, connectorId, connectionId: target.connectionId });
          let count = 0;
          for (const flow of flows) {
            const trigger = connector.triggers[flow.trigger];
            if (!trigger || trigger.type !== 'app_webhook' || !trigger.matches(flow.props as never, event)) continue;
            await recordEvent(db, { tenantId: target.tenantId, flowId: flow.flowId, source: `app:${connectorId}`, sourceEventId: event.id, payload: event.payload }, { businessKey: deps.businessKey });
            count++;
          }
          return count;
        });
      }
    }
    return { status: 200, body: { received: events.length, accepted } };
  }

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://gateway');
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      if (res.headersSent) return;
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(body));
    };
    const route = async () => {
      if (req.method === 'GET' && url.pathname === '/healthz') return { status: 200, body: { ok: true } };
      const hook = /^\/hooks\/([^/]+)\/?$/.exec(url.pathname);
      const app = /^\/apps\/([a-z][a-z0-9-]*)\/?$/.exec(url.pathname);
      if ((hook || app) && req.method !== 'POST') throw new HttpError(405, 'Use POST.', { allow: 'POST' });
      if (hook) return handleHook(req, url, hook[1]!);
      if (app) return handleApp(req, url, app[1]!);
      if (url.pathname === '/devices/provision') {
        if (req.method !== 'POST') throw new HttpError(405, 'Use POST.', { allow: 'POST' });
        const contentType = String(req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
        if (contentType !== 'application/json') throw new HttpError(415, 'Send the body as application/json.');
        const rawBody = await readBody(req, 16 * 1024);
        return handleProvision(req, rawBody, { gate: deps.gate, system: deps.system, keyring: deps.keyring, mqttPublicUrl: deps.mqttPublicUrl, rateLimit }).catch((error: unknown) => {
          throw error instanceof ProvisionError ? new HttpError(error.status, error.message) : error;
        });
      }
      throw new HttpError(404, 'Not found.');
    };
    route()
      .then((r) => send(r.status, r.body))
      .catch((error: unknown) => {
        if (error instanceof HttpError) return send(error.status, { error: error.message }, error.headers);
        if (error instanceof AppError) return send(statusOfAppError[error.code] ?? 400, { error: error.message, code: error.code });
        deps.log.error({ err: error, path: url.pathname }, 'webhook failed');
        send(500, { error: 'The event could not be recorded; retry later.' });
      })
      .finally(() => {
        // A refused request may not have been read: drain it so the socket can be reused or closed cleanly.
        if (!req.complete) req.resume();
      });
  });
  server.keepAliveTimeout = 65_000;

  return {
    server,
    listen(port: number, host = '0.0.0.0'): Promise<number> {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
      });
    },
    close(): Promise<void> {
      return new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
