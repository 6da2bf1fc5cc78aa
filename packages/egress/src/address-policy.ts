import net from 'node:net';
// ipaddr.js rather than net.BlockList: the guard must look inside IPv6 forms that embed an IPv4 address
// (NAT64, 6to4), which needs the address as bytes, and BlockList only answers "is it in a range". ipaddr.js
// is small, has no dependencies and has been maintained for over a decade (Express's proxy-addr uses it).
// Only its parser and CIDR matcher are used: the list of refused ranges is ours, below, so that an upgrade
// of its own range names can never quietly open a range.
import ipaddr from 'ipaddr.js';

type Address = ipaddr.IPv4 | ipaddr.IPv6;
type Range = { readonly cidr: readonly [Address, number]; readonly label: string };

const range = (cidr: string, label: string): Range => ({ cidr: ipaddr.parseCIDR(cidr), label });

// IANA's IPv4 special-purpose registry, less the entries that are globally reachable (AS112, AMT),
// plus multicast and the reserved class E. Most specific first: the first match names the reason.
const BLOCKED_V4: readonly Range[] = [
  range('255.255.255.255/32', 'broadcast'),
  range('0.0.0.0/8', 'this network'),
  range('10.0.0.0/8', 'private'),
  range('100.64.0.0/10', 'carrier-grade NAT'),
  range('127.0.0.0/8', 'loopback'),
  range('169.254.0.0/16', 'link-local (cloud metadata)'),
  range('172.16.0.0/12', 'private'),
  range('192.0.0.0/24', 'IETF protocol assignments'),
  range('192.0.2.0/24', 'documentation'),
  range('192.88.99.0/24', '6to4 relay anycast'),
  range('192.168.0.0/16', 'private'),
  range('198.18.0.0/15', 'benchmarking'),
  range('198.51.100.0/24', 'documentation'),
  range('203.0.113.0/24', 'documentation'),
  range('224.0.0.0/4', 'multicast'),
  range('240.0.0.0/4', 'reserved'),
];

// IPv6 is allow-listed instead: only global unicast (2000::/3) can be a public server, so anything outside
// it is refused even if a future registry entry is missing here. The labels only make messages useful.
const GLOBAL_UNICAST_V6 = ipaddr.parseCIDR('2000::/3');
const NON_GLOBAL_V6_LABELS: readonly Range[] = [
  range('::/128', 'unspecified'),
  range('::1/128', 'loopback'),
  range('::/96', 'IPv4-compatible (deprecated)'),
  range('64:ff9b:1::/48', 'local-use NAT64'),
  range('100::/64', 'discard-only'),
  range('fc00::/7', 'unique-local'),
  range('fe80::/10', 'link-local'),
  range('fec0::/10', 'site-local (deprecated)'),
  range('ff00::/8', 'multicast'),
];
const BLOCKED_GLOBAL_V6: readonly Range[] = [
  range('2001:db8::/32', 'documentation'),
  // Teredo, benchmarking and ORCHID live here; none of them is a server a connector should reach.
  range('2001::/23', 'IETF protocol assignments'),
  range('3fff::/20', 'documentation'),
];
// Forms whose last or middle 32 bits are an IPv4 address that a gateway will forward to: the verdict is
// that of the embedded address, so a public site behind DNS64 keeps working and 10.0.0.1 does not.
const NAT64 = ipaddr.parseCIDR('64:ff9b::/96');
const SIX_TO_FOUR = ipaddr.parseCIDR('2002::/16');

const sameKind = (address: Address, cidr: readonly [Address, number]) => address.kind() === cidr[0].kind();
const inRange = (address: Address, cidr: readonly [Address, number]) =>
  sameKind(address, cidr) && address.match(cidr[0], cidr[1]);
const findLabel = (address: Address, ranges: readonly Range[]) =>
  ranges.find((entry) => inRange(address, entry.cidr))?.label;

