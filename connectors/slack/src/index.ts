/**
 * The Slack connector: post a message with a bot token (`chat.postMessage` through Slack's own
 * `@slack/web-api`, which accepts an injected fetch and base URL), or through an incoming-webhook URL.
 * Slack's client retries and queues on its own; both are switched off, because the engine owns retries.
 */
import {
  ConnectorError,
  defineAction,
  defineConnector,
  errorForStatus,
  isConnectorError,
  z,
  type ActionContext,
  type ConnectionTestContext,
  type ConnectionTestResult,
} from '@conflux/connector-sdk';
import {
  LogLevel,
  WebAPIHTTPError,
  WebAPIPlatformError,
  WebAPIRateLimitedError,
  WebAPIRequestError,
  WebClient,
  type ChatPostMessageArguments,
  type Logger,
} from '@slack/web-api';

const DEFAULT_API_BASE_URL = 'https://slack.com';

// Slack's answers that a new token (or a reinstall with more scopes) fixes: the connection needs a reconnect.
const AUTH_ERRORS = new Set(['invalid_auth', 'not_authed', 'token_revoked', 'token_expired', 'account_inactive', 'missing_scope', 'not_allowed_token_type']);
// Slack's own trouble; the same call may succeed later.
const RETRYABLE_ERRORS = new Set(['internal_error', 'service_unavailable']);
const HINTS: Record<string, string> = {
  channel_not_found: 'check the channel ID; private channels need the app invited',
  not_in_channel: 'invite the app to the channel (/invite @app)',
  is_archived: 'the channel is archived',
};

const blocks = z
  .array(z.record(z.string(), z.json()))
  .max(50)
  .optional()
  .describe('Block Kit blocks (JSON), e.g. from Slack’s Block Kit Builder. The text is then the notification fallback.');

const hasContent = (props: { text?: string; blocks?: unknown[] }) => (props.text?.trim() ?? '') !== '' || (props.blocks?.length ?? 0) > 0;
const contentRequired = { message: 'Give a text or blocks', path: ['text'] };

const postMessageProps = z
  .object({
    channel: z.string().trim().min(1).max(200).describe('Channel ID (C0123456789), #channel-name, or a user ID for a direct message.'),
    text: z.string().max(40_000).optional().describe('Message text, with Slack mrkdwn (*bold*, <https://example.com|links>).'),
    blocks,
    threadTs: z
      .string()
      .regex(/^\d+\.\d+$/, 'A message timestamp such as 1767225600.000100')
      .optional()
      .describe('Timestamp (ts) of a message to reply to in its thread.'),
    unfurlLinks: z.boolean().optional().describe('Show previews of linked pages.'),
  })
  .refine(hasContent, contentRequired);

/** Whether a webhook URL may be called: https, or http on loopback, which only a test server can be (the platform's guard refuses loopback). */
export function webhookUrlAllowed(value: string): boolean {
  const url = URL.parse(value);
  if (!url) return false;
  return url.protocol === 'https:' || (url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname));
}

const sendWebhookMessageProps = z
  .object({
    webhookUrl: z
      .url()
      .refine(webhookUrlAllowed, 'Use the https:// incoming-webhook URL from your Slack app')
      .describe('Incoming-webhook URL from the Slack app’s settings, https://hooks.slack.com/services/…'),
    text: z.string().max(40_000).optional().describe('Message text, with Slack mrkdwn.'),
    blocks,
  })
  .refine(hasContent, contentRequired);

/** What `postMessage` returns: where the message went and its timestamp (its id in Slack). */
export interface PostedMessage {
  channel: string;
  ts: string;
}

// Connection metadata is kept by the platform beside the credentials; ActionContext does not carry it yet,
// so it is read defensively. `apiBaseUrl` points the connector at a test server.
function apiBaseUrl(ctx: object): string {
  const metadata = (ctx as { connection?: { metadata?: Record<string, unknown> } }).connection?.metadata;
  const configured = metadata?.apiBaseUrl;
  return (typeof configured === 'string' && configured ? configured : DEFAULT_API_BASE_URL).replace(/\/+$/, '');
}

