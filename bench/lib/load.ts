/**
 * A lean keep-alive HTTP/1.1 load generator on raw sockets (no pipelining: one request in flight per
 * connection). Two modes:
 *  - `max`: every connection sends again as soon as it is answered, while the end-to-end backlog (accepted
 *    but not yet delivered) stays under a cap, so the rate it settles at is what the whole pipeline
 *    sustains, not what the gateway can pile into the queue;
 *  - `rate`: an open loop at a fixed rate; each event's clock starts at its scheduled time, so a stalled
 *    server cannot hide queueing delay (no coordinated omission).
 */
import net from 'node:net';
import { signWebhook } from '../../apps/gateway/src/signature.ts';
import type { BenchHook } from './tenant.ts';

/** One load phase's raw timings, indexed by sequence number. */
export class PhaseLog {
  readonly scheduledAt: number[] = [];
  readonly sentAt: number[] = [];
  readonly answeredAt: number[] = [];
  readonly deliveredAt: number[] = [];
  readonly statuses = new Map<number, number>();
  sent = 0;
  accepted = 0;
  deliveredUnique = 0;
  duplicates = 0;
  errors = 0;
  /** A fixed-rate phase stopped early because the backlog outgrew what the pipeline drains. */
  abortedAt: number | null = null;
  startedAt = 0;
  endedAt = 0;
  lastDeliveryAt = 0;
  constructor(readonly name: string) {}

  delivered(seq: number, at: number) {
    if (this.deliveredAt[seq] !== undefined) {
      this.duplicates++;
      return;
    }
    this.deliveredAt[seq] = at;
    this.deliveredUnique++;
    if (at > this.lastDeliveryAt) this.lastDeliveryAt = at;
  }
}

export interface LoadOptions {
  port: number;
  hook: BenchHook;
  log: PhaseLog;
  mode: 'max' | 'rate';
  durationMs: number;
  connections: number;
  /** `rate` mode: events per second. */
  rate?: number;
  /** `max` mode: most events accepted but not yet delivered; Infinity loads the gateway alone. */
  backlogCap?: number;
  /** `rate` mode: stop early once this many events are accepted but not delivered (the rate is not sustainable). */
  abortBacklog?: number;
}

/** A realistic order event (~300 bytes), different per sequence number. */
export function eventBody(phase: string, seq: number): string {
  return JSON.stringify({
    seq,
    phase,
    type: 'order.paid',
    order: {
      id: `ord_${seq}`,
      currency: 'EUR',
      customer: { name: 'Ada Lovelace', email: `ada+${seq % 1000}@example.com` },
      lines: [
        { sku: 'A-100', qty: 2, price: 12.5 },
        { sku: 'B-220', qty: 1, price: 99 },
        { sku: `C-${seq % 50}`, qty: 3, price: 4.2 },
      ],
    },
  });
}

function requestBytes(port: number, hook: BenchHook, phase: string, seq: number): Buffer {
  const body = eventBody(phase, seq);
  let head =
    `POST /hooks/${hook.key} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\n` +
    `X-Event-Id: ${phase}-${seq}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n`;
  if (hook.authMode === 'hmac') head += `X-Conflux-Signature: ${signWebhook(hook.secret!, body)}\r\n`;
  return Buffer.from(`${head}\r\n${body}`);
}

const HEADER_END = Buffer.from('\r\n\r\n');
const LAST_CHUNK = Buffer.from('\r\n0\r\n\r\n');

class Connection {
  private socket!: net.Socket;
  private buffer: Buffer = Buffer.alloc(0);
  private seq = -1;
  busy = false;
  constructor(
    private readonly port: number,
    private readonly onAnswer: (conn: Connection, seq: number, status: number) => void,
    private readonly onFailure: (conn: Connection, seq: number) => void,
  ) {}

  connect(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.socket = net.connect({ port: this.port, host: '127.0.0.1', noDelay: true }, () => resolve());
      this.socket.once('error', reject);
      this.socket.on('data', (chunk) => this.onData(chunk));
      this.socket.on('close', () => {
        if (this.busy) {
          this.busy = false;
          this.onFailure(this, this.seq);
        }
      });
    });
  }

  send(seq: number, bytes: Buffer) {
    this.busy = true;
    this.seq = seq;
    this.socket.write(bytes);
  }

  private onData(chunk: Buffer) {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    const end = this.buffer.indexOf(HEADER_END);
    if (end < 0) return;
    const head = this.buffer.subarray(0, end).toString('latin1');
    const status = Number(head.slice(9, 12));
    let consumed: number;
    const length = /\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1];
    if (length !== undefined) {
      consumed = end + 4 + Number(length);
      if (this.buffer.length < consumed) return;
    } else if (/\r\ntransfer-encoding:\s*chunked/i.test(head)) {
      // JSON bodies hold no raw CRLF, so the first last-chunk marker ends the body.
      const last = this.buffer.indexOf(LAST_CHUNK, end + 2);
      if (last < 0) return;
      consumed = last + LAST_CHUNK.length;
    } else {
      throw new Error(`the gateway answered without a body length: ${head}`);
    }
    this.buffer = this.buffer.subarray(consumed);
    this.busy = false;
    this.onAnswer(this, this.seq, status);
  }

  close() {
    this.socket.destroy();
  }
}

