// The one outbound HTTP path for connector code. Everything a connector fetches goes through
// createEgress().fetch, whose socket-opening hook refuses private, loopback, link-local and metadata
// addresses at connect time, so neither a crafted URL, a redirect nor DNS rebinding reaches them.
export { createEgress, EGRESS_DEFAULTS } from './egress.ts';
export type { Egress, EgressFetch, EgressOptions, EgressRequestInit } from './egress.ts';
export { EgressError, isEgressError } from './egress-error.ts';
export type { EgressErrorCode, EgressErrorOptions } from './egress-error.ts';
export type { EgressLookup, ResolvedAddress } from './guarded-connect.ts';
export type { RateBudgetOptions } from './rate-budget.ts';
