import net from 'node:net';
import { domainToASCII } from 'node:url';
import { EgressError } from './egress-error.ts';

// Names that reach a cloud's instance metadata service from inside the cloud. Their addresses are refused
// anyway (169.254.169.254, fd00:ec2::254), but a name check fails early and survives a resolver that maps
// them somewhere unexpected. Refused even when an operator allows the link-local range.
const METADATA_HOSTNAMES: ReadonlySet<string> = new Set([
  'metadata',
  'metadata.google.internal',
  'metadata.goog',
  'instance-data',
  'instance-data.ec2.internal',
]);

// The fetch standard's "bad port" list (mail, SSH, IRC, NFS, X11…): ports where a crafted HTTP request can
// be mistaken for another protocol. undici's fetch refuses them with an opaque error; refusing them here
// first gives a clear, permanent BAD_URL instead. Every other port is allowed.
const BAD_PORTS: ReadonlySet<number> = new Set([
  1, 7, 9, 11, 13, 15, 17, 19, 20, 21, 22, 23, 25, 37, 42, 43, 53, 69, 77, 79, 87, 95, 101, 102, 103, 104, 109,
  110, 111, 113, 115, 117, 119, 123, 135, 137, 139, 143, 161, 179, 389, 427, 465, 512, 513, 514, 515, 526, 530,
  531, 532, 540, 548, 554, 556, 563, 587, 601, 636, 989, 990, 993, 995, 1719, 1720, 1723, 2049, 3659, 4045,
  4190, 5060, 5061, 6000, 6566, 6665, 6666, 6667, 6668, 6669, 6679, 6697, 10080,
]);

/** A URL host without IPv6 brackets, lower-cased and without the trailing dot of a fully qualified name. */
export function normalizeHost(host: string): string {
  let out = host.toLowerCase();
  if (out.startsWith('[') && out.endsWith(']')) out = out.slice(1, -1);
  // "metadata.google.internal." resolves like the name without its dot; compare them as one.
  while (out.endsWith('.')) out = out.slice(0, -1);
  return out;
}

/** Whether a host is one of the cloud metadata names. */
export function isMetadataHostname(host: string): boolean {
  return METADATA_HOSTNAMES.has(normalizeHost(host));
}

/**
 * Parses and vets a URL before anything touches the network: http(s) only, no credentials in it, no
 * metadata hostname. Returns the parsed URL; the origin in messages never carries path or query.
 */
export function parseTargetUrl(input: string | URL): URL {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw new EgressError('BAD_URL', 'egress: not a valid absolute URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new EgressError('BAD_URL', `egress: scheme ${url.protocol} is not allowed (only http: and https:)`);
  }
  // Refused, not stripped: WHATWG fetch refuses them too, silently dropping them would hide a bug in the
  // caller, and a password in a URL ends up in logs. Connectors send credentials in headers.
  if (url.username !== '' || url.password !== '') {
    throw new EgressError('BAD_URL', `egress: URLs with credentials are refused (${url.origin}); send them in a header`);
  }
  if (url.port !== '' && BAD_PORTS.has(Number(url.port))) {
    throw new EgressError('BAD_URL', `egress: port ${url.port} is refused (a non-HTTP service port)`);
  }
  if (url.hostname === '') throw new EgressError('BAD_URL', 'egress: URL has no host');
  if (isMetadataHostname(url.hostname)) {
    throw new EgressError('BLOCKED_ADDRESS', `egress: ${url.origin} is a cloud metadata host`);
  }
  return url;
}

/** A compiled `allowedHosts` list (a connector manifest's egress hosts). */
export interface HostAllowList {
  matches(host: string): boolean;
}

/**
 * Compiles host patterns: `api.stripe.com` matches that host only; `*.stripe.com` matches any depth of
 * subdomain (`api.stripe.com`, `a.b.stripe.com`) but not `stripe.com` itself, which must be listed too;
 * `*` matches every host (the address guard still applies). Ports are not part of a pattern.
 */
export function compileAllowedHosts(patterns: readonly string[]): HostAllowList {
  const exact = new Set<string>();
  const suffixes: string[] = [];
  let any = false;
  for (const raw of patterns) {
    const pattern = canonicalPattern(raw);
    if (pattern === '*') any = true;
    else if (pattern.startsWith('*.')) suffixes.push(pattern.slice(1));
    else exact.add(pattern);
  }
  return {
    matches(host) {
      const name = normalizeHost(host);
      return any || exact.has(name) || suffixes.some((suffix) => name.endsWith(suffix));
    },
  };
}

// Characters that would make a pattern mean more than a host name: a second wildcard, a path, a port, a
// scheme or userinfo. Judged on the raw text, because domainToASCII silently cuts at some of them.
const NOT_IN_A_NAME = /[*/:@?#\s[\]%\\]/;

// URL hosts arrive canonical (lower case, punycode, compressed IPv6); patterns are brought to that form.
function canonicalPattern(raw: string): string {
  const text = raw.trim().toLowerCase();
  if (text === '*') return '*';
  const bracketed = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  if (net.isIPv6(bracketed)) return normalizeHost(new URL(`http://[${bracketed}]/`).hostname);
  if (net.isIPv4(text)) return text;
  const wildcard = text.startsWith('*.');
  const rest = wildcard ? text.slice(2) : text;
  const name = NOT_IN_A_NAME.test(rest) ? '' : normalizeHost(domainToASCII(rest));
  if (!isHostname(name)) {
    // A malformed manifest entry is a programming error, not a refused call.
    throw new TypeError(`egress: "${raw}" is not a host pattern (use "api.example.com" or "*.example.com")`);
  }
  return wildcard ? `*.${name}` : name;
}

const LABEL = /^(?!-)[a-z0-9-_]{1,63}(?<!-)$/;
function isHostname(value: string): boolean {
  return value.length > 0 && value.length <= 253 && value.split('.').every((label) => LABEL.test(label));
}
