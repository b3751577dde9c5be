// DynamoDB's bounds on nesting, through the AWS SDK v3: 32 levels of document nesting for items,
// expression values, key conditions, batches, transactions and update results (boundary and message
// as real DynamoDB answers: a scalar under 31 maps is stored, under 32 it is refused), and
// expressions that cannot exhaust the stack however they nest.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import {
  DynamoDBClient, CreateTableCommand, PutItemCommand, GetItemCommand, UpdateItemCommand, QueryCommand, BatchWriteItemCommand,
  TransactWriteItemsCommand, type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import { startFogbank, type TestFogbank } from '../../../testing/index.ts';

let fb: TestFogbank;
let ddb: DynamoDBClient;

before(async () => {
  fb = await startFogbank();
  ddb = fb.client(DynamoDBClient, { maxAttempts: 1 });
});
after(() => fb.stop());
beforeEach(async () => {
  await fb.reset();
  await ddb.send(new CreateTableCommand({
    TableName: 'docs',
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
    BillingMode: 'PAY_PER_REQUEST',
  }));
});

const NESTING = 'Nesting Levels have exceeded supported limits: Attributes in the item have nested levels beyond supported limit';

/** A value `levels` deep (the top-level value is level 1), alternating maps and lists. */
function nested(levels: number): AttributeValue {
  let v: AttributeValue = { S: 'leaf' };
  for (let i = 1; i < levels; i++) v = i % 2 ? { M: { n: v } } : { L: [v] };
  return v;
}

async function failure(p: Promise<unknown>): Promise<{ name: string; message: string; status?: number }> {
  try {
    await p;
  } catch (e) {
    const err = e as Error & { $metadata?: { httpStatusCode?: number } };
    return { name: err.name, message: err.message, status: err.$metadata?.httpStatusCode };
  }
  throw new Error('expected the request to fail');
}

const key = { pk: { S: 'p' }, sk: { S: 's' } };

test('PutItem: 32 levels are stored and read back, 33 are refused with DynamoDB\'s message', async () => {
  await ddb.send(new PutItemCommand({ TableName: 'docs', Item: { ...key, doc: nested(32) } }));
  const got = await ddb.send(new GetItemCommand({ TableName: 'docs', Key: key }));
  assert.deepEqual(got.Item?.doc, nested(32));
  assert.deepEqual(await failure(ddb.send(new PutItemCommand({ TableName: 'docs', Item: { ...key, doc: nested(33) } }))), { name: 'ValidationException', message: NESTING, status: 400 });
  assert.deepEqual(await failure(ddb.send(new PutItemCommand({ TableName: 'docs', Item: { ...key, doc: nested(100) } }))), { name: 'ValidationException', message: NESTING, status: 400 });
});

