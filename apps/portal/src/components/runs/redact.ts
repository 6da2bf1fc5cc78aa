/** Redaction of credential-looking values in run views (inputs, outputs, errors, event payloads). */

/** Keys whose values are hidden in run views, whatever they hold (secrets never belong there anyway). */
export const SENSITIVE_KEY = /authori[sz]ation|password|passwd|passphrase|secret|token|api[-_]?key|cookie|credential|private[-_]?key/i;

/** The placeholder a redacted value shows. */
export const REDACTED = '••••••••';

/** A copy of a JSON value with the values of sensitive-looking keys replaced by a placeholder. */
export function redact(value: unknown, depth = 0): unknown {
  if (depth > 64) return value;
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, SENSITIVE_KEY.test(k) && v !== null && v !== '' ? REDACTED : redact(v, depth + 1)]),
    );
  }
  return value;
}

