// The content-filter engine itself, under a test dialect: the grammar, what each dialect switch
// changes, the limits, and hostile input (deep nesting, huge arrays, long wildcards) refused or
// matched in linear time. Service behaviour is tested next to each service's dialect.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileFilter, jsonSubject, matchesFilter, type Dialect } from './index.ts';
import { bestOfThree } from '../../../test/support/timing.ts';

class Refused extends Error {}

const base: Dialect = {
  operators: new Set(['prefix', 'suffix', 'equals-ignore-case', 'wildcard', 'anything-but', 'numeric', 'exists', 'cidr']),
  anythingBut: new Set(['prefix', 'suffix', 'equals-ignore-case', 'wildcard']),
  numbers: { limit: 5e9, inclusive: true, decimals: 6 },
  literalsInRange: false,
  maxDepth: 100,
  orIsNesting: true,
  nesting: true,
  nullValues: true,
  booleansAsStrings: false,
  numbersMatchNumericStrings: false,
  maxWildcardComplexity: 10,
  refuse: (reason) => new Refused(reason),
};

const match = (filter: unknown, doc: Record<string, unknown>, dialect: Partial<Dialect> = {}) =>
  matchesFilter(compileFilter(typeof filter === 'string' ? filter : JSON.stringify(filter), { ...base, ...dialect }), jsonSubject(doc, { booleansAsStrings: dialect.booleansAsStrings }));
const refusal = (filter: unknown, dialect: Partial<Dialect> = {}): string => {
  try {
    compileFilter(typeof filter === 'string' ? filter : JSON.stringify(filter), { ...base, ...dialect });
  } catch (err) {
    assert.ok(err instanceof Refused, `refused with the dialect's error, not ${String(err)}`);
    return err.message;
  }
  assert.fail('compiled, but should have been refused');
};

test('grammar: keys ANDed, values ORed, nesting, arrays stand for their elements', () => {
  const doc = { a: 'x', n: 5, tags: ['p', 'q'], inner: { b: true, deep: [{ c: null }, { c: 'y' }] } };
  assert.equal(match({ a: ['x'], n: [5] }, doc), true);
  assert.equal(match({ a: ['x'], n: [6] }, doc), false);
  assert.equal(match({ a: ['z', 'x'] }, doc), true);
  assert.equal(match({ tags: ['q'] }, doc), true);
  assert.equal(match({ inner: { b: [true] } }, doc), true);
  assert.equal(match({ inner: { deep: { c: ['y'] } } }, doc), true, 'an array of objects: any one matches');
  assert.equal(match({ inner: { deep: { c: [null] } } }, doc), true);
  assert.equal(match({ missing: { c: ['y'] } }, doc), false);
  assert.equal(match({}, doc), true);
});

test('exists looks at leaves only; anything-but needs a value to be present', () => {
  const doc = { a: 'x', obj: { k: 1 }, empty: [], objs: [{ k: 1 }] };
  assert.equal(match({ a: [{ exists: true }] }, doc), true);
  assert.equal(match({ obj: [{ exists: true }] }, doc), false);
  assert.equal(match({ empty: [{ exists: false }] }, doc), true);
  assert.equal(match({ objs: [{ exists: false }] }, doc), true);
  assert.equal(match({ nope: [{ 'anything-but': 'x' }] }, doc), false);
  assert.equal(match({ constructor: [{ exists: true }] }, doc), false, 'inherited properties are not keys');
  assert.equal(match({ nope: [{ exists: true }, { exists: false }] }, doc), true);
  assert.equal(match({ a: [{ exists: false }, 'x'] }, doc), true);
  assert.equal(match({ a: [{ exists: false }, 'y'] }, doc), false);
});

test('$or is an OR only for two or more objects without reserved keys; otherwise an ordinary key', () => {
  assert.equal(match({ $or: [{ a: ['x'] }, { b: ['y'] }] }, { b: 'y' }), true);
  assert.equal(match({ $or: [{ a: ['x'] }, { b: ['y'] }] }, { c: 'z' }), false);
  assert.equal(match({ $or: ['x', 'y'] }, { $or: 'y' }), true, 'a list of values: the key "$or"');
  assert.equal(match({ $or: ['x', 'y'] }, { a: 'x' }), false);
  assert.equal(refusal({ $or: [{ numeric: 123 }, { prefix: 'abc' }] }), 'Value of numeric must be an array.');
  assert.equal(refusal({ $or: [{ a: ['x'] }] }), 'Unrecognized match type a');
});

