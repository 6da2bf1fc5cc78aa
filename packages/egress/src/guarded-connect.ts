import dns from 'node:dns';
import net from 'node:net';
import { buildConnector } from 'undici';
import type { AddressPolicy } from './address-policy.ts';
import { EgressError } from './egress-error.ts';
import { isMetadataHostname, normalizeHost } from './host-rules.ts';

/** One address a hostname resolved to. */
export interface ResolvedAddress {
  address: string;
  family: number;
}

/** Resolves a hostname to all its addresses; replaceable so tests can play a rebinding DNS server. */
export type EgressLookup = (hostname: string) => Promise<readonly ResolvedAddress[]>;

/** The system resolver (getaddrinfo, so /etc/hosts applies), every address in the resolver's order. */
export const systemLookup: EgressLookup = (hostname) => dns.promises.lookup(hostname, { all: true, order: 'verbatim' });

type NetLookupCallback = (err: Error | null, address: string | ResolvedAddress[], family?: number) => void;
type NetLookupOptions = { all?: boolean; family?: number | string };

/**
 * Resolves a name and vets every answer. Refuses the whole name if any answer is blocked: a public address
 * next to a private one is what a rebinding attacker serves, and there is no honest reason for it.
 */
export async function resolveChecked(host: string, lookup: EgressLookup, policy: AddressPolicy): Promise<ResolvedAddress[]> {
  let answers: readonly ResolvedAddress[];
  try {
    answers = await lookup(host);
  } catch (cause) {
    throw new EgressError('NETWORK', `egress: could not resolve ${host}`, { cause });
  }
  if (answers.length === 0) throw new EgressError('NETWORK', `egress: ${host} has no addresses`);
  for (const answer of answers) {
    const reason = policy.blockedReason(answer.address);
    // The address is left out of the message: partner code must not map internal DNS through our errors.
    if (reason !== undefined) throw new EgressError('BLOCKED_ADDRESS', `egress: ${host} resolves to a blocked address (${reason})`);
  }
  return answers.map(({ address }) => ({ address, family: net.isIP(address) }));
}

/** Refuses an IP literal or metadata name before any socket exists; undefined when a lookup must decide. */
export function literalHostError(hostname: string, policy: AddressPolicy): EgressError | undefined {
  const host = normalizeHost(hostname);
  if (isMetadataHostname(host)) return new EgressError('BLOCKED_ADDRESS', `egress: ${host} is a cloud metadata host`);
  if (net.isIP(host) === 0) return undefined;
  const reason = policy.blockedReason(host);
  return reason === undefined ? undefined : new EgressError('BLOCKED_ADDRESS', `egress: ${host} is a blocked address (${reason})`);
}

/** Settings of {@link createGuardedConnect}. */
export interface GuardedConnectOptions {
  policy: AddressPolicy;
  lookup: EgressLookup;
  connectTimeoutMs: number;
}

/**
 * The undici `connect` hook, and so the only place sockets are opened. The check happens here, at connect
 * time, on the very addresses the socket is given: net.connect takes its addresses from our lookup (which
 * refuses blocked ones) and skips lookup only for IP literals, which are checked first. A name that
 * resolved to a public address earlier and to 127.0.0.1 now is refused now.
 */
export function createGuardedConnect(options: GuardedConnectOptions): buildConnector.connector {
  const { policy, lookup } = options;

  // net.connect's lookup contract (dns.lookup's signature); with autoSelectFamily it asks for all answers
  // and tries them in turn, which keeps happy-eyeballs working over checked addresses only.
  const guardedLookup = (hostname: string, lookupOptions: NetLookupOptions, callback: NetLookupCallback) => {
    resolveChecked(hostname, lookup, policy).then((answers) => {
      const family = Number(String(lookupOptions.family ?? 0).replace('IPv', ''));
      const usable = family === 4 || family === 6 ? answers.filter((a) => a.family === family) : answers;
      const first = usable[0];
      if (first === undefined) {
        callback(new EgressError('NETWORK', `egress: ${hostname} has no IPv${family} address`), []);
      } else if (lookupOptions.all) {
        callback(null, usable);
      } else {
        callback(null, first.address, first.family);
      }
    }, (err: unknown) => callback(err instanceof Error ? err : new Error(String(err)), []));
  };

  const connect = buildConnector({ timeout: options.connectTimeoutMs, lookup: guardedLookup });

  return (connectOptions, callback) => {
    const refusal = literalHostError(connectOptions.hostname, policy);
    if (refusal) {
      // Asynchronously, as a socket error would arrive: undici's client expects the callback after return.
      queueMicrotask(() => callback(refusal, null));
      return;
    }
    connect(connectOptions, callback);
  };
}
