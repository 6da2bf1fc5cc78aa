import { z } from 'zod';
import { compileMapping } from './compile-mapping.ts';
import { isMappingError, type MappingErrorCode } from './mapping-error.ts';

/** Where and why an expression does not compile, for the editor's marker and the save/publish response. */
export interface MappingValidationError {
  code: MappingErrorCode;
  message: string;
  /** 0-based offset where the offending token starts. */
  position: number;
  /** 1-based line of `position`. */
  line: number;
  /** 1-based column of `position`. */
  column: number;
  token?: string;
}

/** Result of validateMapping. */
export type MappingValidation = { ok: true } | { ok: false; error: MappingValidationError };

/**
 * Checks that an expression compiles (and is not longer than MAX_EXPRESSION_LENGTH). Never throws. A valid
 * expression can still fail at run time (calling a function that does not exist, adding a string to a number).
 */
export function validateMapping(expression: string): MappingValidation {
  try {
    compileMapping(expression);
    return { ok: true };
  } catch (error) {
    // compileMapping only throws MappingErrors; anything else is reported rather than thrown at the editor.
    if (!isMappingError(error)) {
      return { ok: false, error: { code: 'SYNTAX', message: String(error), position: 0, line: 1, column: 1 } };
    }
    const invalid: MappingValidationError = {
      code: error.code,
      message: error.message,
      position: error.position ?? 0,
      line: error.line ?? 1,
      column: error.column ?? 1,
    };
    if (error.token !== undefined) invalid.token = error.token;
    return { ok: false, error: invalid };
  }
}

/** A zod schema for a mapping expression field (flow save/publish): the issue message carries line and column. */
export const mappingExpressionSchema = z.string().superRefine((expression, ctx) => {
  const result = validateMapping(expression);
  if (!result.ok) {
    const { line, column, message } = result.error;
    ctx.addIssue({ code: 'custom', message: `Line ${line}, column ${column}: ${message}`, input: expression });
  }
});
