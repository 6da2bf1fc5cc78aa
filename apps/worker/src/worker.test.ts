// The worker sends queued mail over a real SMTP conversation, and retries when the server refuses.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { enqueue } from '@conflux/queue';
import { startMailCatcher, type CaughtMail, type MailCatcher } from '@conflux/mail';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.ts';
import { freePort } from '../../../test/support/free-port.ts';
import { startWorker, type RunningWorker } from './worker.ts';
import { parseWorkerConfig } from './env.ts';

let db: TestDatabase;
let catcher: MailCatcher;
let worker: RunningWorker;
const caught: CaughtMail[] = [];
let failNext = 0;

beforeAll(async () => {
  db = await createTestDatabase();
  catcher = await startMailCatcher({
    port: await freePort(),
    onMail: async (mail) => {
      if (failNext > 0) {
        failNext--;
        throw new Error('mailbox temporarily unavailable');
      }
      caught.push(mail);
    },
  });
  const config = parseWorkerConfig({
    DATABASE_SYSTEM_URL: db.systemUrl,
    DATABASE_APP_URL: db.appUrl,
    SMTP_URL: catcher.url,
    WORKER_CONCURRENCY: '2',
    MASTER_KEYS: Buffer.alloc(32, 7).toString('base64'),
    LOG_LEVEL: 'silent',
  });
  worker = await startWorker(config, pino({ level: 'silent' }));
});
afterAll(async () => {
  await worker?.stop();
  await catcher?.close();
  await db?.close();
});

async function waitFor<T>(check: () => T | undefined | Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('send-email', () => {
  it('delivers a queued mail', async () => {
    await enqueue(db.system.pool, 'send-email', { to: 'ops@example.com', subject: 'Hello', text: 'Plain', html: '<p>Rich</p>' });
    const mail = await waitFor(() => caught.find((m) => m.subject === 'Hello'));
    expect(mail.to).toContain('ops@example.com');
    expect(mail.text?.trim()).toBe('Plain');
    expect(mail.html).toContain('<p>Rich</p>');
  });

  it('retries when the SMTP server refuses temporarily, and the mail arrives once', async () => {
    failNext = 1;
    await enqueue(db.system.pool, 'send-email', { to: 'ops@example.com', subject: 'Retry me', text: 'x' });
    // graphile-worker's first retry comes after ~2 s.
    await waitFor(() => caught.find((m) => m.subject === 'Retry me'), 30_000);
    expect(caught.filter((m) => m.subject === 'Retry me')).toHaveLength(1);
  });

  it('refuses to enqueue a malformed payload', async () => {
    await expect(enqueue(db.system.pool, 'send-email', { to: 'not-an-email', subject: '', text: 'x' })).rejects.toThrow();
  });
});

describe('supervisor', () => {
  it('heartbeats every worker of the process, so a second process never frees their jobs', async () => {
    const beating = await waitFor(async () => {
      const { rows } = await db.system.pool.query<{ worker_id: string }>('SELECT worker_id FROM worker_heartbeat');
      return rows.length >= 2 ? rows.map((r) => r.worker_id) : undefined;
    });
    expect(new Set(beating)).toEqual(new Set(worker.workerIds()));
  });
});

describe('configuration', () => {
  it('names the variable that is wrong', () => {
    expect(() => parseWorkerConfig({ DATABASE_SYSTEM_URL: 'nope' })).toThrow(/DATABASE_SYSTEM_URL/);
  });
});
