// Event patterns, table-driven against the examples of the EventBridge user guide ("Creating event
// patterns", "Content filtering": the EC2 instance state-change event and its variations).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventPatternError, matchesPattern, parseEventPattern } from './event-pattern.ts';

const event = {
  version: '0',
  id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '111122223333',
  time: '2017-12-22T18:43:48Z',
  region: 'us-west-1',
  resources: ['arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0'],
  detail: {
    'instance-id': 'i-1234567890abcdef0',
    state: 'running',
    'c-count': 5,
    'd-count': 3,
    'x-limit': 301.8,
    'source-ip': '10.0.0.123',
    'ipv6': '2001:db8:85a3::8a2e:370:7334',
    enabled: true,
    responseElements: null,
    eventVersion: '',
    tags: ['prod', 'web'],
    location: { city: 'Seattle', zip: '98101' },
    filename: 'dir/file.png',
  },
};

const cases: Array<[string, unknown, boolean]> = [
  ['exact source', { source: ['aws.ec2'] }, true],
  ['exact source, other', { source: ['aws.s3'] }, false],
  ['values are ORed', { source: ['aws.s3', 'aws.ec2'] }, true],
  ['fields are ANDed', { source: ['aws.ec2'], 'detail-type': ['Other'] }, false],
  ['nested detail field', { detail: { state: ['running'] } }, true],
  ['deeper nesting', { detail: { location: { city: ['Seattle'] } } }, true],
  ['matching is case-sensitive', { detail: { state: ['RUNNING'] } }, false],
  ['an array in the event matches any element', { resources: ['arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0'] }, true],
  ['array element', { detail: { tags: ['web'] } }, true],
  ['prefix', { detail: { state: [{ prefix: 'run' }] } }, true],
  ['prefix with equals-ignore-case', { source: [{ prefix: { 'equals-ignore-case': 'AWS.' } }] }, true],
  ['suffix', { detail: { filename: [{ suffix: '.png' }] } }, true],
  ['suffix with equals-ignore-case', { detail: { filename: [{ suffix: { 'equals-ignore-case': '.PNG' } }] } }, true],
  ['equals-ignore-case', { detail: { state: [{ 'equals-ignore-case': 'RUNNING' }] } }, true],
  ['anything-but string', { detail: { state: [{ 'anything-but': 'stopped' }] } }, true],
  ['anything-but list', { detail: { state: [{ 'anything-but': ['stopped', 'running'] }] } }, false],
  ['anything-but number', { detail: { 'c-count': [{ 'anything-but': [0, 5] }] } }, false],
  ['anything-but prefix', { detail: { state: [{ 'anything-but': { prefix: 'init' } }] } }, true],
  ['anything-but suffix', { detail: { filename: [{ 'anything-but': { suffix: '.png' } }] } }, false],
  ['anything-but equals-ignore-case', { detail: { state: [{ 'anything-but': { 'equals-ignore-case': ['RUNNING', 'STOPPED'] } }] } }, false],
  ['anything-but wildcard', { detail: { filename: [{ 'anything-but': { wildcard: 'dir/*.txt' } }] } }, true],
  ['numeric range', { detail: { 'c-count': [{ numeric: ['>', 0, '<=', 5] }], 'd-count': [{ numeric: ['<', 10] }], 'x-limit': [{ numeric: ['=', 3.018e2] }] } }, true],
  ['numeric range, outside', { detail: { 'c-count': [{ numeric: ['>', 5] }] } }, false],
  ['numbers compare by value', { detail: { 'c-count': [5.0] } }, true],
  ['a string does not equal a number', { detail: { 'c-count': ['5'] } }, false],
  ['boolean', { detail: { enabled: [true] } }, true],
  ['null', { detail: { responseElements: [null] } }, true],
  ['empty string', { detail: { eventVersion: [''] } }, true],
  ['exists true', { detail: { state: [{ exists: true }] } }, true],
  ['exists false', { detail: { nope: [{ exists: false }] } }, true],
  ['exists false, present', { detail: { state: [{ exists: false }] } }, false],
  ['exists matches leaves only', { detail: { location: [{ exists: true }] } }, false],
  ['cidr IPv4', { detail: { 'source-ip': [{ cidr: '10.0.0.0/24' }] } }, true],
  ['cidr IPv4, outside', { detail: { 'source-ip': [{ cidr: '10.0.1.0/24' }] } }, false],
  ['cidr IPv6', { detail: { ipv6: [{ cidr: '2001:db8:85a3::/48' }] } }, true],
  ['wildcard', { 'detail-type': [{ wildcard: 'EC2*Notification' }] }, true],
  ['wildcard, no', { 'detail-type': [{ wildcard: 'EC2*Warning' }] }, false],
  ['wildcard in a path', { detail: { filename: [{ wildcard: 'dir/*.png' }] } }, true],
  ['$or', { detail: { $or: [{ 'c-count': [{ numeric: ['>', 10] }] }, { 'd-count': [{ numeric: ['<', 5] }] }] } }, true],
  ['$or, neither', { detail: { $or: [{ 'c-count': [{ numeric: ['>', 10] }] }, { state: ['stopped'] }] } }, false],
  ['$or at the top with other fields', { source: ['aws.ec2'], $or: [{ 'detail-type': ['x'] }, { detail: { state: ['running'] } }] }, true],
  ['a missing field never matches a value', { detail: { missing: ['x'] } }, false],
];

for (const [name, pattern, expected] of cases) {
  test(`pattern: ${name}`, () => {
    assert.equal(matchesPattern(parseEventPattern(JSON.stringify(pattern)), event), expected);
  });
}

