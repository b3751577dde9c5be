import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyTags, removeTags, tagList, tagMap, validateTags, type TagProblem } from './tags.ts';

class TagError extends Error {
  readonly problem: TagProblem;
  constructor(problem: TagProblem) {
    super(problem.kind);
    this.problem = problem;
  }
}
const rules = { error: (p: TagProblem) => new TagError(p) };
const kindOf = (fn: () => void) => {
  try {
    fn();
  } catch (err) {
    return (err as TagError).problem.kind;
  }
  return 'none';
};

test('both tag styles convert into each other', () => {
  assert.deepEqual(tagMap([{ Key: 'a', Value: '1' }, { Key: 'b', Value: '' }]), { a: '1', b: '' });
  assert.deepEqual(tagList({ a: '1' }), [{ Key: 'a', Value: '1' }]);
});

test("AWS's limits: 50 tags, keys 1–128, values 0–256, aws: reserved", () => {
  assert.equal(kindOf(() => validateTags({ k: 'v', ['x'.repeat(128)]: 'y'.repeat(256), e: '' }, rules)), 'none');
  assert.equal(kindOf(() => validateTags({ ['x'.repeat(129)]: 'v' }, rules)), 'key');
  assert.equal(kindOf(() => validateTags([{ Key: '', Value: 'v' }], rules)), 'key');
  assert.equal(kindOf(() => validateTags({ k: 'y'.repeat(257) }, rules)), 'value');
  assert.equal(kindOf(() => validateTags({ 'aws:x': 'v' }, rules)), 'reserved');
  assert.equal(kindOf(() => validateTags({ 'AWS:x': 'v' }, rules)), 'none');
  assert.equal(kindOf(() => validateTags({ 'AWS:x': 'v' }, { ...rules, reservedIgnoresCase: true })), 'reserved');
  assert.equal(kindOf(() => validateTags({ 'aws:x': 'v' }, { ...rules, reserved: false })), 'none');
  const many = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v']));
  assert.equal(kindOf(() => validateTags(many, rules)), 'count');
  // Order: a service that counts first reports the count even when a tag is bad too.
  assert.equal(kindOf(() => validateTags({ ...many, 'aws:x': 'v' }, rules)), 'reserved');
  assert.equal(kindOf(() => validateTags({ ...many, 'aws:x': 'v' }, { ...rules, countFirst: true })), 'count');
  assert.equal(kindOf(() => validateTags({ 'aws:k': 'y'.repeat(257) }, { ...rules, order: ['key', 'reserved', 'value'] })), 'reserved');
  assert.equal(kindOf(() => validateTags({ 'k<': 'v' }, { ...rules, characters: true })), 'characters');
  assert.equal(kindOf(() => validateTags({ 'k é:/=+-@_.': 'v 1' }, { ...rules, characters: true })), 'none');
});

test('merge replaces values, remove ignores missing keys, the merged set is what is limited', () => {
  assert.deepEqual(applyTags({ a: '1', b: '2' }, [{ Key: 'b', Value: '3' }], rules), { a: '1', b: '3' });
  assert.deepEqual(removeTags({ a: '1', b: '2' }, ['b', 'zz']), { a: '1' });
  const fifty = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, 'v']));
  assert.deepEqual(applyTags(fifty, { k0: 'w' }, rules).k0, 'w');
  assert.equal(kindOf(() => applyTags(fifty, { extra: 'v' }, rules)), 'count');
});
