/** Date and text formatting for the UI, in the browser's locale and time zone. */

const relative = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });

/** "just now", "5 minutes ago", "yesterday", "3 weeks ago". */
export function timeAgo(date: Date, now: number = Date.now()): string {
  const seconds = Math.round((date.getTime() - now) / 1000);
  const abs = Math.abs(seconds);
  if (abs < 45) return seconds <= 0 ? 'just now' : 'in a moment';
  const units: [Intl.RelativeTimeFormatUnit, number][] = [
    ['minute', 60],
    ['hour', 3600],
    ['day', 86400],
    ['week', 604800],
    ['month', 2629800],
    ['year', 31557600],
  ];
  let chosen: [Intl.RelativeTimeFormatUnit, number] = units[0]!;
  // Days up to two weeks read better than "next week" for deadlines.
  for (const unit of units) if (abs >= unit[1] * (unit[0] === 'week' ? 2 : 0.9)) chosen = unit;
  return relative.format(Math.round(seconds / chosen[1]), chosen[0]);
}

/** "12 Mar 2026". */
export function formatDate(date: Date): string {
  return date.toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric' });
}

/** "12 Mar 2026, 14:05". */
export function formatDateTime(date: Date): string {
  return date.toLocaleString('en-GB', { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' });
}

/** "in 6 days" / "expired 2 days ago" style, for deadlines. */
export function formatExpiry(date: Date, now: number = Date.now()): string {
  return date.getTime() <= now ? `expired ${timeAgo(date, now)}` : `expires ${timeAgo(date, now)}`;
}

/** "Chrome on macOS" from a user-agent string; good enough to recognise your own devices. */
export function describeUserAgent(userAgent: string | null | undefined): string {
  if (!userAgent) return 'Unknown device';
  const ua = userAgent;
  let browser: string | null = null;
  if (/Edg(e|A|iOS)?\//.test(ua)) browser = 'Edge';
  else if (/OPR\/|Opera/.test(ua)) browser = 'Opera';
  else if (/Firefox\/|FxiOS\//.test(ua)) browser = 'Firefox';
  else if (/SamsungBrowser\//.test(ua)) browser = 'Samsung Internet';
  else if (/Chrome\/|CriOS\/|Chromium\//.test(ua)) browser = 'Chrome';
  else if (/Safari\//.test(ua) && /Version\//.test(ua)) browser = 'Safari';
  else if (/^curl\//i.test(ua)) browser = 'curl';
  else if (/node|undici/i.test(ua)) browser = 'Node.js';

  let os: string | null = null;
  if (/iPad/.test(ua)) os = 'iPadOS';
  else if (/iPhone|iPod/.test(ua)) os = 'iOS';
  else if (/Android/.test(ua)) os = 'Android';
  else if (/CrOS/.test(ua)) os = 'ChromeOS';
  else if (/Windows/.test(ua)) os = 'Windows';
  else if (/Mac OS X|Macintosh/.test(ua)) os = 'macOS';
  else if (/Linux/.test(ua)) os = 'Linux';

  if (browser && os) return `${browser} on ${os}`;
  if (browser) return browser;
  if (os) return `Browser on ${os}`;
  return 'Unknown device';
}

/** An IP address for people: IPv6 shortened, the local machine named as such. */
export function formatIp(ip: string | null | undefined): string | null {
  if (!ip) return null;
  const v4mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  const value = v4mapped ? v4mapped[1]! : ip;
  if (!value.includes(':')) return value.startsWith('127.') ? 'This computer (localhost)' : value;
  // Expand "::", drop leading zeros, then collapse the longest run of zero groups (two or more) to "::".
  const [head = '', tail] = value.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = [...left, ...Array<string>(tail === undefined ? 0 : Math.max(0, 8 - left.length - right.length)).fill('0'), ...right].map((g) => g.replace(/^0+(?=.)/, ''));
  let best = { start: -1, length: 0 };
  for (let i = 0; i < groups.length; ) {
    if (groups[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < groups.length && groups[j] === '0') j++;
    if (j - i > best.length) best = { start: i, length: j - i };
    i = j;
  }
  const compact =
    best.length >= 2 ? `${groups.slice(0, best.start).join(':')}::${groups.slice(best.start + best.length).join(':')}` : groups.join(':');
  if (compact === '::') return null;
  if (compact === '::1') return 'This computer (localhost)';
  return compact;
}

/**
 * A same-site path to go to after signing in, or the fallback. Refuses absolute and protocol-relative URLs,
 * so `?next=` cannot send anyone to another site.
 */
export function safeNext(next: string | null | undefined, fallback = '/'): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.includes('\\')) return fallback;
  if ([...next].some((ch) => ch.charCodeAt(0) < 0x20)) return fallback;
  try {
    const url = new URL(next, 'http://placeholder.invalid');
    if (url.origin !== 'http://placeholder.invalid') return fallback;
    return `${url.pathname}${url.search}${url.hash}`;
  } catch {
    return fallback;
  }
}

/** A query string carrying `next` (and other values), skipping empty ones. */
export function withQuery(path: string, params: Record<string, string | null | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value) search.set(key, value);
  const query = search.toString();
  return query ? `${path}?${query}` : path;
}
