/**
 * The ingestion pipeline shared by both modes (embedded broker, external broker): validate each message,
 * queue it per tenant, write micro-batches (one statement per tenant batch, with the events and runs of the
 * flows it starts, in the same transaction) and only then settle it — the broker acknowledges a
 * QoS 1 message when its promise resolves, so an acknowledged message is a stored message.
 *
 * Fairness: every tenant has its own queue and token bucket (messages/s from its device quota, else the
 * default); batches are taken round-robin across tenants, at most `maxInFlightPerTenant` at once per tenant,
 * so a flooding tenant waits for its own tokens while the others' batches keep flowing.
 */
import type { Logger } from 'pino';
import type { TenantGate } from '@conflux/db';
import type { DeviceMessageEvent } from '@conflux/connector-sdk';
import { listDeviceFlows, recordDeviceActivity, storeDeviceMessages, type ConnectorCatalog, type DeviceFlow, type DeviceMessageInput } from '@conflux/core';
import type { DeviceIdentity } from '@conflux/core/ingest';
import { MalformedMessage, payloadDigest, validatePayload, type ValidPayload } from './validate.ts';

/** How a message ended: stored; recognised as a retransmission of a stored one; malformed (counted); refused
 * (device disabled or gone); failed (not stored, e.g. shutting down while the database is away — not acknowledged). */
export type IngestOutcome = 'stored' | 'duplicate' | 'malformed' | 'refused' | 'failed';

/** A message as a broker hands it over. */
export interface InboundMessage {
  identity: DeviceIdentity;
  topic: string;
  channel: string;
  payload: Buffer;
  qos: number;
  packetId: number | null;
  receivedAt: Date;
}

/** Settings of the pipeline. */
export interface IngestorOptions {
  maxPayloadBytes: number;
  tenantRate: number;
  tenantBurst: number;
  batchMax: number;
  lingerMs: number;
  flushConcurrency: number;
  maxInFlightPerTenant?: number;
  /** How long a tenant's list of device flows is cached (changes also arrive by notification). */
  flowCacheMs?: number;
  /** How often presence and counters are written. */
  activityIntervalMs?: number;
}

/** What the pipeline needs. */
export interface IngestorDeps {
  gate: TenantGate;
  catalog: ConnectorCatalog;
  log: Logger;
  /** The messages/s override of a tenant (its device quota), if any. */
  tenantRate?: (tenantId: string) => number | null | undefined;
}

interface Pending {
  message: InboundMessage;
  payload: ValidPayload;
  digest: string | null;
  enqueuedAt: number;
  resolve: (outcome: IngestOutcome) => void;
}

interface Batch {
  items: Pending[];
  outcomes: IngestOutcome[] | null;
}

interface TenantQueue {
  tenantId: string;
  items: Pending[];
  tokens: number;
  refilledAt: number;
  inRing: boolean;
  timer: NodeJS.Timeout | null;
  /** Batches written or being written, in order: acknowledgements are released in this order. */
  inFlight: Batch[];
}

interface TenantActivity {
  seen: Set<string>;
  disconnected: Set<string>;
  stats: Map<string, { deviceId: string; minute: Date; messages: number; malformed: number; bytes: number }>;
  malformed: Map<string, { deviceId: string; count: number; at: Date; reason: string }>;
}

/** Counters for logs, tests and the benchmark. */
export interface IngestCounters {
  received: number;
  stored: number;
  duplicates: number;
  malformed: number;
  refused: number;
  failed: number;
  events: number;
  batches: number;
  retries: number;
}

// PostgreSQL error classes that depend on the data, not on the database's health: a batch failing with one
// of these is split to find the message at fault; anything else is retried as it is.
const DATA_ERROR = /^(22|23|54|42804|42P18)/;

