// Flows in the browser: building webhook → map → HTTP in the builder with a mapping written and previewed in
// the editor, publishing with its diff, a signed webhook from outside, the run and its steps; a run failing
// on a target answering 500, fixed and replayed from the failed step; and a flow exported from one
// workspace and imported into another with that workspace's own connection. Real Chromium against the
// real platform (portal production build, worker, gateway, Postgres) and a real HTTP target.
import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { signUp, trpcMutation } from './support/accounts.ts';
import { launchBrowser, snap, watchConsole } from './support/browser.ts';
import { startTestPlatform, type TestPlatform } from './support/platform.ts';
import { startHttpServer, type TestServer } from '../support/http-server.ts';

let platform: TestPlatform;
let browser: Browser;
let target: TestServer;
/** What the target answers: 'ok' records the order as applied, 'down' answers 500. */
let targetMode: 'ok' | 'down' = 'ok';
/** Orders the target applied, by idempotency key (a repeated key is not applied twice). */
const applied = new Map<string, unknown>();
const consoleErrors: string[] = [];

beforeAll(async () => {
  target = await startHttpServer((request) => {
    if (targetMode === 'down') return { status: 500, body: { error: 'database unavailable' } };
    const key = String(request.headers['idempotency-key'] ?? '');
    if (!applied.has(key)) applied.set(key, JSON.parse(request.body || 'null'));
    return { status: 201, body: { id: `erp-${applied.size}`, status: 'created' } };
  });
  // The target listens on loopback, which the egress guard refuses unless allowed; two attempts keep the failure test short.
  platform = await startTestPlatform({ env: { EGRESS_ALLOW: '127.0.0.0/8', RUN_MAX_ATTEMPTS: '2' } });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await platform?.stop();
  await target?.close();
});

async function newPage(viewport = { width: 1280, height: 900 }): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ baseURL: platform.url, viewport, acceptDownloads: true });
  const page = await context.newPage();
  const errors = watchConsole(page);
  page.on('close', () => consoleErrors.push(...errors));
  return { context, page };
}

/** Replaces the text of the CodeMirror editor with this test id by typing, as a person would. */
async function typeInEditor(page: Page, testId: string, text: string) {
  const editor = page.getByTestId(testId);
  await editor.click();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.press('Backspace');
  await page.keyboard.type(text);
}

/** Posts a webhook signed like the README's curl example: HMAC-SHA256 of "<t>.<body>". */
async function sendWebhook(url: string, secret: string, payload: unknown): Promise<{ status: number; body: { runs?: { runId: string }[] } }> {
  const body = JSON.stringify(payload);
  const t = Math.floor(Date.now() / 1000);
  const v1 = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-conflux-signature': `t=${t},v1=${v1}` }, body });
  return { status: response.status, body: (await response.json()) as { runs?: { runId: string }[] } };
}

async function waitForText(page: Page, text: string | RegExp, timeout = 20_000) {
  try {
    await expect.poll(() => page.getByText(text).count(), { timeout }).toBeGreaterThan(0);
  } catch (error) {
    await snap(page, `failed-${String(text).replace(/[^a-z0-9]+/gi, '-').slice(0, 40)}`);
    throw new Error(`"${String(text)}" did not appear on ${page.url()}; console errors: ${JSON.stringify(consoleErrors)}`, { cause: error });
  }
}

