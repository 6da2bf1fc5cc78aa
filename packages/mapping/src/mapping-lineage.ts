import { compileMapping, jsonataOf } from './compile-mapping.ts';
import { isMappingError } from './mapping-error.ts';
import { pathStep } from './path-format.ts';

/** Input paths each output field reads, by output field name: `{ email: ['trigger.customer.email'] }`. */
export type MappingLineage = Record<string, string[]>;

// The parts of JSONata's syntax tree this walker reads. JSONata's own typings list only some node types and
// fields (no "path", "bind", "block", stages or groups), so the tree is read through this shape instead.
interface AstNode {
  type: string;
  value?: unknown;
  steps?: AstNode[];
  stages?: AstStage[];
  predicate?: AstStage[];
  group?: { lhs: [AstNode, AstNode][] };
  lhs?: AstNode | [AstNode, AstNode][];
  rhs?: AstNode;
  expression?: AstNode;
  expressions?: AstNode[];
  arguments?: AstNode[];
  procedure?: AstNode;
  body?: AstNode;
  condition?: AstNode;
  then?: AstNode;
  else?: AstNode;
  terms?: { expression: AstNode }[];
  pattern?: AstNode;
  update?: AstNode;
  delete?: AstNode;
}

interface AstStage {
  type: string;
  expr?: AstNode;
}

// A location in the input document as raw field names from the root; '*' and '**' stand for wildcards.
type Location = readonly string[];

// Variables bound with := map to the locations their value came from, so `$c := trigger.customer; $c.email`
// is traced to trigger.customer.email. Lambda parameters are bound to nothing: their values are unknown here.
class Scope {
  readonly #vars = new Map<string, Location[]>();
  constructor(readonly parent?: Scope) {}
  get(name: string): Location[] {
    return this.#vars.get(name) ?? this.parent?.get(name) ?? [];
  }
  set(name: string, locations: Location[]): void {
    this.#vars.set(name, locations);
  }
}

class Reads {
  readonly paths = new Set<string>();
  // Counts every read, also repeated ones, so callers can tell whether a sub-expression read anything.
  count = 0;
  add(locations: readonly Location[]): void {
    for (const location of locations) {
      this.count += 1;
      this.paths.add(formatLocation(location));
    }
  }
}

const ROOT: Location[] = [[]];
const UNKNOWN: Location[] = [];

/**
 * Per-field lineage of an object-constructor mapping, read from JSONata's syntax tree: for
 * `{ "email": trigger.customer.email, "total": $sum(trigger.items.price) }` it returns
 * `{ email: ['trigger.customer.email'], total: ['trigger.items.price'] }`. Best effort: it follows paths,
 * filters, nested constructors and `:=` variables, but not values passed into functions' parameters or built by
 * $eval. Any other shape of mapping (a bare path, an array, an invalid expression) gives `{}`; so do fields whose
 * name is computed.
 */
export function mappingLineage(expression: string): MappingLineage {
  let root: AstNode;
  try {
    root = jsonataOf(compileMapping(expression)).ast() as unknown as AstNode;
  } catch (error) {
    if (isMappingError(error)) return {};
    throw error;
  }
  const scope = new Scope();
  let object: AstNode | undefined = root;
  // A block may bind variables before producing the object: `( $c := trigger.customer; { "email": $c.email } )`.
  while (object?.type === 'block' && object.expressions && object.expressions.length > 0) {
    const expressions: AstNode[] = object.expressions;
    for (const statement of expressions.slice(0, -1)) readValue(statement, ROOT, scope, new Reads());
    object = expressions.at(-1);
  }
  if (object?.type !== 'unary' || object.value !== '{' || !Array.isArray(object.lhs)) return {};
  const lineage: MappingLineage = {};
  for (const [key, value] of object.lhs) {
    if (key.type !== 'string' || typeof key.value !== 'string') continue;
    const reads = new Reads();
    useValue(value, ROOT, scope, reads);
    const known = lineage[key.value] ?? [];
    lineage[key.value] = [...new Set([...known, ...reads.paths])];
  }
  return lineage;
}

// Walks a node whose value is used as a leaf (an operand, an argument, a field value): its locations are reads.
function useValue(node: AstNode | undefined, context: Location[], scope: Scope, reads: Reads): void {
  reads.add(readValue(node, context, scope, reads));
}

// Walks a node, recording what it reads along the way, and returns the locations its value comes from (empty
// when the value is computed) without recording them: a path step consuming the value decides that.
function readValue(node: AstNode | undefined, context: Location[], scope: Scope, reads: Reads): Location[] {
  if (!node) return UNKNOWN;
  let result = readNode(node, context, scope, reads);
  // Filters and index stages read relative to the value they filter; the value keeps its locations.
  for (const stage of [...(node.predicate ?? []), ...(node.stages ?? [])]) {
    if (stage.expr) useValue(stage.expr, result, scope, reads);
  }
  if (node.group && node.type !== 'path') result = readGroup(node.group, result, scope, reads);
  return result;
}