/** The guarded fetch, also cancelled when the platform aborts the step. */
function fetchFor(ctx: Pick<ActionContext<unknown>, 'fetch' | 'signal'>): typeof fetch {
  return (input, init) => ctx.fetch(input, { ...init, signal: init?.signal ? AbortSignal.any([init.signal, ctx.signal]) : ctx.signal });
}

// Slack's client logs request details at debug level; only its warnings (e.g. "text is missing") matter.
function slackLogger(ctx: Pick<ActionContext<unknown>, 'log'>): Logger {
  const text = (parts: unknown[]) => parts.map(String).join(' ');
  return {
    debug: () => undefined,
    info: () => undefined,
    warn: (...parts: unknown[]) => ctx.log.warn(text(parts)),
    error: (...parts: unknown[]) => ctx.log.error(text(parts)),
    setLevel: () => undefined,
    getLevel: () => LogLevel.WARN,
    setName: () => undefined,
  };
}

/**
 * Whether an error from `ctx.fetch` already says what it is: a ConnectorError, the guarded fetch's
 * EgressError (blocked host, size cap, timeout; the engine reads its `retryable`), or an abort.
 */
function alreadyClassified(error: unknown): boolean {
  if (isConnectorError(error)) return true;
  const name = (error as { name?: unknown } | null)?.name;
  return name === 'EgressError' || name === 'AbortError' || name === 'TimeoutError';
}

/** Classifies what Slack's client throws; the platform's own errors are passed on as they are. */
export function slackError(error: unknown, method: string): unknown {
  if (alreadyClassified(error)) return error;
  if (error instanceof WebAPIPlatformError) {
    const code = error.data.error;
    const message = `Slack ${method} failed: ${code}${HINTS[code] ? ` (${HINTS[code]})` : ''}`;
    if (code === 'ratelimited') return ConnectorError.rateLimited(message);
    if (AUTH_ERRORS.has(code)) return ConnectorError.auth(message, { cause: error });
    if (RETRYABLE_ERRORS.has(code)) return ConnectorError.retryable(message, { cause: error, details: { slackError: code } });
    return ConnectorError.permanent(message, { cause: error, details: { slackError: code } });
  }
  if (error instanceof WebAPIRateLimitedError) return ConnectorError.rateLimited(`Slack ${method} was rate limited; retry in ${error.retryAfter} s`, error.retryAfter * 1000);
  if (error instanceof WebAPIHTTPError) return errorForStatus(error.statusCode, `Slack ${method} answered ${error.statusCode} ${error.statusMessage}`.trim(), error.headers['retry-after']);
  if (error instanceof WebAPIRequestError) {
    // The guarded fetch's own errors arrive wrapped by Slack's client.
    if (alreadyClassified(error.original)) return error.original;
    return ConnectorError.retryable(`Slack ${method} could not be reached: ${error.original.message}`, { cause: error });
  }
  // Anything else (e.g. a 429 without Retry-After) is worth another attempt after a backoff.
  return ConnectorError.retryable(`Slack ${method} failed: ${(error as Error).message}`, { cause: error });
}

const postMessage = defineAction({
  name: 'Post a message',
  description: 'Posts a message to a channel, a direct message or a thread, as the connected Slack app.',
  props: postMessageProps,
  sample: { channel: 'C0123456789', ts: '1767225600.000100' } satisfies PostedMessage,
  async run(ctx): Promise<PostedMessage> {
    if (ctx.auth?.kind !== 'bearer') throw ConnectorError.auth('Posting a message needs a Slack bot token connection (xoxb-…).');
    const client = new WebClient(ctx.auth.token, {
      slackApiUrl: `${apiBaseUrl(ctx)}/api/`,
      fetch: fetchFor(ctx),
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
      // Slack ignores the header today; a proxy or Slack itself may use it, and it costs nothing.
      headers: { 'Idempotency-Key': ctx.idempotencyKey },
      logger: slackLogger(ctx),
    });
    const { props } = ctx;
    try {
      const result = await client.chat.postMessage({
        channel: props.channel,
        text: props.text,
        blocks: props.blocks,
        thread_ts: props.threadTs,
        unfurl_links: props.unfurlLinks,
      } as ChatPostMessageArguments);
      return { channel: result.channel ?? props.channel, ts: result.ts ?? '' };
    } catch (error) {
      throw slackError(error, 'chat.postMessage');
    }
  },
});

