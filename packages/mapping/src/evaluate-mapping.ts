import { z } from 'zod';
import { compileMapping, isOwnNode, jsonataOf, type CompiledMapping } from './compile-mapping.ts';
import { runGuarded, type GuardTrip } from './evaluation-guard.ts';
import { toJsonInput, toJsonOutput } from './json-safe.ts';
import { MappingError, locatedError } from './mapping-error.ts';

/**
 * The document a mapping sees as `$`: the flow's trigger payload and the outputs of earlier steps by step key,
 * so expressions read `trigger.order.id` or `steps.lookup.body.name`.
 */
export interface MappingInput {
  trigger?: unknown;
  steps?: Record<string, unknown>;
}

/** Limits of one evaluation; every field has a default. */
export const evaluateOptionsSchema = z.object({
  /** Wall-clock budget of the evaluation. */
  timeoutMs: z.number().int().positive().max(60_000).default(1_000),
  /** Deepest nesting of expression evaluation; each level of a user function's recursion costs a few. */
  maxDepth: z.number().int().positive().max(10_000).default(200),
  /** Largest result, measured as the length of its JSON text. */
  maxOutputBytes: z.number().int().positive().default(1_000_000),
  /** Largest input document, measured as the length of its JSON text. */
  maxInputBytes: z.number().int().positive().default(5_000_000),
});

/** Options of evaluateMapping, as callers pass them. */
export type EvaluateOptions = z.input<typeof evaluateOptionsSchema>;

/**
 * Evaluates a mapping against an input document and returns its result as plain JSON data. `undefined` means
 * "no match": the expression selected nothing (e.g. a path absent from the input); callers decide whether that
 * is an error. Throws a MappingError: SYNTAX, EXPRESSION_TOO_LONG, INPUT_TOO_LARGE, INPUT_INVALID, TIMEOUT, DEPTH,
 * RANGE, RUNTIME or OUTPUT_TOO_LARGE.
 */
export async function evaluateMapping(
  mapping: string | CompiledMapping,
  input: MappingInput,
  options: EvaluateOptions = {},
): Promise<unknown> {
  const limits = evaluateOptionsSchema.parse(options);
  const compiled = typeof mapping === 'string' ? compileMapping(mapping) : mapping;
  const expression = jsonataOf(compiled);
  const document = toJsonInput(input, limits.maxInputBytes);
  const outcome = await runGuarded(limits, () => expression.evaluate(document) as Promise<unknown>);
  if (!outcome.ok) throw evaluationError(compiled, outcome.error, outcome.trip, limits);
  return toJsonOutput(outcome.value, limits.maxOutputBytes);
}

interface RawJsonataError {
  code?: unknown;
  message?: unknown;
  position?: unknown;
  token?: unknown;
  value?: unknown;
}

// JSONata's range operator refuses to build more than 1e7 items (D2014).
const RANGE_CODES = new Set(['D2014']);

function evaluationError(
  compiled: CompiledMapping,
  error: unknown,
  trip: GuardTrip | undefined,
  limits: { timeoutMs: number; maxDepth: number },
): MappingError {
  const source = compiled.expression;
  if (trip) {
    const node = trip.node as { position?: unknown; value?: unknown };
    const at = isOwnNode(compiled, trip.node)
      ? { position: typeof node.position === 'number' ? node.position : undefined, token: node.value, cause: error }
      : { cause: error };
    return trip.reason === 'TIMEOUT'
      ? locatedError(
          'TIMEOUT',
          `The mapping ran longer than ${limits.timeoutMs} ms and was stopped. Look for a loop or a recursion that never ends.`,
          source,
          at,
        )
      : locatedError(
          'DEPTH',
          `The mapping nested deeper than ${limits.maxDepth} levels and was stopped. Look for a recursive function without an end condition.`,
          source,
          at,
        );
  }
  if (error instanceof MappingError) return error;
  const raw = (typeof error === 'object' && error !== null ? error : {}) as RawJsonataError;
  const jsonataCode = typeof raw.code === 'string' ? raw.code : undefined;
  const at = { position: typeof raw.position === 'number' ? raw.position : undefined, token: raw.token, jsonataCode, cause: error };
  if (jsonataCode !== undefined && RANGE_CODES.has(jsonataCode)) {
    const size = typeof raw.value === 'number' ? `${raw.value.toLocaleString('en-US')} items` : 'too many items';
    return locatedError(
      'RANGE',
      `A range such as [1..n] would create ${size}; the most a mapping may build is 10,000,000.`,
      source,
      at,
    );
  }
  // Native stack overflow: only reachable through a JSONata built-in walking something extremely deep.
  if (error instanceof RangeError && /call stack/i.test(error.message)) {
    return locatedError('DEPTH', 'The mapping nested too deeply and was stopped.', source, at);
  }
  const message = typeof raw.message === 'string' && raw.message !== '' ? raw.message : String(error);
  return locatedError('RUNTIME', message, source, at);
}