test('operators: each one, and the dialect decides which exist', () => {
  const doc = { s: 'Hello.PNG', n: 12.5, ip: '192.168.1.7', b: false };
  const cases: Array<[unknown, boolean]> = [
    [{ s: [{ prefix: 'Hell' }] }, true],
    [{ s: [{ prefix: { 'equals-ignore-case': 'HELL' } }] }, true],
    [{ s: [{ suffix: '.png' }] }, false],
    [{ s: [{ suffix: { 'equals-ignore-case': '.png' } }] }, true],
    [{ s: [{ 'equals-ignore-case': 'hello.png' }] }, true],
    [{ s: [{ wildcard: 'H*.P*' }] }, true],
    [{ s: [{ 'anything-but': ['a', 'b'] }] }, true],
    [{ s: [{ 'anything-but': { prefix: 'He' } }] }, false],
    [{ s: [{ 'anything-but': { suffix: '.gif' } }] }, true],
    [{ s: [{ 'anything-but': { 'equals-ignore-case': ['HELLO.png'] } }] }, false],
    [{ s: [{ 'anything-but': { wildcard: '*.PNG' } }] }, false],
    [{ n: [{ 'anything-but': [12.5] }] }, false],
    [{ n: [{ 'anything-but': { prefix: '1' } }] }, false],
    [{ n: [{ numeric: ['>', 10, '<=', 12.5] }] }, true],
    [{ n: [{ numeric: ['<', 10] }] }, false],
    [{ ip: [{ cidr: '192.168.0.0/16' }] }, true],
    [{ ip: [{ cidr: '10.0.0.0/8' }] }, false],
    [{ b: [false] }, true],
    [{ b: ['false'] }, false],
  ];
  for (const [filter, expected] of cases) assert.equal(match(filter, doc), expected, JSON.stringify(filter));
  const noWildcards = { operators: new Set(['prefix', 'numeric'] as const) };
  assert.equal(refusal({ s: [{ wildcard: 'H*' }] }, noWildcards), 'Unrecognized match type wildcard');
  assert.equal(refusal({ s: [{ 'anything-but': { wildcard: 'H*' } }] }, { anythingBut: new Set(['prefix'] as const) }), 'Unsupported anything-but pattern: wildcard');
  assert.equal(refusal({ s: [{ 'anything-but': {} }] }), 'Only one key allowed in match expression');
});

test('numbers: compared at the dialect precision, and only within its range', () => {
  // Six decimals: these two are one number; at five decimals so are these.
  assert.equal(match({ n: [1.0000001] }, { n: 1.0000002 }), true);
  assert.equal(match({ n: [{ numeric: ['=', 1.0000001] }] }, { n: 1.0000004 }), true);
  assert.equal(match({ n: [1.000001] }, { n: 1.000002 }), false);
  assert.equal(match({ n: [1.000001] }, { n: 1.000002 }, { numbers: { limit: 1e9, inclusive: false, decimals: 5 } }), true);
  // A subject value outside the range takes part in no numeric comparison.
  assert.equal(match({ n: [{ numeric: ['>', 0] }] }, { n: 6e9 }), false);
  assert.equal(match({ n: [{ numeric: ['>', 0] }] }, { n: 5e9 }), true);
  assert.equal(refusal({ n: [{ numeric: ['<', 5.1e9] }] }), 'Numeric values must be within the range -5.0E9 and 5.0E9');
  assert.equal(refusal('{"n":[{"numeric":["<",1e400]}]}'), 'Numeric values must be within the range -5.0E9 and 5.0E9');
  assert.equal(match({ n: [6e9] }, { n: 6e9 }), true, 'a literal outside the range still equals itself');
  assert.equal(refusal({ n: [6e9] }, { literalsInRange: true }), 'Numeric values must be within the range -5.0E9 and 5.0E9');
  assert.equal(refusal({ n: [{ numeric: ['>', 5, '>', 6] }] }), 'Bad numeric range operator');
  assert.equal(refusal({ n: [{ numeric: ['>', 6, '<', 5] }] }), 'Bottom must be less than top');
  assert.equal(refusal({ n: [{ numeric: ['!=', 5] }] }), 'Unrecognized numeric range operator: !=');
});

