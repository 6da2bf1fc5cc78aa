import net from 'node:net';
import { createAddressPolicy } from './address-policy.ts';
import { EgressError } from './egress-error.ts';
import { literalHostError, resolveChecked, systemLookup, type EgressLookup } from './guarded-connect.ts';
import { normalizeHost } from './host-rules.ts';

/** Settings of {@link createHostResolver}. */
export interface HostResolverOptions {
  /** CIDR ranges that may be reached although the guard refuses them (the operator's EGRESS_ALLOW). */
  allow?: readonly string[];
  /** Resolver to vet; the system resolver unless a test plays DNS. */
  lookup?: EgressLookup;
}

/** Resolves a host name (or vets an IP literal) to one address the egress policy allows. */
export type HostResolver = (host: string) => Promise<string>;

/**
 * The egress rule for connectors that open their own sockets (database drivers, SMTP), which cannot go
 * through the guarded fetch. It applies the same policy as the fetch's connect hook and hands back one
 * vetted address: the caller connects to that address and never resolves the name again, so a rebinding
 * DNS server cannot swap in another address between the check and the connect. Throws EgressError:
 * BLOCKED_ADDRESS (refused, never retryable), NETWORK (lookup failed, retryable) or BAD_URL (no host).
 */
export function createHostResolver(options: HostResolverOptions = {}): HostResolver {
  // Built once, so that a bad CIDR fails at start-up rather than on a tenant's call.
  const policy = createAddressPolicy(options.allow);
  const lookup = options.lookup ?? systemLookup;
  return async (host) => {
    const name = normalizeHost(host.trim());
    if (name === '') throw new EgressError('BAD_URL', 'egress: no host to resolve');
    const refusal = literalHostError(name, policy);
    if (refusal) throw refusal;
    if (net.isIP(name) !== 0) return name;
    // resolveChecked refuses the whole name when any answer is blocked, so the first answer is as good
    // as any; it keeps the resolver's order (the one getaddrinfo prefers).
    const [first] = await resolveChecked(name, lookup, policy);
    return first!.address;
  };
}
