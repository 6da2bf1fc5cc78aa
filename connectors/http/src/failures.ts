/** How the http connector tells the platform's own failures from the ones it describes itself. */
import { isConnectorError } from '@conflux/connector-sdk';

/**
 * Whether an error thrown by `ctx.fetch` already says what it is: a ConnectorError, the guarded fetch's
 * EgressError (blocked host, size cap, timeout; the engine reads its `retryable`), or an abort. Those pass
 * through untouched; only a bare network failure is the connector's to describe.
 */
export function alreadyClassified(error: unknown): boolean {
  if (isConnectorError(error)) return true;
  const name = (error as { name?: unknown } | null)?.name;
  return name === 'EgressError' || name === 'AbortError' || name === 'TimeoutError';
}
