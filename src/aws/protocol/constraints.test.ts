// The models' constraints (min, max, pattern, enum from botocore, scripts/codegen/merge-botocore.ts)
// enforced before any handler runs, with AWS's Coral messages, through the real clients. The AWS SDK
// v3 does not validate constraints client-side; boto3 does, so it runs with param_validation off.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { EventBridgeClient, PutRuleCommand, PutTargetsCommand, ListRulesCommand } from '@aws-sdk/client-eventbridge';
import { CloudWatchLogsClient, DescribeLogGroupsCommand, PutRetentionPolicyCommand } from '@aws-sdk/client-cloudwatch-logs';
import { SchedulerClient, CreateScheduleCommand } from '@aws-sdk/client-scheduler';
import { DynamoDBClient, CreateTableCommand, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { S3Client, CreateBucketCommand, PutBucketTaggingCommand } from '@aws-sdk/client-s3';
import { startFogbank, type TestFogbank } from '../../testing/index.ts';
import { boto3Clients, python } from '../../../test/support/clients.ts';
import { validateInput, validationMessage } from './validate.ts';
import { matchesJavaPattern, toRe2 } from './java-pattern.ts';
import type { ServiceModel } from './model.ts';

let fb: TestFogbank;

before(async () => {
  fb = await startFogbank();
});
after(() => fb.stop());

async function rejects(p: Promise<unknown>, name: string, message?: string | RegExp): Promise<any> {
  try {
    await p;
  } catch (e: any) {
    assert.equal(e.name, name, `${e.name}: ${e.message}`);
    assert.equal(e.$metadata?.httpStatusCode, 400);
    if (typeof message === 'string') assert.equal(e.message, message);
    else if (message) assert.match(e.message, message);
    return e;
  }
  assert.fail(`expected ${name}`);
}

test('EventBridge PutTargets with a 9 MB Input answers ValidationException at once (max 8192)', async () => {
  const eb = fb.client(EventBridgeClient);
  await eb.send(new PutRuleCommand({ Name: 'r', ScheduleExpression: 'rate(1 hour)' }));
  const started = performance.now();
  const e = await rejects(eb.send(new PutTargetsCommand({
    Rule: 'r', Targets: [{ Id: 't', Arn: 'arn:aws:sqs:us-east-1:000000000000:q', Input: 'x'.repeat(9 * 1024 * 1024) }],
  })), 'ValidationException', /^1 validation error detected: Value 'x{1024}\.\.\.' at 'targets\.1\.member\.input' failed to satisfy constraint: Member must have length less than or equal to 8192$/);
  const elapsed = performance.now() - started;
  assert.ok(elapsed < 5000, `took ${elapsed} ms`);
  assert.ok(e.message.length < 2000, 'the value is shown cut, not echoed');
  // Nothing was stored.
  const { Rules } = await eb.send(new ListRulesCommand({}));
  assert.equal(Rules!.length, 1);
});

test('EventBridge ListRules: Limit 0 and an empty NextToken are refused', async () => {
  const eb = fb.client(EventBridgeClient);
  await rejects(eb.send(new ListRulesCommand({ Limit: 0 })), 'ValidationException',
    "1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1");
  await rejects(eb.send(new ListRulesCommand({ NextToken: '' })), 'ValidationException',
    "1 validation error detected: Value '' at 'nextToken' failed to satisfy constraint: Member must have length greater than or equal to 1");
  await rejects(eb.send(new ListRulesCommand({ Limit: 101, NamePrefix: '' })), 'ValidationException',
    // An empty value fails the pattern too, listed first as DynamoDB lists 'a;' (dynamodb.test.ts).
    "3 validation errors detected: Value '' at 'namePrefix' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+; " +
    "Value '' at 'namePrefix' failed to satisfy constraint: Member must have length greater than or equal to 1; " +
    "Value '101' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 100");
});

test('CloudWatch Logs answers InvalidParameterException with Coral messages (9 MB prefix, enum)', async () => {
  const logs = fb.client(CloudWatchLogsClient);
  const started = performance.now();
  await rejects(logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: 'a'.repeat(9 * 1024 * 1024) })), 'InvalidParameterException',
    /^1 validation error detected: Value 'a{1024}\.\.\.' at 'logGroupNamePrefix' failed to satisfy constraint: Member must have length less than or equal to 512$/);
  // Seconds at most even on a loaded CI machine (the SDK itself serializes 9 MB); before, it was accepted.
  assert.ok(performance.now() - started < 5000);
  await rejects(logs.send(new DescribeLogGroupsCommand({ limit: 51 })), 'InvalidParameterException',
    "1 validation error detected: Value '51' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 50");
  await rejects(logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: 'a b' })), 'InvalidParameterException',
    "1 validation error detected: Value 'a b' at 'logGroupNamePrefix' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+");
  // As AWS answered it to fluent-plugin-cloudwatch-logs (issue 223 there): pattern first, then length.
  await rejects(logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '' })), 'InvalidParameterException',
    "2 validation errors detected: Value '' at 'logGroupNamePrefix' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+; " +
    "Value '' at 'logGroupNamePrefix' failed to satisfy constraint: Member must have length greater than or equal to 1");
  await rejects(logs.send(new PutRetentionPolicyCommand({ logGroupName: 'g', retentionInDays: 2 })), 'InvalidParameterException', /at 'retentionInDays' failed to satisfy constraint: Member must satisfy enum value set: \[1, 3, 5/);
});