const invalid: Array<[string, string]> = [
  ['not JSON', '{"source":'],
  ['not an object', '["aws.ec2"]'],
  ['a leaf that is not an array', '{"source":"aws.ec2"}'],
  ['an empty array', '{"source":[]}'],
  ['an unknown operator', '{"source":[{"regex":"aws.*"}]}'],
  ['two operators in one object', '{"source":[{"prefix":"a","suffix":"b"}]}'],
  ['numeric with repeated lower bounds', '{"a":[{"numeric":[">",5,">",6]}]}'],
  ['numeric bottom above top', '{"a":[{"numeric":[">",6,"<",5]}]}'],
  ['prefix with a number', '{"a":[{"prefix":5}]}'],
  ['exists with a string', '{"a":[{"exists":"true"}]}'],
  ['consecutive wildcards', '{"a":[{"wildcard":"a**b"}]}'],
  ['an escape other than \\* and \\\\', '{"a":[{"wildcard":"a\\\\nb"}]}'],
  ['a wildcard with repeating characters after a star', `{"a":[{"wildcard":"*${'a'.repeat(12)}"}]}`],
  ['a wildcard with too many stars', `{"a":[{"wildcard":"${'*a'.repeat(12)}"}]}`],
  ['too many wildcards on one field', `{"a":[${['png', 'jpg', 'gif', 'tif', 'bmp', 'svg'].map((x) => `{"wildcard":"*.${x}"}`).join(',')}]}`],
  ['a bad cidr', '{"a":[{"cidr":"300.0.0.0/8"}]}'],
  ['$or with one alternative', '{"$or":[{"a":["x"]}]}'],
];

for (const [name, text] of invalid) {
  test(`invalid pattern: ${name}`, () => {
    assert.throws(() => parseEventPattern(text), EventPatternError);
  });
}

test('wildcard errors name the position as event-ruler does', () => {
  assert.throws(() => parseEventPattern('{"a":[{"wildcard":"ab**"}]}'), { message: 'Event pattern is not valid. Reason: Consecutive wildcard characters at pos 2' });
  assert.throws(() => parseEventPattern('{"a":[{"wildcard":"é\\\\x"}]}'), { message: 'Event pattern is not valid. Reason: Invalid escape character at pos 2' });
  assert.throws(() => parseEventPattern(`{"a":[{"wildcard":"${'*a'.repeat(12)}"}]}`), {
    message: 'Event pattern is not valid. Reason: Rule is too complex - try using fewer wildcard characters or fewer repeating character sequences after a wildcard character',
  });
});

test('wildcard: patterns within the complexity limit are accepted and match', () => {
  const ok: Array<[unknown, Record<string, unknown>, boolean]> = [
    [{ f: [{ wildcard: '*.png' }, { wildcard: '*.jpg' }, { wildcard: '*.gif' }] }, { f: 'a/b.jpg' }, true],
    [{ f: [{ wildcard: 'arn:aws:*:*:*:*:*' }] }, { f: 'arn:aws:s3:us-east-1:1:b:k' }, true],
    [{ f: [{ wildcard: 'a\\*b' }] }, { f: 'a*b' }, true],
    [{ f: [{ wildcard: 'a\\*b' }] }, { f: 'axb' }, false],
    [{ f: [{ wildcard: '*a*a*a*a*a*a*a*b' }] }, { f: 'a'.repeat(60) }, false],
  ];
  for (const [pattern, ev, expected] of ok) assert.equal(matchesPattern(parseEventPattern(JSON.stringify(pattern)), ev), expected, JSON.stringify(pattern));
});

// ── Where the user guide says more than Fogbank used to do ───────────────────────────────────────

test('numeric matching: values within ±5.0e9, six digits to the right of the decimal point', () => {
  const range = parseEventPattern('{"detail":{"n":[{"numeric":[">",0]}]}}');
  assert.equal(matchesPattern(range, { detail: { n: 5e9 } }), true);
  assert.equal(matchesPattern(range, { detail: { n: 5.000001e9 } }), false, 'outside the range nothing compares');
  const exact = parseEventPattern('{"detail":{"n":[{"numeric":["=",1.5]}]}}');
  assert.equal(matchesPattern(exact, { detail: { n: 1.5000001 } }), true);
  assert.equal(matchesPattern(exact, { detail: { n: 1.500001 } }), false);
  assert.throws(() => parseEventPattern('{"n":[{"numeric":["<",6e9]}]}'), { message: 'Event pattern is not valid. Reason: Numeric values must be within the range -5.0E9 and 5.0E9' });
});

test('"$or" that is not an array of objects is an ordinary field name', () => {
  assert.equal(matchesPattern(parseEventPattern('{"$or":["a","b"]}'), { $or: 'a' }), true);
  assert.equal(matchesPattern(parseEventPattern('{"$or":["a","b"]}'), { source: 'a' }), false);
});

test('the "Event pattern size" quota (2048 characters) is the pattern\'s, wherever it is parsed', () => {
  const at = (n: number) => `{"source":["${'x'.repeat(n - 15)}"]}`;
  assert.equal(at(2048).length, 2048);
  assert.doesNotThrow(() => parseEventPattern(at(2048)));
  assert.throws(() => parseEventPattern(at(2049)), { message: 'Event pattern is not valid. Reason: Event pattern size must be at most 2048 characters' });
  assert.throws(() => parseEventPattern('{"a":[{"anything-but":{}}]}'), { message: 'Event pattern is not valid. Reason: Only one key allowed in match expression' });
});