describe('flows in the browser', () => {
  let owner: Page;
  let flowUrl: string;
  let webhook: { url: string; secret: string };
  let exported: string;

  it('1: builds webhook → map → HTTP with a previewed mapping, publishes, and a signed webhook runs it', async () => {
    ({ page: owner } = await newPage());
    await signUp(owner, { name: 'Frida Flows', email: 'frida@northwind.test', workspace: 'Northwind Orders' });
    // The HTTP connection (credentials go in and never come back out).
    await owner.goto('/flows');
    await trpcMutation(owner, 'connections.create', { connectorId: 'http', name: 'ERP API', authKind: 'bearer', credentials: { token: 'tok_northwind_erp_secret' } });

    await owner.goto('/flows');
    await waitForText(owner, 'No flows yet');
    await snap(owner, 'flows-01-empty');
    await owner.getByRole('button', { name: 'New flow' }).first().click();
    await owner.getByLabel('Flow name').fill('Paid orders to the ERP');
    await snap(owner, 'flows-02-new-flow');
    await owner.getByRole('button', { name: 'Create and open' }).click();
    await owner.waitForURL(/\/flows\/[0-9a-f-]{36}$/, { timeout: 15_000 });
    flowUrl = new URL(owner.url()).pathname;
    await expect.poll(() => owner.getByTestId('node-trigger').count(), { timeout: 15_000 }).toBe(1);
    await snap(owner, 'flows-03-builder-new');

    // A map step, written in the editor: first with a mistake, shown at its position, then fixed.
    await owner.getByTestId('node-add:root').click();
    await owner.getByRole('button', { name: /^Map/ }).click();
    await typeInEditor(owner, 'mapping-expression', '{ "orderId": trigger.data.orderId, "total": }');
    await waitForText(owner, /Line 1, column \d+/);
    await snap(owner, 'flows-04-mapping-error');
    await typeInEditor(owner, 'mapping-expression', '{ "orderId": ');
    // A field from the list is inserted at the cursor.
    await owner.getByRole('button', { name: 'Insert trigger.data.orderId' }).click();
    await owner.keyboard.type(', "total": trigger.data.total / 100, "email": $lowercase(trigger.data.customer.email) }');
    const preview = owner.getByTestId('mapping-preview');
    await expect.poll(() => preview.innerText(), { timeout: 15_000 }).toContain('ord_1042');
    expect(await preview.innerText()).toContain('49.99');
    await snap(owner, 'flows-05-mapping-preview');
    // The same editor, large: fields and preview beside it.
    await owner.getByRole('button', { name: 'Open in a large editor' }).first().click();
    await expect.poll(() => owner.getByRole('dialog').getByTestId('mapping-preview').innerText(), { timeout: 15_000 }).toContain('ord_1042');
    await snap(owner, 'flows-05b-mapping-large');
    await owner.getByRole('button', { name: 'Done' }).click();

    // The HTTP action after it, its body taken from the map step's output.
    await owner.getByRole('button', { name: 'Add step after' }).click();
    await owner.getByRole('menuitem', { name: 'Action' }).click();
    await owner.getByLabel('Connection', { exact: true }).selectOption({ label: 'ERP API' });
    await owner.getByLabel('Method', { exact: true }).selectOption('POST');
    await owner.getByLabel('URL', { exact: true }).fill(`${target.url}/orders`);
    await owner.getByRole('button', { name: 'Use data from earlier steps for Body', exact: true }).click();
    await typeInEditor(owner, 'expr-body', 'steps.mapData');
    await expect.poll(() => owner.getByTestId('mapping-preview').last().innerText(), { timeout: 15_000 }).toContain('ord_1042');
    await snap(owner, 'flows-06-action-step');

    await owner.getByRole('button', { name: 'Save draft' }).click();
    await waitForText(owner, /Draft saved (just now|in a moment)/);
    await owner.getByRole('button', { name: 'Publish', exact: true }).click();
    const diff = owner.getByTestId('publish-diff');
    await expect.poll(() => diff.count(), { timeout: 15_000 }).toBe(1);
    expect(await diff.innerText()).toContain('mapData');
    expect(await diff.innerText()).toContain('httpRequest');
    await snap(owner, 'flows-07-publish-diff');
    await owner.getByRole('button', { name: 'Publish version 1' }).click();
    await waitForText(owner, 'Published version 1.');
    await waitForText(owner, 'Version 1 live');

    // The webhook panel: URL, secret, sample curl.
    await owner.getByTestId('node-trigger').click();
    await expect.poll(() => owner.getByTestId('webhook-url').count(), { timeout: 15_000 }).toBe(1);
    await owner.getByRole('button', { name: 'Show the secret' }).click();
    webhook = { url: await owner.getByTestId('webhook-url').innerText(), secret: await owner.getByTestId('webhook-secret').innerText() };
    expect(webhook.secret).toMatch(/^whsec_/);
    await waitForText(owner, 'openssl dgst -sha256 -hmac');
    await snap(owner, 'flows-08-webhook-panel');

    const sent = await sendWebhook(webhook.url, webhook.secret, { id: 'evt_1', type: 'order.paid', data: { orderId: 'ord_7001', total: 12990, currency: 'EUR', customer: { email: 'Ada@Example.com' } } });
    expect(sent.status).toBe(202);
    const runId = sent.body.runs![0]!.runId;

    await owner.goto('/runs');
    await expect
      .poll(
        async () => {
          await owner.reload();
          // The list loads after the page: on a busy machine that takes longer than the poll's interval.
          await owner.getByTestId('run-row').first().waitFor({ timeout: 10_000 }).catch(() => undefined);
          return owner.getByTestId('run-row').filter({ hasText: 'Succeeded' }).count();
        },
        { timeout: 60_000, interval: 1000 },
      )
      .toBe(1)
      .catch(async (error: Error) => {
        throw new Error(`${error.message}\n${await platform.diagnose()}`, { cause: error });
      });
    await snap(owner, 'flows-09-runs-list');
    expect([...applied.values()]).toEqual([{ orderId: 'ord_7001', total: 129.9, email: 'ada@example.com' }]);

    await owner.getByRole('link', { name: 'Paid orders to the ERP' }).click();
    await owner.waitForURL(new RegExp(`/runs/${runId}$`));
    const steps = owner.getByTestId('run-step');
    await expect.poll(() => steps.count(), { timeout: 15_000 }).toBe(2);
    expect(await steps.nth(0).innerText()).toMatch(/mapData[\s\S]*Succeeded/);
    expect(await steps.nth(1).innerText()).toMatch(/httpRequest[\s\S]*Succeeded/);
    await steps.nth(1).getByRole('button').first().click();
    await waitForText(owner, 'Output');
    // The connection's token never shows; the request's body does.
    expect(await owner.locator('body').innerText()).not.toContain('tok_northwind_erp_secret');
    await snap(owner, 'flows-10-run-detail');
  });

  it('2: a run failed on a target answering 500 is replayed from the failed step once the target is fixed', async () => {
    targetMode = 'down';
    const before = target.requests.length;
    const sent = await sendWebhook(webhook.url, webhook.secret, { id: 'evt_2', type: 'order.paid', data: { orderId: 'ord_7002', total: 5000, currency: 'EUR', customer: { email: 'bo@example.com' } } });
    expect(sent.status).toBe(202);
    const runId = sent.body.runs![0]!.runId;

    await owner.goto(`/runs/${runId}`);
    // Retried once, then failed for good (two attempts in this platform); the page follows it live.
    // Between the attempts (a second or two) the page says it is retrying; catch that when it shows.
    await waitForText(owner, /retrying automatically|^Failed at step httpRequest$/, 15_000);
    if (await owner.getByText(/retrying automatically/).count()) await snap(owner, 'flows-11-run-retrying');
    await waitForText(owner, /^Failed at step httpRequest$/, 45_000);
    expect(await owner.locator('body').innerText()).toMatch(/answered 500/);
    expect(target.requests.length - before).toBe(2);
    await snap(owner, 'flows-12-run-failed');

    // The runs list shows it under "Failed", and bulk replay would take exactly this one.
    await owner.goto('/runs');
    await owner.getByRole('button', { name: 'Failed', exact: true }).click();
    await expect.poll(() => owner.getByTestId('run-row').count(), { timeout: 15_000 }).toBe(1);
    await owner.getByRole('button', { name: 'Replay failed runs…' }).click();
    await expect.poll(() => owner.getByTestId('bulk-replay-count').count(), { timeout: 15_000 }).toBe(1);
    expect(await owner.getByTestId('bulk-replay-count').innerText()).toMatch(/^1 failed run matches/);
    await snap(owner, 'flows-13-bulk-replay');
    await owner.getByRole('button', { name: 'Cancel' }).click();

    targetMode = 'ok';
    await owner.goto(`/runs/${runId}`);
    await owner.getByRole('button', { name: 'Replay from failed step' }).click();
    const preview = owner.getByTestId('replay-preview');
    await expect.poll(() => preview.count(), { timeout: 15_000 }).toBe(1);
    expect(await preview.innerText()).toMatch(/Will run again\s*httpRequest/);
    expect(await preview.innerText()).toMatch(/Kept from this run[\s\S]*mapData/);
    await snap(owner, 'flows-14-replay-preview');
    await owner.getByRole('alertdialog').getByRole('button', { name: 'Replay from failed step' }).click();
    await expect.poll(() => owner.getByTestId('run-step').filter({ hasText: 'httpRequest' }).filter({ hasText: 'Succeeded' }).count(), { timeout: 30_000 }).toBe(1);
    await waitForText(owner, 'Succeeded');
    await snap(owner, 'flows-15-run-replayed');

    // Three calls reached the target, all with the run's idempotency key; it applied the order once.
    const calls = target.requests.slice(before);
    expect(calls).toHaveLength(3);
    expect(new Set(calls.map((c) => c.headers['idempotency-key']))).toEqual(new Set([`${runId}:httpRequest`]));
    expect(applied.get(`${runId}:httpRequest`)).toEqual({ orderId: 'ord_7002', total: 50, email: 'bo@example.com' });
    expect(applied.size).toBe(2);
  });

  it('4: exports the flow and imports it into another workspace with that workspace’s own connection', async () => {
    await owner.goto(flowUrl);
    await expect.poll(() => owner.getByTestId('node-trigger').count(), { timeout: 15_000 }).toBe(1);
    await owner.getByRole('button', { name: 'More actions' }).click();
    const [download] = await Promise.all([owner.waitForEvent('download'), owner.getByRole('menuitem', { name: /Export to JSON/ }).click()]);
    exported = (await download.path())!;
    const document = fs.readFileSync(exported, 'utf8');
    const doc = JSON.parse(document) as { format: string; connections: { ref: string; connectorId: string; name: string }[] };
    expect(doc.format).toBe('conflux.flow/v1');
    expect(doc.connections).toEqual([{ ref: 'connection1', connectorId: 'http', name: 'ERP API' }]);
    expect(document).not.toContain('tok_northwind_erp_secret');

    const { page: guest } = await newPage();
    await signUp(guest, { name: 'Gus Guest', email: 'gus@second.test', workspace: 'Second Co' });
    await guest.goto('/flows');
    await trpcMutation(guest, 'connections.create', { connectorId: 'http', name: 'Second ERP', authKind: 'bearer', credentials: { token: 'tok_second_secret' } });
    await guest.goto('/flows');
    await waitForText(guest, 'No flows yet');
    await guest.getByRole('button', { name: 'Import' }).first().click();
    await guest.locator('input[type=file]').setInputFiles(exported);
    const choice = guest.getByLabel('ERP API (http)');
    await expect.poll(() => choice.locator('option').count(), { timeout: 15_000 }).toBe(2);
    await choice.selectOption({ label: 'Second ERP' });
    await snap(guest, 'flows-16-import');
    await guest.getByRole('button', { name: 'Import flow' }).click();
    await guest.waitForURL(/\/flows\/[0-9a-f-]{36}$/, { timeout: 15_000 });
    await expect.poll(() => guest.getByTestId('node-httpRequest').count(), { timeout: 15_000 }).toBe(1);

    // It uses Second Co's connection, and nothing blocks publishing.
    await guest.getByTestId('node-httpRequest').click();
    await expect.poll(() => guest.getByLabel('Connection', { exact: true }).locator('option:checked').innerText(), { timeout: 15_000 }).toBe('Second ERP');
    expect(await guest.getByRole('region', { name: 'Problems' }).count()).toBe(0);
    await snap(guest, 'flows-17-imported');
    await guest.getByRole('button', { name: 'Publish', exact: true }).click();
    await guest.getByRole('button', { name: 'Publish version 1' }).click();
    await waitForText(guest, 'Version 1 live');
    await guest.goto('/flows');
    await waitForText(guest, 'Paid orders to the ERP');
    await snap(guest, 'flows-18-list-imported');
    expect(await guest.locator('body').innerText()).not.toContain('Northwind');
  });

  it('draws branches side by side, shows the server’s problems on the nodes and guards unsaved changes', async () => {
    await owner.goto(flowUrl);
    await expect.poll(() => owner.getByTestId('node-add:root').count(), { timeout: 15_000 }).toBe(1);
    await owner.getByTestId('node-add:root').click();
    await owner.getByRole('button', { name: /^Branch/ }).click();
    await expect.poll(() => owner.getByTestId('node-add:route:0').count(), { timeout: 5_000 }).toBe(1);
    expect(await owner.getByTestId('node-add:route:otherwise').count()).toBe(1);
    await owner.getByTestId('node-add:route:0').click();
    await owner.getByRole('button', { name: /^Filter/ }).click();
    await typeInEditor(owner, 'filter-expression', 'trigger.data.total >');
    await owner.getByRole('button', { name: 'Save draft' }).click();
    // The draft saves; what blocks publishing is listed and marked on its node.
    const problems = owner.getByRole('region', { name: 'Problems' });
    await expect.poll(() => problems.count(), { timeout: 15_000 }).toBe(1);
    expect(await problems.innerText()).toMatch(/onlyIf\.expression/);
    expect(await owner.getByTestId('node-onlyIf').getAttribute('aria-label')).toMatch(/1 problem/);
    await snap(owner, 'flows-19-branch-with-problem');
    await owner.getByRole('button', { name: 'Publish', exact: true }).click();
    await waitForText(owner, /Fix this problem first/);
    expect(await owner.getByRole('button', { name: 'Publish version 2' }).isDisabled()).toBe(true);
    await snap(owner, 'flows-20-publish-blocked');
    await owner.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();

    // Removing the branch (with what is in it) brings the draft back to the published version.
    await owner.getByTestId('node-route').click();
    await owner.getByRole('button', { name: 'Delete step' }).click();
    await owner.getByRole('alertdialog').getByRole('button', { name: 'Delete step' }).click();
    await owner.getByRole('button', { name: 'Save draft' }).click();
    await expect.poll(() => problems.count(), { timeout: 15_000 }).toBe(0);
    expect(await owner.getByRole('button', { name: 'Publish', exact: true }).isDisabled()).toBe(true);

    // An unsaved change asks before leaving.
    await owner.getByTestId('node-mapData').click();
    await owner.getByLabel('Name', { exact: true }).fill('Shape the order');
    await owner.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Runs' }).click();
    await waitForText(owner, 'Leave without saving?');
    await snap(owner, 'flows-21-unsaved-guard');
    expect(new URL(owner.url()).pathname).toBe(flowUrl);
    await owner.getByRole('button', { name: 'Discard changes' }).click();
    await owner.waitForURL(/\/runs$/, { timeout: 15_000 });
  });

  it('looks right at tablet width', async () => {
    const { page } = await newPage({ width: 820, height: 1000 });
    await page.context().addCookies(await owner.context().cookies());
    await page.goto(flowUrl);
    await expect.poll(() => page.getByTestId('node-trigger').count(), { timeout: 15_000 }).toBe(1);
    await page.getByTestId('node-mapData').click();
    await snap(page, 'flows-22-builder-820');
    await page.goto('/runs');
    await expect.poll(() => page.getByTestId('run-row').count(), { timeout: 15_000 }).toBe(2);
    await snap(page, 'flows-23-runs-820');
    await owner.goto(flowUrl);
    await expect.poll(() => owner.getByTestId('node-trigger').count(), { timeout: 15_000 }).toBe(1);
    await owner.getByTestId('node-mapData').click();
    await snap(owner, 'flows-24-builder-1280');
  });

  it('logs no errors in the browser console', async () => {
    for (const context of browser.contexts()) for (const page of context.pages()) await page.close();
    expect(consoleErrors).toEqual([]);
  });
});