const sendWebhookMessage = defineAction({
  name: 'Send a message to an incoming webhook',
  description: 'Posts a message through a Slack incoming-webhook URL; needs no connection.',
  props: sendWebhookMessageProps,
  sample: { ok: true },
  async run(ctx): Promise<{ ok: true }> {
    const { props } = ctx;
    let response: Response;
    try {
      response = await ctx.fetch(props.webhookUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': ctx.idempotencyKey },
        body: JSON.stringify({ text: props.text, blocks: props.blocks }),
        signal: ctx.signal,
      });
    } catch (error) {
      if (alreadyClassified(error)) throw error;
      throw ConnectorError.retryable(`Slack webhook could not be reached: ${(error as Error).message}`, { cause: error });
    }
    // Incoming webhooks answer "ok", or a short error code as text (invalid_payload, no_service, channel_is_archived…).
    const answer = (await response.text()).slice(0, 200);
    if (!response.ok) throw errorForStatus(response.status, `Slack webhook answered ${response.status}: ${answer}`, response.headers.get('retry-after'));
    return { ok: true };
  },
});

/**
 * "Test connection": `auth.test`, Slack's own "who am I" call, which needs no scope and changes nothing.
 * A connection without a token (incoming webhooks only) has nothing to check.
 */
export async function testSlackConnection(ctx: ConnectionTestContext): Promise<ConnectionTestResult> {
  if (ctx.auth?.kind !== 'bearer') {
    return { ok: true, skipped: true, detail: 'This connection holds no token, so there is nothing to check: incoming-webhook URLs are given on each step.' };
  }
  const client = new WebClient(ctx.auth.token, {
    slackApiUrl: `${apiBaseUrl(ctx)}/api/`,
    fetch: fetchFor(ctx),
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    logger: slackLogger(ctx),
  });
  try {
    const who = await client.auth.test();
    const team = who.team ? `the Slack workspace “${who.team}”` : 'Slack';
    return { ok: true, detail: `Connected to ${team} as ${who.user ?? 'the app'}${who.bot_id ? ' (bot)' : ''}.` };
  } catch (error) {
    const classified = slackError(error, 'auth.test');
    if (isConnectorError(classified) && classified.kind === 'auth') {
      return { ok: false, refused: true, message: `${classified.message}. Use the Bot User OAuth Token (xoxb-…) of an app installed in your workspace.` };
    }
    return { ok: false, message: (classified as Error).message };
  }
}

const icon =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><g fill="none" stroke="currentColor" stroke-width="2.6" stroke-linecap="round"><path d="M9.5 3.5v7M14.5 13.5v7M3.5 14.5h7M13.5 9.5h7"/></g></svg>';

export default defineConnector({
  id: 'slack',
  name: 'Slack',
  version: '0.1.0',
  description: 'Post messages to Slack channels, threads and direct messages.',
  categories: ['communication'],
  icon,
  auth: [
    { kind: 'bearer', label: 'Bot token', help: 'The Bot User OAuth Token (xoxb-…) of your Slack app, with the chat:write scope.' },
    { kind: 'none', label: 'Incoming webhook only', help: 'For “Send a message to an incoming webhook”, whose URL is given on the step.' },
  ],
  egress: { hosts: ['slack.com', 'hooks.slack.com'] },
  actions: { postMessage, sendWebhookMessage },
  triggers: {},
  test: testSlackConnection,
});
