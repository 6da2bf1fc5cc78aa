/** Account helpers shared by browser tests: a verified sign-up through the dev mailbox, and tRPC calls as the signed-in page. */
import { expect } from 'vitest';
import type { Page } from 'playwright-core';

/** Signs up with a workspace and follows the verification link from the dev mailbox; the page ends signed in. */
export async function signUp(page: Page, params: { name: string; email: string; workspace: string }) {
  await page.goto('/sign-up');
  await page.getByLabel('Your name', { exact: true }).fill(params.name);
  await page.getByLabel('Work email', { exact: true }).fill(params.email);
  await page.getByLabel('Password', { exact: true }).fill('a long enough password');
  await page.getByLabel(/workspace/i).fill(params.workspace);
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect.poll(() => page.getByText(/check your inbox/i).count(), { timeout: 15_000 }).toBeGreaterThan(0);
  const deadline = Date.now() + 30_000;
  for (;;) {
    await page.goto(`/dev/mailbox?to=${encodeURIComponent(params.email)}`);
    const href = await page.getByTestId('dev-mail').filter({ hasText: /Verify your email/ }).first().locator('a[href*="/api/auth/verify-email"]').first().getAttribute('href', { timeout: 1000 }).catch(() => null);
    if (href) {
      await page.goto(href);
      await page.waitForURL(/\/verified/, { timeout: 15_000 });
      return;
    }
    if (Date.now() > deadline) throw new Error(`no verification mail for ${params.email}`);
    await page.waitForTimeout(500);
  }
}

/** Calls a tRPC mutation with the page's session, as the portal's own client would. */
export async function trpcMutation<T>(page: Page, path: string, input: unknown): Promise<T> {
  const response = await page.request.post(`/api/trpc/${path}`, { data: { json: input }, headers: { 'content-type': 'application/json' } });
  const body = (await response.json()) as { result?: { data?: { json?: T } }; error?: unknown };
  if (!response.ok()) throw new Error(`${path} failed: ${JSON.stringify(body.error)}`);
  return body.result!.data!.json as T;
}
