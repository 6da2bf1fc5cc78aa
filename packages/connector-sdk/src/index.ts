export { z } from 'zod';
export * from './errors.ts';
export * from './auth.ts';
export * from './define.ts';
export * from './manifest.ts';
