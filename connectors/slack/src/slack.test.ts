import { afterEach, describe, expect, it } from 'vitest';
import { ConnectorError, connectorManifest, type AuthValue } from '@conflux/connector-sdk';
import { connectionTestContext, egressRefusal, refusingFetch, runAction } from '../../../test/support/connector-context.ts';
import { startHttpServer, type RecordedRequest, type TestResponse, type TestServer } from '../../../test/support/http-server.ts';
import slack, { testSlackConnection, webhookUrlAllowed } from './index.ts';

const postMessage = slack.actions.postMessage!;
const sendWebhookMessage = slack.actions.sendWebhookMessage!;
const bot: AuthValue = { kind: 'bearer', token: 'xoxb-good' };

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});

/** The arguments of a Web API call: Slack's client sends them form-encoded, JSON values as strings. */
function callArguments(request: RecordedRequest): Record<string, string> {
  return Object.fromEntries(new URLSearchParams(request.body));
}

/**
 * A Slack Web API on loopback: `chat.postMessage` answers `{ ok: true, channel, ts }`, or `{ ok: false, error }`
 * the way Slack does (HTTP 200), with a few channels that misbehave on purpose.
 */
function slackApi(request: RecordedRequest): TestResponse {
  if (request.path !== '/api/chat.postMessage') return { status: 404, body: 'unknown method' };
  const token = request.headers.authorization?.replace(/^Bearer /, '');
  if (!token) return { body: { ok: false, error: 'not_authed' } };
  if (token !== 'xoxb-good') return { body: { ok: false, error: token === 'xoxb-revoked' ? 'token_revoked' : 'invalid_auth' } };
  const { channel } = callArguments(request);
  switch (channel) {
    case 'C_GONE':
      return { body: { ok: false, error: 'channel_not_found' } };
    case 'C_BUSY':
      return { body: { ok: false, error: 'ratelimited' } };
    case 'C_LIMITED':
      return { status: 429, headers: { 'retry-after': '30' }, body: { ok: false, error: 'ratelimited' } };
    case 'C_DOWN':
      return { status: 503, body: 'upstream connect error' };
    case 'C_OOPS':
      return { body: { ok: false, error: 'internal_error' } };
    default:
      return { body: { ok: true, channel: channel?.startsWith('#') ? 'C0123456789' : channel, ts: '1767225600.000100', message: { text: 'hi' } } };
  }
}

async function server(handler: (request: RecordedRequest) => TestResponse = slackApi): Promise<TestServer> {
  const started = await startHttpServer(handler);
  cleanups.push(() => started.close());
  return started;
}

async function failure(promise: Promise<unknown>): Promise<ConnectorError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConnectorError);
  return error as ConnectorError;
}

