import { describe, expect, it } from 'vitest';
import { EgressError } from './egress-error.ts';
import { compileAllowedHosts, isMetadataHostname, parseTargetUrl } from './host-rules.ts';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return error instanceof EgressError ? error.code : `not an EgressError: ${String(error)}`;
  }
  return undefined;
}

describe('parseTargetUrl', () => {
  it.each(['ftp://example.com/', 'file:///etc/passwd', 'data:text/plain,hi', 'javascript:alert(1)', 'gopher://example.com/', 'ws://example.com/'])(
    'refuses the scheme of %s',
    (url) => {
      expect(codeOf(() => parseTargetUrl(url))).toBe('BAD_URL');
    },
  );

  it.each(['http://user:pass@example.com/', 'https://token@example.com/', 'http://:secret@example.com/'])('refuses credentials in %s', (url) => {
    expect(codeOf(() => parseTargetUrl(url))).toBe('BAD_URL');
  });

  it('never repeats the credentials or the path in its message', () => {
    try {
      parseTargetUrl('http://alice:hunter2@example.com/private?token=abc');
      expect.unreachable();
    } catch (error) {
      expect(String((error as Error).message)).not.toMatch(/hunter2|alice|token|private/);
    }
  });

  it.each(['not a url', '/relative/path', 'http://', ''])('refuses %j as not a URL', (url) => {
    expect(codeOf(() => parseTargetUrl(url))).toBe('BAD_URL');
  });

  it.each(['http://example.com:25/', 'http://example.com:22/', 'http://example.com:6000/'])('refuses the non-HTTP service port in %s', (url) => {
    expect(codeOf(() => parseTargetUrl(url))).toBe('BAD_URL');
  });

  it.each(['http://metadata.google.internal/computeMetadata/v1/', 'http://METADATA.google.internal./', 'http://metadata.goog/', 'http://instance-data/'])(
    'refuses the metadata host of %s',
    (url) => {
      expect(codeOf(() => parseTargetUrl(url))).toBe('BLOCKED_ADDRESS');
    },
  );

  it('accepts ordinary http and https URLs on any other port', () => {
    expect(parseTargetUrl('https://api.stripe.com/v1/charges').hostname).toBe('api.stripe.com');
    expect(parseTargetUrl('http://example.com:8080/x').port).toBe('8080');
  });

  it('recognises metadata names however they are spelled', () => {
    expect(isMetadataHostname('Metadata.Google.Internal..')).toBe(true);
    expect(isMetadataHostname('metadata.google.internal.example.com')).toBe(false);
  });
});

describe('allowed hosts', () => {
  const list = compileAllowedHosts(['*.stripe.com', 'api.example.com', 'Bücher.example', '[2001:4860::0001]']);

  it.each([
    ['api.stripe.com', true],
    ['a.b.stripe.com', true],
    ['API.STRIPE.COM.', true],
    ['stripe.com', false],
    ['evilstripe.com', false],
    ['stripe.com.evil.com', false],
    ['api.example.com', true],
    ['www.api.example.com', false],
    ['example.com', false],
    ['xn--bcher-kva.example', true],
    ['[2001:4860::1]', true],
  ])('%s → %s', (host, expected) => {
    expect(list.matches(host)).toBe(expected);
  });

  it('matches everything with a bare *', () => {
    expect(compileAllowedHosts(['*']).matches('anything.example')).toBe(true);
  });

  it('matches nothing when the list is empty', () => {
    expect(compileAllowedHosts([]).matches('api.stripe.com')).toBe(false);
  });

  it.each(['api.*.com', '*stripe.com', 'https://api.stripe.com', 'api.stripe.com/v1', '', '*.'])('rejects the malformed pattern %j', (pattern) => {
    expect(() => compileAllowedHosts([pattern])).toThrow(TypeError);
  });
});
