/** The whole platform (portal, worker, mail catcher) on a fresh database, as `pnpm start` runs it. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inject } from 'vitest';
import { cloneDatabase, dropDatabase } from '@conflux/db/admin';
import { defaultApps, type AppSpec } from '../../../packages/cli/src/apps.ts';
import { REPO_ROOT, startPlatform, type Platform } from '../../../packages/cli/src/platform.ts';
import { freePort } from '../../support/free-port.ts';

export interface TestPlatform {
  url: string;
  platform: Platform;
  logs: string[];
  stop(): Promise<void>;
}

/** Options of startTestPlatform. */
export interface TestPlatformOptions {
  /** Extra variables for the apps, e.g. EGRESS_ALLOW so flows may call a server on this machine. */
  env?: Record<string, string>;
  /** Changes the processes started (portal, worker, gateway as `pnpm start` runs them), e.g. to add test connectors. */
  apps?: (defaults: AppSpec[]) => AppSpec[];
}

export async function startTestPlatform(options: TestPlatformOptions = {}): Promise<TestPlatform> {
  const serverUrl = inject('pgServerUrl');
  const name = `conflux_e2e_${process.pid}_${Date.now().toString(36)}`;
  const ownerUrl = await cloneDatabase(serverUrl, { template: inject('pgTemplate'), name });
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'conflux-e2e-'));
  const port = await freePort();
  const logs: string[] = [];
  const platform = await startPlatform({
    env: {
      ...process.env,
      DATABASE_URL: ownerUrl,
      DATABASE_ROLE_PASSWORD: inject('pgRolePassword'),
      DATABASE_APP_URL: undefined,
      DATABASE_SYSTEM_URL: undefined,
      SMTP_URL: undefined,
      PORT: String(port),
      PUBLIC_URL: `http://localhost:${port}`,
      CONFLUX_MODE: 'production',
      CONFLUX_DATA_DIR: dataDir,
      AUTH_RATE_LIMIT: 'off',
      LOG_LEVEL: 'warn',
      ...options.env,
    },
    ...(options.apps ? { apps: options.apps(defaultApps({ repoRoot: REPO_ROOT, mode: 'production', port })) } : {}),
    write: (text) => void logs.push(text),
    color: false,
    readyTimeoutMs: 90_000,
  });
  return {
    url: platform.portalUrl,
    platform,
    logs,
    async stop() {
      await platform.stop();
      await dropDatabase(serverUrl, name).catch(() => undefined);
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
