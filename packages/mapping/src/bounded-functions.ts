import jsonata from 'jsonata';

// The time limit is checked between evaluation steps, so it cannot interrupt one long native call. $pad is the
// one built-in whose cost is set by a bare number rather than by data the mapping already holds:
// `$pad("", 500000000)` spends ~10 s and ~1.7 GB inside a single call (and aborts older Node versions outright).
// It is replaced by a wrapper that refuses widths no mapping needs and otherwise calls the original.

/** Widest result $pad may be asked for, in characters. */
export const MAX_PAD_WIDTH = 1_000_000;

type Implementation = (this: jsonata.Focus, ...args: unknown[]) => unknown;

let builtinPad: Promise<Implementation> | undefined;

// The built-in is reachable only as a JSONata value; fetched once, on first use.
function originalPad(): Promise<Implementation> {
  builtinPad ??= (jsonata('$pad').evaluate({}) as Promise<{ implementation: Implementation }>).then(
    (definition) => definition.implementation,
  );
  return builtinPad;
}

/** Replaces built-ins whose single call can run away with bounded versions, on one compiled expression. */
export function installBoundedFunctions(expression: jsonata.Expression): void {
  expression.registerFunction(
    'pad',
    async function (this: jsonata.Focus, str: unknown, width: unknown, char: unknown) {
      if (typeof width === 'number' && Math.abs(width) > MAX_PAD_WIDTH) {
        // A plain object, as JSONata throws: it adds the call's position and the token "pad".
        throw { message: `$pad width ${width} is over the limit of ${MAX_PAD_WIDTH.toLocaleString('en-US')} characters.` };
      }
      const pad = await originalPad();
      return pad.call(this, str, width, char);
    },
    '<s-ns?:s>',
  );
}
