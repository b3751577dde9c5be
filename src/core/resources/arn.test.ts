import { test } from 'node:test';
import assert from 'node:assert/strict';
import { arnTemplate, formatArn, parseArn, resourceParts } from './arn.ts';

test('parseArn splits the six parts and keeps colons of the resource part', () => {
  assert.deepEqual(parseArn('arn:aws:lambda:us-east-1:123456789012:function:f:3'), {
    partition: 'aws', service: 'lambda', region: 'us-east-1', account: '123456789012', resource: 'function:f:3',
  });
  assert.deepEqual(parseArn('arn:aws:s3:::bucket/key/a:b')?.resource, 'bucket/key/a:b');
  assert.equal(parseArn('arn:aws:sqs:us-east-1:1'), undefined);
  assert.equal(parseArn('urn:aws:sqs:us-east-1:123456789012:q'), undefined);
});

test('formatArn joins, with empty region and account for global resources', () => {
  assert.equal(formatArn({ service: 's3', resource: 'b' }), 'arn:aws:s3:::b');
  assert.equal(formatArn({ service: 'sqs', region: 'eu-west-1', account: '000000000000', resource: 'q' }), 'arn:aws:sqs:eu-west-1:000000000000:q');
});

test('resourceParts splits at the first separator, colon or slash', () => {
  assert.deepEqual(resourceParts('function:f:3'), { type: 'function', id: 'f:3', separator: ':' });
  assert.deepEqual(resourceParts('table/t/stream/x'), { type: 'table', id: 't/stream/x', separator: '/' });
  assert.deepEqual(resourceParts('my-queue'), { id: 'my-queue' });
});

test('an ARN template builds and matches its own shape only', () => {
  const fn = arnTemplate<'name'>('lambda', 'function:{name}');
  const arn = fn.build({ account: '123456789012', region: 'us-east-1' }, { name: 'f' });
  assert.equal(arn, 'arn:aws:lambda:us-east-1:123456789012:function:f');
  assert.deepEqual(fn.match(arn)?.values, { name: 'f' });
  assert.equal(fn.match('arn:aws:lambda:us-east-1:123456789012:function:f:3'), undefined);
  assert.equal(fn.match('arn:aws:sqs:us-east-1:123456789012:function:f'), undefined);
  const group = arnTemplate<'name'>('logs', 'log-group:{name+}:*');
  assert.deepEqual(group.match('arn:aws:logs:us-east-1:1:log-group:/aws/lambda/x:*')?.values, { name: '/aws/lambda/x' });
  const role = arnTemplate<'name'>('iam', 'role/{name}', { global: true });
  assert.equal(role.build({ account: '1', region: 'us-east-1' }, { name: 'r' }), 'arn:aws:iam::1:role/r');
  assert.throws(() => fn.build({ account: '1', region: 'r' }, {} as { name: string }), /no value for name/);
});
