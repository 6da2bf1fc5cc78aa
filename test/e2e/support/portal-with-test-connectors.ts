/**
 * The portal's production build served by Next's own request handler, with the services it would create
 * on first use (apps/portal/src/server/services.ts `getServices`) created here first, from the same
 * environment, with the test connectors in the catalogue. Runs with the portal folder as working directory.
 */
import http from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import { parsePortalConfig } from '../../../apps/portal/src/server/config.ts';
import { createServices } from '../../../apps/portal/src/server/services.ts';
import { testConnectorCatalog } from './test-connector-catalog.ts';

const portalDir = process.cwd();
const port = Number(process.env.PORT);
// getServices() keeps the process's services on globalThis: setting them first is how the catalogue grows.
(globalThis as { __confluxServices?: unknown }).__confluxServices = createServices(parsePortalConfig(process.env), { catalog: testConnectorCatalog(process.env) });

type NextFactory = (options: { dev: boolean; dir: string; port: number; hostname: string }) => {
  prepare(): Promise<void>;
  getRequestHandler(): (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void>;
  close?(): Promise<void>;
};
const required = createRequire(path.join(portalDir, 'package.json'))('next') as NextFactory | { default: NextFactory };
const next = typeof required === 'function' ? required : required.default;
const app = next({ dev: false, dir: portalDir, port, hostname: 'localhost' });
await app.prepare();
const handle = app.getRequestHandler();
const server = http.createServer((req, res) => void handle(req, res));
server.listen(port, () => console.log(`portal with test connectors on ${port}`));

function shutdown() {
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 3000).unref();
}
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
