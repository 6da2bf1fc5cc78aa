export * from './definition.ts';
export * from './classify.ts';
export * from './execute.ts';