test('Scheduler: a name longer than 64 characters is refused', async () => {
  const scheduler = fb.client(SchedulerClient);
  const Name = 'n'.repeat(65);
  await rejects(scheduler.send(new CreateScheduleCommand({
    Name, ScheduleExpression: 'rate(1 hour)', FlexibleTimeWindow: { Mode: 'OFF' },
    Target: { Arn: 'arn:aws:sqs:us-east-1:000000000000:q', RoleArn: 'arn:aws:iam::000000000000:role/r' },
  })), 'ValidationException', `1 validation error detected: Value '${Name}' at 'name' failed to satisfy constraint: Member must have length less than or equal to 64`);
  await rejects(scheduler.send(new CreateScheduleCommand({
    Name: 'ok', ScheduleExpression: 'rate(1 hour)', FlexibleTimeWindow: { Mode: 'SOMETIMES' as 'OFF' },
    Target: { Arn: 'arn:aws:sqs:us-east-1:000000000000:q', RoleArn: 'arn:aws:iam::000000000000:role/r' },
  })), 'ValidationException', "1 validation error detected: Value 'SOMETIMES' at 'flexibleTimeWindow.mode' failed to satisfy constraint: Member must satisfy enum value set: [OFF, FLEXIBLE]");
});

test('DynamoDB: a 2-character TableName, an unknown KeyType, an ARN still accepted where AWS accepts one', async () => {
  const ddb = fb.client(DynamoDBClient);
  await rejects(ddb.send(new GetItemCommand({ TableName: 'ab', Key: { pk: { S: 'a' } } })), 'ValidationException',
    "1 validation error detected: Value 'ab' at 'tableName' failed to satisfy constraint: Member must have length greater than or equal to 3");
  await rejects(ddb.send(new CreateTableCommand({
    TableName: 'Tbl', BillingMode: 'PAY_PER_REQUEST', AttributeDefinitions: [{ AttributeName: 'a', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'a', KeyType: 'PRIMARY' as 'HASH' }],
  })), 'ValidationException', "1 validation error detected: Value 'PRIMARY' at 'keySchema.1.member.keyType' failed to satisfy constraint: Member must satisfy enum value set: [HASH, RANGE]");
  // A table ARN is a valid TableName since 2024 (botocore 1.29's pattern predates it): not a validation error.
  await rejects(ddb.send(new GetItemCommand({ TableName: 'arn:aws:dynamodb:us-east-1:000000000000:table/Nope', Key: { pk: { S: 'a' } } })), 'ResourceNotFoundException');
});

