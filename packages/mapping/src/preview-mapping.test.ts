import { describe, expect, it } from 'vitest';
import { previewMapping } from './preview-mapping.ts';

const sample = { trigger: { order: { id: 'o-9', total: 12.5 } }, steps: {} };

describe('previewMapping', () => {
  it('returns the output and how long it took', async () => {
    const preview = await previewMapping('{ "ref": trigger.order.id }', sample);
    expect(preview).toMatchObject({ ok: true, output: { ref: 'o-9' } });
    expect(preview.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('reports "no match" as ok with an undefined output', async () => {
    const preview = await previewMapping('trigger.order.missing', sample);
    expect(preview.ok).toBe(true);
    expect(preview.ok && preview.output).toBeUndefined();
  });

  it('never throws: syntax, runtime and limit errors come back as data', async () => {
    const syntax = await previewMapping('trigger.order.', sample);
    expect(syntax).toMatchObject({ ok: false, error: { code: 'SYNTAX', line: 1 } });
    const runtime = await previewMapping('trigger.order.id * 2', sample);
    expect(runtime).toMatchObject({ ok: false, error: { code: 'RUNTIME', jsonataCode: 'T2001', token: '*' } });
    const timeout = await previewMapping('( $f := function($x){ $f($x) }; $f(0) )', sample, { timeoutMs: 50 });
    expect(timeout).toMatchObject({ ok: false, error: { code: 'TIMEOUT' } });
    const badOptions = await previewMapping('1', sample, { timeoutMs: 0 });
    expect(badOptions.ok).toBe(false);
  });

  it('returns errors as plain JSON without stack or input values', async () => {
    const preview = await previewMapping('$number(trigger.order.id)', sample);
    expect(preview.ok).toBe(false);
    if (preview.ok) return;
    expect(JSON.parse(JSON.stringify(preview.error))).toEqual(preview.error);
    expect(Object.keys(preview.error)).not.toContain('stack');
  });
});
