// The one outbound HTTP path for connector code. Everything a connector fetches goes through
// createEgress().fetch, whose socket-opening hook refuses private, loopback, link-local and metadata
// addresses at connect time, so neither a crafted URL, a redirect nor DNS rebinding reaches them.
export { createEgress, EGRESS_DEFAULTS } from './egress.ts';
export type { Egress, EgressFetch, EgressOptions, EgressRequestInit } from './egress.ts';
export { EgressError, isEgressError } from './egress-error.ts';
export type { EgressErrorCode, EgressErrorOptions } from './egress-error.ts';
export type { EgressLookup, ResolvedAddress } from './guarded-connect.ts';
// Connectors with their own sockets (a database driver) get the same rule as one vetted address to pin.
export { createHostResolver } from './host-resolver.ts';
export type { HostResolver, HostResolverOptions } from './host-resolver.ts';
export type { RateBudgetOptions } from './rate-budget.ts';
