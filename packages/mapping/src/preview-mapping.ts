import { evaluateMapping, type EvaluateOptions, type MappingInput } from './evaluate-mapping.ts';
import { isMappingError, type MappingErrorInfo } from './mapping-error.ts';

/** Result of previewMapping: the output and how long evaluation took, or the error as data. */
export type MappingPreview =
  | { ok: true; output: unknown; durationMs: number }
  | { ok: false; error: MappingErrorInfo; durationMs: number };

/**
 * Evaluates an expression against a sample input for the flow editor. Never throws: every failure, including
 * syntax errors and limits, comes back as `{ ok: false, error }`. `output` is `undefined` when nothing matched.
 */
export async function previewMapping(
  expression: string,
  sample: MappingInput,
  options: EvaluateOptions = {},
): Promise<MappingPreview> {
  const started = performance.now();
  const elapsed = () => Math.round((performance.now() - started) * 100) / 100;
  try {
    const output = await evaluateMapping(expression, sample, options);
    return { ok: true, output, durationMs: elapsed() };
  } catch (error) {
    const info: MappingErrorInfo = isMappingError(error)
      ? error.toInfo()
      : { code: 'RUNTIME', message: error instanceof Error ? error.message : String(error) };
    return { ok: false, error: info, durationMs: elapsed() };
  }
}