test('expression values, key conditions, batches and transactions are held to the same limit', async () => {
  await ddb.send(new PutItemCommand({ TableName: 'docs', Item: key }));
  // 32 levels in a condition value: accepted and evaluated (the item has no doc, so the check fails).
  const ok = await failure(ddb.send(new UpdateItemCommand({
    TableName: 'docs', Key: key, UpdateExpression: 'SET touched = :t', ConditionExpression: 'doc = :deep',
    ExpressionAttributeValues: { ':t': { S: 'y' }, ':deep': nested(32) },
  })));
  assert.equal(ok.name, 'ConditionalCheckFailedException');
  const refused = (p: Promise<unknown>) => failure(p).then((f) => assert.deepEqual(f, { name: 'ValidationException', message: NESTING, status: 400 }));
  await refused(ddb.send(new UpdateItemCommand({
    TableName: 'docs', Key: key, UpdateExpression: 'SET touched = :t', ConditionExpression: 'doc = :deep',
    ExpressionAttributeValues: { ':t': { S: 'y' }, ':deep': nested(33) },
  })));
  await refused(ddb.send(new UpdateItemCommand({ TableName: 'docs', Key: key, UpdateExpression: 'SET doc = :deep', ExpressionAttributeValues: { ':deep': nested(33) } })));
  await refused(ddb.send(new QueryCommand({ TableName: 'docs', KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': nested(33) } })));
  await refused(ddb.send(new BatchWriteItemCommand({ RequestItems: { docs: [{ PutRequest: { Item: { ...key, doc: nested(33) } } }] } })));
  await refused(ddb.send(new TransactWriteItemsCommand({ TransactItems: [{ Put: { TableName: 'docs', Item: { ...key, doc: nested(33) } } }] })));
  await refused(ddb.send(new UpdateItemCommand({ TableName: 'docs', Key: key, AttributeUpdates: { doc: { Action: 'PUT', Value: nested(33) } } })));
});

test('UpdateItem: a value placed deeper in the item counts where it lands', async () => {
  await ddb.send(new PutItemCommand({ TableName: 'docs', Item: { ...key, doc: { M: { a: { M: { b: { M: {} } } } } } } }));
  // doc.a.b.c is level 4: a 29-level value placed there reaches level 32 (stored), a 30-level one 33.
  await ddb.send(new UpdateItemCommand({ TableName: 'docs', Key: key, UpdateExpression: 'SET doc.a.b.c = :v', ExpressionAttributeValues: { ':v': nested(29) } }));
  assert.deepEqual(await failure(ddb.send(new UpdateItemCommand({ TableName: 'docs', Key: key, UpdateExpression: 'SET doc.a.b.c = :v', ExpressionAttributeValues: { ':v': nested(30) } }))),
    { name: 'ValidationException', message: NESTING, status: 400 });
  const got = await ddb.send(new GetItemCommand({ TableName: 'docs', Key: key }));
  assert.deepEqual(got.Item?.doc.M?.a.M?.b.M?.c, nested(29), 'the refused update changed nothing');
});

test('expressions cannot exhaust the stack: deep parentheses, NOT chains, functions and long paths answer 400s fast', async () => {
  await ddb.send(new PutItemCommand({ TableName: 'docs', Item: key }));
  const condition = (ConditionExpression: string) => ddb.send(new PutItemCommand({ TableName: 'docs', Item: key, ConditionExpression, ExpressionAttributeValues: { ':v': { S: 'x' } } }));
  const cases: Array<[string, string, RegExp]> = [
    ['2,040 parentheses', `${'('.repeat(2040)}a = :v${')'.repeat(2040)}`, /^Invalid ConditionExpression: Syntax error/],
    ['10,000 parentheses', `${'('.repeat(10_000)}a = :v${')'.repeat(10_000)}`, /^Invalid ConditionExpression: Expression size has exceeded the maximum allowed size; expression size: 20006$/],
    ['1,020 NOTs', `${'NOT '.repeat(1020)}a = :v`, /^Invalid ConditionExpression: Syntax error/],
    ['800 nested size()', `${'size('.repeat(800)}a${')'.repeat(800)} = :v`, /^Invalid ConditionExpression: /],
  ];
  for (const [name, expr, message] of cases) {
    const t0 = performance.now();
    const f = await failure(condition(expr));
    const ms = performance.now() - t0;
    assert.equal(f.name, 'ValidationException', `${name}: ${f.message}`);
    assert.equal(f.status, 400);
    assert.match(f.message, message, name);
    assert.ok(ms < 2000, `${name}: ${ms.toFixed(0)} ms`);
  }
  // A 2,000-segment document path is legal syntax; it names nothing in this item.
  const f = await failure(condition(`${Array.from({ length: 2000 }, () => 'a').join('.')} = :v`));
  assert.equal(f.name, 'ConditionalCheckFailedException');
});

/** Sends `body` as the JSON of an operation, signed by the real client (which could not marshal it). */
async function sendRawJson(command: PutItemCommand, body: string) {
  const raw = fb.client(DynamoDBClient, { maxAttempts: 1 });
  raw.middlewareStack.add((next) => async (args) => {
    const req = args.request as { body: string; headers: Record<string, string> };
    req.body = body;
    req.headers['content-length'] = String(Buffer.byteLength(body));
    return next(args);
  }, { step: 'build', name: 'rawJsonBody' });
  return raw.send(command);
}

const deepJson = (maps: number) => `${'{"M":{"a":'.repeat(maps)}{"S":"x"}${'}}'.repeat(maps)}`;

test('a 1,000-level item on the wire is refused with the nesting error', async () => {
  const f = await failure(sendRawJson(new PutItemCommand({ TableName: 'docs', Item: key }), `{"TableName":"docs","Item":{"pk":{"S":"p"},"sk":{"S":"s"},"doc":${deepJson(1000)}}}`));
  assert.deepEqual(f, { name: 'ValidationException', message: NESTING, status: 400 });
});

test('a 10,000-level item on the wire is a 400, not a stack overflow', async () => {
  const f = await failure(sendRawJson(new PutItemCommand({ TableName: 'docs', Item: key }), `{"TableName":"docs","Item":{"pk":{"S":"p"},"sk":{"S":"s"},"doc":${deepJson(10_000)}}}`));
  assert.equal(f.status, 400, `${f.name}: ${f.message}`);
  assert.equal(f.name, 'ValidationException');
});

test('attribute names such as __proto__ and constructor are data like any other, at every level and on every path', async () => {
  // Raw JSON: an SDK may drop a "__proto__" key on its own side, which would hide a server that does.
  const call = async (op: string, body: string) => {
    const r = await fetch(fb.endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `DynamoDB_20120810.${op}`,
        authorization: 'AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0',
      },
      body,
    });
    const text = await r.text();
    assert.equal(r.status, 200, text);
    return JSON.parse(text);
  };
  await call('PutItem', '{"TableName":"docs","Item":{"pk":{"S":"a"},"sk":{"S":"1"},"__proto__":{"S":"top"},"m":{"M":{"__proto__":{"S":"inner"},"constructor":{"N":"1"}}}}}');
  const got = await call('GetItem', '{"TableName":"docs","Key":{"pk":{"S":"a"},"sk":{"S":"1"}}}');
  assert.deepEqual(Object.keys(got.Item).sort(), ['__proto__', 'm', 'pk', 'sk']);
  assert.deepEqual(got.Item.__proto__, { S: 'top' });
  assert.deepEqual(Object.keys(got.Item.m.M).sort(), ['__proto__', 'constructor']);
  // Update expressions and the legacy AttributeUpdates set and read it by name.
  await call('UpdateItem', '{"TableName":"docs","Key":{"pk":{"S":"a"},"sk":{"S":"1"}},"UpdateExpression":"SET #p = :v, m.#p = :w","ExpressionAttributeNames":{"#p":"__proto__"},"ExpressionAttributeValues":{":v":{"S":"new"},":w":{"S":"new-inner"}}}');
  await call('UpdateItem', '{"TableName":"docs","Key":{"pk":{"S":"b"},"sk":{"S":"1"}},"AttributeUpdates":{"__proto__":{"Action":"PUT","Value":{"N":"7"}}}}');
  const projected = await call('Query', '{"TableName":"docs","KeyConditionExpression":"pk = :a","ExpressionAttributeValues":{":a":{"S":"a"}},"ProjectionExpression":"#p, m.#p","ExpressionAttributeNames":{"#p":"__proto__"}}');
  assert.deepEqual(projected.Items, [JSON.parse('{"__proto__":{"S":"new"},"m":{"M":{"__proto__":{"S":"new-inner"}}}}')]);
  const legacy = await call('GetItem', '{"TableName":"docs","Key":{"pk":{"S":"b"},"sk":{"S":"1"}},"AttributesToGet":["__proto__"]}');
  assert.deepEqual(legacy.Item, JSON.parse('{"__proto__":{"N":"7"}}'));
  // A condition on an absent __proto__ does not see Object.prototype.
  await call('PutItem', '{"TableName":"docs","Item":{"pk":{"S":"c"},"sk":{"S":"1"}},"ConditionExpression":"attribute_not_exists(#p)","ExpressionAttributeNames":{"#p":"__proto__"}}');
});
