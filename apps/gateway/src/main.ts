import v8 from 'node:v8';
// Mappings may use regular expressions written by tenants: fall back to V8's linear-time engine on
// catastrophic backtracking, so one expression cannot block the event loop for seconds.
v8.setFlagsFromString('--enable-experimental-regexp-engine-on-excessive-backtracks');
import pino from 'pino';
import { createTenantGate } from '@conflux/db';
import { createSystemClient } from '@conflux/db/system';
import { announceReady, catalogFrom, createKeyring, loggerOptions } from '@conflux/core';
import { connectors } from '@conflux/registry';
import { evaluateMapping } from '@conflux/mapping';
import { parseGatewayConfig } from './env.ts';
import { createGateway } from './server.ts';

const config = (() => {
  try {
    return parseGatewayConfig(process.env);
  } catch (error) {
    console.error((error as Error).message);
    process.exit(1);
  }
})();
const log = pino(loggerOptions({ level: config.logLevel, pretty: process.env.CONFLUX_MODE !== 'production' && !process.env.CI }));
const gate = createTenantGate(config.appDatabaseUrl, { max: 20 });
const system = createSystemClient(config.systemDatabaseUrl);
const gateway = createGateway({
  gate,
  system: system.db,
  catalog: catalogFrom(connectors),
  keyring: createKeyring(config.masterKeys),
  log,
  maxBodyBytes: config.maxBodyBytes,
  tenantRate: config.tenantRate,
  appSecrets: config.appSecrets,
  mqttPublicUrl: config.mqttPublicUrl,
  businessKey: async (expression, payload) => {
    const value = await evaluateMapping(expression, { trigger: payload, steps: {} }, { timeoutMs: 100 });
    return value === undefined || value === null ? null : String(value);
  },
});
const port = await gateway.listen(config.port, config.host);
log.info(`gateway listening on :${port}`);
announceReady('gateway');

async function shutdown(signal: string) {
  log.info(`${signal}: closing`);
  await gateway.close();
  await gate.close();
  await system.close();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
