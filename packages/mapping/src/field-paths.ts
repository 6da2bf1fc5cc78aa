import { z } from 'zod';
import { joinPath, pathStep } from './path-format.ts';

/** JSON type of a field, as the editor labels it. */
export type FieldType = 'string' | 'number' | 'boolean' | 'object' | 'array' | 'null';

/** One entry of the editor's "insert field" list. */
export interface FieldPath {
  /** A JSONata path that reads the field, e.g. `trigger.order.id` or `trigger.items.sku`. */
  path: string;
  type: FieldType;
  /** A sample value for scalars (long strings shortened); absent for objects and arrays. */
  example?: string | number | boolean | null;
}

/** Bounds of fieldPaths. */
export const fieldPathsOptionsSchema = z.object({
  /** Most entries returned; shallow fields are kept before deep ones. */
  maxPaths: z.number().int().positive().max(10_000).default(500),
  /** Most steps in one path (`trigger.order.id` has 3). */
  maxDepth: z.number().int().positive().max(64).default(8),
});

/** Options of fieldPaths, as callers pass them. */
export type FieldPathsOptions = z.input<typeof fieldPathsOptionsSchema>;

// Array elements are collapsed, not indexed: `trigger.items.sku` is how JSONata reads a field of every element
// (it maps over arrays), which is what a mapping almost always wants, and one entry per field instead of one per
// element keeps the list short. The fields of an array's elements are the union over its first few elements, so
// an optional field missing from the first element still shows; examples come from the first element having it.
const ELEMENTS_SAMPLED = 10;
const EXAMPLE_MAX_CHARS = 120;

interface Pending {
  steps: string[];
  // The values found at this path (several when it runs through arrays); the first gives type and example.
  values: unknown[];
  // Document order, to sort the breadth-first selection back into the order a person reads the sample in.
  order: number[];
}

/**
 * The fields of a sample input, for the editor's "insert field" list, in document order. Paths are chosen
 * breadth-first, so when `maxPaths` cuts the list it drops the deepest fields, not the last top-level ones.
 * Names JSONata cannot express in a path (containing a backquote) are skipped.
 */
export function fieldPaths(sample: unknown, options: FieldPathsOptions = {}): FieldPath[] {
  const { maxPaths, maxDepth } = fieldPathsOptionsSchema.parse(options);
  const found: { entry: FieldPath; order: number[] }[] = [];
  let queue: Pending[] = [{ steps: [], values: [sample], order: [] }];
  while (queue.length > 0 && found.length < maxPaths) {
    const next: Pending[] = [];
    for (const node of queue) {
      for (const child of childrenOf(node)) {
        if (found.length >= maxPaths) break;
        found.push({ entry: describe(child), order: child.order });
        if (child.steps.length < maxDepth) next.push(child);
      }
    }
    queue = next;
  }
  found.sort((a, b) => compareOrder(a.order, b.order));
  return found.map((f) => f.entry);
}

function childrenOf(node: Pending): Pending[] {
  const sampled: Record<string, unknown>[] = [];
  for (const value of node.values) collectRecords(value, sampled);
  const byName = new Map<string, Pending>();
  for (const record of sampled) {
    for (const name of Object.keys(record)) {
      const value = record[name];
      if (value === undefined || typeof value === 'function') continue;
      let child = byName.get(name);
      if (!child) {
        const step = pathStep(name);
        if (step === undefined) continue;
        child = { steps: [...node.steps, step], values: [], order: [...node.order, byName.size] };
        byName.set(name, child);
      }
      if (child.values.length < ELEMENTS_SAMPLED) child.values.push(value);
    }
  }
  return [...byName.values()];
}

// The objects whose fields a path continues into: the value itself, or, through arrays (nested too, as JSONata
// flattens them), the first few elements. Bounded so that arrays of arrays cannot multiply the work.
function collectRecords(value: unknown, out: Record<string, unknown>[]): void {
  if (out.length >= ELEMENTS_SAMPLED) return;
  if (Array.isArray(value)) {
    for (const item of value.slice(0, ELEMENTS_SAMPLED) as unknown[]) collectRecords(item, out);
  } else if (typeof value === 'object' && value !== null) {
    out.push(value as Record<string, unknown>);
  }
}

function describe(node: Pending): FieldPath {
  // A null in the first element says less about the field than a value in a later one.
  const value = node.values.find((v) => v !== null) ?? node.values[0];
  const entry: FieldPath = { path: joinPath(node.steps), type: typeOf(value) };
  if (value === null || typeof value === 'number' || typeof value === 'boolean') entry.example = value;
  if (typeof value === 'string') {
    entry.example = value.length > EXAMPLE_MAX_CHARS ? `${value.slice(0, EXAMPLE_MAX_CHARS - 1)}…` : value;
  }
  return entry;
}

function typeOf(value: unknown): FieldType {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  switch (typeof value) {
    case 'string':
      return 'string';
    case 'number':
    case 'bigint':
      return 'number';
    case 'boolean':
      return 'boolean';
    default:
      return 'object';
  }
}

function compareOrder(a: number[], b: number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return a.length - b.length;
}
