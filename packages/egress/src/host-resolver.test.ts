import { describe, expect, it } from 'vitest';
import { EgressError } from './egress-error.ts';
import type { EgressLookup } from './guarded-connect.ts';
import { createHostResolver } from './host-resolver.ts';

const answers =
  (...addresses: string[]): EgressLookup =>
  async () =>
    addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
const noLookup: EgressLookup = () => Promise.reject(new Error('lookup must not be called for a literal'));

async function refusal(promise: Promise<unknown>): Promise<EgressError> {
  const error = await promise.then(
    () => expect.unreachable('the host was not refused'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(EgressError);
  return error as EgressError;
}

describe('createHostResolver', () => {
  it('refuses loopback by default, as a literal and behind a name', async () => {
    const resolve = createHostResolver({ lookup: answers('127.0.0.1') });
    expect(await refusal(resolve('127.0.0.1'))).toMatchObject({ code: 'BLOCKED_ADDRESS', retryable: false });
    expect(await refusal(resolve('[::1]'))).toMatchObject({ code: 'BLOCKED_ADDRESS' });
    expect(await refusal(resolve('db.example.test'))).toMatchObject({ code: 'BLOCKED_ADDRESS' });
  });

  it('allows loopback when the operator allows 127.0.0.0/8, and vets a literal without a lookup', async () => {
    expect(await createHostResolver({ allow: ['127.0.0.0/8'], lookup: noLookup })('127.0.0.1')).toBe('127.0.0.1');
    expect(await createHostResolver({ allow: ['127.0.0.0/8'], lookup: answers('127.0.0.5') })('db.example.test')).toBe('127.0.0.5');
  });

  it('returns the first answer of a public name', async () => {
    expect(await createHostResolver({ lookup: answers('93.184.215.14', '2606:2800:21f:cb07:6820:80da:af6b:8b2c') })('db.example.test.')).toBe('93.184.215.14');
  });

  it('always refuses the metadata address and metadata names', async () => {
    for (const allow of [[], ['127.0.0.0/8']]) {
      expect(await refusal(createHostResolver({ allow, lookup: noLookup })('169.254.169.254'))).toMatchObject({ code: 'BLOCKED_ADDRESS' });
      expect(await refusal(createHostResolver({ allow, lookup: answers('169.254.169.254') })('innocent.example.test'))).toMatchObject({ code: 'BLOCKED_ADDRESS' });
    }
    // The names are refused before any lookup, even where the operator opened the link-local range.
    expect(await refusal(createHostResolver({ allow: ['169.254.0.0/16'], lookup: noLookup })('metadata.google.internal'))).toMatchObject({ code: 'BLOCKED_ADDRESS' });
  });

  it('refuses a rebinding name with one private answer among public ones, without naming the address', async () => {
    const error = await refusal(createHostResolver({ lookup: answers('93.184.215.14', '10.20.30.40') })('rebind.example.test'));
    expect(error.code).toBe('BLOCKED_ADDRESS');
    expect(error.message).toContain('rebind.example.test');
    expect(error.message).not.toContain('10.20.30.40');
  });

  it('reports a failed lookup as a retryable network error, and an empty host as a bad target', async () => {
    const resolve = createHostResolver({ lookup: () => Promise.reject(Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' })) });
    expect(await refusal(resolve('nowhere.example.test'))).toMatchObject({ code: 'NETWORK', retryable: true });
    expect(await refusal(resolve('  '))).toMatchObject({ code: 'BAD_URL', retryable: false });
  });

  it('rejects a bad allow range when it is created, not on a call', () => {
    expect(() => createHostResolver({ allow: ['10.0.0.0/99'] })).toThrow(/not a CIDR range/);
  });
});
