import { describe, expect, it } from 'vitest';
import { REDACTED, redact } from './redact';

describe('redact', () => {
  it('hides the values of credential-looking keys at any depth, and nothing else', () => {
    const value = {
      headers: { Authorization: 'Bearer abc', 'x-api-key': 'k', accept: 'application/json' },
      body: { password: 'hunter2', items: [{ accessToken: 't', sku: 'A-1' }], client_secret: 's', note: 'token bucket' },
      empty: { token: '' },
      nothing: { secret: null },
    };
    expect(redact(value)).toEqual({
      headers: { Authorization: REDACTED, 'x-api-key': REDACTED, accept: 'application/json' },
      body: { password: REDACTED, items: [{ accessToken: REDACTED, sku: 'A-1' }], client_secret: REDACTED, note: 'token bucket' },
      empty: { token: '' },
      nothing: { secret: null },
    });
    expect(value.headers.Authorization).toBe('Bearer abc');
  });
});
