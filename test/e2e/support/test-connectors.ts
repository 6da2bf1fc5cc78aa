/**
 * The platform's portal and worker with test connectors added to their catalogue: connectors that exist
 * only for a test (e.g. one for the fake OAuth provider, whose URL is known only at run time) and must not
 * enter the product's generated registry. Each app still runs its production code: the worker through
 * `startWorker(config, log, { catalog })`, the portal as its production build served by Next's own
 * server, with the services it would create for itself created here with the larger catalogue.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AppSpec } from '../../../packages/cli/src/apps.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../../..');

/**
 * Replaces the default portal and worker with ones that add the test connectors named by
 * TEST_CONNECTORS (see test-connector-catalog.ts); the gateway stays as it is.
 */
export function withTestConnectors(defaults: AppSpec[]): AppSpec[] {
  const tsx = path.join(root, 'node_modules/.bin/tsx');
  return defaults.map((app) => {
    if (app.name === 'portal') return { ...app, command: tsx, args: [path.join(here, 'portal-with-test-connectors.ts')], cwd: path.join(root, 'apps/portal') };
    if (app.name === 'worker') return { ...app, command: tsx, args: [path.join(here, 'worker-with-test-connectors.ts')], cwd: path.join(root, 'apps/worker') };
    return app;
  });
}