function pgCode(error: unknown): string | undefined {
  const seen = new Set<unknown>();
  const visit = (value: unknown, depth: number): string | undefined => {
    if (!value || typeof value !== 'object' || seen.has(value) || depth > 4) return undefined;
    seen.add(value);
    const record = value as Record<string, unknown>;
    for (const key of ['code', 'originalCode']) {
      const v = record[key];
      if (typeof v === 'string' && /^[0-9A-Z]{5}$/.test(v) && !v.startsWith('P')) return v;
    }
    return visit(record.cause, depth + 1) ?? visit(record.meta, depth + 1) ?? visit(record.driverAdapterError, depth + 1);
  };
  return visit(error, 0);
}

/** The pipeline. */
export class Ingestor {
  readonly counters: IngestCounters = { received: 0, stored: 0, duplicates: 0, malformed: 0, refused: 0, failed: 0, events: 0, batches: 0, retries: 0 };
  private readonly queues = new Map<string, TenantQueue>();
  private readonly ring: string[] = [];
  private active = 0;
  private readonly activity = new Map<string, TenantActivity>();
  private readonly lastSeenWritten = new Map<string, number>();
  private readonly flowCache = new Map<string, { flows: Promise<DeviceFlow[]>; at: number }>();
  private readonly activityTimer: NodeJS.Timeout;
  private activityWriting: Promise<void> = Promise.resolve();
  private closing = false;
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly deps: IngestorDeps, private readonly options: IngestorOptions) {
    this.activityTimer = setInterval(() => void this.writeActivity(), options.activityIntervalMs ?? 1000);
    this.activityTimer.unref();
  }

  /** Messages queued or being written. */
  get pending(): number {
    let n = 0;
    for (const q of this.queues.values()) n += q.items.length + q.inFlight.reduce((s, b) => s + b.items.length, 0);
    return n;
  }

  /**
   * Takes one message; resolves when it is settled. A malformed message is counted (on the device page) and
   * resolves 'malformed' at once: it is acknowledged, since resending it cannot help.
   */
  accept(message: InboundMessage): Promise<IngestOutcome> {
    this.counters.received++;
    let payload: ValidPayload;
    try {
      payload = validatePayload(message.payload, message.identity.payloadFormat, this.options.maxPayloadBytes);
    } catch (error) {
      const reason = error instanceof MalformedMessage ? error.message : 'unreadable payload';
      this.noteMalformed(message.identity, reason, message.payload.length, message.receivedAt);
      return Promise.resolve('malformed');
    }
    if (this.closing) {
      this.counters.failed++;
      return Promise.resolve('failed');
    }
    const digest = message.qos > 0 ? payloadDigest(message.payload) : null;
    return new Promise<IngestOutcome>((resolve) => {
      const queue = this.queueOf(message.identity.tenantId);
      queue.items.push({ message, payload, digest, enqueuedAt: performance.now(), resolve });
      this.makeReady(queue);
      this.pump();
    });
  }

  /** Counts a message refused before it reached the pipeline (too large for the broker, for instance). */
  noteMalformed(identity: Pick<DeviceIdentity, 'tenantId' | 'deviceId'>, reason: string, bytes = 0, at = new Date()): void {
    this.counters.malformed++;
    const activity = this.activityOf(identity.tenantId);
    const stat = this.statOf(activity, identity.deviceId, at);
    stat.malformed++;
    stat.bytes += bytes;
    const entry = activity.malformed.get(identity.deviceId) ?? { deviceId: identity.deviceId, count: 0, at, reason };
    entry.count++;
    entry.at = at;
    entry.reason = reason;
    activity.malformed.set(identity.deviceId, entry);
  }

  /** A device connected or sent something: online, last seen now (written at most every 10 s per device). */
  noteSeen(identity: Pick<DeviceIdentity, 'tenantId' | 'deviceId'>, force = false): void {
    const now = Date.now();
    if (!force && now - (this.lastSeenWritten.get(identity.deviceId) ?? 0) < 10_000) return;
    this.lastSeenWritten.set(identity.deviceId, now);
    const activity = this.activityOf(identity.tenantId);
    activity.seen.add(identity.deviceId);
    activity.disconnected.delete(identity.deviceId);
  }

  /** A device's last connection closed. */
  noteDisconnected(identity: Pick<DeviceIdentity, 'tenantId' | 'deviceId'>): void {
    this.lastSeenWritten.delete(identity.deviceId);
    const activity = this.activityOf(identity.tenantId);
    activity.seen.delete(identity.deviceId);
    activity.disconnected.add(identity.deviceId);
  }

  /** Forgets a tenant's cached flows (a flow changed). */
  invalidateFlows(tenantId?: string): void {
    if (tenantId) this.flowCache.delete(tenantId);
    else this.flowCache.clear();
  }

  /** Writes what is queued, then stops taking messages; resolves when all is settled or after `timeoutMs`. */
  async close(timeoutMs = 10_000): Promise<void> {
    this.closing = true;
    for (const q of this.queues.values()) q.items.forEach((p) => (p.enqueuedAt = 0));
    this.pump();
    await Promise.race([this.whenIdle(), new Promise((r) => setTimeout(r, timeoutMs).unref())]);
    clearInterval(this.activityTimer);
    await this.writeActivity();
    // Whatever could not be written is not acknowledged: the broker or the device sends it again.
    for (const q of this.queues.values()) {
      for (const p of q.items.splice(0)) {
        this.counters.failed++;
        p.resolve('failed');
      }
      if (q.timer) clearTimeout(q.timer);
    }
  }

  /** Resolves when nothing is queued or being written. */
  whenIdle(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private queueOf(tenantId: string): TenantQueue {
    let queue = this.queues.get(tenantId);
    if (!queue) {
      queue = { tenantId, items: [], tokens: this.burstOf(tenantId), refilledAt: performance.now(), inRing: false, timer: null, inFlight: [] };
      this.queues.set(tenantId, queue);
    }
    return queue;
  }

  private rateOf(tenantId: string): number {
    return this.deps.tenantRate?.(tenantId) ?? this.options.tenantRate;
  }

  private burstOf(tenantId: string): number {
    const override = this.deps.tenantRate?.(tenantId);
    return override ? override * 2 : this.options.tenantBurst;
  }

  private makeReady(queue: TenantQueue): void {
    if (queue.inRing || queue.timer) return;
    queue.inRing = true;
    this.ring.push(queue.tenantId);
  }

  private later(queue: TenantQueue, ms: number): void {
    if (queue.timer) return;
    queue.timer = setTimeout(() => {
      queue.timer = null;
      this.makeReady(queue);
      this.pump();
    }, Math.max(1, Math.ceil(ms)));
  }

  /** Starts as many batches as allowed, taking tenants round-robin. */
  private pump(): void {
    const maxPerTenant = this.options.maxInFlightPerTenant ?? 2;
    let scanned = 0;
    while (this.active < this.options.flushConcurrency && this.ring.length && scanned < this.ring.length + 1) {
      const tenantId = this.ring.shift()!;
      const queue = this.queues.get(tenantId)!;
      queue.inRing = false;
      if (!queue.items.length) continue;
      if (queue.inFlight.length >= maxPerTenant) continue; // re-readied when a batch completes
      const now = performance.now();
      const age = now - queue.items[0]!.enqueuedAt;
      if (queue.items.length < this.options.batchMax && age < this.options.lingerMs && !this.closing) {
        this.later(queue, this.options.lingerMs - age);
        continue;
      }
      const rate = this.rateOf(tenantId);
      queue.tokens = Math.min(this.burstOf(tenantId), queue.tokens + ((now - queue.refilledAt) / 1000) * rate);
      queue.refilledAt = now;
      if (queue.tokens < 1) {
        // Over its rate: this tenant waits for its own tokens; the others go on.
        this.later(queue, ((1 - queue.tokens) / rate) * 1000);
        scanned++;
        continue;
      }
      const n = Math.min(queue.items.length, this.options.batchMax, Math.floor(queue.tokens));
      queue.tokens -= n;
      const batch: Batch = { items: queue.items.splice(0, n), outcomes: null };
      queue.inFlight.push(batch);
      this.active++;
      void this.runBatch(queue, batch);
      if (queue.items.length) this.makeReady(queue);
    }
  }

  private async runBatch(queue: TenantQueue, batch: Batch): Promise<void> {
    try {
      batch.outcomes = await this.writeWithRetry(queue.tenantId, batch.items);
    } catch (error) {
      this.deps.log.error({ err: error, tenantId: queue.tenantId }, 'device batch failed');
      batch.outcomes = batch.items.map(() => 'failed');
    }
    this.active--;
    // Release acknowledgements in batch order (MQTT wants PUBACKs in the order PUBLISHes came).
    while (queue.inFlight[0]?.outcomes) {
      const done = queue.inFlight.shift()!;
      done.items.forEach((item, i) => this.settle(item, done.outcomes![i]!));
    }
    if (queue.items.length) this.makeReady(queue);
    this.pump();
    if (this.pending === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  private settle(item: Pending, outcome: IngestOutcome): void {
    if (outcome === 'stored') this.counters.stored++;
    else if (outcome === 'refused') this.counters.refused++;
    else if (outcome === 'failed') this.counters.failed++;
    if (outcome === 'stored') {
      const activity = this.activityOf(item.message.identity.tenantId);
      const stat = this.statOf(activity, item.message.identity.deviceId, item.message.receivedAt);
      stat.messages++;
      stat.bytes += item.message.payload.length;
      this.noteSeen(item.message.identity);
    }
    item.resolve(outcome);
  }

  /** Writes a batch; on a database outage retries until closing; on a data error splits it to isolate the culprit. */
  private async writeWithRetry(tenantId: string, items: Pending[]): Promise<IngestOutcome[]> {
    let delay = 100;
    for (;;) {
      try {
        return await this.write(tenantId, items);
      } catch (error) {
        const code = pgCode(error);
        if (code && DATA_ERROR.test(code)) {
          if (items.length === 1) {
            const item = items[0]!;
            this.noteMalformed(item.message.identity, `refused by the database (${code}): ${(error as Error).message.split('\n').pop()?.slice(0, 160) ?? ''}`, item.message.payload.length, item.message.receivedAt);
            return ['malformed'];
          }
          const half = Math.ceil(items.length / 2);
          return [...(await this.writeWithRetry(tenantId, items.slice(0, half))), ...(await this.writeWithRetry(tenantId, items.slice(half)))];
        }
        if (this.closing) {
          this.deps.log.warn({ err: error, tenantId, messages: items.length }, 'device batch not written before shutdown: not acknowledged');
          return items.map(() => 'failed');
        }
        this.counters.retries++;
        this.deps.log.warn({ err: error, tenantId, messages: items.length, retryInMs: delay }, 'device batch failed; retrying (nothing acknowledged)');
        await new Promise((r) => setTimeout(r, delay));
        delay = Math.min(delay * 2, 5000);
      }
    }
  }

  private async flowsOf(tenantId: string): Promise<DeviceFlow[]> {
    const cached = this.flowCache.get(tenantId);
    if (cached && Date.now() - cached.at < (this.options.flowCacheMs ?? 30_000)) return cached.flows;
    const flows = this.deps.gate.withTenant(tenantId, (db) => listDeviceFlows(db, { tenantId, catalog: this.deps.catalog }));
    this.flowCache.set(tenantId, { flows, at: Date.now() });
    flows.catch(() => this.flowCache.delete(tenantId));
    return flows;
  }

  private async write(tenantId: string, items: Pending[]): Promise<IngestOutcome[]> {
    const flows = await this.flowsOf(tenantId);
    const inputs: DeviceMessageInput[] = items.map((item) => {
      const { message, payload } = item;
      const identity = message.identity;
      const input: DeviceMessageInput = {
        deviceId: identity.deviceId,
        topic: message.topic,
        channel: message.channel,
        json: payload.kind === 'json' ? payload.text : null,
        raw: payload.kind === 'raw' ? payload.bytes : null,
        size: message.payload.length,
        qos: message.qos,
        packetId: message.packetId,
        digest: item.digest,
        receivedAt: message.receivedAt,
        flows: [],
      };
      if (flows.length) {
        // What the matchers see; the event row's payload is built by storeDeviceMessages from the stored message.
        const event: DeviceMessageEvent = {
          deviceId: identity.deviceId,
          deviceName: identity.name,
          deviceType: identity.type,
          tags: identity.tags,
          topic: message.topic,
          channel: message.channel,
          payloadFormat: identity.payloadFormat,
          qos: message.qos,
          receivedAt: message.receivedAt.toISOString(),
          payload: payload.kind === 'json' ? payload.value : payload.bytes.toString('base64'),
          messageId: '',
        };
        for (const flow of flows) {
          try {
            if (flow.trigger.matches(flow.props as never, event)) input.flows.push(flow.flowId);
          } catch (error) {
            this.deps.log.warn({ err: error, flowId: flow.flowId }, 'device trigger matcher failed');
          }
        }
      }
      return input;
    });
    const result = await this.deps.gate.withTenant(tenantId, (db) => storeDeviceMessages(db, { tenantId, messages: inputs }));
    this.counters.batches++;
    this.counters.events += result.events;
    return result.ids.map((id) => (id ? 'stored' : 'refused'));
  }

  private activityOf(tenantId: string): TenantActivity {
    let activity = this.activity.get(tenantId);
    if (!activity) {
      activity = { seen: new Set(), disconnected: new Set(), stats: new Map(), malformed: new Map() };
      this.activity.set(tenantId, activity);
    }
    return activity;
  }

  private statOf(activity: TenantActivity, deviceId: string, at: Date) {
    const minute = Math.floor(at.getTime() / 60_000) * 60_000;
    const key = `${deviceId}:${minute}`;
    let stat = activity.stats.get(key);
    if (!stat) {
      stat = { deviceId, minute: new Date(minute), messages: 0, malformed: 0, bytes: 0 };
      activity.stats.set(key, stat);
    }
    return stat;
  }

  /** Writes presence and counters, one transaction per tenant; what fails is kept for the next round. */
  writeActivity(): Promise<void> {
    this.activityWriting = this.activityWriting.then(async () => {
      const entries = [...this.activity.entries()];
      this.activity.clear();
      for (const [tenantId, a] of entries) {
        if (!a.seen.size && !a.disconnected.size && !a.stats.size && !a.malformed.size) continue;
        try {
          await this.deps.gate.withTenant(tenantId, (db) =>
            recordDeviceActivity(db, {
              tenantId,
              seen: [...a.seen],
              disconnected: [...a.disconnected],
              stats: [...a.stats.values()],
              malformed: [...a.malformed.values()],
            }),
          );
        } catch (error) {
          this.deps.log.warn({ err: error, tenantId }, 'device activity not written; retrying');
          const current = this.activityOf(tenantId);
          for (const id of a.seen) current.seen.add(id);
          for (const id of a.disconnected) if (!current.seen.has(id)) current.disconnected.add(id);
          for (const [key, s] of a.stats) {
            const c = current.stats.get(key);
            if (c) {
              c.messages += s.messages;
              c.malformed += s.malformed;
              c.bytes += s.bytes;
            } else current.stats.set(key, s);
          }
          for (const [id, m] of a.malformed) {
            const c = current.malformed.get(id);
            if (c) c.count += m.count;
            else current.malformed.set(id, m);
          }
        }
      }
    });
    return this.activityWriting;
  }
}
