import { lineColumnAt, tokenStart } from './source-position.ts';

/**
 * Why a mapping failed. All are permanent for the run that hit them: retrying the same mapping on the same
 * input fails the same way.
 */
export type MappingErrorCode =
  | 'SYNTAX'
  | 'EXPRESSION_TOO_LONG'
  | 'TIMEOUT'
  | 'DEPTH'
  | 'RANGE'
  | 'RUNTIME'
  | 'OUTPUT_TOO_LARGE'
  | 'INPUT_TOO_LARGE'
  | 'INPUT_INVALID';

/** A mapping error as plain data, for API responses, run views and the editor's markers. */
export interface MappingErrorInfo {
  code: MappingErrorCode;
  message: string;
  /** 0-based offset in the expression where the offending token starts. */
  position?: number;
  /** 1-based line of `position`. */
  line?: number;
  /** 1-based column of `position`. */
  column?: number;
  /** The offending token as JSONata names it (an operator, a name, a function). */
  token?: string;
  /** JSONata's own error code (e.g. T1006), kept for support and for matching JSONata's documentation. */
  jsonataCode?: string;
}

/** Fields a MappingError can carry besides its code and message. */
export interface MappingErrorDetails {
  position?: number;
  line?: number;
  column?: number;
  token?: string;
  jsonataCode?: string;
  cause?: unknown;
}

// A registry-wide symbol so that two copies of this module (e.g. bundled twice) still recognise each other's errors.
const brand = Symbol.for('conflux.mapping.MappingError');

/** The one error type of the mapping package: compile, validate and evaluate failures, with a code. */
export class MappingError extends Error {
  readonly code: MappingErrorCode;
  readonly position?: number;
  readonly line?: number;
  readonly column?: number;
  readonly token?: string;
  readonly jsonataCode?: string;
  readonly [brand] = true;

  constructor(code: MappingErrorCode, message: string, details: MappingErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'MappingError';
    this.code = code;
    if (details.position !== undefined) this.position = details.position;
    if (details.line !== undefined) this.line = details.line;
    if (details.column !== undefined) this.column = details.column;
    if (details.token !== undefined) this.token = details.token;
    if (details.jsonataCode !== undefined) this.jsonataCode = details.jsonataCode;
  }

  /** The error as plain data (no stack, no cause: those may hold input values). */
  toInfo(): MappingErrorInfo {
    const info: MappingErrorInfo = { code: this.code, message: this.message };
    if (this.position !== undefined) info.position = this.position;
    if (this.line !== undefined) info.line = this.line;
    if (this.column !== undefined) info.column = this.column;
    if (this.token !== undefined) info.token = this.token;
    if (this.jsonataCode !== undefined) info.jsonataCode = this.jsonataCode;
    return info;
  }
}

/** True for a MappingError, also one thrown by another copy of this package. */
export function isMappingError(value: unknown): value is MappingError {
  return value instanceof MappingError || (typeof value === 'object' && value !== null && brand in value);
}

/** Builds a MappingError that points into `source`: the offset is moved to the token's start, line and column added. */
export function locatedError(
  code: MappingErrorCode,
  message: string,
  source: string,
  at: { position?: number; token?: unknown; jsonataCode?: string; cause?: unknown },
): MappingError {
  const details: MappingErrorDetails = { cause: at.cause };
  if (typeof at.token === 'string' || typeof at.token === 'number') details.token = String(at.token);
  if (at.jsonataCode !== undefined) details.jsonataCode = at.jsonataCode;
  if (typeof at.position === 'number') {
    const position = tokenStart(source, at.position, at.token);
    Object.assign(details, { position }, lineColumnAt(source, position));
  }
  return new MappingError(code, message, details);
}
