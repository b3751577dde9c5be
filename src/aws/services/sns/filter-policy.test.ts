// Filter policies, table-driven against the examples of the SNS developer guide ("Amazon SNS
// subscription filter policies": the example message with customer_interests/store/event/price_usd).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { MessageAttributeValue } from '../../../core/delivery.ts';
import { FilterPolicyError, matchesAttributes, matchesBody, parseFilterPolicy } from './filter-policy.ts';

const attributes: Record<string, MessageAttributeValue> = {
  customer_interests: { DataType: 'String.Array', StringValue: '["soccer", "rugby", "hockey"]' },
  store: { DataType: 'String', StringValue: 'example_corp' },
  event: { DataType: 'String', StringValue: 'order_placed' },
  price_usd: { DataType: 'Number', StringValue: '210.75' },
  source_ip: { DataType: 'String', StringValue: '10.0.0.255' },
  blob: { DataType: 'Binary', BinaryValue: Buffer.from('x') },
};

const body = JSON.stringify({
  store: 'example_corp',
  event: 'order_placed',
  customer: { interests: ['soccer', 'rugby', 'hockey'], tier: null },
  price_usd: 210.75,
  ip: '2001:db8::1',
});

const attributeCases: Array<[string, unknown, boolean]> = [
  ['the documented all-keys policy', { store: ['example_corp'], event: [{ 'anything-but': 'order_cancelled' }], customer_interests: ['rugby', 'football', 'baseball'], price_usd: [{ numeric: ['>=', 100] }] }, true],
  ['exact string', { store: ['example_corp'] }, true],
  ['exact string, other value', { store: ['example_retail'] }, false],
  ['values of a key are ORed', { store: ['example_retail', 'example_corp'] }, true],
  ['keys are ANDed', { store: ['example_corp'], event: ['order_cancelled'] }, false],
  ['String.Array: any element', { customer_interests: ['rugby'] }, true],
  ['String.Array: none', { customer_interests: ['baseball'] }, false],
  ['numeric exact', { price_usd: [210.75] }, true],
  ['numeric =', { price_usd: [{ numeric: ['=', 210.75] }] }, true],
  ['numeric range outside', { price_usd: [{ numeric: ['>', 0, '<=', 150] }] }, false],
  ['numeric range inside', { price_usd: [{ numeric: ['>', 100, '<=', 300] }] }, true],
  ['numeric against a string attribute', { store: [{ numeric: ['>', 0] }] }, false],
  ['a string never equals a Number attribute', { price_usd: ['210.75'] }, false],
  ['anything-but list', { store: [{ 'anything-but': ['example_corp', 'example_retail'] }] }, false],
  ['anything-but other', { event: [{ 'anything-but': ['order_cancelled'] }] }, true],
  ['anything-but number', { price_usd: [{ 'anything-but': [100, 500] }] }, true],
  ['anything-but prefix', { event: [{ 'anything-but': { prefix: 'order' } }] }, false],
  ['anything-but suffix', { event: [{ 'anything-but': { suffix: '_cancelled' } }] }, true],
  ['anything-but equals-ignore-case', { store: [{ 'anything-but': { 'equals-ignore-case': ['EXAMPLE_CORP'] } }] }, false],
  ['anything-but on a missing attribute', { missing: [{ 'anything-but': 'x' }] }, false],
  ['prefix', { event: [{ prefix: 'order' }] }, true],
  ['prefix, no', { event: [{ prefix: 'shipment' }] }, false],
  ['suffix', { event: [{ suffix: '_placed' }] }, true],
  ['prefix with equals-ignore-case', { event: [{ prefix: { 'equals-ignore-case': 'ORDER' } }] }, true],
  ['equals-ignore-case', { store: [{ 'equals-ignore-case': 'EXAMPLE_CORP' }] }, true],
  ['exists true', { store: [{ exists: true }] }, true],
  ['exists true, missing', { encrypted: [{ exists: true }] }, false],
  ['exists false, missing', { encrypted: [{ exists: false }] }, true],
  ['exists false, present', { store: [{ exists: false }] }, false],
  ['binary attributes exist', { blob: [{ exists: true }] }, true],
  ['binary attributes match no value', { blob: ['x'] }, false],
  ['cidr', { source_ip: [{ cidr: '10.0.0.0/24' }] }, true],
  ['cidr, outside', { source_ip: [{ cidr: '10.0.1.0/24' }] }, false],
  ['$or one side', { store: ['example_corp'], $or: [{ event: ['order_cancelled'] }, { price_usd: [{ numeric: ['>', 200] }] }] }, true],
  ['$or neither side', { $or: [{ event: ['order_cancelled'] }, { price_usd: [{ numeric: ['<', 200] }] }] }, false],
  ['empty policy accepts everything', {}, true],
];

