/** A 1-based line and column inside an expression, as editors count them. */
export interface LineColumn {
  line: number;
  column: number;
}

/** Line and column (1-based, UTF-16 code units like Monaco and CodeMirror) of a 0-based offset. */
export function lineColumnAt(source: string, offset: number): LineColumn {
  const at = clamp(offset, 0, source.length);
  let line = 1;
  let lineStart = 0;
  for (let i = source.indexOf('\n'); i !== -1 && i < at; i = source.indexOf('\n', i + 1)) {
    line += 1;
    lineStart = i + 1;
  }
  return { line, column: at - lineStart + 1 };
}

/**
 * Where the offending token starts. JSONata reports the offset just *after* the token (and, for a call, after
 * its opening parenthesis), which puts an editor's marker one token too far right; this walks back to the token
 * when the source around the reported offset shows it, and keeps JSONata's offset otherwise.
 */
export function tokenStart(source: string, reported: number | undefined, token: unknown): number {
  const at = clamp(reported ?? 0, 0, source.length);
  if ((typeof token !== 'string' && typeof token !== 'number') || token === '(end)') return at;
  const text = String(token);
  if (text === '') return at;
  // Quoted forms first: a string token's value carries no quotes, but the source does.
  const candidates = [`"${text}"`, `'${text}'`, `\`${text}\``, `$${text}`, text];
  for (const candidate of candidates) {
    if (candidate.length > at) continue;
    const start = source.lastIndexOf(candidate, at - candidate.length);
    if (start === -1) continue;
    // Between the token and the reported offset there may only be blanks and a call's "(".
    if (/^\s*\(?\s*$/.test(source.slice(start + candidate.length, at))) return start;
  }
  if (source.startsWith(text, at)) return at;
  return at;
}

function clamp(value: number, min: number, max: number): number {
  if (!Number.isFinite(value)) return max;
  return Math.min(Math.max(Math.trunc(value), min), max);
}
