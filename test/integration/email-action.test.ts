// The email connector inside a real run: a webhook starts a flow whose action sends mail through the
// connection's own SMTP server — here a real SMTP server on loopback (the mail catcher), which the
// worker may reach only because the operator allows private ranges (EGRESS_ALLOW); a tenant cannot.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMailCatcher, type CaughtMail, type MailCatcher } from '@conflux/mail';
import type { RunningWorker } from '../../apps/worker/src/worker.ts';
import type { Services } from '../../apps/portal/src/server/services.ts';
import { testServices } from '../../apps/portal/src/server/testing.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import {
  createLiveFlow,
  postWebhook,
  runIdsOf,
  signUpTenant,
  startTestGateway,
  startTestWorker,
  waitFor,
  waitForRun,
  type LiveFlow,
  type TestGateway,
  type TestTenant,
} from '../support/platform-parts.ts';

let db: TestDatabase;
let services: Services;
let gateway: TestGateway;
let worker: RunningWorker;
let catcher: MailCatcher;
let tenant: TestTenant;
const caught: CaughtMail[] = [];

const mailFlow = (connectionId: string) => ({
  trigger: { connector: 'webhook', trigger: 'catchHook', props: {} },
  steps: [
    {
      kind: 'action',
      key: 'notify',
      connector: 'email',
      action: 'send',
      connectionId,
      props: {
        to: { expr: 'trigger.customer.email' },
        subject: { expr: '"Order " & trigger.id & " confirmed"' },
        text: { expr: '"Total: " & $string($sum(trigger.items.price)) & " EUR"' },
      },
    },
  ],
});

async function smtpConnection(name: string, metadata: Record<string, unknown>): Promise<string> {
  const connection = await tenant.caller.connections.create({
    connectorId: 'email',
    name,
    authKind: 'custom',
    credentials: { host: '127.0.0.1', port: catcher.port, secure: false, from: 'Acme Billing <billing@acme.example>' },
    metadata,
  });
  return connection.id;
}

beforeAll(async () => {
  db = await createTestDatabase();
  services = testServices(db);
  catcher = await startMailCatcher({ port: 0, onMail: async (mail) => void caught.push(mail) });
  gateway = await startTestGateway(db);
  worker = await startTestWorker(db);
  tenant = await signUpTenant(services, 'Mail Shop');
});

afterAll(async () => {
  await worker?.stop();
  await gateway?.close();
  await catcher?.close();
  await services?.close();
  await db?.close();
});

async function trigger(flow: LiveFlow, event: unknown): Promise<string> {
  const accepted = await postWebhook(`${gateway.url}${flow.webhookPath}`, event, { secret: flow.secret! });
  expect(accepted.status).toBe(202);
  return runIdsOf(accepted)[0]!;
}

describe('email action', () => {
  it('sends the mapped message through a real SMTP conversation', async () => {
    const flow = await createLiveFlow(tenant, { name: 'Order mail', definition: mailFlow(await smtpConnection('Local SMTP', {})) });
    const runId = await trigger(flow, { id: 'ord_7', customer: { email: 'ada@example.com' }, items: [{ price: 20 }, { price: 22.5 }] });

    const run = await waitForRun(tenant, runId);
    expect(run.status).toBe('succeeded');
    const mail = await waitFor(() => caught.find((m) => m.subject === 'Order ord_7 confirmed'), { what: 'the mail at the SMTP server' });
    expect(mail).toMatchObject({ from: 'Acme Billing <billing@acme.example>', to: 'ada@example.com' });
    expect(mail.text?.trim()).toBe('Total: 42.5 EUR');
    expect(caught).toHaveLength(1);

    const [step] = run.steps;
    expect(step).toMatchObject({ stepKey: 'notify', status: 'succeeded', input: { to: 'ada@example.com', subject: 'Order ord_7 confirmed', text: 'Total: 42.5 EUR' } });
    // The Message-ID derives from the step's idempotency key, on the sender's domain.
    expect(step!.output).toEqual({ messageId: expect.stringMatching(/^<[0-9a-f]{32}@acme\.example>$/), accepted: ['ada@example.com'], rejected: [] });
  });

  it('refuses the loopback SMTP host when the operator allows no private range, whatever the tenant claims', async () => {
    // The tenant's own "allowPrivateNetwork" in the connection's metadata counts for nothing.
    await worker.stop();
    worker = await startTestWorker(db, {}, { EGRESS_ALLOW: '' });
    const flow = await createLiveFlow(tenant, { name: 'Order mail (public only)', definition: mailFlow(await smtpConnection('Public SMTP only', { allowPrivateNetwork: true })) });
    const before = caught.length;
    const runId = await trigger(flow, { id: 'ord_8', customer: { email: 'grace@example.com' }, items: [{ price: 1 }] });

    const run = await waitForRun(tenant, runId);
    expect(run.status).toBe('failed');
    expect(run.attempt).toBe(1);
    expect(run.error).toMatchObject({ stepKey: 'notify', disposition: 'fail', code: 'CONNECTOR_PERMANENT' });
    expect(String(run.error!.message)).toMatch(/SMTP host 127\.0\.0\.1 is not a public address/);
    expect(caught).toHaveLength(before);
  });
});
