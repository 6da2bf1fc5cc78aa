/**
 * Opening a connection to a tenant's PostgreSQL. Every call gets its own client, connected to the one address
 * the platform's `resolveHost` vetted (the driver never resolves the name itself, so DNS cannot point it
 * elsewhere after the check), with short timeouts, and ended when the call is done: nothing stays open
 * between runs.
 */
import net from 'node:net';
import tls from 'node:tls';
import pg from 'pg';
import { ConnectorError, z, type AuthValue, type ConnectorLogger } from '@conflux/connector-sdk';
import { describeFailure } from './failures.ts';

/** Connecting, TLS and login together. */
export const CONNECT_TIMEOUT_MS = 10_000;
/** One statement, enforced by the server. */
export const STATEMENT_TIMEOUT_MS = 30_000;
// The client's own limit, for a server that stops answering altogether (the statement timeout is the server's).
const CALL_TIMEOUT_MS = CONNECT_TIMEOUT_MS + STATEMENT_TIMEOUT_MS + 5_000;

const HOST_NAME = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/;
const bare = (host: string) => host.replace(/^\[(.*)\]$/, '$1');

/** What a person enters for a PostgreSQL connection (all of it encrypted with the connection). */
export const connectionFields = z.object({
  host: z
    .string()
    .trim()
    .min(1, 'Host is required')
    .max(253)
    .refine((host) => net.isIP(bare(host)) !== 0 || HOST_NAME.test(host), 'Enter a host name or IP address, without scheme or port')
    .describe('Database server host name or IP address, e.g. db.example.com.'),
  port: z.number().int().min(1).max(65535).default(5432).describe('Database server port.'),
  database: z.string().trim().min(1, 'Database is required').max(63).describe('Database name.'),
  user: z.string().trim().min(1, 'User is required').max(63).describe('Database user. A role that may read only what flows need is safest.'),
  password: z.string().min(1, 'Password is required').max(1024).describe('Password of that user.'),
  sslMode: z
    .enum(['verify-full', 'require', 'disable'])
    .default('verify-full')
    .describe('verify-full: TLS with the server’s certificate checked against the host name (recommended); require: TLS without checking the certificate; disable: no TLS (only inside a trusted network).'),
  caCertificate: z
    .string()
    .trim()
    .max(20_000)
    .optional()
    .describe('PEM certificate of the authority that signed the server’s certificate, for verify-full with a private CA (e.g. your cloud provider’s database CA bundle).'),
});

/** The settings of a PostgreSQL connection. */
export type ConnectionSettings = z.output<typeof connectionFields>;

