import { MappingError } from './mapping-error.ts';

// JSONata cannot reach JavaScript globals by itself, but it can call any function it finds in its input and walk
// whatever objects it is given. Round-tripping the input through JSON text leaves only data: functions, class
// instances (their prototypes and methods), getters and symbols do not survive; Dates become ISO strings.
//
// "__proto__" keys are dropped on the way in and on the way out. No JSON API needs that key, and an output that
// carries it is the classic prototype-pollution payload for whatever deep-merges mapping results downstream
// (connector code included).

const PROTO = '__proto__';

/** A copy of `input` that is plain JSON data, or a MappingError (`INPUT_TOO_LARGE`, `INPUT_INVALID`). */
export function toJsonInput(input: unknown, maxInputBytes: number): unknown {
  let text: string | undefined;
  try {
    text = JSON.stringify(input);
  } catch (error) {
    // Cycles and BigInts are not JSON; a structure nested too deeply overflows the stack.
    throw new MappingError('INPUT_INVALID', `The mapping input is not JSON data: ${describe(error)}`, { cause: error });
  }
  if (text === undefined) return undefined;
  if (text.length > maxInputBytes) {
    throw new MappingError(
      'INPUT_TOO_LARGE',
      `The mapping input is ${formatBytes(text.length)} as JSON; the limit is ${formatBytes(maxInputBytes)}.`,
    );
  }
  try {
    // JSON.stringify writes this key unescaped, so the reviver is only paid for when it can matter.
    return text.includes(`"${PROTO}"`) ? JSON.parse(text, dropProtoKeys) : JSON.parse(text);
  } catch (error) {
    throw new MappingError('INPUT_INVALID', `The mapping input is not JSON data: ${describe(error)}`, { cause: error });
  }
}

function dropProtoKeys(key: string, value: unknown): unknown {
  return key === PROTO ? undefined : value;
}

/**
 * The evaluation result as plain JSON data, checked against `maxOutputBytes` (length of its JSON text) while it is
 * copied, so an oversized result is refused without first being stringified whole. JSONata's own values (functions,
 * regexes, lambdas that hold the evaluation's environment) are refused rather than silently dropped, and so are
 * Infinity and NaN, which JSON would turn into null.
 */
export function toJsonOutput(value: unknown, maxOutputBytes: number): unknown {
  if (value === undefined) return undefined;
  const budget = { left: maxOutputBytes, limit: maxOutputBytes };
  try {
    return copy(value, budget, 'the result');
  } catch (error) {
    if (error instanceof MappingError) throw error;
    // Only a stack overflow on absurdly deep output gets here.
    throw new MappingError('OUTPUT_TOO_LARGE', `The mapping result is nested too deeply: ${describe(error)}`, {
      cause: error,
    });
  }
}

interface OutputBudget {
  left: number;
  readonly limit: number;
}

function spend(budget: OutputBudget, bytes: number): void {
  budget.left -= bytes;
  if (budget.left < 0) {
    throw new MappingError(
      'OUTPUT_TOO_LARGE',
      `The mapping result is larger than ${formatBytes(budget.limit)} as JSON.`,
    );
  }
}

function copy(value: unknown, budget: OutputBudget, where: string): unknown {
  switch (typeof value) {
    case 'string':
      // Escaping only lengthens a string, so its raw length is a lower bound worth checking first.
      spend(budget, value.length + 2);
      spend(budget, JSON.stringify(value).length - value.length - 2);
      return value;
    case 'number':
      if (!Number.isFinite(value)) {
        throw new MappingError('RUNTIME', `The mapping produced ${String(value)} in ${where}, which JSON cannot represent.`);
      }
      spend(budget, JSON.stringify(value).length);
      return value;
    case 'boolean':
      spend(budget, value ? 4 : 5);
      return value;
    case 'function':
      throw notData(where);
    case 'object':
      break;
    default:
      throw notData(where);
  }
  if (value === null) {
    spend(budget, 4);
    return null;
  }
  if (Array.isArray(value)) {
    spend(budget, 2 + Math.max(0, value.length - 1));
    const out: unknown[] = [];
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (item === undefined) {
        spend(budget, 4);
        out.push(null);
      } else {
        out.push(copy(item, budget, `${where}[${i}]`));
      }
    }
    return out;
  }
  const record = value as Record<string, unknown>;
  if (record._jsonata_lambda === true || record._jsonata_function === true) throw notData(where);
  spend(budget, 2);
  const out: Record<string, unknown> = {};
  let first = true;
  for (const key of Object.keys(record)) {
    const item = record[key];
    if (item === undefined || key === PROTO) continue;
    spend(budget, JSON.stringify(key).length + (first ? 1 : 2));
    first = false;
    out[key] = copy(item, budget, `${where}.${key}`);
  }
  return out;
}

function notData(where: string): MappingError {
  return new MappingError(
    'RUNTIME',
    `The mapping produced a function in ${where}; a mapping must produce JSON data (did you forget the call's parentheses?).`,
  );
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** "1.2 MB", "800 kB", "512 bytes": sizes in messages people read. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1_000_000) return `${(bytes / 1_000_000).toLocaleString('en-US', { maximumFractionDigits: 1 })} MB`;
  if (bytes >= 1_000) return `${(bytes / 1_000).toLocaleString('en-US', { maximumFractionDigits: 1 })} kB`;
  return `${bytes} bytes`;
}
