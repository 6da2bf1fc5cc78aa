import { describe, expect, it } from 'vitest';
import { createAddressPolicy } from './address-policy.ts';

const policy = createAddressPolicy();

describe('address policy', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['10.0.0.1', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'link-local (cloud metadata)'],
    ['100.64.0.1', 'carrier-grade NAT'],
    ['100.100.100.200', 'carrier-grade NAT'], // Alibaba Cloud's metadata address
    ['0.0.0.0', 'this network'],
    ['0.1.2.3', 'this network'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['240.0.0.1', 'reserved'],
    ['192.0.0.192', 'IETF protocol assignments'],
    ['192.0.2.1', 'documentation'],
    ['198.51.100.7', 'documentation'],
    ['203.0.113.9', 'documentation'],
    ['198.18.0.1', 'benchmarking'],
    ['192.88.99.1', '6to4 relay anycast'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['fc00::1', 'unique-local'],
    ['fd00:ec2::254', 'unique-local'], // AWS's IPv6 metadata address
    ['ff02::1', 'multicast'],
    ['fec0::1', 'site-local (deprecated)'],
    ['::127.0.0.1', 'IPv4-compatible (deprecated)'],
    ['::8.8.8.8', 'IPv4-compatible (deprecated)'], // not ::ffff:8.8.8.8, whatever a lax parser thinks
    ['100::1', 'discard-only'],
    ['64:ff9b:1::a00:1', 'local-use NAT64'],
    ['2001:db8::1', 'documentation'],
    ['2001::1', 'IETF protocol assignments'],
    ['3fff::1', 'documentation'],
    ['4000::1', 'not global unicast'],
  ])('refuses %s (%s)', (address, reason) => {
    expect(policy.blockedReason(address)).toBe(reason);
  });

  it.each([
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:169.254.169.254', 'link-local (cloud metadata)'],
    ['::ffff:10.1.2.3', 'private'],
  ])('judges IPv4-mapped %s as the IPv4 address it is (%s)', (address, reason) => {
    expect(policy.blockedReason(address)).toBe(reason);
  });

  it.each([
    ['64:ff9b::127.0.0.1', 'NAT64 form of a loopback address'],
    ['64:ff9b::a9fe:a9fe', 'NAT64 form of a link-local (cloud metadata) address'],
    ['2002:7f00:1::1', '6to4 form of a loopback address'],
    ['2002:c0a8:101::', '6to4 form of a private address'],
  ])('refuses %s, which embeds a blocked IPv4 address', (address, reason) => {
    expect(policy.blockedReason(address)).toBe(reason);
  });

  it.each(['93.184.216.34', '8.8.8.8', '1.1.1.1', '172.32.0.1', '100.128.0.1', '2606:4700:4700::1111', '2a00:1450:4001:80b::200e', '::ffff:8.8.8.8', '64:ff9b::808:808', '2002:808:808::1'])(
    'lets the public address %s through',
    (address) => {
      expect(policy.blockedReason(address)).toBeUndefined();
    },
  );

  it.each(['127.1', '0x7f.1', '2130706433', '0177.0.0.1', 'localhost', '', '[::1]'])(
    'refuses the non-canonical spelling %j instead of guessing what it means',
    (text) => {
      expect(policy.blockedReason(text)).toBe('not an IP address');
    },
  );

  it('lets operator-allowed ranges through, and only those', () => {
    const allowing = createAddressPolicy(['127.0.0.0/8', '10.1.0.0/16', 'fd12::/16', '169.254.169.254']);
    expect(allowing.blockedReason('127.0.0.1')).toBeUndefined();
    expect(allowing.blockedReason('::ffff:127.0.0.1')).toBeUndefined();
    expect(allowing.blockedReason('10.1.200.3')).toBeUndefined();
    expect(allowing.blockedReason('fd12::5')).toBeUndefined();
    expect(allowing.blockedReason('169.254.169.254')).toBeUndefined();
    expect(allowing.blockedReason('169.254.169.253')).toBe('link-local (cloud metadata)');
    expect(allowing.blockedReason('10.2.0.1')).toBe('private');
    expect(allowing.blockedReason('::1')).toBe('loopback');
    expect(allowing.blockedReason('fd13::5')).toBe('unique-local');
  });

  it('accepts an allowed range written as IPv4-mapped IPv6', () => {
    expect(createAddressPolicy(['::ffff:127.0.0.0/104']).blockedReason('127.0.0.9')).toBeUndefined();
  });

  it.each(['127.0.0.0/33', 'localhost', '127.1/8', '10.0.0.0/', 'fe80::/129', ''])('rejects the bad allow entry %j at start-up', (entry) => {
    expect(() => createAddressPolicy([entry])).toThrow(TypeError);
  });
});
