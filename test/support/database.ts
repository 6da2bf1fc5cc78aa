/**
 * A fresh database for one test file, cloned from the run's migrated template, with the tenant gate and
 * the system client connected as the real application roles.
 */
import { inject } from 'vitest';
import { cloneDatabase, dropDatabase } from '@conflux/db/admin';
import { createTenantGate, resolveDatabaseUrls, type DatabaseUrls, type TenantGate } from '@conflux/db';
import { createSystemClient, type SystemClient } from '@conflux/db/system';

/** Connections to a test file's own database. */
export interface TestDatabase extends DatabaseUrls {
  name: string;
  gate: TenantGate;
  system: SystemClient;
  close(): Promise<void>;
}

let counter = 0;

export async function createTestDatabase(): Promise<TestDatabase> {
  const serverUrl = inject('pgServerUrl');
  const name = `conflux_t_${process.pid}_${Date.now().toString(36)}_${counter++}`;
  const ownerUrl = await cloneDatabase(serverUrl, { template: inject('pgTemplate'), name, disposable: true });
  const urls = resolveDatabaseUrls({ ownerUrl, rolePassword: inject('pgRolePassword') });
  const gate = createTenantGate(urls.appUrl);
  const system = createSystemClient(urls.systemUrl);
  return {
    ...urls,
    name,
    gate,
    system,
    async close() {
      await gate.close();
      await system.close();
      await dropDatabase(serverUrl, name);
    },
  };
}