test('EventBridge: map keys out of bounds are reported once for the map, with the key constraints', async () => {
  const eb = fb.client(EventBridgeClient);
  await eb.send(new PutRuleCommand({ Name: 'h', ScheduleExpression: 'rate(1 hour)' }));
  await rejects(eb.send(new PutTargetsCommand({
    Rule: 'h', Targets: [{ Id: 't', Arn: 'arn:aws:sqs:us-east-1:000000000000:q', HttpParameters: { HeaderParameters: { 'bad key': 'v' } } }],
  })), 'ValidationException',
  "1 validation error detected: Value '{bad key=v}' at 'targets.1.member.httpParameters.headerParameters' failed to satisfy constraint: " +
    "Map keys must satisfy constraint: [Member must have length less than or equal to 512, Member must satisfy regular expression pattern: ^[!#$%&'*+-.^_`|~0-9a-zA-Z]+$]");
});

test('S3 keeps its own codes: no Coral constraint messages on rest-xml', async () => {
  const s3 = fb.client(S3Client);
  await s3.send(new CreateBucketCommand({ Bucket: 'constraints-b' }));
  // botocore's Tag Key has max 128; S3 answers InvalidTag for it, never ValidationException.
  const e = await s3.send(new PutBucketTaggingCommand({ Bucket: 'constraints-b', Tagging: { TagSet: [{ Key: 'k'.repeat(129), Value: 'v' }] } })).then(() => undefined, (err) => err);
  assert.notEqual(e?.name, 'ValidationException');
});

for (const client of boto3Clients()) {
  test(`${client.label} (param_validation off): STS GetFederationToken with 51 tags, EventBridge Limit 0`, async () => {
    const r = await python(client, fb.endpoint, `
import boto3, json, os
from botocore.config import Config
cfg = Config(parameter_validation=False)
def call(f):
    try:
        f()
        return None
    except Exception as e:
        return [e.response['Error']['Code'], e.response['Error']['Message'], e.response['ResponseMetadata']['HTTPStatusCode']]
sts = boto3.client('sts', endpoint_url=os.environ['ENDPOINT'], region_name='us-east-1', config=cfg)
events = boto3.client('events', endpoint_url=os.environ['ENDPOINT'], region_name='us-east-1', config=cfg)
print(json.dumps([
    call(lambda: sts.get_federation_token(Name='bob', Tags=[{'Key': 'k%d' % i, 'Value': 'v'} for i in range(51)])),
    call(lambda: sts.get_federation_token(Name='b')),
    call(lambda: events.list_rules(Limit=0)),
]))
`);
    assert.equal(r.code, 0, r.stderr);
    const [tags, name, limit] = JSON.parse(r.stdout);
    assert.deepEqual(tags.slice(0, 1), ['ValidationError']);
    assert.equal(tags[2], 400);
    // A list of structures is not shown (its Java toString means nothing), as for STS's policyArns.
    assert.equal(tags[1], "1 validation error detected: Value at 'tags' failed to satisfy constraint: Member must have length less than or equal to 50");
    assert.deepEqual(name, ['ValidationError', "1 validation error detected: Value 'b' at 'name' failed to satisfy constraint: Member must have length greater than or equal to 2", 400]);
    assert.equal(limit[0], 'ValidationException');
  });
}

// validateInput on a small hand-written model: what the wire tests cannot pin down cheaply.
const model: ServiceModel = {
  metadata: { protocol: 'json', apiVersion: '2000-01-01' },
  operations: { Op: { name: 'Op', input: { shape: 'In' } } },
  shapes: {
    In: { type: 'structure', members: { Name: { shape: 'Name' }, Secret: { shape: 'Secret' }, Blob: { shape: 'Blob' }, Items: { shape: 'Items' }, Emoji: { shape: 'Emoji' } } },
    Name: { type: 'string', min: 1, max: 5, pattern: '[a-z]+' },
    Secret: { type: 'string', max: 3, sensitive: true },
    Blob: { type: 'blob', max: 2 },
    Items: { type: 'list', member: { shape: 'Name' }, max: 2 },
    Emoji: { type: 'string', max: 2, pattern: '[\\uD83D\\uDE00-\\uD83D\\uDE4F]+' },
  },
};

