// Connections in the browser, OAuth2 authorization code end to end: the catalogue, a connection created
// from its generated form, a click through the provider's consent page (a local fake authorization server),
// "Test connection", a run whose expired token the platform refreshes on the way, a revoked grant that turns
// the connection into "needs reconnect" and the one-click Reconnect that fixes it, and the dashboard's runs.
// Real Chromium against the real platform (portal production build, worker, gateway, Postgres); the fake
// provider's connector is added to the portal's and worker's catalogues for this test only.
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { signUp } from './support/accounts.ts';
import { launchBrowser, snap, watchConsole } from './support/browser.ts';
import { startTestPlatform, type TestPlatform } from './support/platform.ts';
import { withTestConnectors } from './support/test-connectors.ts';
import { startFakeOAuthProvider, type FakeOAuthProvider } from '../support/fake-oauth.ts';

let platform: TestPlatform;
let browser: Browser;
let provider: FakeOAuthProvider;
let page: Page;
let connectionId: string;
let flowId: string;
let consoleErrors: string[] = [];

beforeAll(async () => {
  // Tokens live 30 s: inside the platform's one-minute early-refresh window, so every use refreshes first.
  provider = await startFakeOAuthProvider({ consent: 'page', accessTokenTtlSeconds: 30 });
  // The provider listens on loopback, which the egress guard refuses unless the operator allows it.
  platform = await startTestPlatform({ env: { EGRESS_ALLOW: '127.0.0.0/8', FAKE_OAUTH_URL: provider.url }, apps: withTestConnectors });
  browser = await launchBrowser();
  const context = await browser.newContext({ baseURL: platform.url, viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
  consoleErrors = watchConsole(page);
});
afterAll(async () => {
  await browser?.close();
  await platform?.stop();
  await provider?.close();
});

/** A tRPC call with the page's session, as the portal's own client makes it. */
async function trpc<T>(kind: 'query' | 'mutation', path: string, input: unknown): Promise<T> {
  const response =
    kind === 'mutation'
      ? await page.request.post(`/api/trpc/${path}`, { data: { json: input } })
      : await page.request.get(`/api/trpc/${path}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`);
  const body = (await response.json()) as { result?: { data?: { json?: T } }; error?: unknown };
  if (!response.ok()) throw new Error(`${path} failed: ${JSON.stringify(body.error)}`);
  return body.result!.data!.json as T;
}

/** Posts a signed event to the flow's webhook, as an outside system would. */
async function sendEvent(webhook: { url: string; secret: string }, event: unknown) {
  const body = JSON.stringify(event);
  const t = Math.floor(Date.now() / 1000);
  const v1 = createHmac('sha256', webhook.secret).update(`${t}.${body}`).digest('hex');
  const response = await fetch(webhook.url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-conflux-signature': `t=${t},v1=${v1}` }, body });
  expect(response.status).toBe(202);
  return ((await response.json()) as { runs: { runId: string }[] }).runs[0]!.runId;
}

async function runStatus(runId: string): Promise<{ status: string; error: { message?: string } | null }> {
  return trpc('query', 'runs.get', { runId });
}

async function waitForRun(runId: string, statuses: string[]) {
  let last = '';
  await expect
    .poll(
      async () => {
        last = (await runStatus(runId)).status;
        return statuses.includes(last);
      },
      { timeout: 45_000, interval: 500 },
    )
    .toBe(true);
  return last;
}

/** Clicks through the provider's consent page. */
async function consent(decision: 'Allow access' | 'Deny') {
  await page.waitForURL((url) => url.origin === provider.url, { timeout: 15_000 });
  await expect.poll(() => page.getByRole('heading', { name: /Allow Conflux to use your Acme CRM account/ }).count()).toBe(1);
  await page.getByRole('button', { name: decision }).click();
  await page.waitForURL((url) => url.origin === platform.url && url.pathname.startsWith('/connections/'), { timeout: 20_000 });
}

describe('OAuth2 connections in the browser', () => {
  it('finds the connector in the catalogue, with its actions and what they take', async () => {
    await signUp(page, { name: 'Olga Ops', email: 'olga@acme.test', workspace: 'Acme Operations' });
    await page.goto('/connections');
    await expect.poll(() => page.getByText('No connections yet').count(), { timeout: 15_000 }).toBe(1);
    await snap(page, 'oauth-00-connections-empty');
    await page.goto('/catalog');
    const main = page.getByRole('main');
    await expect.poll(() => main.getByRole('link', { name: /Acme CRM/ }).count(), { timeout: 15_000 }).toBe(1);
    expect(await main.getByRole('listitem').count()).toBeGreaterThan(5);
    await snap(page, 'oauth-01-catalog');
    await page.getByRole('searchbox', { name: 'Search connectors' }).fill('acme');
    await expect.poll(() => main.getByRole('listitem').count()).toBe(1);
    await page.getByRole('searchbox', { name: 'Search connectors' }).fill('');
    await page.getByRole('button', { name: 'CRM', exact: true }).click();
    await expect.poll(() => main.getByRole('listitem').count()).toBe(1);
    expect(await page.getByRole('button', { name: 'CRM', exact: true }).getAttribute('aria-pressed')).toBe('true');
    await main.getByRole('link', { name: /Acme CRM/ }).click();
    await page.waitForURL(/\/catalog\/acme-crm$/);
    await expect.poll(() => page.getByRole('heading', { name: 'Get the signed-in account' }).count()).toBe(1);
    await snap(page, 'oauth-02-connector');
  });

  it('creates the connection from the generated form and approves access at the provider', async () => {
    await page.getByRole('link', { name: 'Connect Acme CRM' }).click();
    await page.waitForURL(/\/connections\/new\?connector=acme-crm/);
    await expect.poll(() => page.getByLabel('Client ID', { exact: true }).count(), { timeout: 15_000 }).toBe(1);
    // The redirect URI to register with the provider is shown.
    expect(await page.getByText(`${platform.url}/api/oauth/callback`).count()).toBe(1);
    // Required fields are checked before anything is sent.
    await page.getByRole('button', { name: 'Continue to Acme CRM' }).click();
    await expect.poll(() => page.getByText('Client ID is required.').count()).toBe(1);
    await page.getByLabel('Connection name', { exact: true }).fill('Acme CRM (sales)');
    await page.getByLabel('Client ID', { exact: true }).fill(provider.clientId);
    await page.getByLabel('Client secret', { exact: true }).fill(provider.clientSecret);
    expect(await page.getByLabel('Client secret', { exact: true }).getAttribute('type')).toBe('password');
    await snap(page, 'oauth-03-new-connection');
    await page.getByRole('button', { name: 'Continue to Acme CRM' }).click();

    await page.waitForURL((url) => url.origin === provider.url);
    await snap(page, 'oauth-04-provider-consent');
    await consent('Allow access');
    expect(new URL(page.url()).searchParams.get('oauth')).toBe('connected');
    connectionId = new URL(page.url()).pathname.split('/').pop()!;
    await expect.poll(() => page.getByText('Access was approved at Acme CRM').count(), { timeout: 15_000 }).toBe(1);
    expect(await page.getByText('Connected', { exact: true }).count()).toBeGreaterThan(0);
    // Secrets are write-only: masked, never shown.
    await expect.poll(() => page.getByText('(set)').count(), { timeout: 15_000 }).toBeGreaterThan(0);
    expect(await page.content()).not.toContain(provider.clientSecret);
    expect(provider.tokenRequests.filter((r) => r.grant === 'authorization_code')).toEqual([{ grant: 'authorization_code', pkce: true, status: 200 }]);
    await snap(page, 'oauth-05-connected');
  });

  it('tests the connection with a real call', async () => {
    const refreshes = provider.calls.refreshes;
    await page.getByRole('button', { name: 'Test connection' }).click();
    await expect.poll(() => page.getByText('The connection works').count(), { timeout: 20_000 }).toBe(1);
    expect(await page.getByText(/Signed in to Acme CRM as Ada Lovelace/).count()).toBe(1);
    expect(provider.calls.refreshes).toBe(refreshes + 1);
    await snap(page, 'oauth-06-tested');
  });

  it('refreshes an expired token during a run', async () => {
    const flow = await trpc<{ id: string }>('mutation', 'flows.create', {
      name: 'Sync CRM account',
      definition: {
        trigger: { connector: 'webhook', trigger: 'catchHook', props: {} },
        steps: [{ kind: 'action', key: 'whoAmI', connector: 'acme-crm', action: 'whoAmI', connectionId, props: {} }],
      },
    });
    flowId = flow.id;
    await trpc('mutation', 'flows.publish', { flowId });
    await trpc('mutation', 'flows.setEnabled', { flowId, enabled: true });
    const { webhook } = await trpc<{ webhook: { url: string; secret: string } }>('query', 'flows.get', { flowId });

    // The stored token has expired at the provider: the run must refresh it before calling the API.
    provider.expireAccessTokens();
    const refreshes = provider.calls.refreshes;
    const runId = await sendEvent(webhook, { id: 'evt-1', type: 'account.check' });
    expect(await waitForRun(runId, ['succeeded', 'failed'])).toBe('succeeded');
    expect(provider.calls.refreshes).toBe(refreshes + 1);
    await page.goto(`/runs/${runId}`);
    await page.waitForLoadState('networkidle');
    await snap(page, 'oauth-07-run-after-refresh');
  });

  it('a revoked grant marks the connection "needs reconnect"; Reconnect fixes it in one click', async () => {
    provider.revokeRefreshTokens();
    provider.expireAccessTokens();
    const { webhook } = await trpc<{ webhook: { url: string; secret: string } }>('query', 'flows.get', { flowId });
    const runId = await sendEvent(webhook, { id: 'evt-2', type: 'account.check' });
    expect(await waitForRun(runId, ['failed'])).toBe('failed');

    await page.goto('/connections');
    await expect.poll(() => page.getByText('Needs reconnect').count(), { timeout: 15_000 }).toBe(1);
    await snap(page, 'oauth-08-connections-needs-reconnect');
    await page.getByRole('link', { name: 'Acme CRM (sales)', exact: true }).click();
    await expect.poll(() => page.getByText('This connection needs to be reconnected').count(), { timeout: 15_000 }).toBe(1);
    await snap(page, 'oauth-09-needs-reconnect');

    // Declining at the provider changes nothing and says so.
    await page.getByRole('link', { name: 'Reconnect' }).first().click();
    await consent('Deny');
    await expect.poll(() => page.getByText('Access was not approved').count(), { timeout: 15_000 }).toBe(1);
    await snap(page, 'oauth-10-denied');

    await page.getByRole('link', { name: 'Reconnect' }).first().click();
    await consent('Allow access');
    await expect.poll(() => page.getByText('Access was approved at Acme CRM').count(), { timeout: 15_000 }).toBe(1);
    expect(await page.getByText('The credentials need replacing').count()).toBe(0);
    const after = await sendEvent(webhook, { id: 'evt-3', type: 'account.check' });
    expect(await waitForRun(after, ['succeeded', 'failed'])).toBe('succeeded');
  });

  it('renames, refuses to delete a connection in use, and manages a plain API connection end to end', async () => {
    await page.goto(`/connections/${connectionId}`);
    const name = page.getByLabel('Connection name', { exact: true });
    await expect.poll(() => name.count(), { timeout: 15_000 }).toBe(1);
    await name.fill('Acme CRM (sales team)');
    await page.getByRole('button', { name: 'Rename' }).click();
    await expect.poll(() => page.getByRole('heading', { name: 'Acme CRM (sales team)' }).count()).toBe(1);
    await page.getByRole('button', { name: 'Delete connection' }).click();
    const dialog = page.getByRole('alertdialog', { name: 'Delete “Acme CRM (sales team)”?' });
    await dialog.getByRole('button', { name: 'Delete connection' }).click();
    await expect.poll(() => dialog.getByText(/is used by “Sync CRM account”/).count(), { timeout: 15_000 }).toBe(1);
    await snap(page, 'oauth-11-delete-in-use');
    await dialog.getByRole('button', { name: 'Cancel' }).click();

    // An HTTP API with a bearer token and a test URL under Advanced; the token is wrong, and the test says so.
    await page.goto('/connections/new');
    await page.getByRole('link', { name: /^HTTP/ }).click();
    await page.getByLabel('Connection name', { exact: true }).fill('CRM REST API');
    await page.getByRole('radio', { name: 'Bearer token' }).check();
    // The kind's radio and its token field share the name "Bearer token": the field comes last.
    await page.getByLabel('Bearer token', { exact: true }).last().fill('not-a-valid-token');
    await page.getByText('Advanced settings').click();
    await page.getByLabel('Test URL').fill(`${provider.url}/api/me`);
    await snap(page, 'oauth-12-new-http-connection');
    await page.getByRole('button', { name: 'Save connection' }).click();
    await page.waitForURL(/\/connections\/[0-9a-f-]{36}\?created=1$/, { timeout: 15_000 });
    await page.getByRole('button', { name: 'Test connection' }).click();
    await expect.poll(() => page.getByText('The connection does not work').count(), { timeout: 20_000 }).toBe(1);
    expect(await page.getByText(/answered 401 Unauthorized: the API refused these credentials/).count()).toBeGreaterThan(0);
    // Refused credentials make it "needs reconnect", with the fix one click away.
    await expect.poll(() => page.getByText('The credentials need replacing').count(), { timeout: 15_000 }).toBe(1);
    await snap(page, 'oauth-13-test-failed');

    await page.getByRole('button', { name: 'Replace credentials' }).first().click();
    await page.getByLabel('Bearer token', { exact: true }).last().fill('another-token');
    await page.getByRole('button', { name: 'Save credentials' }).click();
    await expect.poll(() => page.getByText('Credentials replaced').count(), { timeout: 15_000 }).toBe(1);
    expect(await page.getByText('This connection needs to be reconnected').count()).toBe(0);
    expect(await page.content()).not.toContain('another-token');

    await page.getByRole('button', { name: 'Delete connection' }).click();
    await page.getByRole('alertdialog', { name: 'Delete “CRM REST API”?' }).getByRole('button', { name: 'Delete connection' }).click();
    await page.waitForURL(/\/connections$/, { timeout: 15_000 });
    await expect.poll(() => page.getByText('“CRM REST API” was deleted').count()).toBe(1);
  });

  it('shows runs per day, the failure rate and the failed flow on the dashboard', async () => {
    await page.goto('/');
    await expect.poll(() => page.getByRole('heading', { name: 'Recently failed flows' }).count(), { timeout: 15_000 }).toBe(1);
    expect(await page.getByRole('link', { name: 'Sync CRM account' }).count()).toBe(1);
    // The chart reads out each day from the keyboard.
    await page.getByRole('group', { name: /Runs per day and failure rate/ }).focus();
    await page.keyboard.press('End');
    await expect.poll(() => page.getByText(/3 runs, 2 succeeded, 1 failed/).count()).toBeGreaterThan(0);
    await snap(page, 'oauth-14-dashboard');
  });

  it('fits laptop and tablet widths', async () => {
    for (const [width, name] of [
      [1024, 'laptop'],
      [820, 'tablet'],
    ] as const) {
      await page.setViewportSize({ width, height: 900 });
      for (const [path, label] of [
        ['/catalog', 'catalog'],
        ['/connections', 'connections'],
        [`/connections/${connectionId}`, 'connection'],
        ['/', 'dashboard'],
      ] as const) {
        await page.goto(path);
        await page.waitForLoadState('networkidle');
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        expect(overflow, `${path} at ${width}px scrolls sideways`).toBeLessThanOrEqual(0);
        await snap(page, `oauth-15-${label}-${name}`);
      }
    }
    expect(consoleErrors).toEqual([]);
  });
});
