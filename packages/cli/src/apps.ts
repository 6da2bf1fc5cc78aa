/**
 * The apps `conflux start` runs, as plain commands from the workspace's own node_modules (present after
 * `pnpm install`), so that signals reach them directly rather than through a package-manager wrapper.
 */
import fs from 'node:fs';
import path from 'node:path';
import { LaunchError } from './launch-error.ts';
import type { PrefixColor } from './line-prefixer.ts';

/** A file an app needs, and what to tell people when it is missing. */
export interface Requirement {
  path: string;
  missing: string;
}

/** One app process: what to run, where, and how its output column looks. */
export interface AppSpec {
  name: string;
  color: PrefixColor;
  command: string;
  args: string[];
  cwd: string;
  /** Checked before anything starts, so a broken checkout fails in a second, not after the database. */
  requires?: Requirement[];
  /** The app writes its ready file (announceReady in core) once it works; the launcher waits for it. */
  announcesReady?: boolean;
}

/** portal (Next.js: `next start` in production, `next dev` otherwise), worker, gateway and mqtt (tsx). */
export function defaultApps(params: { repoRoot: string; mode: 'development' | 'production'; port: number }): AppSpec[] {
  const portalDir = path.join(params.repoRoot, 'apps/portal');
  const workerDir = path.join(params.repoRoot, 'apps/worker');
  const gatewayDir = path.join(params.repoRoot, 'apps/gateway');
  const mqttDir = path.join(params.repoRoot, 'apps/mqtt');
  const next = path.join(portalDir, 'node_modules/.bin/next');
  const tsx = path.join(params.repoRoot, 'node_modules/.bin/tsx');
  const notInstalled = 'run `pnpm install` first';
  const portal: AppSpec = {
    name: 'portal',
    color: 'cyan',
    command: next,
    args: [params.mode === 'production' ? 'start' : 'dev', '-p', String(params.port)],
    cwd: portalDir,
    requires: [
      { path: path.join(portalDir, 'package.json'), missing: 'apps/portal is missing from this checkout' },
      { path: next, missing: `Next.js is not installed in apps/portal: ${notInstalled}` },
      ...(params.mode === 'production'
        ? [
            {
              path: path.join(portalDir, '.next/BUILD_ID'),
              missing: 'The portal is not built: run `pnpm build` first (CONFLUX_MODE=production runs the built portal)',
            },
          ]
        : []),
    ],
  };
  const worker: AppSpec = {
    name: 'worker',
    announcesReady: true,
    color: 'magenta',
    command: tsx,
    args: ['src/main.ts'],
    cwd: workerDir,
    requires: [
      { path: path.join(workerDir, 'src/main.ts'), missing: 'apps/worker/src/main.ts is missing from this checkout' },
      { path: tsx, missing: `tsx is not installed: ${notInstalled}` },
    ],
  };
  const gateway: AppSpec = {
    name: 'gateway',
    announcesReady: true,
    color: 'green',
    command: tsx,
    args: ['src/main.ts'],
    cwd: gatewayDir,
    requires: [{ path: path.join(gatewayDir, 'src/main.ts'), missing: 'apps/gateway/src/main.ts is missing from this checkout' }],
  };
  // Device ingestion: the embedded MQTT broker, or a client of MQTT_URL.
  const mqtt: AppSpec = {
    name: 'mqtt',
    announcesReady: true,
    color: 'yellow',
    command: tsx,
    args: ['src/main.ts'],
    cwd: mqttDir,
    requires: [{ path: path.join(mqttDir, 'src/main.ts'), missing: 'apps/mqtt/src/main.ts is missing from this checkout' }],
  };
  return [portal, worker, gateway, mqtt];
}

/** Throws a LaunchError listing every missing requirement of `apps`. */
export function checkApps(apps: AppSpec[]): void {
  const problems = apps.flatMap((app) =>
    (app.requires ?? []).filter((r) => !fs.existsSync(r.path)).map((r) => `${app.name}: ${r.missing}`),
  );
  if (problems.length) throw new LaunchError(`Cannot start the apps:\n  ${problems.join('\n  ')}`);
}
