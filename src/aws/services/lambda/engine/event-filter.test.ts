// Event source mapping filters (FilterCriteria) as Lambda's developer guide describes them for each
// source: an SQS `body` and Kinesis `data` filtered by their JSON content, DynamoDB records as they
// are; any one filter lets a record through; an invalid pattern is InvalidParameterValueException.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileFilters, parsePattern } from './event-filter.ts';

const filters = (...patterns: unknown[]) => compileFilters(patterns.map((p) => ({ Pattern: JSON.stringify(p) })))!;

test('SQS: a JSON body is filtered by its content, a plain body as the string it is', () => {
  const f = filters({ body: { kind: ['keep'] } });
  assert.equal(f({ messageId: '1', body: '{"kind":"keep","n":1}' }), true);
  assert.equal(f({ messageId: '2', body: '{"kind":"drop"}' }), false);
  assert.equal(f({ messageId: '3', body: 'keep' }), false);
  const plain = filters({ body: [{ prefix: 'hello' }] });
  assert.equal(plain({ body: 'hello world' }), true);
  assert.equal(plain({ body: '{"hello":1}' }), false);
});

test('Kinesis: filters reach the decoded data under the "data" key', () => {
  const record = (data: string) => ({ kinesis: { partitionKey: '1', data: Buffer.from(data).toString('base64') }, eventSource: 'aws:kinesis' });
  const f = filters({ data: { RequestCode: ['AAAA'] } });
  assert.equal(f(record('{"RecordNumber":"0001","RequestCode":"AAAA"}')), true);
  assert.equal(f(record('{"RecordNumber":"0002","RequestCode":"BBBB"}')), false);
  assert.equal(filters({ data: [{ prefix: 'plain' }] })(record('plain text')), true);
});

test('DynamoDB: keys and images as they are; N values compare as numbers; any one filter suffices', () => {
  const record = { eventName: 'INSERT', dynamodb: { Keys: { id: { S: 'a' } }, NewImage: { id: { S: 'a' }, qty: { N: '5' }, ok: { BOOL: true } } } };
  assert.equal(filters({ dynamodb: { NewImage: { qty: { N: [{ numeric: ['>', 4] }] } } } })(record), true);
  assert.equal(filters({ dynamodb: { NewImage: { qty: { N: [{ numeric: ['>', 5] }] } } } })(record), false);
  assert.equal(filters({ dynamodb: { NewImage: { ok: { BOOL: [true] } } } })(record), true);
  assert.equal(filters({ eventName: ['REMOVE'] }, { dynamodb: { Keys: { id: { S: ['a'] } } } })(record), true);
  assert.equal(filters({ eventName: ['REMOVE'] }, { eventName: ['MODIFY'] })(record), false);
});

test('an invalid pattern is InvalidParameterValueException naming it and why; none filters nothing', () => {
  const refused = (text: string, reason: RegExp) =>
    assert.throws(() => parsePattern(text), (e: Error & { code?: string }) => {
      assert.equal(e.code, 'InvalidParameterValueException');
      assert.ok(e.message.startsWith(`Invalid filter pattern definition: ${text.slice(0, 40)}`), e.message);
      assert.match(e.message, reason);
      return true;
    });
  refused('{', /not valid JSON/);
  refused('{"body":"x"}', /"body" must be an object or an array/);
  refused('{"body":[{"regex":"x"}]}', /Unrecognized match type regex/);
  refused('{"body":[{"numeric":[">",1,">",2]}]}', /Bad numeric range operator/);
  refused(JSON.stringify({ body: ['x'.repeat(4096)] }), /too long/);
  assert.equal(compileFilters([]), undefined);
  assert.equal(compileFilters(undefined), undefined);
});

test('a stored pattern that no longer compiles lets nothing through instead of stopping the poller', () => {
  const f = compileFilters([{ Pattern: '{"body":[{"regex":"x"}]}' }, { Pattern: '{"body":{"kind":["keep"]}}' }])!;
  assert.equal(f({ body: '{"kind":"keep"}' }), true);
  assert.equal(f({ body: '{"kind":"other"}' }), false);
  assert.equal(compileFilters([{ Pattern: '{"body":[{"regex":"x"}]}' }])!({ body: 'x' }), false);
});
