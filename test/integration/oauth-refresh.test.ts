// OAuth2 refresh is the platform's job and happens once: fifty runs that need a fresh token at the same
// time make exactly one call to the provider's token endpoint, across connections of the pool.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { createKeyring, encryptJson, ensureFreshOAuth } from '@conflux/core';
import { createTenantGate, type TenantGate } from '@conflux/db';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

const TENANT = '0c0c0c0c-0000-4000-8000-00000000000c';
const CONNECTION = '0d0d0d0d-0000-4000-8000-00000000000d';
const keyring = createKeyring([Buffer.alloc(32, 3).toString('base64')]);
let db: TestDatabase;
let gate: TenantGate;
let server: http.Server;
let tokenUrl: string;
let calls = 0;
let answer: { status: number; body: unknown } = { status: 200, body: {} };

beforeAll(async () => {
  db = await createTestDatabase();
  gate = createTenantGate(db.appUrl, { max: 20 });
  const owner = new pg.Client({ connectionString: db.ownerUrl });
  await owner.connect();
  await owner.query(`INSERT INTO tenant (id, name) VALUES ($1, 'OAuth Co')`, [TENANT]);
  await owner.query(`INSERT INTO connection (id, tenant_id, connector_id, name, auth_kind) VALUES ($1, $2, 'crm', 'CRM', 'oauth2')`, [CONNECTION, TENANT]);
  await owner.end();
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      calls++;
      const form = new URLSearchParams(body);
      // A slow provider widens the window in which the fifty runs race.
      setTimeout(() => {
        res.writeHead(answer.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ ...(answer.body as object), grant: form.get('grant_type'), basic: req.headers.authorization?.startsWith('Basic ') }));
      }, 150);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  tokenUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/token`;
});
afterAll(async () => {
  server?.close();
  await gate?.close();
  await db?.close();
});

async function storeAuth(value: unknown) {
  await gate.withTenant(TENANT, async (tx) => {
    const sealed = await encryptJson(tx, { tenantId: TENANT, keyring, aad: `connection:${CONNECTION}`, value });
    await tx.connection.update({ where: { id: CONNECTION }, data: { secret: new Uint8Array(sealed), status: 'ok', statusReason: null } });
  });
}

const definition = { kind: 'oauth2' as const, grant: 'authorization_code' as const, tokenUrl: '', scopes: ['crm.read'] };

describe('OAuth2 refresh', () => {
  it('refreshes an expired token exactly once for fifty concurrent runs', async () => {
    calls = 0;
    answer = { status: 200, body: { access_token: 'fresh-token', token_type: 'Bearer', expires_in: 3600, refresh_token: 'rotated-refresh' } };
    await storeAuth({ kind: 'oauth2', accessToken: 'stale', tokenType: 'Bearer', expiresAt: Date.now() - 1000, refreshToken: 'refresh-1', clientId: 'client', clientSecret: 'shh' });
    const results = await Promise.all(
      Array.from({ length: 50 }, () => ensureFreshOAuth(gate, { tenantId: TENANT, connectionId: CONNECTION, keyring, definition: { ...definition, tokenUrl }, fetch })),
    );
    expect(calls).toBe(1);
    expect(new Set(results.map((r) => r.accessToken))).toEqual(new Set(['fresh-token']));
    expect(results[0]?.refreshToken).toBe('rotated-refresh');
    // Stored, encrypted: the next run reads it without calling the provider.
    const again = await ensureFreshOAuth(gate, { tenantId: TENANT, connectionId: CONNECTION, keyring, definition: { ...definition, tokenUrl }, fetch });
    expect(again.accessToken).toBe('fresh-token');
    expect(calls).toBe(1);
  });

  it('marks the connection "needs reconnect" when the provider refuses the refresh', async () => {
    calls = 0;
    answer = { status: 400, body: { error: 'invalid_grant' } };
    await storeAuth({ kind: 'oauth2', accessToken: 'stale', tokenType: 'Bearer', expiresAt: Date.now() - 1000, refreshToken: 'revoked', clientId: 'client', clientSecret: 'shh' });
    await expect(ensureFreshOAuth(gate, { tenantId: TENANT, connectionId: CONNECTION, keyring, definition: { ...definition, tokenUrl }, fetch })).rejects.toMatchObject({ kind: 'auth', message: expect.stringMatching(/invalid_grant/) });
    const status = await gate.withTenant(TENANT, (tx) => tx.connection.findUnique({ where: { id: CONNECTION }, select: { status: true, statusReason: true } }));
    expect(status).toMatchObject({ status: 'needs_reconnect', statusReason: expect.stringMatching(/reconnect/) });
  });

  it('keeps a token that is still valid', async () => {
    calls = 0;
    await storeAuth({ kind: 'oauth2', accessToken: 'still-good', tokenType: 'Bearer', expiresAt: Date.now() + 3_600_000, refreshToken: 'r' });
    const auth = await ensureFreshOAuth(gate, { tenantId: TENANT, connectionId: CONNECTION, keyring, definition: { ...definition, tokenUrl }, fetch });
    expect(auth.accessToken).toBe('still-good');
    expect(calls).toBe(0);
  });
});
