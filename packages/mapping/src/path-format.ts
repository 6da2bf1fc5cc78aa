// Names JSONata reads as plain path steps. Anything else (spaces, dashes, leading digits, keywords such as "and")
// is written in backquotes, which JSONata accepts for any name that has no backquote in it.
const PLAIN_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const KEYWORDS = new Set(['and', 'or', 'in', 'true', 'false', 'null', 'function']);

/** A JSONata path step for a field name, backquoted when needed; undefined when JSONata cannot name it. */
export function pathStep(name: string): string | undefined {
  if (PLAIN_NAME.test(name) && !KEYWORDS.has(name)) return name;
  if (name === '' || name.includes('`')) return undefined;
  return `\`${name}\``;
}

/** Joins path steps (already formatted) into a JSONata path. */
export function joinPath(steps: readonly string[]): string {
  return steps.join('.');
}
