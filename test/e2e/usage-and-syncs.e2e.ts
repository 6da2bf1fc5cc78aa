// Syncs and usage in the browser, on the real platform (portal production build, worker, Postgres): a flow
// polling a list endpoint (HTTP → Poll a list endpoint) shows its pass reading with progress on /syncs,
// then its outcome, "Sync now" and the flow's passes; with a monthly quota smaller than the list, runs wait
// as quota_exceeded, and /usage says so with a banner, full meters and the plans, linking to the waiting runs.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { signUp, trpcMutation } from './support/accounts.ts';
import { launchBrowser, snap, watchConsole } from './support/browser.ts';
import { startTestPlatform, type TestPlatform } from './support/platform.ts';
import { startHttpServer, type TestServer } from '../support/http-server.ts';

const RECORDS = 80;
const QUOTA = 50;
const orders = Array.from({ length: RECORDS }, (_, i) => ({ id: `ord_${i + 1}`, total: (i + 1) * 10 }));

let platform: TestPlatform;
let owner: pg.Client;
let browser: Browser;
let source: TestServer;
let page: Page;
let consoleErrors: string[] = [];
// The list endpoint holds its third page until the test has looked at the pass while it reads.
let releaseThirdPage: () => void = () => undefined;
const thirdPageReleased = new Promise<void>((resolve) => (releaseThirdPage = resolve));

