/**
 * The generic HTTP connector: a `request` action that calls any public URL with the connection's
 * credentials, and a `pollList` trigger that walks a paginated list endpoint. It is also the worked
 * example for connector authors, so it stays small and explicit.
 */
import { applyAuth, ConnectorError, defineAction, defineConnector, z, type ConnectionTestContext, type ConnectionTestResult } from '@conflux/connector-sdk';
import { exchange, failureReason, headersFrom, scalar, setDefaultHeader, target } from './exchange.ts';
import { pollList } from './poll-list.ts';

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;
// Safe methods change nothing, so there is nothing for the server to deduplicate.
const SAFE_METHODS = new Set<string>(['GET', 'HEAD', 'OPTIONS']);

const requestProps = z.object({
  method: z.enum(METHODS).default('GET').describe('HTTP method.'),
  url: z.url({ protocol: /^https?$/ }).describe('Absolute http(s) URL, e.g. https://api.example.com/v1/orders.'),
  headers: z
    .record(z.string(), scalar)
    .default({})
    .describe('Request headers. Credentials belong in the connection, which overrides a header of the same name.'),
  query: z.record(z.string(), scalar).default({}).describe('Query parameters, appended to any already in the URL.'),
  body: z.json().optional().describe('Request body: a JSON value, or a string sent as is (for the json body type, a string must already be JSON text).'),
  bodyType: z
    .enum(['json', 'form', 'text', 'none'])
    .default('json')
    .describe('How the body is encoded: json (application/json), form (application/x-www-form-urlencoded), text (text/plain) or none.'),
  tokenUrl: z
    .url({ protocol: /^https?$/ })
    .optional()
    .describe('OAuth2 token endpoint; needed only when the connection uses OAuth2 client credentials.'),
});

/** The props of the `request` action after parsing. */
export type RequestProps = z.output<typeof requestProps>;

/** What the `request` action returns: JSON bodies parsed, anything else as text, an empty body as null. */
export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

function formBody(body: unknown): URLSearchParams {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw ConnectorError.permanent('A form body must be an object of fields (or a ready-encoded string).');
  }
  const form = new URLSearchParams();
  for (const [name, value] of Object.entries(body)) {
    for (const item of Array.isArray(value) ? value : [value]) {
      if (item === null || item === undefined) continue;
      if (typeof item === 'object') throw ConnectorError.permanent(`Form field "${name}" is nested; form bodies take flat fields, use the json body type instead.`);
      form.append(name, String(item));
    }
  }
  return form;
}

/** Encodes the body per its type and sets a Content-Type unless the step set one. */
function encodeBody(props: RequestProps, headers: Headers): string | undefined {
  if (props.bodyType === 'none' || props.body === undefined) return undefined;
  if (props.method === 'GET' || props.method === 'HEAD') {
    throw ConnectorError.permanent(`A ${props.method} request cannot carry a body: clear the body or set the body type to none.`);
  }
  const { body } = props;
  switch (props.bodyType) {
    case 'json':
      setDefaultHeader(headers, 'content-type', 'application/json');
      if (typeof body !== 'string') return JSON.stringify(body);
      // A string is taken as JSON text already serialised by an earlier step; catch a plain string here
      // rather than as a 400 from the server.
      try {
        JSON.parse(body);
      } catch {
        throw ConnectorError.permanent('The body is a string but not valid JSON: pass an object, or use the text body type.');
      }
      return body;
    case 'form':
      setDefaultHeader(headers, 'content-type', 'application/x-www-form-urlencoded');
      return typeof body === 'string' ? body : formBody(body).toString();
    case 'text':
      setDefaultHeader(headers, 'content-type', 'text/plain; charset=utf-8');
      return typeof body === 'string' ? body : JSON.stringify(body);
  }
}

function parseBody(text: string, contentType: string | null): unknown {
  if (text === '') return null;
  if (contentType && /\bjson\b/i.test(contentType)) {
    try {
      return JSON.parse(text);
    } catch {
      // A server that labels broken JSON as JSON still gave us an answer worth showing.
      return text;
    }
  }
  return text;
}

