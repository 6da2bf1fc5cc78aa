/**
 * Gives the test run one PostgreSQL server and a migrated template database. With DATABASE_URL set, that
 * server is used (its user must be able to create databases and roles); otherwise an embedded server is
 * started in a temporary folder and stopped at the end. Test files clone the template (see database.ts).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { migrate, cloneDatabase, startEmbeddedPostgres, withDatabase, ensureDatabase, dropDatabase } from '@conflux/db/admin';
import { freePort } from './free-port.ts';

export const TEST_ROLE_PASSWORD = 'conflux-test-role';

declare module 'vitest' {
  export interface ProvidedContext {
    pgServerUrl: string;
    pgTemplate: string;
    pgRolePassword: string;
  }
}

export default async function setup(project: TestProject) {
  let serverUrl = process.env.DATABASE_URL;
  let stop: (() => Promise<void>) | undefined;
  let tmp: string | undefined;
  if (!serverUrl) {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'conflux-test-pg-'));
    fs.chmodSync(tmp, 0o777);
    const server = await startEmbeddedPostgres({
      dataDir: path.join(tmp, 'data'),
      port: await freePort(),
      password: 'postgres-test',
      persistent: false,
    });
    serverUrl = server.serverUrl;
    stop = server.stop;
  }
  // A template per run: parallel runs on one server do not trample each other.
  const template = `conflux_tpl_${process.pid}_${Date.now().toString(36)}`;
  await ensureDatabase(serverUrl, template);
  await migrate(withDatabase(serverUrl, template), { rolePassword: TEST_ROLE_PASSWORD });
  void cloneDatabase; // tests clone it per file
  project.provide('pgServerUrl', serverUrl);
  project.provide('pgTemplate', template);
  project.provide('pgRolePassword', TEST_ROLE_PASSWORD);

  return async () => {
    await dropDatabase(serverUrl, template).catch(() => undefined);
    await stop?.();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  };
}
