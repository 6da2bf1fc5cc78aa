// Mapping: JSONata expressions over `{ trigger, steps }`, compiled once and cached, evaluated with time, depth
// and size limits, previewed for the editor, and read for field lists and lineage.
// Server-side only: the evaluation guard needs node:async_hooks, so the editor reaches this through the API.
export { MappingError, isMappingError } from './mapping-error.ts';
export type { MappingErrorCode, MappingErrorInfo, MappingErrorDetails } from './mapping-error.ts';
export { compileMapping, clearMappingCache, MAX_EXPRESSION_LENGTH } from './compile-mapping.ts';
export type { CompiledMapping } from './compile-mapping.ts';
export { validateMapping, mappingExpressionSchema } from './validate-mapping.ts';
export type { MappingValidation, MappingValidationError } from './validate-mapping.ts';
export { evaluateMapping, evaluateOptionsSchema } from './evaluate-mapping.ts';
export type { EvaluateOptions, MappingInput } from './evaluate-mapping.ts';
export { previewMapping } from './preview-mapping.ts';
export type { MappingPreview } from './preview-mapping.ts';
export { fieldPaths, fieldPathsOptionsSchema } from './field-paths.ts';
export type { FieldPath, FieldPathsOptions, FieldType } from './field-paths.ts';
export { mappingLineage } from './mapping-lineage.ts';
export type { MappingLineage } from './mapping-lineage.ts';