for (const [name, policy, expected] of attributeCases) {
  test(`MessageAttributes: ${name}`, () => {
    assert.equal(matchesAttributes(parseFilterPolicy(JSON.stringify(policy), 'MessageAttributes'), attributes), expected);
  });
}

test('MessageAttributes: a message without attributes matches only exists:false', () => {
  assert.equal(matchesAttributes(parseFilterPolicy('{"store":["example_corp"]}', 'MessageAttributes'), undefined), false);
  assert.equal(matchesAttributes(parseFilterPolicy('{"store":[{"exists":false}]}', 'MessageAttributes'), undefined), true);
});

const bodyCases: Array<[string, unknown, boolean]> = [
  ['top-level key', { store: ['example_corp'] }, true],
  ['nested key', { customer: { interests: ['rugby'] } }, true],
  ['nested key, no', { customer: { interests: ['baseball'] } }, false],
  ['null matches null', { customer: { tier: [null] } }, true],
  ['numeric in the body', { price_usd: [{ numeric: ['>', 200] }] }, true],
  ['IPv6 cidr', { ip: [{ cidr: '2001:db8::/32' }] }, true],
  ['nested $or', { customer: { $or: [{ interests: ['golf'] }, { tier: [{ exists: true }] }] } }, true],
  ['missing nested object', { shipping: { method: ['air'] } }, false],
];

for (const [name, policy, expected] of bodyCases) {
  test(`MessageBody: ${name}`, () => {
    assert.equal(matchesBody(parseFilterPolicy(JSON.stringify(policy), 'MessageBody'), body), expected);
  });
}

test('MessageBody: a body that is not a JSON object matches nothing', () => {
  assert.equal(matchesBody(parseFilterPolicy('{"a":[{"exists":false}]}', 'MessageBody'), 'plain text'), false);
});

const invalid: Array<[string, string, 'MessageAttributes' | 'MessageBody']> = [
  ['not JSON', '{', 'MessageAttributes'],
  ['a value that is not an array', '{"store":"example_corp"}', 'MessageAttributes'],
  ['an empty array', '{"store":[]}', 'MessageAttributes'],
  ['an unknown operator', '{"store":[{"regex":"x"}]}', 'MessageAttributes'],
  ['numeric with a bad operator', '{"p":[{"numeric":["!=",1]}]}', 'MessageAttributes'],
  ['numeric range upside down', '{"p":[{"numeric":[">",10,"<",5]}]}', 'MessageAttributes'],
  ['more than five keys', '{"a":["1"],"b":["1"],"c":["1"],"d":["1"],"e":["1"],"f":["1"]}', 'MessageAttributes'],
  ['nesting under MessageAttributes', '{"a":{"b":["1"]}}', 'MessageAttributes'],
  ['exists with a string', '{"a":[{"exists":"yes"}]}', 'MessageBody'],
  ['a bad cidr', '{"a":[{"cidr":"10.0.0.0/99"}]}', 'MessageBody'],
  ['$or with one alternative', '{"$or":[{"a":["1"]}]}', 'MessageBody'],
  ['10,000 nested $or (a stack overflow before)', (() => {
    let p = '{"a":["x"]}';
    for (let i = 0; i < 10_000; i++) p = `{"$or":[{"b":["y"]},${p}]}`;
    return p;
  })(), 'MessageBody'],
  ['150 nested $or: over 150 combinations', (() => {
    let p = '{"a":["x"]}';
    for (let i = 0; i < 150; i++) p = `{"$or":[{"b":["y"]},${p}]}`;
    return p;
  })(), 'MessageBody'],
  ['too many combinations', JSON.stringify({ a: Array.from({ length: 20 }, (_, i) => `v${i}`), b: Array.from({ length: 10 }, (_, i) => `w${i}`) }), 'MessageBody'],
];