/** The settings stored with the connection; broken ones need the tenant to fix the connection. */
export function connectionSettings(auth: AuthValue | null): ConnectionSettings {
  if (auth?.kind !== 'custom') throw ConnectorError.auth('The PostgreSQL connection has no connection settings: reconnect it.');
  const parsed = connectionFields.safeParse(auth.values);
  if (!parsed.success) {
    throw ConnectorError.auth(`The PostgreSQL connection’s settings are incomplete: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  return parsed.data;
}

// node-postgres turns timestamps into Date objects, which keep milliseconds only. PostgreSQL keeps
// microseconds, and a keyset cursor that lost them would return the same rows again forever, so time values
// stay exact: timestamps as ISO 8601 text (the session runs in UTC), dates, times and intervals as PostgreSQL
// writes them, bytea as base64.
const OID = { bytea: 17, date: 1082, time: 1083, timestamp: 1114, timestamptz: 1184, interval: 1186, timetz: 1266 } as const;
const AS_TEXT: ReadonlySet<number> = new Set([OID.date, OID.time, OID.timetz, OID.interval]);

/** `2024-05-01 12:00:00.123456+00` → `2024-05-01T12:00:00.123456Z`; infinity and BC dates stay as they are. */
export function isoTimestamp(text: string): string {
  const match = /^(\d{4,}-\d\d-\d\d) (\d\d:\d\d:\d\d(?:\.\d+)?)(?:([+-]\d\d)(?::?(\d\d))?(?::?(\d\d))?)?$/.exec(text);
  if (!match) return text;
  const [, date, time, hours, minutes = '00', seconds] = match;
  if (hours === undefined) return `${date}T${time}`;
  if (seconds !== undefined) return text; // an offset with seconds (historic zones) has no ISO form
  const offset = `${hours}:${minutes}`;
  return `${date}T${time}${offset === '+00:00' || offset === '-00:00' ? 'Z' : offset}`;
}

/** The type parsers of every query this connector runs. */
export const typeParsers: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (format === 'binary') return pg.types.getTypeParser(oid, format);
    if (oid === OID.timestamp || oid === OID.timestamptz) return isoTimestamp;
    if (AS_TEXT.has(oid)) return (text: string) => text;
    if (oid === OID.bytea) {
      const parse = pg.types.getTypeParser(OID.bytea, 'text') as (text: string) => Buffer;
      return (text: string) => parse(text).toString('base64');
    }
    return pg.types.getTypeParser(oid, format);
  }) as pg.CustomTypesConfig['getTypeParser'],
};

/** What opening a client needs: the actions', polls' and connection tests' contexts all have it. */
export interface SocketContext {
  auth: AuthValue | null;
  resolveHost?(host: string): Promise<string>;
  log: ConnectorLogger;
  signal: AbortSignal;
}

function sslOptions(settings: ConnectionSettings): pg.ClientConfig['ssl'] {
  if (settings.sslMode === 'disable') return false;
  const host = bare(settings.host);
  // SNI carries names only (RFC 6066); the socket goes to the vetted address, so the name must be given here.
  const servername = net.isIP(host) === 0 ? host.replace(/\.$/, '') : undefined;
  if (settings.sslMode === 'require') return { rejectUnauthorized: false, servername };
  return {
    rejectUnauthorized: true,
    servername,
    ca: settings.caCertificate || undefined,
    // Checked against the host the tenant entered, never the address we connected to.
    checkServerIdentity: (_address, certificate) => tls.checkServerIdentity(servername ?? host, certificate),
  };
}

function session(readOnly: boolean): string {
  return [
    `SET statement_timeout = ${STATEMENT_TIMEOUT_MS}`,
    `SET lock_timeout = ${STATEMENT_TIMEOUT_MS}`,
    "SET TimeZone = 'UTC'",
    "SET DateStyle = 'ISO, YMD'",
    "SET IntervalStyle = 'iso_8601'",
    ...(readOnly ? ['SET default_transaction_read_only = on'] : []),
  ].join('; ');
}

/**
 * Connects, runs `work` and ends the client, whatever happens. Failures come out as ConnectorErrors (see
 * failures.ts); an abort of the call's signal ends the connection at once and rethrows the signal's reason.
 */
export async function withClient<T>(ctx: SocketContext, work: (client: pg.Client) => Promise<T>, options: { readOnly?: boolean } = {}): Promise<T> {
  const settings = connectionSettings(ctx.auth);
  if (!ctx.resolveHost) {
    // Without the platform's resolver the driver would resolve and connect unchecked: refuse instead.
    throw ConnectorError.permanent('This platform does not give connectors a host resolver, so PostgreSQL connections cannot be opened safely.');
  }
  const address = await ctx.resolveHost(bare(settings.host));
  const client = new pg.Client({
    host: address,
    port: settings.port,
    database: settings.database,
    user: settings.user,
    password: settings.password,
    ssl: sslOptions(settings),
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    application_name: 'conflux',
    types: typeParsers,
  });
  // Errors of an idle client (the server going away) arrive as events; without a listener they would crash the worker.
  client.on('error', (error) => ctx.log.warn('postgres: connection error', { message: error.message }));

  const deadline = AbortSignal.any([ctx.signal, AbortSignal.timeout(CALL_TIMEOUT_MS)]);
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_resolve, reject) => {
    onAbort = () => {
      void client.end().catch(() => undefined);
      reject(deadline.reason);
    };
    if (deadline.aborted) onAbort();
    else deadline.addEventListener('abort', onAbort, { once: true });
  });
  aborted.catch(() => undefined);

  try {
    return await Promise.race([
      (async () => {
        await client.connect();
        await client.query(session(options.readOnly ?? false));
        return work(client);
      })(),
      aborted,
    ]);
  } catch (error) {
    if (ctx.signal.aborted) throw ctx.signal.reason;
    if (deadline.aborted) throw ConnectorError.retryable(`PostgreSQL at ${settings.host}:${settings.port} did not answer within ${CALL_TIMEOUT_MS / 1000} s`, { cause: error });
    throw describeFailure(error, settings);
  } finally {
    if (onAbort) deadline.removeEventListener('abort', onAbort);
    await client.end().catch(() => undefined);
  }
}
