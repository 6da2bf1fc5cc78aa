import v8 from 'node:v8';
// Mappings may use regular expressions written by tenants: fall back to V8's linear-time engine on
// catastrophic backtracking, so one expression cannot block the event loop for seconds.
v8.setFlagsFromString('--enable-experimental-regexp-engine-on-excessive-backtracks');
import pino from 'pino';
import { announceReady, loggerOptions } from '@conflux/core';
import { parseWorkerConfig } from './env.ts';
import { startWorker } from './worker.ts';

const config = (() => {
  try {
    return parseWorkerConfig(process.env);
  } catch (error) {
    console.error((error as Error).message);
    process.exit(1);
  }
})();
const log = pino(loggerOptions({ level: config.logLevel, pretty: process.env.CONFLUX_MODE !== 'production' && !process.env.CI }));
const worker = await startWorker(config, log);
log.info({ concurrency: config.concurrency }, 'worker ready');
announceReady('worker');

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  log.info(`${signal}: finishing running jobs`);
  await worker.stop();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