test('validateInput: sensitive values hidden, blobs as ByteBuffers, lists Java-style, code points counted', () => {
  assert.deepEqual(validateInput(model, 'Op', { Secret: 'abcd' }), ["Value at 'secret' failed to satisfy constraint: Member must have length less than or equal to 3"]);
  assert.deepEqual(validateInput(model, 'Op', { Blob: Buffer.from('abc') }),
    ["Value 'java.nio.HeapByteBuffer[pos=0 lim=3 cap=3]' at 'blob' failed to satisfy constraint: Member must have length less than or equal to 2"]);
  assert.deepEqual(validateInput(model, 'Op', { Items: ['a', 'b', 'C'] }), [
    "Value '[a, b, C]' at 'items' failed to satisfy constraint: Member must have length less than or equal to 2",
    "Value 'C' at 'items.3.member' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-z]+",
  ]);
  // Two emoji are two characters (four UTF-16 units); a Java \\uD83D\\uDE00 pair is one code point.
  assert.deepEqual(validateInput(model, 'Op', { Emoji: '😀🙏' }), []);
  assert.equal(validateInput(model, 'Op', { Emoji: '😀🙏😀' }).length, 1);
  assert.deepEqual(validateInput(model, 'Op', { Name: 'abc' }), []);
  const many = validateInput(model, 'Op', { Items: Array.from({ length: 50 }, () => 'X') });
  assert.equal(many.length, 10, 'at most ten problems');
  assert.match(validationMessage(many), /^10 validation errors detected: /);
});

test('patterns: Java syntax translated for RE2, hostile input in linear time', () => {
  assert.equal(toRe2('[\\u0020-\\uD7FF\\uD800\\uDC00-\\uDBFF\\uDFFF]'), '[\\x{20}-\\x{d7ff}\\x{10000}-\\x{10ffff}]');
  // Java reads \\u10000 as U+1000 followed by '0'.
  assert.equal(toRe2('\\u10000'), '\\x{1000}0');
  assert.equal(matchesJavaPattern('\\p{Print}+', 'ok!'), true);
  assert.equal(matchesJavaPattern('\\p{Print}+', 'tab\there'), false);
  // A leading lookahead is a second pattern at the value's start (Lambda's Alias: not all digits).
  assert.equal(matchesJavaPattern('(?!^[0-9]+$)([a-zA-Z0-9-_]+)', '123'), false);
  assert.equal(matchesJavaPattern('(?!^[0-9]+$)([a-zA-Z0-9-_]+)', '1a'), true);
  assert.equal(matchesJavaPattern('^(?!\\s*$).+', '  '), false);
  // Lookbehinds run in linear time in re2js (Lambda's S3Bucket: no trailing dot).
  assert.equal(matchesJavaPattern('^[0-9A-Za-z\\.\\-_]*(?<!\\.)$', 'a.b'), true);
  assert.equal(matchesJavaPattern('^[0-9A-Za-z\\.\\-_]*(?<!\\.)$', 'ab.'), false);
  // Any other lookaround is not RE2: not enforced rather than run by a backtracking engine.
  assert.equal(matchesJavaPattern('a(?!b)c', 'ac'), undefined);
  // Alternatives each match the whole value (Lambda's FunctionUrlQualifier: $LATEST or an alias).
  const qualifier = '(^\\$LATEST$)|((?!^[0-9]+$)([a-zA-Z0-9-_]+))';
  assert.deepEqual(['$LATEST', 'live', '12', '$LATEST2'].map((v) => matchesJavaPattern(qualifier, v)), [true, true, false, false]);
  assert.equal(matchesJavaPattern('(?=a)a|c', 'c'), true, 'the lookahead applies to its alternative only');
  assert.equal(matchesJavaPattern('(?=a)b|c', 'b'), false);
  const started = performance.now();
  assert.equal(matchesJavaPattern('(a+)+$', `${'a'.repeat(100_000)}!`), false);
  assert.ok(performance.now() - started < 1000);
});
