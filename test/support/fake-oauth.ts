/**
 * A small OAuth2 authorization server on loopback that speaks the wire protocol of RFC 6749 and RFC 7636 for
 * the authorization-code grant: `/authorize` (a consent page, or an immediate redirect), `/token` for
 * `authorization_code` and `refresh_token` (client_secret_basic, PKCE S256, single-use codes, redirect_uri
 * check), and `/api/me`, a resource that wants a live access token. It counts what it is asked, so tests can
 * say "exactly one refresh". Also the connector a tenant would install for it: `fakeOAuthConnector`.
 */
import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { applyAuth, defineAction, defineConnector, errorForStatus, z, type ConnectorDefinition } from '@conflux/connector-sdk';

/** How /authorize answers: a consent page a person clicks through, or at once (allow or deny). */
export type ConsentMode = 'page' | 'allow' | 'deny';

/** Options of startFakeOAuthProvider. */
export interface FakeOAuthOptions {
  clientId?: string;
  clientSecret?: string;
  /** Lifetime of access tokens in seconds (changeable later through `setAccessTokenTtl`). */
  accessTokenTtlSeconds?: number;
  consent?: ConsentMode;
  /** The port to listen on (0: any free one). */
  port?: number;
}

/** A running fake provider. */
export interface FakeOAuthProvider {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  clientId: string;
  clientSecret: string;
  /** How often each endpoint was called, and how the token endpoint was used. */
  calls: { authorize: number; token: number; codeExchanges: number; refreshes: number; me: number };
  /** Token requests as received (grant, whether PKCE was checked), for assertions. */
  tokenRequests: { grant: string; pkce: boolean; status: number; error?: string }[];
  setConsent(mode: ConsentMode): void;
  setAccessTokenTtl(seconds: number): void;
  /** Makes every issued access token expired now (a clock jump for the resource). */
  expireAccessTokens(): void;
  /** Forgets every refresh token: the next refresh is refused with invalid_grant (a revoked grant). */
  revokeRefreshTokens(): void;
  close(): Promise<void>;
}

interface PendingCode {
  clientId: string;
  redirectUri: string;
  challenge: string | null;
  scope: string;
  expiresAt: number;
}

