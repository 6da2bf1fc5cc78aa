import { describe, expect, it } from 'vitest';
import { createLinePrefixer, shouldUseColor } from './line-prefixer.ts';

function collect(name: string, color: 'cyan' | null = null) {
  const written: string[] = [];
  const prefixer = createLinePrefixer({ name, color, write: (text) => written.push(text) });
  return { prefixer, written, text: () => written.join('') };
}

describe('line prefixer', () => {
  it('pads the name to a fixed column', () => {
    const { prefixer, text } = collect('db');
    prefixer.push('ready\n');
    expect(text()).toBe('db     │ ready\n');
    const portal = collect('portal');
    portal.prefixer.push('ready\n');
    expect(portal.text()).toBe('portal │ ready\n');
  });

  it('prefixes every line of a chunk and holds a partial line until it is complete', () => {
    const { prefixer, written, text } = collect('worker');
    prefixer.push('one\ntwo\nthr');
    expect(text()).toBe('worker │ one\nworker │ two\n');
    prefixer.push('ee');
    expect(written).toHaveLength(1);
    prefixer.push('\r\nfour\n');
    expect(text()).toBe('worker │ one\nworker │ two\nworker │ three\nworker │ four\n');
  });

  it('writes a trailing partial line on flush, and nothing for an empty stream', () => {
    const { prefixer, text } = collect('mail');
    prefixer.flush();
    expect(text()).toBe('');
    prefixer.push('no newline at the end');
    prefixer.flush();
    expect(text()).toBe('mail   │ no newline at the end\n');
  });

  it('keeps multi-byte characters split across chunks intact', () => {
    const { prefixer, text } = collect('portal');
    const bytes = Buffer.from('✓ compiled — ünïcode\n');
    prefixer.push(bytes.subarray(0, 1));
    prefixer.push(bytes.subarray(1, 15));
    prefixer.push(bytes.subarray(15));
    expect(text()).toBe('portal │ ✓ compiled — ünïcode\n');
  });

  it('keeps empty lines, and prefixes each line of an own message', () => {
    const { prefixer, text } = collect('db');
    prefixer.push('a\n\nb\n');
    prefixer.line('first\nsecond\n');
    expect(text()).toBe('db     │ a\ndb     │ \ndb     │ b\ndb     │ first\ndb     │ second\n');
  });

  it('drops cursor show/hide codes, and lines that held nothing else', () => {
    const { prefixer, text } = collect('portal');
    prefixer.push('\x1b[?25lcompiling\n\x1b[?25h\n');
    expect(text()).toBe('portal │ compiling\n');
  });

  it('colours only the name column', () => {
    const { prefixer, text } = collect('portal', 'cyan');
    prefixer.push('hello\n');
    expect(text()).toBe('\x1b[36mportal │\x1b[0m hello\n');
  });

  it('colours on a terminal unless NO_COLOR, and when FORCE_COLOR asks', () => {
    expect(shouldUseColor({ isTTY: true }, {})).toBe(true);
    expect(shouldUseColor({ isTTY: false }, {})).toBe(false);
    expect(shouldUseColor({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(shouldUseColor({ isTTY: false }, { FORCE_COLOR: '1' })).toBe(true);
    expect(shouldUseColor({ isTTY: true }, { FORCE_COLOR: '0' })).toBe(false);
  });
});
