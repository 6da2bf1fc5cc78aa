/**
 * Where the email connector may connect. nodemailer opens its own sockets, so SMTP cannot go through the
 * platform's guarded fetch; this is the same rule applied by hand: loopback, private, link-local (cloud
 * metadata) and other non-public addresses are refused unless the platform marked the connection with
 * `allowPrivateNetwork`. The host name is resolved here and the connection pinned to the checked address,
 * so that DNS cannot answer differently between the check and the connect.
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

// Two lists: a BlockList matches IPv4 addresses against its IPv4-mapped IPv6 rules too, and the IPv6 list
// refuses every mapped address.
const NON_PUBLIC_V4 = new BlockList();
const NON_PUBLIC_V6 = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, cloud metadata
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15], // benchmarking
  ['224.0.0.0', 3], // multicast and reserved, up to 255.255.255.255
] as const) {
  NON_PUBLIC_V4.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 127], // unspecified and loopback
  ['::ffff:0:0', 96], // IPv4-mapped: nobody configures SMTP that way, and it hides the IPv4 address
  ['64:ff9b::', 96], // NAT64, same reason
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['ff00::', 8], // multicast
] as const) {
  NON_PUBLIC_V6.addSubnet(network, prefix, 'ipv6');
}

/** Whether the connection may allow private networks; decided by the platform, never by the tenant. */
export interface SmtpHostPolicy {
  allowPrivateNetwork?: boolean;
}

/**
 * Whether `host` (a name or an IP address) may be connected to. Names are judged by what they say
 * (`localhost`); their addresses are judged after resolution (see resolveSmtpHost).
 */
export function smtpHostAllowed(host: string, policy: SmtpHostPolicy = {}): boolean {
  if (policy.allowPrivateNetwork) return true;
  const name = host.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '');
  if (name === '' || name === 'localhost' || name.endsWith('.localhost')) return false;
  const version = isIP(name);
  if (version === 0) return true;
  return version === 4 ? !NON_PUBLIC_V4.check(name, 'ipv4') : !NON_PUBLIC_V6.check(name, 'ipv6');
}

/** A resolver shaped like `dns.promises.lookup(host, { all: true })`; injectable for tests. */
export type Lookup = (host: string, options: { all: true }) => Promise<Array<{ address: string; family: number }>>;

/**
 * The address to connect to for `host`, after checking the name and every address it resolves to.
 * Throws an Error naming the refused host; the caller decides how to classify it.
 */
export async function resolveSmtpHost(host: string, policy: SmtpHostPolicy = {}, lookup: Lookup = dnsLookup): Promise<string> {
  if (!smtpHostAllowed(host, policy)) throw new SmtpHostRefused(host);
  const literal = host.replace(/^\[(.*)\]$/, '$1');
  if (isIP(literal)) return literal;
  const addresses = await lookup(host, { all: true });
  if (addresses.length === 0) throw new Error(`${host} has no address`);
  const refused = addresses.find((entry) => !smtpHostAllowed(entry.address, policy));
  if (refused) throw new SmtpHostRefused(host, refused.address);
  return addresses[0]!.address;
}

/** The SMTP host is not a public address and the connection is not allowed private networks. */
export class SmtpHostRefused extends Error {
  override readonly name = 'SmtpHostRefused';
  constructor(host: string, address?: string) {
    super(`SMTP host ${host}${address ? ` (${address})` : ''} is not a public address; private networks are not allowed for this connection`);
  }
}
