import type { TenantDb } from '@conflux/db';
import type { KeyValueStore } from '@conflux/connector-sdk';

/** The per-connection key-value store, on the tenant gate. Values are JSON; keys at most 200 chars. */
export function connectionStore(db: TenantDb, params: { tenantId: string; connectionId: string }): KeyValueStore {
  return {
    async get<T>(key: string) {
      const row = await db.connectionKv.findUnique({ where: { connectionId_key: { connectionId: params.connectionId, key } }, select: { value: true, expiresAt: true } });
      if (!row || (row.expiresAt && row.expiresAt.getTime() <= Date.now())) return undefined;
      return row.value as T;
    },
    async put(key, value, options) {
      const expiresAt = options?.ttlSeconds ? new Date(Date.now() + options.ttlSeconds * 1000) : null;
      await db.connectionKv.upsert({
        where: { connectionId_key: { connectionId: params.connectionId, key } },
        create: { tenantId: params.tenantId, connectionId: params.connectionId, key, value: value as object, expiresAt },
        update: { value: value as object, expiresAt },
      });
    },
    async delete(key) {
      await db.connectionKv.deleteMany({ where: { connectionId: params.connectionId, key } });
    },
  };
}
