/**
 * The launcher with stand-in apps (tiny Node scripts) against a real database: readiness, the environment the
 * apps get, mail into the dev mailbox, and every way of stopping.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createMailer } from '@conflux/mail';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.ts';
import { freePort } from '../../../test/support/free-port.ts';
import { checkApps, defaultApps, type AppSpec } from './apps.ts';
import { LaunchError } from './launch-error.ts';
import { startPlatform, StartAborted, type Platform } from './platform.ts';

// A portal that answers HTTP on PORT and says when it is asked to stop.
const PORTAL = `
  const http = require('node:http');
  http.createServer((req, res) => res.end('ok')).listen(Number(process.env.PORT), () => console.log('listening'));
  process.on('SIGTERM', () => { console.log('portal got SIGTERM'); process.exit(0); });
`;
// A worker that reports what it was given, then idles until stopped.
const WORKER = `
  const keys = ['DATABASE_URL', 'DATABASE_APP_URL', 'DATABASE_SYSTEM_URL', 'AUTH_SECRET', 'SMTP_URL', 'MAIL_FROM',
    'PUBLIC_URL', 'PORT', 'MAIL_CATCHER', 'LOG_LEVEL', 'NEXT_TELEMETRY_DISABLED', 'NODE_ENV', 'EXTRA'];
  console.log('env ' + keys.map((k) => k + '=' + (process.env[k] ? 'set' : 'unset')).join(' '));
  console.log('partial line without newline');
  setInterval(() => {}, 1000);
  process.on('SIGTERM', () => { console.log('worker got SIGTERM'); process.exit(0); });
`;

const app = (name: string, script: string, color: AppSpec['color'] = 'magenta'): AppSpec => ({
  name,
  color,
  command: process.execPath,
  args: ['-e', script],
  cwd: os.tmpdir(),
});

let db: TestDatabase;
let dataDir: string;
const running: Platform[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'conflux-platform-'));
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((p) => p.stop()));
});
afterAll(async () => {
  await db?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

async function envFor(extra: Record<string, string> = {}) {
  return {
    DATABASE_URL: db.ownerUrl,
    DATABASE_APP_URL: db.appUrl,
    DATABASE_SYSTEM_URL: db.systemUrl,
    AUTH_SECRET: 'test-auth-secret-that-is-long-enough',
    CONFLUX_DATA_DIR: dataDir,
    PORT: String(await freePort()),
    ...extra,
  };
}

async function start(apps: AppSpec[], extra: Record<string, string> = {}, stopGraceMs = 10_000) {
  const lines: string[] = [];
  const env = await envFor(extra);
  const platform = await startPlatform({
    env,
    apps,
    color: false,
    readyTimeoutMs: 20_000,
    stopGraceMs,
    write: (text) => lines.push(...text.split('\n').slice(0, -1)),
  });
  running.push(platform);
  return { platform, lines, port: Number(env.PORT) };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('startPlatform', () => {
  it('runs the apps with the resolved environment, prefixed output and a ready banner', async () => {
    const { platform, lines, port } = await start([app('portal', PORTAL, 'cyan'), app('worker', WORKER)], { EXTRA: 'x' });

    expect(platform.portalUrl).toBe(`http://localhost:${port}`);
    expect(platform.mailboxUrl).toBe(`http://localhost:${port}/dev/mailbox`);
    expect(lines).toContain(`  Conflux is ready: http://localhost:${port}`);
    expect(lines).toContain(`  Mailbox (dev): http://localhost:${port}/dev/mailbox`);
    expect(lines).toContain('portal │ listening');
    expect(lines.some((l) => /^db {5}│ Database schema is up to date/.test(l))).toBe(true);
    expect(lines.some((l) => /^mail {3}│ Mail catcher on smtp:\/\/127\.0\.0\.1:\d+/.test(l))).toBe(true);

    expect(platform.env).toMatchObject({
      DATABASE_URL: db.ownerUrl,
      DATABASE_APP_URL: db.appUrl,
      DATABASE_SYSTEM_URL: db.systemUrl,
      AUTH_SECRET: 'test-auth-secret-that-is-long-enough',
      MAIL_FROM: 'Conflux <no-reply@conflux.localhost>',
      PUBLIC_URL: `http://localhost:${port}`,
      PORT: String(port),
      MAIL_CATCHER: '1',
      LOG_LEVEL: 'info',
      NEXT_TELEMETRY_DISABLED: '1',
      NODE_ENV: 'development',
    });
    expect(platform.env.SMTP_URL).toMatch(/^smtp:\/\/127\.0\.0\.1:\d+\?ignoreTLS=true$/);

    // Every variable reaches the apps, plus the caller's own.
    await expect.poll(() => lines.find((l) => l.startsWith('worker │ env '))).toBe(
      'worker │ env ' +
        ['DATABASE_URL', 'DATABASE_APP_URL', 'DATABASE_SYSTEM_URL', 'AUTH_SECRET', 'SMTP_URL', 'MAIL_FROM', 'PUBLIC_URL', 'PORT',
          'MAIL_CATCHER', 'LOG_LEVEL', 'NEXT_TELEMETRY_DISABLED', 'NODE_ENV', 'EXTRA'].map((k) => `${k}=set`).join(' '),
    );

    // What the apps send lands in the dev mailbox.
    const mailer = createMailer({ smtpUrl: platform.env.SMTP_URL!, from: platform.env.MAIL_FROM! });
    await mailer.send({ to: 'ada@example.com', subject: 'Hello from the platform test', text: 'hi' });
    mailer.close();
    expect(await db.system.db.devMail.count({ where: { subject: 'Hello from the platform test' } })).toBe(1);
    expect(lines).toContain('mail   │ to ada@example.com: Hello from the platform test');

    await platform.stop();
    expect(await platform.finished).toEqual({ reason: 'stopped' });
    expect(lines).toContain('portal │ portal got SIGTERM');
    expect(lines).toContain('worker │ worker got SIGTERM');
    // The partial last line is flushed, not lost.
    expect(lines).toContain('worker │ partial line without newline');
    // The portal's port is free again.
    await new Promise<void>((resolve, reject) => {
      const server = net.createServer().once('error', reject);
      server.listen(port, () => server.close(() => resolve()));
    });
  });

  it('uses a configured SMTP server instead of the catcher', async () => {
    const { platform, lines } = await start([app('portal', PORTAL)], { SMTP_URL: 'smtp://relay.example.com:587' });
    expect(platform.env.SMTP_URL).toBe('smtp://relay.example.com:587');
    expect(platform.env.MAIL_CATCHER).toBeUndefined();
    expect(platform.mailboxUrl).toBeUndefined();
    expect(lines.some((l) => l.startsWith('mail'))).toBe(false);
    expect(lines.some((l) => l.includes('Mailbox (dev)'))).toBe(false);
  });

  it('stops everything when an app dies, and says which one', async () => {
    const crashing = `console.log('about to crash'); setTimeout(() => process.exit(3), 300);`;
    const { platform, lines } = await start([app('portal', PORTAL), app('worker', crashing)]);
    const exit = await platform.finished;
    expect(exit).toEqual({ reason: 'child-exited', name: 'worker', exit: { code: 3, signal: null } });
    expect(lines).toContain('worker exited unexpectedly (code 3): stopping Conflux');
    expect(lines).toContain('portal │ portal got SIGTERM');
  });

  it('kills an app that ignores SIGTERM once the grace period is over', async () => {
    const stubborn = `process.on('SIGTERM', () => console.log('ignoring SIGTERM')); setInterval(() => {}, 1000); console.log('pid ' + process.pid);`;
    const { platform, lines } = await start([app('portal', PORTAL), app('worker', stubborn)], {}, 500);
    await expect.poll(() => lines.find((l) => l.startsWith('worker │ pid '))).toBeDefined();
    const pid = Number(lines.find((l) => l.startsWith('worker │ pid '))?.split(' ').pop());
    const started = Date.now();
    await platform.stop();
    expect(Date.now() - started).toBeGreaterThanOrEqual(450);
    expect(lines).toContain('worker │ ignoring SIGTERM');
    expect(alive(pid)).toBe(false);
  });

  it('is ready only once every announcing app wrote its ready file, and names the one that never did', async () => {
    // A worker that takes a while to start (as tsx compiling the packages does), then announces itself.
    const slowWorker = `
      setTimeout(() => {
        console.log('worker now working');
        require('node:fs').writeFileSync(require('node:path').join(process.env.CONFLUX_READY_DIR, 'worker'), '');
      }, 1500);
      setInterval(() => {}, 1000);`;
    const { lines } = await start([app('portal', PORTAL), { ...app('worker', slowWorker), announcesReady: true }]);
    const banner = lines.findIndex((l) => l.includes('Conflux is ready'));
    expect(lines.indexOf('worker │ worker now working')).toBeGreaterThan(-1);
    expect(lines.indexOf('worker │ worker now working')).toBeLessThan(banner);

    const silent = { ...app('worker', 'setInterval(() => {}, 1000);'), announcesReady: true };
    const promise = startPlatform({ env: await envFor(), apps: [app('portal', PORTAL), silent], color: false, readyTimeoutMs: 2_000, write: () => undefined });
    await expect(promise).rejects.toThrow(new LaunchError('Not ready within 2 s: worker had not started; their output is above'));
  });

  it('fails start-up naming an app that exits before the portal answers', async () => {
    const lines: string[] = [];
    const promise = startPlatform({
      env: await envFor(),
      apps: [app('portal', `console.error('cannot load config'); process.exit(1);`)],
      color: false,
      write: (text) => lines.push(text),
    });
    await expect(promise).rejects.toThrow(new LaunchError('portal exited during start-up (code 1); its output is above'));
    expect(lines.join('')).toContain('portal │ cannot load config');
  });

  it('says which port is busy and how to change it, before starting anything', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, () => resolve()));
    const port = (blocker.address() as net.AddressInfo).port;
    const lines: string[] = [];
    try {
      await expect(
        startPlatform({ env: await envFor({ PORT: String(port) }), apps: [app('portal', PORTAL)], color: false, write: (t) => lines.push(t) }),
      ).rejects.toThrow(new RegExp(`^Port ${port} \\(PORT, the portal\\) is busy.*PORT=\\d+ pnpm start$`));
      expect(lines).toEqual([]);
    } finally {
      blocker.close();
    }
  });

  it('rejects with StartAborted and cleans up when aborted during start-up', async () => {
    const controller = new AbortController();
    const slow = `setTimeout(() => require('node:http').createServer((q, s) => s.end()).listen(Number(process.env.PORT)), 60000);
      process.on('SIGTERM', () => { console.log('slow portal stopped'); process.exit(0); });
      console.log('slow portal waiting');`;
    const lines: string[] = [];
    const promise = startPlatform({
      env: await envFor(),
      apps: [app('portal', slow)],
      color: false,
      signal: controller.signal,
      write: (text) => lines.push(...text.split('\n')),
    });
    await expect.poll(() => lines.includes('portal │ slow portal waiting')).toBe(true);
    controller.abort();
    await expect(promise).rejects.toBeInstanceOf(StartAborted);
    expect(lines).toContain('portal │ slow portal stopped');
  });
});

describe('default apps', () => {
  it('fail fast with what to do when the checkout is incomplete or the portal is not built', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'conflux-empty-repo-'));
    try {
      const production = defaultApps({ repoRoot: root, mode: 'production', port: 3000 });
      expect(production.map((a) => [a.name, a.args])).toEqual([
        ['portal', ['start', '-p', '3000']],
        ['worker', ['src/main.ts']],
        ['gateway', ['src/main.ts']],
        ['mqtt', ['src/main.ts']],
      ]);
      expect(() => checkApps(production)).toThrow(/portal: The portal is not built: run `pnpm build` first/);
      expect(() => checkApps(production)).toThrow(/worker: apps\/worker\/src\/main\.ts is missing/);
      expect(defaultApps({ repoRoot: root, mode: 'development', port: 4000 })[0]?.args).toEqual(['dev', '-p', '4000']);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