const request = defineAction({
  name: 'Send an HTTP request',
  description: 'Calls any HTTP endpoint with the connection’s credentials and returns status, headers and body.',
  props: requestProps,
  sample: {
    status: 201,
    headers: { 'content-type': 'application/json; charset=utf-8', 'x-request-id': 'req_8f2c1a' },
    body: { id: 'ord_1042', status: 'created', total: 4999, currency: 'EUR' },
  } satisfies HttpResponse,
  async run(ctx): Promise<HttpResponse> {
    const { props } = ctx;
    const url = new URL(props.url);
    for (const [name, value] of Object.entries(props.query)) url.searchParams.append(name, String(value));

    const headers = headersFrom(props.headers);
    const body = encodeBody(props, headers);
    // The same key on every retry and replay of this step lets the server drop a duplicate.
    if (!SAFE_METHODS.has(props.method)) setDefaultHeader(headers, 'idempotency-key', ctx.idempotencyKey);

    const { response, text } = await exchange(ctx, { method: props.method, url, headers, body, tokenUrl: props.tokenUrl });
    return {
      status: response.status,
      headers: Object.fromEntries(response.headers),
      body: parseBody(text, response.headers.get('content-type')),
    };
  },
});

/**
 * "Test connection": a GET of the connection's `testUrl` (an API's "current user" endpoint, say) with its
 * credentials. The http connector knows nothing else about the API, so without a test URL it checks nothing.
 */
export async function testHttpConnection(ctx: ConnectionTestContext): Promise<ConnectionTestResult> {
  const configured = ctx.connection.metadata.testUrl;
  if (typeof configured !== 'string' || !configured.trim()) {
    return { ok: true, skipped: true, detail: 'Nothing was called: add a Test URL under Advanced (for example your API’s current-user endpoint) to check these credentials.' };
  }
  const url = URL.parse(configured.trim());
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) return { ok: false, message: 'The Test URL is not an absolute http(s) URL.' };
  if (ctx.auth?.kind === 'oauth2' && !ctx.auth.accessToken) {
    return { ok: true, skipped: true, detail: 'Nothing was called: OAuth2 client-credentials tokens are fetched by each request step from its Token URL.' };
  }
  const headers = new Headers({ accept: 'application/json, */*;q=0.5' });
  applyAuth(ctx.auth, url, headers);
  const where = target('GET', url);
  let response: Response;
  try {
    response = await ctx.fetch(url, { method: 'GET', headers, signal: ctx.signal });
  } catch (error) {
    return { ok: false, message: `${where} failed before a response: ${failureReason(error)}` };
  }
  await response.body?.cancel().catch(() => undefined);
  const answered = `${where} answered ${response.status} ${response.statusText}`.trim();
  if (response.ok) return { ok: true, detail: `${answered}.` };
  if (response.status === 401 || response.status === 403) return { ok: false, refused: true, message: `${answered}: the API refused these credentials.` };
  return { ok: false, message: `${answered}.` };
}

const icon =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="1.8"><circle cx="12" cy="12" r="9"/><path d="M3 12h18M12 3c2.5 2.7 3.8 5.7 3.8 9s-1.3 6.3-3.8 9c-2.5-2.7-3.8-5.7-3.8-9S9.5 5.7 12 3z"/></svg>';

export default defineConnector({
  id: 'http',
  name: 'HTTP',
  version: '0.1.0',
  description: 'Call any HTTP API (method, headers, query, JSON/form/text bodies, the connection’s credentials), or poll a JSON list endpoint for new and changed records.',
  categories: ['developer-tools', 'core'],
  icon,
  auth: [
    { kind: 'none' },
    { kind: 'api_key', placement: 'header', name: 'X-API-Key', label: 'API key (X-API-Key header)' },
    { kind: 'bearer', label: 'Bearer token' },
    { kind: 'basic', label: 'Username and password' },
    {
      kind: 'oauth2',
      grant: 'client_credentials',
      // The token endpoint differs per API and the SDK keeps it on the definition, not the connection;
      // each request step names it (tokenUrl prop) instead.
      tokenUrl: '',
      scopes: [],
      label: 'OAuth2 client credentials',
      help: 'Set the token endpoint as “Token URL” on each request step; tokens are fetched and cached per connection.',
    },
  ],
  egress: { hosts: ['*'] },
  actions: { request },
  triggers: { pollList },
  connectionMetadata: [
    {
      key: 'testUrl',
      label: 'Test URL',
      description: 'An endpoint that “Test connection” calls with GET and these credentials, such as your API’s current-user endpoint. Nothing else uses it.',
      example: 'https://api.example.com/v1/me',
    },
  ],
  test: testHttpConnection,
});