describe('slack connector: postMessage', () => {
  it('posts through chat.postMessage with the bot token and the idempotency key', async () => {
    const api = await server();
    const result = await runAction(
      postMessage,
      { channel: '#deploys', text: 'Deploy *finished*', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'Deploy *finished*' } }], threadTs: '1767225000.000200' },
      { auth: bot, metadata: { apiBaseUrl: `${api.url}/` }, idempotencyKey: 'run_5:notify' },
    );

    expect(result).toEqual({ channel: 'C0123456789', ts: '1767225600.000100' });
    const [call] = api.requests;
    expect(call?.headers.authorization).toBe('Bearer xoxb-good');
    expect(call?.headers['idempotency-key']).toBe('run_5:notify');
    const args = callArguments(call!);
    expect(args).toMatchObject({ channel: '#deploys', text: 'Deploy *finished*', thread_ts: '1767225000.000200' });
    expect(JSON.parse(args.blocks ?? '')).toEqual([{ type: 'section', text: { type: 'mrkdwn', text: 'Deploy *finished*' } }]);
  });

  const cases: Array<[string, AuthValue, string, Partial<ConnectorError>]> = [
    ['invalid_auth', { kind: 'bearer', token: 'xoxb-wrong' }, 'C1', { kind: 'auth' }],
    ['token_revoked', { kind: 'bearer', token: 'xoxb-revoked' }, 'C1', { kind: 'auth' }],
    ['not_authed', { kind: 'bearer', token: '' }, 'C1', { kind: 'auth' }],
    ['ok:false ratelimited', bot, 'C_BUSY', { kind: 'rate_limited' }],
    ['HTTP 429 with Retry-After', bot, 'C_LIMITED', { kind: 'rate_limited', retryAfterMs: 30_000 }],
    ['HTTP 503', bot, 'C_DOWN', { kind: 'retryable' }],
    ['internal_error', bot, 'C_OOPS', { kind: 'retryable' }],
    ['channel_not_found', bot, 'C_GONE', { kind: 'permanent', message: 'Slack chat.postMessage failed: channel_not_found (check the channel ID; private channels need the app invited)' }],
  ];
  for (const [name, auth, channel, expected] of cases) {
    it(`classifies ${name}`, async () => {
      const api = await server();
      const error = await failure(runAction(postMessage, { channel, text: 'hi' }, { auth, metadata: { apiBaseUrl: api.url } }));
      expect(error).toMatchObject(expected);
      // One call: Slack's client must not retry on its own.
      expect(api.requests).toHaveLength(1);
    });
  }

  it('is retryable when Slack cannot be reached', async () => {
    const api = await server();
    await cleanups.pop()?.();
    expect((await failure(runAction(postMessage, { channel: 'C1', text: 'hi' }, { auth: bot, metadata: { apiBaseUrl: api.url } }))).kind).toBe('retryable');
  });

  it('passes the guarded fetch’s own errors on untouched', async () => {
    for (const refusal of [egressRefusal(), ConnectorError.permanent('Egress to evil.example is not allowed')]) {
      expect(await runAction(postMessage, { channel: 'C1', text: 'hi' }, { auth: bot, fetch: refusingFetch(refusal) }).catch((e: unknown) => e)).toBe(refusal);
      expect(await runAction(sendWebhookMessage, { webhookUrl: 'https://hooks.slack.com/services/T0/B0/x', text: 'hi' }, { fetch: refusingFetch(refusal) }).catch((e: unknown) => e)).toBe(refusal);
    }
  });

  it('asks for a bot token connection, and for text or blocks', async () => {
    expect((await failure(runAction(postMessage, { channel: 'C1', text: 'hi' }, { auth: { kind: 'none' } }))).kind).toBe('auth');
    expect(postMessage.props.safeParse({ channel: 'C1' }).success).toBe(false);
    expect(postMessage.props.safeParse({ channel: 'C1', text: 'hi', threadTs: 'yesterday' }).success).toBe(false);
  });
});

