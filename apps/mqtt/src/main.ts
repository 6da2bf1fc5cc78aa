import v8 from 'node:v8';
// Trigger props may hold regular expressions of tenants one day: fall back to V8's linear-time engine on
// catastrophic backtracking, as the other apps do.
v8.setFlagsFromString('--enable-experimental-regexp-engine-on-excessive-backtracks');
import pino from 'pino';
import { announceReady, loggerOptions } from '@conflux/core';
import { parseMqttConfig } from './env.ts';
import { startMqttApp } from './app.ts';

const config = (() => {
  try {
    return parseMqttConfig(process.env);
  } catch (error) {
    console.error((error as Error).message);
    process.exit(1);
  }
})();
const log = pino(loggerOptions({ level: config.logLevel, pretty: process.env.CONFLUX_MODE !== 'production' && !process.env.CI }));
const app = await startMqttApp(config, log).catch((error: unknown) => {
  const e = error as NodeJS.ErrnoException;
  if (e.code === 'EADDRINUSE') console.error(`MQTT port ${config.port} is busy: set MQTT_PORT to a free port`);
  else console.error(`The MQTT app could not start: ${e.message}`);
  process.exit(1);
});
if (app.mode === 'embedded') log.info(`embedded MQTT broker listening on :${app.port}`);
else log.info('ingesting from the external broker (shared subscription)');
if (app.authHookPort !== undefined) log.info(`MQTT auth hook on ${config.authHookHost}:${app.authHookPort}`);
announceReady('mqtt');
const stats = setInterval(() => {
  const c = app.ingestor.counters;
  if (c.received) log.debug({ ...c }, 'ingest counters');
}, 60_000);
stats.unref();

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  log.info(`${signal}: writing what is queued, then closing`);
  await app.close();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
