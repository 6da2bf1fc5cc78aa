// Sign-up, email verification through the dev mailbox, invitations and tenant isolation, in a real
// Chromium against the real platform (portal production build, worker, mail catcher, Postgres).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, snap, watchConsole } from './support/browser.ts';
import { startTestPlatform, type TestPlatform } from './support/platform.ts';

let platform: TestPlatform;
let browser: Browser;
const consoleErrors: string[] = [];

beforeAll(async () => {
  platform = await startTestPlatform();
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await platform?.stop();
});

async function newPage(): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ baseURL: platform.url, viewport: { width: 1366, height: 900 } });
  const page = await context.newPage();
  consoleErrors.push(...[]);
  const errors = watchConsole(page);
  page.on('close', () => consoleErrors.push(...errors));
  return { context, page };
}

/** Waits for a mail to this address in the dev mailbox and returns the first link whose text contains `linkPart`. */
async function mailLink(page: Page, to: string, subject: RegExp, linkPart: string): Promise<string> {
  // Mail is sent by the worker, which may still be starting when the portal is already up.
  const deadline = Date.now() + 90_000;
  for (;;) {
    await page.goto(`/dev/mailbox?to=${encodeURIComponent(to)}`);
    const mail = page.getByTestId('dev-mail').filter({ hasText: subject }).first();
    if (await mail.count()) {
      const link = mail.locator(`a[href*="${linkPart}"]`).first();
      const href = await link.getAttribute('href');
      if (href) return href;
    }
    if (Date.now() > deadline) throw new Error(`no mail ${subject} for ${to}`);
    await page.waitForTimeout(500);
  }
}

async function signUp(page: Page, params: { name: string; email: string; password: string; workspace?: string; via?: string }) {
  await page.goto(params.via ?? '/sign-up');
  await page.getByLabel('Your name', { exact: true }).fill(params.name);
  const email = page.getByLabel('Work email', { exact: true });
  if ((await email.inputValue()) !== params.email) await email.fill(params.email);
  await page.getByLabel('Password', { exact: true }).fill(params.password);
  if (params.workspace) await page.getByLabel(/workspace/i).fill(params.workspace);
  await page.getByRole('button', { name: 'Create account' }).click();
  try {
    await expect.poll(() => page.getByText(/check your inbox/i).count(), { timeout: 15_000 }).toBeGreaterThan(0);
  } catch (error) {
    await snap(page, `failed-sign-up-${params.email}`);
    throw error;
  }
}

async function verify(page: Page, email: string) {
  const link = await mailLink(page, email, /Verify your email/, '/api/auth/verify-email');
  await page.goto(link);
  await page.waitForURL(/\/verified/, { timeout: 15_000 });
}

describe('accounts in the browser', () => {
  let owner: Page;

  it('sign up → verification mail in the mailbox → verify → dashboard', async () => {
    ({ page: owner } = await newPage());
    await owner.goto('/sign-up');
    await snap(owner, '01-sign-up');
    await signUp(owner, { name: 'Olivia Owner', email: 'olivia@acme.test', password: 'a long enough password', workspace: 'Acme Logistics' });
    await snap(owner, '02-check-inbox');
    await owner.goto('/dev/mailbox');
    await snap(owner, '03-mailbox');
    await verify(owner, 'olivia@acme.test');
    await snap(owner, '04-verified');
    await owner.goto('/');
    await expect.poll(() => owner.getByRole('heading', { name: /Welcome, Olivia/ }).count(), { timeout: 15_000 }).toBe(1);
    expect(await owner.getByText('Acme Logistics').count()).toBeGreaterThan(0);
    await snap(owner, '05-dashboard');
  });

  it('invites a teammate, who signs up from the invitation, verifies, accepts; both see the workspace', async () => {
    await owner.goto('/team');
    await owner.getByLabel('Email address', { exact: true }).fill('ben@acme.test');
    await owner.getByRole('button', { name: 'Send invite' }).click();
    await expect.poll(() => owner.getByText('ben@acme.test').count(), { timeout: 15_000 }).toBeGreaterThan(0);
    await snap(owner, '06-team-invited');

    const { page: ben } = await newPage();
    const invite = await mailLink(ben, 'ben@acme.test', /invited you/, '/invite/');
    await ben.goto(invite);
    await snap(ben, '07-invitation-signed-out');
    await ben.getByRole('link', { name: 'Create account' }).click();
    await ben.waitForURL(/\/sign-up/);
    // Coming from the invitation, the form knows the address and needs no workspace name.
    await signUp(ben, { name: 'Ben Builder', email: 'ben@acme.test', password: 'another long password', via: ben.url() });
    await verify(ben, 'ben@acme.test');
    await ben.goto(invite);
    await ben.getByRole('button', { name: 'Accept and join Acme Logistics' }).click();
    await ben.waitForURL((url) => url.pathname === '/', { timeout: 15_000 });
    await expect.poll(() => ben.getByText('Acme Logistics').count(), { timeout: 15_000 }).toBeGreaterThan(0);
    await ben.goto('/team');
    await expect.poll(() => ben.getByText('olivia@acme.test').count(), { timeout: 15_000 }).toBeGreaterThan(0);
    await snap(ben, '08-team-as-member');

    await owner.goto('/team');
    await expect.poll(() => owner.getByText('Ben Builder').count(), { timeout: 15_000 }).toBeGreaterThan(0);
    await snap(owner, '09-team-both');
  });

  it('a user of another workspace sees nothing of Acme on any page', async () => {
    const { page: mallory } = await newPage();
    await signUp(mallory, { name: 'Mallory', email: 'mallory@other.test', password: 'yet another password', workspace: 'Other Corp' });
    // The verification link signs Mallory in.
    await verify(mallory, 'mallory@other.test');
    for (const path of ['/', '/team', '/settings', '/account']) {
      await mallory.goto(path);
      await mallory.waitForLoadState('networkidle');
      const text = await mallory.locator('body').innerText();
      expect(text, path).not.toContain('Acme Logistics');
      expect(text, path).not.toContain('olivia@acme.test');
      expect(text, path).not.toContain('Ben Builder');
    }
    expect(await mallory.locator('body').innerText()).toContain('mallory@other.test');
    await snap(mallory, '10-other-tenant-account');
  });

  it('logs no errors in the browser console', async () => {
    for (const context of browser.contexts()) for (const page of context.pages()) await page.close();
    expect(consoleErrors).toEqual([]);
  });
});
