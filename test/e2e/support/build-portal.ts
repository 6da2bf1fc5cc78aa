/**
 * Browser tests run the production build of the portal. Builds it when there is no build or when any
 * source it depends on changed since (so a stale build never hides a change).
 */
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const portal = path.join(root, 'apps/portal');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === '.next' || entry.name === 'generated') continue;
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : fs.statSync(full).mtimeMs);
  }
  return newest;
}

export default function buildPortal() {
  const buildId = path.join(portal, '.next/BUILD_ID');
  const built = fs.existsSync(buildId) ? fs.statSync(buildId).mtimeMs : 0;
  const sources = Math.max(
    newestMtime(path.join(portal, 'src')),
    ...['core', 'db', 'queue', 'connector-sdk', 'engine', 'mapping'].filter((p) => fs.existsSync(path.join(root, 'packages', p, 'src'))).map((p) => newestMtime(path.join(root, 'packages', p, 'src'))),
  );
  if (built > sources) return;
  const started = Date.now();
  const result = spawnSync(path.join(portal, 'node_modules/.bin/next'), ['build'], {
    cwd: portal,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`next build failed:\n${result.stdout}\n${result.stderr}`);
  console.log(`built the portal for browser tests in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
