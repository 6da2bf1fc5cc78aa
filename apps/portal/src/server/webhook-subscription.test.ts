// Webhook triggers that must be registered with the provider: enabling the flow subscribes (and stays
// disabled if the provider refuses), disabling unsubscribes with the state the subscription returned.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyAuth, defineConnector, defineTrigger, z } from '@conflux/connector-sdk';
import { catalogFrom } from '@conflux/core';
import { connectors } from '@conflux/registry';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/database.ts';
import { createCaller } from './root.ts';
import type { Services } from './services.ts';
import { signUpAndSignIn, testServices, type SignedInUser } from './testing.ts';

const calls: { method: string; path: string; body: string; authorization?: string }[] = [];
let refuse = false;
let provider: http.Server;
let providerUrl: string;

// A provider-style connector whose webhooks must be registered through its API.
const hooky = defineConnector({
  id: 'hooky',
  name: 'Hooky',
  version: '1.0.0',
  description: 'Test provider with webhook subscriptions',
  categories: ['test'],
  auth: [{ kind: 'bearer' }],
  egress: { hosts: ['127.0.0.1'] },
  actions: {},
  triggers: {
    event: defineTrigger({
      type: 'webhook',
      name: 'Event',
      description: 'Anything Hooky sends',
      props: z.object({ providerUrl: z.string() }),
      sample: { id: 'evt_1' },
      async subscribe(ctx) {
        const url = new URL('/subscriptions', ctx.props.providerUrl);
        const headers = new Headers({ 'content-type': 'application/json' });
        applyAuth(ctx.auth, url, headers);
        const response = await ctx.fetch(url, { method: 'POST', headers, body: JSON.stringify({ url: ctx.webhookUrl }) });
        if (!response.ok) throw new Error(`Hooky answered ${response.status}`);
        return (await response.json()) as Record<string, unknown>;
      },
      async unsubscribe(ctx, state) {
        const url = new URL(`/subscriptions/${String(state.id)}`, ctx.props.providerUrl);
        const headers = new Headers();
        applyAuth(ctx.auth, url, headers);
        await ctx.fetch(url, { method: 'DELETE', headers });
      },
    }),
  },
});

let db: TestDatabase;
let services: Services;
let user: SignedInUser;

beforeAll(async () => {
  provider = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      calls.push({ method: req.method!, path: req.url!, body, authorization: req.headers.authorization });
      res.writeHead(refuse ? 500 : 200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: 'sub_42' }));
    });
  });
  await new Promise<void>((r) => provider.listen(0, '127.0.0.1', r));
  providerUrl = `http://127.0.0.1:${(provider.address() as AddressInfo).port}`;
  db = await createTestDatabase();
  services = testServices(db, { egressAllow: ['127.0.0.0/8'], catalog: catalogFrom([...connectors, hooky]) });
  user = await signUpAndSignIn(services, { name: 'Hana Hooks', email: 'hana@hooks.test', workspaceName: 'Hooks Ltd' });
});
afterAll(async () => {
  provider?.close();
  await services?.close();
  await db?.close();
});

async function hookyFlow(name: string) {
  const api = createCaller(await user.context());
  const connection = await api.connections.create({ connectorId: 'hooky', name: `Hooky ${name}`, authKind: 'bearer', credentials: { token: 'hooky-token' } });
  const flow = await api.flows.create({
    name,
    definition: { trigger: { connector: 'hooky', trigger: 'event', connectionId: connection.id, props: { providerUrl } }, steps: [] },
  });
  await api.flows.publish({ flowId: flow.id });
  return { api, flow };
}

describe('webhook subscriptions', () => {
  it('enabling subscribes the endpoint URL; disabling unsubscribes with the returned state', async () => {
    calls.length = 0;
    refuse = false;
    const { api, flow } = await hookyFlow('Subscribed');
    await api.flows.setEnabled({ flowId: flow.id, enabled: true });
    const webhook = (await api.flows.get({ flowId: flow.id })).webhook;
    expect(calls).toEqual([{ method: 'POST', path: '/subscriptions', body: JSON.stringify({ url: webhook!.url }), authorization: 'Bearer hooky-token' }]);
    expect((await api.flows.get({ flowId: flow.id })).enabled).toBe(true);

    await api.flows.setEnabled({ flowId: flow.id, enabled: false });
    expect(calls.at(-1)).toMatchObject({ method: 'DELETE', path: '/subscriptions/sub_42' });
    expect((await api.flows.get({ flowId: flow.id })).enabled).toBe(false);
  });

  it('a refused subscription leaves the flow disabled with a reason', async () => {
    refuse = true;
    const { api, flow } = await hookyFlow('Refused');
    await expect(api.flows.setEnabled({ flowId: flow.id, enabled: true })).rejects.toMatchObject({
      code: 'PRECONDITION_FAILED',
      message: expect.stringMatching(/Hooky did not accept the webhook subscription: Hooky answered 500/),
    });
    expect((await api.flows.get({ flowId: flow.id })).enabled).toBe(false);
  });
});