beforeAll(async () => {
  source = await startHttpServer(async (request) => {
    const url = new URL(request.path, 'http://source');
    const pageNumber = Number(url.searchParams.get('page') ?? 1);
    const size = Number(url.searchParams.get('per_page') ?? 10);
    if (pageNumber === 3) await thirdPageReleased;
    return { body: { items: orders.slice((pageNumber - 1) * size, pageNumber * size), total: RECORDS } };
  });
  // Pages of 10, so a pass takes several polls; the source listens on loopback, which egress must allow.
  platform = await startTestPlatform({ env: { EGRESS_ALLOW: '127.0.0.0/8', SYNC_PAGE_SIZE: '10' } });
  // A monthly quota smaller than the list (plans are data): the last 30 runs must wait over it.
  owner = new pg.Client({ connectionString: platform.ownerUrl });
  await owner.connect();
  await owner.query(`UPDATE plan SET runs_per_month = $1 WHERE id = 'free'`, [QUOTA]);
  browser = await launchBrowser();
  const context = await browser.newContext({ baseURL: platform.url, viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
  consoleErrors = watchConsole(page);
});
afterAll(async () => {
  releaseThirdPage();
  await browser?.close();
  await owner?.end();
  await platform?.stop();
  await source?.close();
});

describe('syncs and usage in the browser', () => {
  let flowId: string;

  it('shows an empty Syncs screen that explains sync flows', async () => {
    await signUp(page, { name: 'Sam Sync', email: 'sam@shop.test', workspace: 'Shop Co' });
    await page.goto('/');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Syncs' }).click();
    await page.waitForURL(/\/syncs$/);
    await expect.poll(() => page.getByText('No sync flows yet').count(), { timeout: 15_000 }).toBe(1);
    expect(await page.getByText('HTTP → Poll a list endpoint').count()).toBe(1);
    await snap(page, 'syncs-01-empty');
  });

  it('shows the first pass reading with progress, then its outcome; Sync now runs another', async () => {
    const connection = await trpcMutation<{ id: string }>(page, 'connections.create', { connectorId: 'http', name: 'Shop API', authKind: 'none', credentials: {} });
    const flow = await trpcMutation<{ id: string }>(page, 'flows.create', {
      name: 'Orders from the shop',
      definition: {
        trigger: {
          connector: 'http',
          trigger: 'pollList',
          connectionId: connection.id,
          props: { url: `${source.url}/orders`, pagination: 'page', pageSizeParam: 'per_page', recordsExpression: 'items', totalExpression: 'total' },
          schedule: { everyMinutes: 60 },
        },
        steps: [{ kind: 'map', key: 'copy', expression: 'trigger.data' }],
      },
    });
    flowId = flow.id;
    // Publishing and enabling each queue a pass. The publish's finds the flow still disabled and does
    // nothing; it is let go first, so that exactly one pass reads (two overlapping ones are a separate matter).
    await trpcMutation(page, 'flows.publish', { flowId });
    await expect
      .poll(async () => (await owner.query(`SELECT count(*)::int AS n FROM graphile_worker.jobs WHERE task_identifier IN ('schedule-plan', 'sync-flow')`)).rows[0].n, { timeout: 30_000 })
      .toBe(0);
    await trpcMutation(page, 'flows.setEnabled', { flowId, enabled: true });

    const row = page.getByTestId('sync-row').filter({ hasText: 'Orders from the shop' });
    await expect
      .poll(
        async () => {
          await page.goto('/syncs');
          return row.getByRole('progressbar', { name: 'Reading progress' }).count();
        },
        { timeout: 90_000, interval: 1_000 },
      )
      .toBe(1);
    // Two pages of ten read of the 80 the source says it holds, and their runs being processed.
    expect(await row.getByRole('progressbar', { name: 'Reading progress' }).getAttribute('aria-valuenow')).toBe('25');
    expect(await row.innerText()).toContain('20 of ~80');
    expect(await row.getByRole('button', { name: 'Sync now' }).isDisabled()).toBe(true);
    await snap(page, 'syncs-02-reading');

    releaseThirdPage();
    // The screen refreshes itself while the pass runs.
    await expect.poll(() => row.getByText('Succeeded').count(), { timeout: 60_000 }).toBe(1);
    expect(await row.innerText()).toContain('80 / 80');
    await snap(page, 'syncs-03-succeeded');

    await row.getByRole('button', { name: 'Sync now' }).click();
    await expect.poll(() => page.getByText('Sync of “Orders from the shop” queued').count(), { timeout: 10_000 }).toBe(1);
    await row.getByRole('link', { name: 'Passes' }).click();
    await page.waitForURL(new RegExp(`/syncs/${flowId}$`));
    // The pass asked for reads the whole list again, newest first, and finds nothing new.
    const latest = page.getByTestId('sync-pass').first();
    await expect.poll(() => latest.innerText(), { timeout: 60_000 }).toMatch(/Sync now[\s\S]*Succeeded/);
    const cells = latest.getByRole('cell');
    expect(await cells.nth(3).innerText()).toMatch(/^80\b/);
    expect(await cells.nth(4).innerText()).toBe('0');
    expect(await page.getByTestId('sync-pass').count()).toBeGreaterThanOrEqual(2);
    await snap(page, 'syncs-04-passes');
  });

  it('says on /usage that runs wait over the quota, with full meters and the plans, and lists the waiting runs', async () => {
    await page.goto('/');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Usage' }).click();
    await page.waitForURL(/\/usage$/);
    // 50 runs started; the other 30 were parked by the dispatcher.
    await expect
      .poll(
        async () => {
          await page.reload();
          return page.getByRole('alert').filter({ hasText: 'Monthly run quota exceeded' }).innerText({ timeout: 5_000 }).catch(() => '');
        },
        { timeout: 60_000, interval: 1_000 },
      )
      .toMatch(/30 runs are waiting: this month’s 50 runs are used\. .* when the month turns on 1 \w+ or when the plan is upgraded\./);
    const meter = page.getByRole('meter', { name: 'Runs this month' });
    expect(await meter.getAttribute('aria-valuenow')).toBe('100');
    expect(await meter.getAttribute('aria-valuetext')).toBe('50 of 50 runs (100 %)');
    expect(await page.getByRole('columnheader', { name: /Free\s+Current/ }).count()).toBe(1);
    expect(await page.getByText('Contact us', { exact: false }).count()).toBeGreaterThan(0);
    await snap(page, 'usage-01-quota-exceeded');

    await page.getByRole('link', { name: 'See the waiting runs' }).click();
    await page.waitForURL(/\/runs\?status=quota_exceeded/);
    await expect.poll(() => page.getByTestId('run-row').count(), { timeout: 15_000 }).toBe(RECORDS - QUOTA);
    expect(await page.getByTestId('run-row').first().getByText('Quota exceeded').getAttribute('title')).toMatch(/starts when the month turns or when the plan is upgraded/);
    await snap(page, 'usage-02-waiting-runs');
    expect(consoleErrors).toEqual([]);
  });
});
