import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateMapping } from './evaluate-mapping.ts';
import { isMappingError } from './mapping-error.ts';

// Mappings are written by tenants and fed data from outside (webhooks), so each of these classic JavaScript
// sandbox escapes and prototype-pollution payloads must either fail as a MappingError or produce plain data that
// reaches nothing of the host.
const payloads = [
  'constructor.constructor("return process")()',
  '$.constructor',
  '$$.constructor.prototype',
  '"".constructor.constructor("return this")()',
  '"".constructor',
  '(1).constructor.constructor("return globalThis")()',
  '[].constructor.constructor("return process")()',
  'trigger.constructor.constructor("return process.mainModule.require(\'child_process\')")()',
  'trigger.__proto__',
  'trigger.__proto__.constructor',
  'trigger.prototype',
  '$string.constructor',
  '$string.constructor("return process")()',
  '$uppercase.implementation',
  '$lookup($, "constructor")',
  '$lookup($lookup($, "constructor"), "constructor")("return process")()',
  '$lookup(trigger, "__proto__")',
  '$lookup($string, "constructor")',
  '$sift($, function($v, $k){ $k = "constructor" })',
  '$each($, function($v, $k){ $lookup($v, "constructor") })',
  '$spread($)',
  '$spread($string)',
  '$keys($string)',
  '$merge([{}, {"__proto__": {"polluted": true}}])',
  '$merge([{}, trigger.evil])',
  '{"__proto__": {"polluted": true}}',
  '{"constructor": {"prototype": {"polluted": true}}}',
  '$ ~> | $ | {"__proto__": {"polluted": true}} |',
  '$ ~> | trigger | {"constructor": {"prototype": {"polluted": true}}} |',
  'trigger.evil ~> | $ | {"polluted": true} |',
  '$eval("constructor.constructor(\\"return process\\")()")',
  '$eval("$string.constructor")',
  '$eval(trigger.code)',
  '(function(){return process})()',
  'function(){ return process }()',
  'process',
  '$process',
  '$require("child_process")',
  'require("fs")',
  '$globalThis',
  'globalThis',
  '$this',
  '$module.exports',
  'trigger.fn()',
  'trigger.fn',
  '$spread(function($x){ $x })',
  '(function($x){ $x }).environment',
  '$lookup(function($x){ $x }, "environment")',
  '$now.constructor',
  '$sort(trigger.list, $string.constructor)',
  '$map([1], $lookup($, "constructor"))',
  '$string(function($x){ $x })',
  '$type($.constructor)',
];

const document = {
  trigger: {
    evil: JSON.parse('{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}}') as unknown,
    code: 'constructor.constructor("return process")()',
    list: [3, 1, 2],
    // A function smuggled into the input: it must never be callable from a mapping.
    fn: () => process,
  },
  steps: {},
};

const hostObjects: unknown[] = [process, globalThis, Function, Object, eval, globalThis.require].filter(
  (value) => value !== undefined,
);

function assertPlainData(value: unknown, path = '$'): void {
  expect(hostObjects.includes(value), `${path} is a host object`).toBe(false);
  if (value === null || ['string', 'number', 'boolean', 'undefined'].includes(typeof value)) return;
  expect(typeof value, `${path} is not data`).toBe('object');
  const plainPrototypes: unknown[] = [Object.prototype, Array.prototype];
  expect(plainPrototypes.includes(Object.getPrototypeOf(value as object)), `${path} has a foreign prototype`).toBe(true);
  for (const [key, item] of Object.entries(value as object)) assertPlainData(item, `${path}.${key}`);
}

function prototypeShapes() {
  return [Object.prototype, Array.prototype, Function.prototype, String.prototype].map((p) =>
    Object.getOwnPropertyNames(p).sort(),
  );
}

describe('sandbox escapes', () => {
  let before: string[][];
  beforeAll(() => {
    before = prototypeShapes();
  });
  afterAll(() => {
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
    expect(prototypeShapes()).toEqual(before);
  });

  it('has a corpus of at least 25 payloads, and a check that would notice a leak', () => {
    expect(new Set(payloads).size).toBeGreaterThanOrEqual(25);
    expect(() => assertPlainData({ ok: [process] })).toThrow();
    expect(() => assertPlainData(() => 1)).toThrow();
    expect(() => assertPlainData(new Date())).toThrow();
  });

  it.each(payloads)('%s fails or yields plain data', async (payload) => {
    let result: unknown;
    try {
      result = await evaluateMapping(payload, document, { timeoutMs: 500 });
    } catch (error) {
      expect(isMappingError(error), `threw a non-MappingError: ${String(error)}`).toBe(true);
      return;
    }
    assertPlainData(result);
    expect(JSON.stringify(result ?? null)).not.toMatch(/"polluted"\s*:\s*true[^]*"__proto__"|\[native code\]/);
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
    expect(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted')).toBe(false);
  });

  it('drops __proto__ keys from output so downstream deep merges cannot be polluted', async () => {
    const merged = await evaluateMapping('$merge([{"a": 1}, trigger.evil])', document);
    expect(Object.keys(merged as object)).toEqual(['a', 'constructor']);
    expect(Object.getPrototypeOf(merged)).toBe(Object.prototype);
    const built = await evaluateMapping('{"__proto__": {"polluted": true}, "b": 2}', document);
    expect(built).toEqual({ b: 2 });
    expect(Object.keys(built as object)).toEqual(['b']);
  });
});
