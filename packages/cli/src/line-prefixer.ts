/**
 * Prefixes every line of a process's output with its name in a fixed-width, coloured column
 * (`portal │ …`), so that several processes can share one terminal readably.
 */
import { StringDecoder } from 'node:string_decoder';

/** ANSI colours available for a prefix. */
export type PrefixColor = 'red' | 'green' | 'yellow' | 'blue' | 'magenta' | 'cyan' | 'gray';

const CODES: Record<PrefixColor, number> = { red: 31, green: 32, yellow: 33, blue: 34, magenta: 35, cyan: 36, gray: 90 };

/** Wraps `text` in an ANSI colour (or returns it unchanged when `color` is null). */
export function paint(text: string, color: PrefixColor | null, bold = false): string {
  if (!color) return text;
  return `\x1b[${bold ? '1;' : ''}${CODES[color]}m${text}\x1b[0m`;
}

// eslint-disable-next-line no-control-regex -- matching terminal escape codes is the point
const CURSOR_VISIBILITY = /\x1b\[\?25[hl]/g;

/** Options of a line prefixer. */
export interface LinePrefixerOptions {
  name: string;
  /** Column width the name is padded to; 6 fits `portal`, `worker`, `db`, `mail`. */
  width?: number;
  /** Colour of the name column, or null for plain text. */
  color?: PrefixColor | null;
  /** Receives whole prefixed lines, each ending in `\n`. */
  write: (text: string) => void;
}

/** Turns a byte or text stream into prefixed lines. */
export interface LinePrefixer {
  /** Feeds a chunk; complete lines are written at once, a trailing partial line waits for the rest. */
  push(chunk: Buffer | string): void;
  /** Writes whatever partial line is left (call when the stream ends). */
  flush(): void;
  /** Writes a message of one's own (any number of lines) under this prefix. */
  line(text: string): void;
}

export function createLinePrefixer(options: LinePrefixerOptions): LinePrefixer {
  const label = `${options.name.padEnd(options.width ?? 6)} │`;
  const prefix = `${paint(label, options.color ?? null)} `;
  // Decodes across chunk boundaries, so a multi-byte character split between two chunks stays whole.
  const decoder = new StringDecoder('utf8');
  let pending = '';

  const emit = (lines: string[]) => {
    const kept: string[] = [];
    for (const line of lines) {
      // Cursor show/hide codes (Next.js prints one on exit) mean nothing in shared output.
      const cleaned = line.replace(CURSOR_VISIBILITY, '').replace(/\r$/, '');
      if (cleaned || !line) kept.push(`${prefix}${cleaned}\n`);
    }
    if (kept.length) options.write(kept.join(''));
  };

  return {
    push(chunk) {
      pending += typeof chunk === 'string' ? chunk : decoder.write(chunk);
      const parts = pending.split('\n');
      pending = parts.pop() ?? '';
      emit(parts);
    },
    flush() {
      pending += decoder.end();
      if (pending) emit([pending]);
      pending = '';
    },
    line(text) {
      emit(text.replace(/\n$/, '').split('\n'));
    },
  };
}

/** Whether to colour output on `stream`: NO_COLOR and FORCE_COLOR win, else only on a terminal. */
export function shouldUseColor(stream: { isTTY?: boolean }, env: Record<string, string | undefined> = process.env): boolean {
  if (env.NO_COLOR) return false;
  if (env.FORCE_COLOR !== undefined) return env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false';
  return Boolean(stream.isTTY);
}