/** Decides whether the guard may connect to an IP address. */
export interface AddressPolicy {
  /** The reason the address is refused, or undefined when it may be connected to. */
  blockedReason(address: string): string | undefined;
}

/** Parses operator CIDRs (`10.1.0.0/16`, a bare address means just that address); throws on a bad one. */
export function parseAllowRanges(allow: readonly string[]): Array<readonly [Address, number]> {
  return allow.map((text) => {
    const trimmed = text.trim();
    const withPrefix = trimmed.includes('/') ? trimmed : `${trimmed}/${net.isIPv6(trimmed) ? 128 : 32}`;
    const [ip] = withPrefix.split('/');
    // net.isIP keeps the inet_aton spellings ipaddr.js accepts ("127.1") out of operator config.
    if (!ip || net.isIP(ip) === 0 || !ipaddr.isValidCIDR(withPrefix)) {
      throw new TypeError(`egress: "${text}" is not a CIDR range`);
    }
    const cidr = ipaddr.parseCIDR(withPrefix);
    // A mapped-IPv4 range would never match: addresses are compared in their IPv4 form.
    if (cidr[0].kind() === 'ipv6' && (cidr[0] as ipaddr.IPv6).isIPv4MappedAddress() && cidr[1] >= 96) {
      return [(cidr[0] as ipaddr.IPv6).toIPv4Address(), cidr[1] - 96] as const;
    }
    return cidr;
  });
}

// ipaddr.js reads "::127.0.0.1" as ::ffff:7f00:1 (IPv4-mapped) where the socket layer means ::7f00:1.
// The text goes through the WHATWG URL host parser first, which writes the embedded IPv4 as hex the way the
// socket reads it, so the guard and the socket cannot disagree on what an address is.
function parseIPv6(text: string): ipaddr.IPv6 {
  const zone = text.indexOf('%');
  const bare = zone === -1 ? text : text.slice(0, zone);
  const canonical = new URL(`http://[${bare}]/`).hostname.slice(1, -1);
  return ipaddr.IPv6.parse(canonical);
}

/** Builds the policy: the operator's `allow` ranges first, then the refused ranges above. */
export function createAddressPolicy(allow: readonly string[] = []): AddressPolicy {
  const allowed = parseAllowRanges(allow);

  const check = (address: Address): string | undefined => {
    if (allowed.some((cidr) => inRange(address, cidr))) return undefined;
    if (address.kind() === 'ipv4') return findLabel(address, BLOCKED_V4);

    const v6 = address as ipaddr.IPv6;
    if (inRange(v6, NAT64)) return embedded(v6.parts[6]!, v6.parts[7]!, 'NAT64');
    if (inRange(v6, SIX_TO_FOUR)) return embedded(v6.parts[1]!, v6.parts[2]!, '6to4');
    if (!inRange(v6, GLOBAL_UNICAST_V6)) return findLabel(v6, NON_GLOBAL_V6_LABELS) ?? 'not global unicast';
    return findLabel(v6, BLOCKED_GLOBAL_V6);
  };

  const embedded = (high: number, low: number, form: string): string | undefined => {
    const v4 = new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]);
    const reason = check(v4);
    return reason === undefined ? undefined : `${form} form of a ${reason} address`;
  };

  return {
    blockedReason(text) {
      // Only canonical literals: the numeric spellings that resolvers accept ("0x7f.1", "2130706433")
      // must never be read differently here than by the socket, so anything net.isIP rejects is refused.
      const family = net.isIP(text);
      if (family === 0) return 'not an IP address';
      let address: Address = family === 4 ? ipaddr.parse(text) : parseIPv6(text);
      // ::ffff:a.b.c.d is the IPv4 socket a.b.c.d: judge (and allow) it as that address.
      if (address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress()) {
        address = (address as ipaddr.IPv6).toIPv4Address();
      }
      return check(address);
    },
  };
}
