import jsonata from 'jsonata';
import { installBoundedFunctions } from './bounded-functions.ts';
import { installGuard } from './evaluation-guard.ts';
import { LruCache } from './lru-cache.ts';
import { MappingError, locatedError } from './mapping-error.ts';
import { lineColumnAt } from './source-position.ts';

/** Longest expression accepted, in characters: far above hand-written mappings, well below a parser-stalling paste. */
export const MAX_EXPRESSION_LENGTH = 20_000;

/** A parsed mapping, ready to evaluate; obtained from compileMapping and shared through its cache. */
export interface CompiledMapping {
  /** The expression text it was compiled from. */
  readonly expression: string;
}

interface Compiled {
  readonly expression: jsonata.Expression;
  // The syntax-tree nodes of this mapping, to tell them from nodes of a string run through $eval, whose
  // positions point into that string rather than into the mapping.
  readonly nodes: WeakSet<object>;
}

const compiledExpressions = new WeakMap<CompiledMapping, Compiled>();

// 1,000 entries covers the published flows a worker runs; the weight budget (expression characters, a proxy for
// syntax-tree size) keeps a burst of very long expressions from holding hundreds of megabytes.
const cache = new LruCache<string, CompiledMapping>({ maxEntries: 1_000, maxWeight: 5_000_000 });

/**
 * Parses a JSONata expression, or returns the cached result for the same text. Throws a MappingError:
 * `SYNTAX` with the position of the offending token, or `EXPRESSION_TOO_LONG`.
 */
export function compileMapping(expression: string): CompiledMapping {
  const cached = cache.get(expression);
  if (cached) return cached;
  if (expression.length > MAX_EXPRESSION_LENGTH) throw tooLong(expression);
  if (expression.trim() === '') {
    throw new MappingError('SYNTAX', 'The mapping is empty.', { position: 0, line: 1, column: 1 });
  }
  let parsed: jsonata.Expression;
  try {
    parsed = jsonata(expression);
  } catch (error) {
    throw syntaxError(expression, error);
  }
  installGuard(parsed);
  installBoundedFunctions(parsed);
  const compiled: CompiledMapping = Object.freeze({ expression });
  compiledExpressions.set(compiled, { expression: parsed, nodes: collectNodes(parsed.ast()) });
  cache.set(expression, compiled, expression.length);
  return compiled;
}

/** The JSONata expression behind a compiled mapping (package-internal). */
export function jsonataOf(compiled: CompiledMapping): jsonata.Expression {
  return internals(compiled).expression;
}

/** Whether a syntax-tree node belongs to the mapping's own expression (package-internal). */
export function isOwnNode(compiled: CompiledMapping, node: object): boolean {
  return internals(compiled).nodes.has(node);
}

function internals(compiled: CompiledMapping): Compiled {
  const found = compiledExpressions.get(compiled);
  if (!found) throw new TypeError('Not a compiled mapping: use compileMapping()');
  return found;
}

function collectNodes(root: unknown): WeakSet<object> {
  const nodes = new WeakSet<object>();
  const pending: unknown[] = [root];
  while (pending.length > 0) {
    const value = pending.pop();
    if (typeof value !== 'object' || value === null || nodes.has(value)) continue;
    nodes.add(value);
    pending.push(...(Array.isArray(value) ? value : Object.values(value)));
  }
  return nodes;
}

/** Empties the compile cache (tests; a deploy that changes compile options). */
export function clearMappingCache(): void {
  cache.clear();
}

function tooLong(expression: string): MappingError {
  const position = MAX_EXPRESSION_LENGTH;
  return new MappingError(
    'EXPRESSION_TOO_LONG',
    `The mapping is ${expression.length.toLocaleString('en-US')} characters long; the limit is ${MAX_EXPRESSION_LENGTH.toLocaleString('en-US')}.`,
    { position, ...lineColumnAt(expression, position) },
  );
}

function syntaxError(expression: string, error: unknown): MappingError {
  const raw = (typeof error === 'object' && error !== null ? error : {}) as {
    code?: unknown;
    message?: unknown;
    position?: unknown;
    token?: unknown;
  };
  const message = typeof raw.message === 'string' && raw.message !== '' ? raw.message : 'Syntax error';
  return locatedError('SYNTAX', message, expression, {
    position: typeof raw.position === 'number' ? raw.position : 0,
    token: raw.token,
    jsonataCode: typeof raw.code === 'string' ? raw.code : undefined,
    cause: error,
  });
}