for (const [name, text, scope] of invalid) {
  test(`invalid policy: ${name}`, () => {
    assert.throws(() => parseFilterPolicy(text, scope), FilterPolicyError);
  });
}

// ── Where the developer guide says more than Fogbank used to do ───────────────────────────────────

const number = (v: string): Record<string, MessageAttributeValue> => ({ price: { DataType: 'Number', StringValue: v } });

test('numbers compare with five digits of accuracy after the decimal point ("Filter policy constraints")', () => {
  const policy = parseFilterPolicy('{"price":[210.75]}', 'MessageAttributes');
  assert.equal(matchesAttributes(policy, number('210.750001')), true);
  assert.equal(matchesAttributes(policy, number('210.7501')), false);
  const range = parseFilterPolicy('{"price":[{"numeric":[">",100,"<=",210.75]}]}', 'MessageAttributes');
  assert.equal(matchesAttributes(range, number('210.750004')), true);
  assert.equal(matchesAttributes(range, number('210.75001')), false);
  assert.throws(() => parseFilterPolicy('{"price":[{"numeric":[">",1000000000]}]}', 'MessageAttributes'), { message: 'Numeric values must be within the range -1.0E9 and 1.0E9' });
});

test('MessageBody: only top-level keys count toward the five-key limit (the guide\'s own example)', () => {
  const example = { state: ['SUCCESS'], severity: [{ exists: true }], message: [{ exists: true }], finding: { standard_control: [{ exists: true }], region: [{ exists: true }], account: [{ exists: true }] } };
  const policy = parseFilterPolicy(JSON.stringify(example), 'MessageBody');
  assert.equal(matchesBody(policy, JSON.stringify({ state: 'SUCCESS', severity: 'HIGH', message: 'm', finding: { standard_control: 'c', region: 'r', account: 'a' } })), true);
  assert.throws(() => parseFilterPolicy('{"a":["1"],"b":["1"],"c":["1"],"d":["1"],"e":["1"],"f":{"g":["1"]}}', 'MessageBody'), { message: 'Filter policy can not have more than 5 keys' });
});

test('"$or" that is not an array of objects is an ordinary attribute name ("OR operator")', () => {
  const policy = parseFilterPolicy('{"$or":["a","b"]}', 'MessageAttributes');
  assert.equal(matchesAttributes(policy, { $or: { DataType: 'String', StringValue: 'b' } }), true);
  assert.equal(matchesAttributes(policy, { other: { DataType: 'String', StringValue: 'b' } }), false);
  // The guide's example: reserved keywords inside make it an ordinary (and here invalid) attribute.
  assert.throws(() => parseFilterPolicy('{"$or":[{"numeric":123},{"prefix":"abc"}]}', 'MessageAttributes'), FilterPolicyError);
});

test('SNS has no wildcard operator; a policy over 256 KB is refused; a malformed anything-but is an error, not a crash', () => {
  assert.throws(() => parseFilterPolicy('{"a":[{"wildcard":"x*"}]}', 'MessageBody'), { message: 'Unrecognized match type wildcard' });
  assert.throws(() => parseFilterPolicy('{"a":[{"anything-but":{"wildcard":"x*"}}]}', 'MessageBody'), { message: 'Unsupported anything-but pattern: wildcard' });
  assert.throws(() => parseFilterPolicy('{"a":[{"anything-but":{}}]}', 'MessageBody'), { name: 'Error', message: 'Only one key allowed in match expression' });
  const big = JSON.stringify({ a: ['x'.repeat(256 * 1024)] });
  assert.throws(() => parseFilterPolicy(big, 'MessageBody'), FilterPolicyError);
});
