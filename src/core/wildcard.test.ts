// The linear wildcard matcher against a dynamic-programming oracle on random patterns and values,
// and against the inputs that made the old regex translation backtrack for minutes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileWildcard } from './wildcard.ts';

/** Textbook O(n·m) table: does `value` match `pattern` (`*`, and `?` for one character with anyChar; no escapes)? */
function oracle(pattern: string, value: string, anyChar = false): boolean {
  const m = pattern.length;
  let row = Array<boolean>(m + 1).fill(false);
  row[0] = true;
  for (let j = 1; j <= m && pattern[j - 1] === '*'; j++) row[j] = true;
  for (const ch of value) {
    const next = Array<boolean>(m + 1).fill(false);
    for (let j = 1; j <= m; j++) {
      const p = pattern[j - 1];
      next[j] = p === '*' ? next[j - 1] || row[j] : row[j - 1] && (p === ch || (anyChar && p === '?'));
    }
    row = next;
  }
  return row[m];
}

test('wildcard: agrees with the oracle on 5,000 random cases', () => {
  let seed = 42;
  const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
  const pick = (alphabet: string, n: number) => Array.from({ length: n }, () => alphabet[rand(alphabet.length)]).join('');
  let matches = 0;
  for (let i = 0; i < 5000; i++) {
    const pattern = pick('ab*', rand(8));
    const value = pick('ab', rand(10));
    const expected = oracle(pattern, value);
    matches += expected ? 1 : 0;
    assert.equal(compileWildcard(pattern).test(value), expected, `${JSON.stringify(pattern)} ~ ${JSON.stringify(value)}`);
  }
  assert.ok(matches > 500, 'the random cases exercise matches as well as misses');
});

test('wildcard: `?` is one character with anyChar (IAM policies), agreeing with the oracle', () => {
  let seed = 7;
  const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
  const pick = (alphabet: string, n: number) => Array.from({ length: n }, () => alphabet[rand(alphabet.length)]).join('');
  let matches = 0;
  for (let i = 0; i < 5000; i++) {
    const pattern = pick('ab*?', rand(8));
    const value = pick('ab', rand(10));
    const expected = oracle(pattern, value, true);
    matches += expected ? 1 : 0;
    assert.equal(compileWildcard(pattern, { anyChar: true }).test(value), expected, `${JSON.stringify(pattern)} ~ ${JSON.stringify(value)}`);
  }
  assert.ok(matches > 500);
  assert.ok(compileWildcard('arn:aws:s3:::my-bucket-??/*', { anyChar: true }).test('arn:aws:s3:::my-bucket-01/a/b'));
  assert.ok(!compileWildcard('a?c', {}).test('abc'), 'without anyChar ? is literal');
  // The backtracking case for a regex translation: many stars and ? over a bucket-name-sized value.
  const started = performance.now();
  assert.ok(!compileWildcard(`${'*?'.repeat(30)}x`, { anyChar: true }).test('a'.repeat(63)));
  assert.ok(performance.now() - started < 50);
});

test('wildcard: escapes are literal only when asked for', () => {
  assert.ok(compileWildcard('a\\*b', { escapes: true }).test('a*b'));
  assert.ok(!compileWildcard('a\\*b', { escapes: true }).test('axxb'));
  assert.ok(compileWildcard('a\\\\*', { escapes: true }).test('a\\anything'));
  assert.ok(compileWildcard('a\\*b').test('a\\xyzb'), 'without escapes a backslash is an ordinary character');
  assert.ok(compileWildcard('*.png').test('dir/file.png'));
  assert.ok(!compileWildcard('*.png').test('dir/file.png.txt'));
  assert.ok(compileWildcard('ab*ba').test('aba') === false, 'prefix and suffix may not overlap');
  assert.ok(compileWildcard('').test('') && !compileWildcard('').test('x'));
});

test('wildcard: the backtracking inputs stay linear', () => {
  const cases: Array<[string, string]> = [
    ['*a*a*a*a*a*a*a*b', 'a'.repeat(60)],
    ['a*a*a*a*a*a*a*b*', 'a'.repeat(60)],
    [`${'*a'.repeat(1000)}b`, 'a'.repeat(100_000)],
    [`*${'a'.repeat(50)}b*`, 'a'.repeat(100_000)],
  ];
  for (const [pattern, value] of cases) {
    const w = compileWildcard(pattern);
    let ms = Infinity; // the best of three: a busy machine must not fail it, a backtracking matcher would
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      assert.equal(w.test(value), false);
      ms = Math.min(ms, performance.now() - t0);
    }
    assert.ok(ms < 50, `${pattern.slice(0, 20)}… took ${ms.toFixed(1)} ms`);
  }
});