/** A running load phase; `wake()` is called on each delivery so a capped `max` loop can continue. */
export interface RunningLoad {
  done: Promise<void>;
  wake(): void;
}

export async function startLoad(options: LoadOptions): Promise<RunningLoad> {
  const { log } = options;
  const idle: Connection[] = [];
  const pending: number[] = [];
  let nextSeq = 0;
  let finished = false;
  let resolveDone!: () => void;
  const done = new Promise<void>((resolve) => (resolveDone = resolve));
  const cap = options.backlogCap ?? Infinity;

  const conns: Connection[] = [];
  const checkDone = () => {
    if (finished && conns.every((c) => !c.busy) && pending.length === 0) {
      log.endedAt = log.endedAt || performance.now();
      for (const c of conns) c.close();
      resolveDone();
    }
  };

  const sendOn = (conn: Connection, seq: number) => {
    const bytes = requestBytes(options.port, options.hook, log.name, seq);
    log.sentAt[seq] = performance.now();
    log.sent++;
    conn.send(seq, bytes);
  };

  const feed = (conn: Connection) => {
    if (options.mode === 'rate') {
      const seq = pending.shift();
      if (seq === undefined) idle.push(conn);
      else sendOn(conn, seq);
      return;
    }
    if (finished) return;
    if (performance.now() - log.startedAt >= options.durationMs) {
      finished = true;
      log.endedAt = performance.now();
      return;
    }
    if (log.sent - log.errors - log.deliveredUnique >= cap) {
      idle.push(conn);
      return;
    }
    const seq = nextSeq++;
    log.scheduledAt[seq] = performance.now();
    sendOn(conn, seq);
  };

  const onAnswer = (conn: Connection, seq: number, status: number) => {
    log.answeredAt[seq] = performance.now();
    log.statuses.set(status, (log.statuses.get(status) ?? 0) + 1);
    if (status === 202) log.accepted++;
    feed(conn);
    checkDone();
  };
  const onFailure = (_conn: Connection, _seq: number) => {
    log.errors++;
    checkDone();
  };

  for (let i = 0; i < options.connections; i++) {
    const c = new Connection(options.port, onAnswer, onFailure);
    await c.connect();
    conns.push(c);
  }

  log.startedAt = performance.now();
  if (options.mode === 'max') {
    // Connections parked by the backlog cap are not answered again: end the phase on time regardless.
    setTimeout(() => {
      if (finished) return;
      finished = true;
      log.endedAt = performance.now();
      checkDone();
    }, options.durationMs);
    for (const c of conns) feed(c);
  } else {
    const rate = options.rate!;
    const total = Math.round((rate * options.durationMs) / 1000);
    const timer = setInterval(() => {
      const elapsed = performance.now() - log.startedAt;
      const due = Math.min(total, Math.floor((elapsed * rate) / 1000) + 1);
      while (nextSeq < due) {
        const seq = nextSeq++;
        log.scheduledAt[seq] = log.startedAt + (seq * 1000) / rate;
        const conn = idle.pop();
        if (conn) sendOn(conn, seq);
        else pending.push(seq);
      }
      // Scheduled but not yet delivered: counts events the gateway has not even taken yet.
      const unsustainable = options.abortBacklog !== undefined && nextSeq - log.errors - log.deliveredUnique > options.abortBacklog;
      if (unsustainable) log.abortedAt = performance.now();
      if (nextSeq >= total || unsustainable) {
        clearInterval(timer);
        pending.length = 0;
        finished = true;
        log.endedAt = performance.now();
        checkDone();
      }
    }, 1);
    idle.push(...conns);
  }

  return {
    done,
    wake() {
      if (options.mode !== 'max') return;
      while (idle.length && !finished && log.sent - log.errors - log.deliveredUnique < cap) feed(idle.pop()!);
      if (finished) checkDone();
    },
  };
}
