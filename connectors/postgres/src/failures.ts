/**
 * What a failed PostgreSQL call means for the run. The server says it with a SQLSTATE code: a login it
 * refuses needs the connection fixed (`auth`, "reconnect"); a statement it refuses (syntax, permissions, an
 * unknown table, a constraint) fails the same way on every attempt (`permanent`); lost connections, timeouts,
 * deadlocks and a server short of resources may clear (`retryable`). Without a code, the socket failed.
 */
import { ConnectorError, isClassifiedError } from '@conflux/connector-sdk';

/** The server's error fields that node-postgres copies onto its errors. */
interface ServerError {
  code?: string;
  message?: string;
  position?: string;
  severity?: string;
}

// SQLSTATE classes (the first two characters): 08 connection exception, 40 transaction rollback (deadlock,
// serialization failure), 53 insufficient resources (too many connections), 57 operator intervention
// (statement timeout, server shutting down), 58 system error (I/O).
const RETRYABLE_CLASSES: ReadonlySet<string> = new Set(['08', '40', '53', '57', '58']);
// 55P03: a lock wait hit lock_timeout; the lock may be free on the next attempt.
const RETRYABLE_CODES: ReadonlySet<string> = new Set(['55P03']);
// Class 28 is a refused login (wrong password, no such role, no pg_hba entry); 3D000 an unknown database.
const LOGIN_CODES: ReadonlySet<string> = new Set(['3D000']);
// A TLS handshake the client refused: the certificate or the SSL mode needs changing, not another attempt.
const TLS_CODE = /^(?:ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_)/;

const SQLSTATE = /^[0-9A-Z]{5}$/;

/** The ConnectorError for a failed call to the database at `settings`. */
export function describeFailure(error: unknown, settings: { host: string; port: number }): Error {
  if (isClassifiedError(error)) return error as Error;
  const where = `PostgreSQL at ${settings.host}:${settings.port}`;
  const failure = (typeof error === 'object' && error !== null ? error : {}) as ServerError;
  const message = failure.message ?? String(error);

  if (failure.code && SQLSTATE.test(failure.code) && failure.severity !== undefined) {
    const code = failure.code;
    const details = { sqlstate: code, ...(failure.position ? { position: Number(failure.position) } : {}) };
    if (code.startsWith('28') || LOGIN_CODES.has(code)) {
      return new ConnectorError('auth', `${where} refused the login (${code}): ${message}. Check the connection’s user, password and database.`, { cause: error });
    }
    const at = failure.position ? ` (at character ${failure.position})` : '';
    if (RETRYABLE_CLASSES.has(code.slice(0, 2)) || RETRYABLE_CODES.has(code)) {
      return ConnectorError.retryable(`${where} could not complete the statement (${code}): ${message}`, { cause: error, details });
    }
    return ConnectorError.permanent(`${where} rejected the statement (${code}): ${message}${at}`, { cause: error, details });
  }

  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && TLS_CODE.test(code)) {
    return ConnectorError.permanent(`${where}: the server’s TLS certificate was not accepted (${code}). Add its CA certificate to the connection, or choose another SSL mode.`, { cause: error });
  }
  if (/does not support SSL/i.test(message)) {
    return ConnectorError.permanent(`${where} does not offer TLS: choose SSL mode “disable” only if the network to it is trusted.`, { cause: error });
  }
  // A socket failure: refused, reset, timed out, unreachable. The message of a socket error names the
  // address we connected to, which stays out of run views; its code says enough.
  const reason = typeof code === 'string' ? code : /timeout/i.test(message) ? 'timed out' : message;
  return ConnectorError.retryable(`Could not reach ${where} (${reason})`, { cause: error });
}