describe('slack connector: sendWebhookMessage', () => {
  function webhookApi(request: RecordedRequest): TestResponse {
    const { text } = JSON.parse(request.body) as { text?: string };
    if (request.path === '/services/T0/B0/revoked') return { status: 404, body: 'no_service' };
    if (text === 'flood') return { status: 429, headers: { 'retry-after': '5' }, body: 'rate_limited' };
    if (text === 'boom') return { status: 500, body: 'rollup_error' };
    if (text === 'bad') return { status: 400, body: 'invalid_payload' };
    return { body: 'ok' };
  }

  it('posts JSON to the webhook URL with the idempotency key', async () => {
    const hook = await server(webhookApi);
    const result = await runAction(sendWebhookMessage, { webhookUrl: `${hook.url}/services/T0/B0/secret`, text: 'Build green' }, { idempotencyKey: 'run_6:hook' });
    expect(result).toEqual({ ok: true });
    const [call] = hook.requests;
    expect(call?.headers['content-type']).toBe('application/json');
    expect(call?.headers['idempotency-key']).toBe('run_6:hook');
    expect(JSON.parse(call?.body ?? '')).toEqual({ text: 'Build green' });
  });

  const cases: Array<[string, string, string, Partial<ConnectorError>]> = [
    ['429', 'ok', 'flood', { kind: 'rate_limited', retryAfterMs: 5000 }],
    ['500', 'ok', 'boom', { kind: 'retryable' }],
    ['400 invalid_payload', 'ok', 'bad', { kind: 'permanent', message: 'Slack webhook answered 400: invalid_payload' }],
    ['404 no_service', 'revoked', 'hi', { kind: 'permanent' }],
  ];
  for (const [name, path, text, expected] of cases) {
    it(`classifies ${name}`, async () => {
      const hook = await server(webhookApi);
      expect(await failure(runAction(sendWebhookMessage, { webhookUrl: `${hook.url}/services/T0/B0/${path}`, text }))).toMatchObject(expected);
    });
  }

  it('accepts only https webhook URLs (http only on loopback, for tests)', () => {
    expect(webhookUrlAllowed('https://hooks.slack.com/services/T0/B0/x')).toBe(true);
    expect(webhookUrlAllowed('http://127.0.0.1:8080/services/x')).toBe(true);
    expect(webhookUrlAllowed('http://hooks.slack.com/services/T0/B0/x')).toBe(false);
    expect(webhookUrlAllowed('ftp://hooks.slack.com/x')).toBe(false);
    expect(sendWebhookMessage.props.safeParse({ webhookUrl: 'http://hooks.slack.com/services/x', text: 'hi' }).success).toBe(false);
  });
});

it('slack manifest lists bearer first and the Slack hosts', () => {
  const manifest = connectorManifest(slack);
  expect(manifest.auth.map((a) => a.kind)).toEqual(['bearer', 'none']);
  expect(manifest.egress.hosts).toEqual(['slack.com', 'hooks.slack.com']);
  expect(manifest.actions.map((a) => a.key)).toEqual(['postMessage', 'sendWebhookMessage']);
});

describe('slack connector: connection test', () => {
  function authTestApi(request: RecordedRequest): TestResponse {
    if (request.path !== '/api/auth.test') return { status: 404, body: 'unknown method' };
    const token = request.headers.authorization?.replace(/^Bearer /, '');
    if (token !== 'xoxb-good') return { body: { ok: false, error: 'invalid_auth' } };
    return { body: { ok: true, url: 'https://acme.slack.com/', team: 'Acme', user: 'conflux', team_id: 'T1', user_id: 'U1', bot_id: 'B1' } };
  }

  it('calls auth.test with the bot token and names the workspace', async () => {
    const api = await server(authTestApi);
    expect(slack.test).toBe(testSlackConnection);
    const result = await testSlackConnection(connectionTestContext({ auth: bot, metadata: { apiBaseUrl: api.url } }));
    expect(result).toEqual({ ok: true, detail: 'Connected to the Slack workspace “Acme” as conflux (bot).' });
    expect(api.requests.map((r) => r.path)).toEqual(['/api/auth.test']);
  });

  it('explains a refused token', async () => {
    const api = await server(authTestApi);
    const result = await testSlackConnection(connectionTestContext({ auth: { kind: 'bearer', token: 'xoxb-bad' }, metadata: { apiBaseUrl: api.url } }));
    expect(result).toMatchObject({ ok: false, refused: true, message: expect.stringMatching(/invalid_auth.*xoxb/) });
  });

  it('reports the guarded fetch’s refusal, and has nothing to check without a token', async () => {
    const refused = await testSlackConnection(connectionTestContext({ auth: bot, fetch: refusingFetch(egressRefusal()) }));
    expect(refused).toMatchObject({ ok: false, message: expect.stringContaining('not a public address') });
    expect(await testSlackConnection(connectionTestContext({ auth: { kind: 'none' } }))).toMatchObject({ ok: true, skipped: true });
  });
});