test('dialect switches: booleans as strings, numeric strings, null, nesting, wording', () => {
  assert.equal(match({ b: [true] }, { b: true }, { booleansAsStrings: true }), true);
  assert.equal(match({ b: ['true'] }, { b: true }, { booleansAsStrings: true }), true);
  assert.equal(match({ b: ['true'] }, { b: true }), false);
  assert.equal(match({ n: [5] }, { n: '5' }), false);
  assert.equal(match({ n: [5] }, { n: '5' }, { numbersMatchNumericStrings: true }), true);
  assert.equal(match({ n: [{ numeric: ['>', 4] }] }, { n: '5' }, { numbersMatchNumericStrings: true }), true);
  assert.equal(match({ n: [{ 'anything-but': [5] }] }, { n: '5' }, { numbersMatchNumericStrings: true }), false);
  assert.equal(refusal({ a: [null] }, { nullValues: false }), 'Match value must be String, number, true, false, or null');
  assert.equal(refusal({ a: { b: ['x'] } }, { nesting: false }), '"a" must be an object or an array');
  assert.equal(refusal('{', { wording: { json: () => 'failed to parse JSON.' } }), 'failed to parse JSON.');
  assert.match(refusal('{'), /^Filter is not valid JSON: /);
  assert.equal(refusal('[1]'), 'Filter is not an object');
});

test('limits: length in characters or bytes, keys, combinations, depth', () => {
  const long = JSON.stringify({ a: ['é'.repeat(60)] });
  assert.equal(match(long, { a: 'é'.repeat(60) }, { maxLength: { limit: 100, unit: 'characters' } }), true);
  assert.equal(refusal(long, { maxLength: { limit: 100, unit: 'bytes' } }), 'Filter is too long');
  // Keys: the top level (a nested object once), plus the largest $or alternative's.
  const keys = { maxKeys: 3 };
  assert.equal(match({ a: ['1'], b: { c: ['1'], d: ['1'], e: ['1'], f: ['1'] }, g: ['1'] }, {}, keys), false);
  assert.equal(refusal({ a: ['1'], b: ['1'], c: ['1'], d: ['1'] }, keys), 'Filter has too many keys');
  assert.equal(refusal({ a: ['1'], b: ['1'], $or: [{ c: ['1'] }, { d: ['1'], e: ['1'] }] }, keys), 'Filter has too many keys');
  // Combinations: listed values multiply, $or alternatives add.
  const combos = { maxCombinations: 12 };
  assert.equal(match({ a: ['1', '2', '3'], b: ['1', '2'], $or: [{ c: ['1'] }, { d: ['x'] }] }, { a: '1', b: '2', d: 'x' }, combos), true);
  assert.equal(refusal({ a: ['1', '2', '3'], b: ['1', '2'], $or: [{ c: ['1'] }, { d: ['1'] }, { e: ['1'] }] }, combos), 'Filter is too complex');
  let deep: unknown = { z: ['1'] };
  for (let i = 0; i < 4; i++) deep = { n: deep };
  assert.equal(match(deep, { n: { n: { n: { n: { z: '1' } } } } }, { maxDepth: 5 }), true);
  assert.equal(refusal({ n: deep }, { maxDepth: 5 }), 'Filter nesting is too deep');
  assert.equal(refusal({ $or: [{ a: ['1'] }, deep] }, { maxDepth: 5 }), 'Filter nesting is too deep', '$or is a level where the dialect says so');
  assert.equal(match({ $or: [{ a: ['1'] }, deep] }, { a: '1' }, { maxDepth: 5, orIsNesting: false }), true);
});

