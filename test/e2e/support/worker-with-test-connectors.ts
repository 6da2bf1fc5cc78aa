/** The worker (apps/worker/src/main.ts) with the test connectors in its catalogue. */
import pino from 'pino';
import { announceReady } from '@conflux/core';
import { parseWorkerConfig } from '../../../apps/worker/src/env.ts';
import { startWorker } from '../../../apps/worker/src/worker.ts';
import { testConnectorCatalog } from './test-connector-catalog.ts';

const config = parseWorkerConfig(process.env);
const log = pino({ level: config.logLevel });
const worker = await startWorker(config, log, { catalog: testConnectorCatalog(process.env) });
log.info('worker with test connectors ready');
announceReady('worker');

let stopping = false;
async function shutdown() {
  if (stopping) return;
  stopping = true;
  await worker.stop();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown());
process.on('SIGTERM', () => void shutdown());
