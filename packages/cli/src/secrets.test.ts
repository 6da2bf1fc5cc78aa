import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadOrCreateSecrets } from './secrets.ts';

const folders: string[] = [];
function tempDataDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'conflux-secrets-'));
  folders.push(dir);
  return path.join(dir, 'data');
}
afterEach(() => {
  for (const dir of folders.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe('local secrets', () => {
  it('are generated once, private to the owner, and reused afterwards', () => {
    const dataDir = tempDataDir();
    const first = loadOrCreateSecrets(dataDir);
    expect(first.created).toEqual(['postgresPassword', 'rolePassword', 'authSecret', 'masterKey']);
    expect(first.file).toBe(path.join(dataDir, 'secrets.json'));
    expect(fs.statSync(first.file).mode & 0o777).toBe(0o600);
    for (const value of Object.values(first.secrets)) {
      // 32 random bytes in base64url: URL-safe, no padding.
      expect(value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    }
    expect(new Set(Object.values(first.secrets)).size).toBe(4);
    expect(Buffer.from(first.secrets.masterKey, 'base64')).toHaveLength(32);

    const second = loadOrCreateSecrets(dataDir);
    expect(second.created).toEqual([]);
    expect(second.secrets).toEqual(first.secrets);
    expect(JSON.parse(fs.readFileSync(first.file, 'utf8'))).toEqual(first.secrets);
  });

  it('adds missing keys without touching existing ones, and tightens loose permissions', () => {
    const dataDir = tempDataDir();
    fs.mkdirSync(dataDir, { recursive: true });
    const file = path.join(dataDir, 'secrets.json');
    fs.writeFileSync(file, JSON.stringify({ postgresPassword: 'p'.repeat(20) }), { mode: 0o644 });
    fs.chmodSync(file, 0o644);

    const loaded = loadOrCreateSecrets(dataDir);
    expect(loaded.created).toEqual(['rolePassword', 'authSecret', 'masterKey']);
    expect(loaded.secrets.postgresPassword).toBe('p'.repeat(20));
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);

    fs.chmodSync(file, 0o644);
    expect(loadOrCreateSecrets(dataDir).secrets).toEqual(loaded.secrets);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  });

  it('refuses a damaged file instead of silently replacing the secrets', () => {
    const dataDir = tempDataDir();
    fs.mkdirSync(dataDir, { recursive: true });
    fs.writeFileSync(path.join(dataDir, 'secrets.json'), '{ not json');
    expect(() => loadOrCreateSecrets(dataDir)).toThrow(/is not a valid secrets file/);
  });
});