test('wildcards: escapes, positions in UTF-8 bytes, the complexity limit per field', () => {
  assert.equal(match({ f: [{ wildcard: 'a\\*b*' }] }, { f: 'a*bc' }), true);
  assert.equal(match({ f: [{ wildcard: 'a\\*b*' }] }, { f: 'axbc' }), false);
  assert.equal(refusal({ f: [{ wildcard: 'éa**' }] }), 'Consecutive wildcard characters at pos 3');
  assert.equal(refusal({ f: [{ wildcard: 'a\\b' }] }), 'Invalid escape character at pos 1');
  assert.match(refusal({ f: [{ wildcard: '*a'.repeat(12) }] }), /^Rule is too complex/);
  assert.match(refusal({ f: ['*.png', '*.jpg', '*.gif', '*.tif', '*.bmp', '*.svg'].map((w) => ({ wildcard: w })) }), /^Rule is too complex/);
  assert.equal(match({ f: [{ wildcard: '*a'.repeat(12) }] }, { f: 'a'.repeat(12) }, { maxWildcardComplexity: undefined }), true);
});

// ── Hostile input: refused or matched fast, never a stack overflow, never a stall ───────────────

const fast = async (what: string, run: () => void, ms = 250) => {
  const { r, ms: took } = await bestOfThree(async () => run());
  if (r instanceof Error && !(r instanceof Refused)) throw r;
  assert.ok(took < ms, `${what}: ${took.toFixed(1)} ms`);
};

test('hostile: 100,000 levels of nesting and 10,000 nested $or are refused quickly', async () => {
  const nested = '{"a":'.repeat(100_000) + '["x"]' + '}'.repeat(100_000);
  await fast('deep objects', () => assert.equal(refusal(nested), 'Filter nesting is too deep'));
  let ors = '{"a":["x"]}';
  for (let i = 0; i < 10_000; i++) ors = `{"$or":[{"b":["y"]},${ors}]}`;
  await fast('deep $or', () => assert.equal(refusal(ors, { orIsNesting: false, maxDepth: 6 }), 'Filter nesting is too deep'));
  await fast('deep $or, combinations', () => assert.equal(refusal(ors, { orIsNesting: false, maxDepth: 6, maxCombinations: 150 }), 'Filter is too complex'));
});

test('hostile: huge arrays in the filter and in the subject match in linear time', async () => {
  const values = Array.from({ length: 100_000 }, (_, i) => `v${i}`);
  const filter = compileFilter(JSON.stringify({ a: values }), base);
  const doc = { a: Array.from({ length: 100_000 }, (_, i) => `w${i}`).concat('v99999') };
  await fast('100k × 100k exact values', () => assert.equal(matchesFilter(filter, jsonSubject(doc)), true), 500);
  const prefixes = compileFilter(JSON.stringify({ a: Array.from({ length: 300 }, (_, i) => ({ prefix: `p${i}-` })) }), base);
  const misses = { a: Array.from({ length: 3000 }, (_, i) => `q${i}`) };
  await fast('300 prefixes × 3,000 values', () => assert.equal(matchesFilter(prefixes, jsonSubject(misses)), false), 500);
  assert.equal(refusal({ a: values.slice(0, 200) }, { maxCombinations: 150 }), 'Filter is too complex');
});

test('hostile: long wildcard patterns and values stay linear', async () => {
  const stars = compileFilter(JSON.stringify({ f: [{ wildcard: '*a*a*a*a*a*a*a*b' }] }), base);
  await fast('7 stars over 100,000 characters', () => assert.equal(matchesFilter(stars, jsonSubject({ f: 'a'.repeat(100_000) })), false));
  await fast('1,000 stars refused', () => assert.match(refusal({ f: [{ wildcard: 'x*'.repeat(1000) }] }), /^Rule is too complex/));
  const long = compileFilter(JSON.stringify({ f: [{ wildcard: `${'ab'.repeat(1000)}*${'cd'.repeat(1000)}` }] }), { ...base, maxWildcardComplexity: undefined });
  await fast('a 4,000-character pattern', () => assert.equal(matchesFilter(long, jsonSubject({ f: `${'ab'.repeat(1000)}${'x'.repeat(100_000)}${'cd'.repeat(1000)}` })), true));
});