function readNode(node: AstNode, context: Location[], scope: Scope, reads: Reads): Location[] {
  switch (node.type) {
    case 'path':
      return readPath(node, context, scope, reads);
    case 'name':
    case 'variable':
    case 'wildcard':
    case 'descendant':
    case 'parent':
      return step(node, context, context, scope);
    case 'block': {
      const inner = new Scope(scope);
      const expressions = node.expressions ?? [];
      expressions.slice(0, -1).forEach((statement) => useValue(statement, context, inner, reads));
      return readValue(expressions.at(-1), context, inner, reads);
    }
    case 'bind': {
      const locations = readValue(node.rhs, context, scope, reads);
      const target = node.lhs as AstNode | undefined;
      if (target?.type === 'variable' && typeof target.value === 'string') scope.set(target.value, locations);
      return locations;
    }
    case 'condition':
      useValue(node.condition, context, scope, reads);
      return [...readValue(node.then, context, scope, reads), ...readValue(node.else, context, scope, reads)];
    case 'unary':
      if (node.value === '{' && Array.isArray(node.lhs)) return readGroup({ lhs: node.lhs }, context, scope, reads);
      for (const item of node.expressions ?? []) useValue(item, context, scope, reads);
      useValue(node.expression, context, scope, reads);
      return UNKNOWN;
    case 'function':
    case 'partial':
      for (const argument of node.arguments ?? []) useValue(argument, context, scope, reads);
      if (node.procedure?.type !== 'variable') useValue(node.procedure, context, scope, reads);
      return UNKNOWN;
    case 'lambda': {
      const inner = new Scope(scope);
      for (const parameter of node.arguments ?? []) {
        if (typeof parameter.value === 'string') inner.set(parameter.value, UNKNOWN);
      }
      useValue(node.body, UNKNOWN, inner, reads);
      return UNKNOWN;
    }
    case 'sort':
      for (const term of node.terms ?? []) useValue(term.expression, context, scope, reads);
      return context;
    case 'transform': {
      const target = readValue(node.pattern, context, scope, reads);
      useValue(node.update, target, scope, reads);
      useValue(node.delete, target, scope, reads);
      return UNKNOWN;
    }
    default:
      // Binary operators, ~>, and anything JSONata adds later: every operand is a read.
      if (node.lhs && !Array.isArray(node.lhs)) useValue(node.lhs, context, scope, reads);
      useValue(node.rhs, context, scope, reads);
      return UNKNOWN;
  }
}

function readPath(node: AstNode, context: Location[], scope: Scope, reads: Reads): Location[] {
  let current = context;
  (node.steps ?? []).forEach((part, index) => {
    if (['name', 'variable', 'wildcard', 'descendant', 'parent'].includes(part.type)) {
      current = step(part, current, index === 0 ? context : current, scope);
      for (const stage of [...(part.stages ?? []), ...(part.predicate ?? [])]) {
        if (stage.expr) useValue(stage.expr, current, scope, reads);
      }
      return;
    }
    // A computed step ( `.{…}`, `.(…)`, `.$f()` ) runs once per item of the path so far. If it reads nothing
    // relative to that, the path so far is still what the field is made from.
    const before = reads.count;
    const next = readValue(part, current, scope, reads);
    if (reads.count === before) reads.add(current);
    current = next;
  });
  if (node.group) current = readGroup(node.group, current, scope, reads);
  return current;
}

function step(part: AstNode, current: Location[], context: Location[], scope: Scope): Location[] {
  const name = typeof part.value === 'string' ? part.value : '';
  switch (part.type) {
    case 'name':
      return current.map((location) => [...location, name]);
    case 'variable':
      // `$` is the context, `$$` the input document, anything else a bound variable.
      if (name === '') return context;
      if (name === '$') return ROOT;
      return scope.get(name);
    case 'wildcard':
      return current.map((location) => [...location, '*']);
    case 'descendant':
      return current.map((location) => [...location, '**']);
    default:
      // The parent operator %: one step up.
      return current.map((location) => location.slice(0, -1));
  }
}

// An object constructor (or a group-by) reads its keys and values relative to the value it is applied to.
function readGroup(group: { lhs: [AstNode, AstNode][] }, context: Location[], scope: Scope, reads: Reads): Location[] {
  for (const [key, value] of group.lhs) {
    useValue(key, context, scope, reads);
    useValue(value, context, scope, reads);
  }
  return UNKNOWN;
}

function formatLocation(location: Location): string {
  if (location.length === 0) return '$';
  return location.map((name) => (name === '*' || name === '**' ? name : (pathStep(name) ?? `\`${name}\``))).join('.');
}
