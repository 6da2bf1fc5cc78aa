/** The whole platform (portal, worker, mail catcher) on a fresh database, as `pnpm start` runs it. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inject } from 'vitest';
import { cloneDatabase, dropDatabase } from '@conflux/db/admin';
import { createSystemClient } from '@conflux/db/system';
import { defaultApps, type AppSpec } from '../../../packages/cli/src/apps.ts';
import { REPO_ROOT, startPlatform, type Platform } from '../../../packages/cli/src/platform.ts';
import { freePort } from '../../support/free-port.ts';

export interface TestPlatform {
  url: string;
  /** The platform database's owner connection, for tests that set up what no screen can (a plan's limits). */
  ownerUrl: string;
  platform: Platform;
  logs: string[];
  /** What a failed wait needs to be understood: the runs, the queue's jobs and the apps' last lines. */
  diagnose(): Promise<string>;
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
  const ownerUrl = await cloneDatabase(serverUrl, { template: inject('pgTemplate'), name, disposable: true });
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
      // Browser test files run in parallel: each platform gets ports of its own rather than racing for the defaults.
      GATEWAY_PORT: String(await freePort()),
      MQTT_PORT: String(await freePort()),
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
    ownerUrl,
    platform,
    logs,
    async diagnose() {
      const owner = createSystemClient(ownerUrl, { max: 1 });
      try {
        const runs = await owner.db.$queryRawUnsafe(
          'select id, status, attempt, error, created_at, finished_at from run order by created_at desc limit 10',
        );
        const jobs = await owner.db.$queryRawUnsafe(
          'select task_identifier, attempts, max_attempts, last_error, run_at, locked_at, locked_by from graphile_worker.jobs order by id desc limit 10',
        );
        const json = (value: unknown) => JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? Number(v) : v), 2);
        return `runs: ${json(runs)}\njobs: ${json(jobs)}\nlast lines of the apps:\n${logs.join('').split('\n').slice(-80).join('\n')}`;
      } finally {
        await owner.close();
      }
    },
    async stop() {
      await platform.stop();
      await dropDatabase(serverUrl, name).catch(() => undefined);
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
