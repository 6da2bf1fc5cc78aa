/** Client-side checks that mirror the server's, so people see problems before a round trip. */

export const PASSWORD_MIN = 10;
export const PASSWORD_MAX = 128;

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function checkEmail(value: string): string | null {
  const v = value.trim();
  if (!v) return 'Enter your email address.';
  if (!EMAIL.test(v) || v.length > 254) return 'Enter a valid email address, like name@company.com.';
  return null;
}

export function checkPassword(value: string): string | null {
  if (!value) return 'Enter a password.';
  if (value.length < PASSWORD_MIN) return `Use at least ${PASSWORD_MIN} characters.`;
  if (value.length > PASSWORD_MAX) return `Use at most ${PASSWORD_MAX} characters.`;
  return null;
}

export function checkRequired(value: string, message: string, max = 100): string | null {
  const v = value.trim();
  if (!v) return message;
  if (v.length > max) return `Use at most ${max} characters.`;
  return null;
}

/** Moves focus to the first invalid control of a form, after React has rendered the errors. */
export function focusFirstInvalid(form: HTMLFormElement | null): void {
  requestAnimationFrame(() => form?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());
}

/** True when an errors object has any message. */
export function hasErrors(errors: Record<string, string | null | undefined>): boolean {
  return Object.values(errors).some(Boolean);
}
