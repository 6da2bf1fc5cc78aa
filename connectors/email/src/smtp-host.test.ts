import { describe, expect, it } from 'vitest';
import { resolveSmtpHost, smtpHostAllowed, SmtpHostRefused, type Lookup } from './smtp-host.ts';

describe('smtpHostAllowed', () => {
  const refused = [
    'localhost',
    'LOCALHOST.',
    'mail.localhost',
    '127.0.0.1',
    '127.8.9.10',
    '0.0.0.0',
    '10.1.2.3',
    '100.64.0.1',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.10',
    '169.254.169.254',
    '224.0.0.1',
    '::1',
    '[::1]',
    '::',
    '::ffff:127.0.0.1',
    'fc00::1',
    'fd12:3456::1',
    'fe80::1',
  ];
  const allowed = ['smtp.example.com', 'smtp.gmail.com', '8.8.8.8', '172.32.0.1', '2001:4860:4860::8888'];

  it.each(refused)('refuses %s', (host) => {
    expect(smtpHostAllowed(host)).toBe(false);
  });

  it.each(allowed)('allows %s', (host) => {
    expect(smtpHostAllowed(host)).toBe(true);
  });

  it('allows private hosts when the platform says so', () => {
    for (const host of refused) expect(smtpHostAllowed(host, { allowPrivateNetwork: true })).toBe(true);
  });
});

describe('resolveSmtpHost', () => {
  const resolvesTo =
    (...addresses: string[]): Lookup =>
    async () =>
      addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));

  it('pins a public name to its checked address', async () => {
    expect(await resolveSmtpHost('smtp.example.com', {}, resolvesTo('203.0.113.7', '2001:db8::7'))).toBe('203.0.113.7');
  });

  it('refuses a public-looking name that resolves to a private address', async () => {
    await expect(resolveSmtpHost('internal.example.com', {}, resolvesTo('203.0.113.7', '10.0.0.5'))).rejects.toThrow(SmtpHostRefused);
    await expect(resolveSmtpHost('internal.example.com', {}, resolvesTo('10.0.0.5'))).rejects.toThrow('internal.example.com (10.0.0.5) is not a public address');
    expect(await resolveSmtpHost('internal.example.com', { allowPrivateNetwork: true }, resolvesTo('10.0.0.5'))).toBe('10.0.0.5');
  });

  it('uses IP literals as they are, without asking DNS', async () => {
    const noDns: Lookup = async () => {
      throw new Error('DNS was asked');
    };
    expect(await resolveSmtpHost('[2001:db8::25]', {}, noDns)).toBe('2001:db8::25');
    await expect(resolveSmtpHost('127.0.0.1', {}, noDns)).rejects.toThrow(SmtpHostRefused);
  });
});