const page = (body: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Acme CRM · Authorise</title><style>
  body{font:15px/1.5 system-ui,sans-serif;background:#f4f4f5;color:#18181b;display:grid;place-items:center;min-height:100vh;margin:0}
  main{background:#fff;border:1px solid #e4e4e7;border-radius:14px;padding:32px;max-width:420px;box-shadow:0 4px 18px rgba(0,0,0,.06)}
  h1{font-size:20px;margin:0 0 8px}ul{padding-left:20px}button{font:inherit;padding:8px 16px;border-radius:8px;border:1px solid #d4d4d8;background:#fff;margin-right:8px;cursor:pointer}
  button.primary{background:#0f766e;color:#fff;border-color:#0f766e}</style></head><body><main>${body}</main></body></html>`;

const escape = (value: string) => value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Starts the fake authorization server. */
export async function startFakeOAuthProvider(options: FakeOAuthOptions = {}): Promise<FakeOAuthProvider> {
  const clientId = options.clientId ?? 'acme-client-id';
  const clientSecret = options.clientSecret ?? 'acme-client-secret';
  let consent: ConsentMode = options.consent ?? 'allow';
  let ttl = options.accessTokenTtlSeconds ?? 3600;
  const codes = new Map<string, PendingCode>();
  const accessTokens = new Map<string, number>();
  const refreshTokens = new Set<string>();
  const calls = { authorize: 0, token: 0, codeExchanges: 0, refreshes: 0, me: 0 };
  const tokenRequests: FakeOAuthProvider['tokenRequests'] = [];
  const token = (prefix: string) => `${prefix}_${randomBytes(12).toString('hex')}`;

  function json(res: http.ServerResponse, status: number, body: unknown) {
    res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(JSON.stringify(body));
  }

  function issue(scope: string) {
    const accessToken = token('at');
    const refreshToken = token('rt');
    accessTokens.set(accessToken, Date.now() + ttl * 1000);
    refreshTokens.add(refreshToken);
    return { access_token: accessToken, token_type: 'Bearer', expires_in: ttl, refresh_token: refreshToken, scope };
  }

  function decide(res: http.ServerResponse, query: URLSearchParams, allow: boolean) {
    const redirect = new URL(query.get('redirect_uri') ?? '');
    const state = query.get('state');
    if (!allow) {
      redirect.searchParams.set('error', 'access_denied');
      redirect.searchParams.set('error_description', 'The user denied access');
    } else {
      const code = token('code');
      codes.set(code, {
        clientId: query.get('client_id') ?? '',
        redirectUri: query.get('redirect_uri') ?? '',
        challenge: query.get('code_challenge_method') === 'S256' ? query.get('code_challenge') : null,
        scope: query.get('scope') ?? '',
        expiresAt: Date.now() + 60_000,
      });
      redirect.searchParams.set('code', code);
    }
    if (state) redirect.searchParams.set('state', state);
    res.writeHead(302, { location: redirect.toString() });
    res.end();
  }

  function authorize(res: http.ServerResponse, query: URLSearchParams) {
    calls.authorize++;
    if (query.get('response_type') !== 'code' || query.get('client_id') !== clientId || !URL.canParse(query.get('redirect_uri') ?? '')) {
      res.writeHead(400, { 'content-type': 'text/plain' });
      res.end('invalid authorization request');
      return;
    }
    if (consent !== 'page') return decide(res, query, consent === 'allow');
    const hidden = [...query].map(([k, v]) => `<input type="hidden" name="${escape(k)}" value="${escape(v)}">`).join('');
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(
      page(
        `<h1>Allow Conflux to use your Acme CRM account?</h1><p>Conflux asks to:</p><ul>${(query.get('scope') ?? '')
          .split(' ')
          .filter(Boolean)
          .map((s) => `<li>${escape(s)}</li>`)
          .join('')}</ul><form method="get" action="/authorize/decide">${hidden}<button class="primary" name="decision" value="allow">Allow access</button><button name="decision" value="deny">Deny</button></form>`,
      ),
    );
  }

  function clientOf(req: http.IncomingMessage): { id: string; secret: string } | null {
    const match = /^Basic (.+)$/.exec(req.headers.authorization ?? '');
    if (!match) return null;
    const [id, secret] = Buffer.from(match[1]!, 'base64').toString('utf8').split(':').map((part) => decodeURIComponent((part ?? '').replace(/\+/g, ' ')));
    return { id: id ?? '', secret: secret ?? '' };
  }

  function tokenEndpoint(req: http.IncomingMessage, res: http.ServerResponse, body: URLSearchParams) {
    calls.token++;
    const grant = body.get('grant_type') ?? '';
    const refuse = (status: number, error: string, pkce = false) => {
      tokenRequests.push({ grant, pkce, status, error });
      json(res, status, { error, error_description: `refused: ${error}` });
    };
    const client = clientOf(req);
    if (!client || client.id !== clientId || client.secret !== clientSecret) return refuse(401, 'invalid_client');
    if (grant === 'authorization_code') {
      calls.codeExchanges++;
      const code = body.get('code') ?? '';
      const pending = codes.get(code);
      codes.delete(code);
      if (!pending || pending.expiresAt < Date.now() || pending.clientId !== client.id) return refuse(400, 'invalid_grant');
      if (pending.redirectUri !== body.get('redirect_uri')) return refuse(400, 'invalid_grant');
      if (pending.challenge) {
        const verifier = body.get('code_verifier') ?? '';
        if (createHash('sha256').update(verifier).digest('base64url') !== pending.challenge) return refuse(400, 'invalid_grant', true);
      }
      tokenRequests.push({ grant, pkce: !!pending.challenge, status: 200 });
      return json(res, 200, issue(pending.scope));
    }
    if (grant === 'refresh_token') {
      calls.refreshes++;
      const refreshToken = body.get('refresh_token') ?? '';
      if (!refreshTokens.has(refreshToken)) return refuse(400, 'invalid_grant');
      // Refresh tokens rotate, as most providers do now.
      refreshTokens.delete(refreshToken);
      tokenRequests.push({ grant, pkce: false, status: 200 });
      return json(res, 200, issue('contacts.read contacts.write'));
    }
    return refuse(400, 'unsupported_grant_type');
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fake.invalid');
      if (req.method === 'GET' && url.pathname === '/authorize') return authorize(res, url.searchParams);
      if (req.method === 'GET' && url.pathname === '/authorize/decide') return decide(res, url.searchParams, url.searchParams.get('decision') === 'allow');
      if (req.method === 'POST' && url.pathname === '/token') return tokenEndpoint(req, res, new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
      if (req.method === 'GET' && url.pathname === '/api/me') {
        calls.me++;
        const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
        const expires = bearer ? accessTokens.get(bearer) : undefined;
        if (!expires || expires <= Date.now()) return json(res, 401, { error: 'invalid_token' });
        return json(res, 200, { id: 'usr_42', name: 'Ada Lovelace', email: 'ada@acme.example' });
      }
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    clientId,
    clientSecret,
    calls,
    tokenRequests,
    setConsent: (mode) => void (consent = mode),
    setAccessTokenTtl: (seconds) => void (ttl = seconds),
    expireAccessTokens: () => {
      for (const key of accessTokens.keys()) accessTokens.set(key, 0);
    },
    revokeRefreshTokens: () => refreshTokens.clear(),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const icon =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><rect width="24" height="24" rx="6" fill="#0f766e"/><path fill="#fff" d="M7 16.5 11.2 7h1.6l4.2 9.5h-2l-.9-2.2H9.9L9 16.5zm3.5-3.9h3l-1.5-3.8z"/></svg>';

/**
 * The connector a tenant would install for the fake provider: OAuth2 authorization code with PKCE, one
 * action that reads the signed-in account, and a connection test. Registered by tests through a catalog
 * override, never in the product's registry.
 */
export function fakeOAuthConnector(providerUrl: string): ConnectorDefinition {
  const me = async (fetcher: typeof fetch, auth: Parameters<typeof applyAuth>[0], signal: AbortSignal) => {
    const url = new URL(`${providerUrl}/api/me`);
    const headers = new Headers({ accept: 'application/json' });
    applyAuth(auth, url, headers);
    const response = await fetcher(url, { headers, signal });
    const body = (await response.json()) as Record<string, unknown>;
    if (!response.ok) throw errorForStatus(response.status, `Acme CRM answered ${response.status}: ${String(body.error ?? '')}`);
    return body;
  };
  return defineConnector({
    id: 'acme-crm',
    name: 'Acme CRM',
    version: '0.1.0',
    description: 'Contacts and deals in Acme CRM (a test provider).',
    categories: ['crm'],
    icon,
    auth: [
      {
        kind: 'oauth2',
        grant: 'authorization_code',
        authorizeUrl: `${providerUrl}/authorize`,
        tokenUrl: `${providerUrl}/token`,
        scopes: ['contacts.read', 'contacts.write'],
        pkce: true,
        label: 'Acme CRM account',
        help: 'Register an OAuth app in Acme CRM’s developer settings, then sign in with your Acme account.',
      },
    ],
    egress: { hosts: [new URL(providerUrl).hostname] },
    actions: {
      whoAmI: defineAction({
        name: 'Get the signed-in account',
        description: 'Reads the Acme CRM account the connection is signed in as.',
        props: z.object({}),
        sample: { id: 'usr_42', name: 'Ada Lovelace', email: 'ada@acme.example' },
        run: (ctx) => me(ctx.fetch, ctx.auth, ctx.signal),
      }),
    },
    triggers: {},
    async test(ctx) {
      try {
        const account = await me(ctx.fetch, ctx.auth, ctx.signal);
        return { ok: true, detail: `Signed in to Acme CRM as ${String(account.name)}.` };
      } catch (error) {
        return { ok: false, refused: (error as { kind?: string }).kind === 'auth', message: (error as Error).message };
      }
    },
  });
}
