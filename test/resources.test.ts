// The resource engine (issue 11 §3) seen through real clients: every service's page tokens are the
// engine's signed ones — genuine ones page, altered, forged or foreign ones get the service's own
// error — and survive a restart; tags keep each service's limits and words.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import * as SQS from '@aws-sdk/client-sqs';
import * as L from '@aws-sdk/client-lambda';
import * as D from '@aws-sdk/client-dynamodb';
import * as SNS from '@aws-sdk/client-sns';
import * as CW from '@aws-sdk/client-cloudwatch-logs';
import * as EB from '@aws-sdk/client-eventbridge';
import * as SCH from '@aws-sdk/client-scheduler';
import * as S3 from '@aws-sdk/client-s3';
import { startFogbank, type TestFogbank } from '../src/testing/index.ts';
import { boto3Clients, python } from './support/clients.ts';
import { ROLE, zipOf } from './support/lambda-kit.ts';

const zip = zipOf({ 'index.mjs': 'export const handler = async () => ({});' });

let fb: TestFogbank;

before(async () => {
  fb = await startFogbank();
});
after(() => fb.stop());
beforeEach(() => fb.reset());

/** A token with one character changed (still in the token's alphabet). */
function altered(token: string): string {
  const i = Math.floor(token.length / 2);
  return token.slice(0, i) + (token[i] === 'A' ? 'B' : 'A') + token.slice(i + 1);
}
/** The unsigned format several services used before: base64url JSON of a position. */
const forged = (position: unknown) => Buffer.from(JSON.stringify({ p: position })).toString('base64url');

async function rejects(p: Promise<unknown>, name: string, message: string | RegExp) {
  await assert.rejects(p, (e: Error) => {
    assert.equal(e.name, name);
    if (typeof message === 'string') assert.equal(e.message, message);
    else assert.match(e.message, message);
    return true;
  });
}

test('SQS ListQueues: genuine tokens page; altered, forged and foreign ones are InvalidParameterValue', async () => {
  const sqs = fb.client(SQS.SQSClient);
  for (const n of ['a', 'b', 'c']) await sqs.send(new SQS.CreateQueueCommand({ QueueName: `q-${n}` }));
  const first = await sqs.send(new SQS.ListQueuesCommand({ MaxResults: 2 }));
  assert.equal(first.QueueUrls?.length, 2);
  const second = await sqs.send(new SQS.ListQueuesCommand({ MaxResults: 2, NextToken: first.NextToken }));
  assert.deepEqual(second.QueueUrls?.map((u) => u.split('/').pop()), ['q-c']);
  for (const bad of [altered(first.NextToken!), Buffer.from(JSON.stringify({ after: 'q-a' })).toString('base64'), 'garbage']) {
    await rejects(sqs.send(new SQS.ListQueuesCommand({ MaxResults: 2, NextToken: bad })), 'InvalidParameterValue', 'Invalid NextToken value.');
  }
  // Another account cannot use this account's token.
  const other = fb.client(SQS.SQSClient, { credentials: { accessKeyId: '111122223333', secretAccessKey: 'x' } });
  await rejects(other.send(new SQS.ListQueuesCommand({ MaxResults: 2, NextToken: first.NextToken })), 'InvalidParameterValue', 'Invalid NextToken value.');
});

test('boto3 sees SQS refuse a tampered NextToken the same way', async () => {
  const sqs = fb.client(SQS.SQSClient);
  for (const n of ['a', 'b']) await sqs.send(new SQS.CreateQueueCommand({ QueueName: `q-${n}` }));
  const clients = boto3Clients();
  assert.ok(clients.length > 0);
  for (const client of clients) {
    const out = await python(client, fb.endpoint, `
import boto3, json, os, botocore
sqs = boto3.client('sqs', endpoint_url=os.environ['ENDPOINT'])
first = sqs.list_queues(MaxResults=1)
token = first['NextToken']
second = sqs.list_queues(MaxResults=1, NextToken=token)
try:
    sqs.list_queues(MaxResults=1, NextToken=token[:-4] + ('AAAA' if token[-4:] != 'AAAA' else 'BBBB'))
    code = None
except botocore.exceptions.ClientError as e:
    code = e.response['Error']['Code']
print(json.dumps({'pages': [len(first['QueueUrls']), len(second['QueueUrls'])], 'code': code}))
`);
    assert.equal(out.code, 0, `${client.label}: ${out.stderr}`);
    const r = JSON.parse(out.stdout) as { pages: number[]; code: string };
    assert.deepEqual(r.pages, [1, 1], client.label);
    assert.match(r.code, /InvalidParameterValue/, client.label);
  }
});

test('Lambda ListFunctions: a tampered Marker is InvalidParameterValueException', async () => {
  const lambda = fb.client(L.LambdaClient);
  for (const name of ['f1', 'f2', 'f3']) {
    await lambda.send(new L.CreateFunctionCommand({ FunctionName: name, Runtime: 'nodejs22.x', Handler: 'index.handler', Role: ROLE, Code: { ZipFile: zip } }));
  }
  const first = await lambda.send(new L.ListFunctionsCommand({ MaxItems: 2 }));
  assert.equal(first.Functions?.length, 2);
  const second = await lambda.send(new L.ListFunctionsCommand({ MaxItems: 2, Marker: first.NextMarker }));
  assert.deepEqual(second.Functions?.map((f) => f.FunctionName), ['f3']);
  for (const bad of [altered(first.NextMarker!), Buffer.from(JSON.stringify(['f1', 0])).toString('base64url')]) {
    await rejects(lambda.send(new L.ListFunctionsCommand({ Marker: bad })), 'InvalidParameterValueException', /Invalid Marker/);
  }
  // A ListFunctions marker means nothing to ListVersionsByFunction.
  await rejects(lambda.send(new L.ListVersionsByFunctionCommand({ FunctionName: 'f1', Marker: first.NextMarker })), 'InvalidParameterValueException', /Invalid Marker/);
});

test('DynamoDB: ExecuteStatement and ListTagsOfResource tokens are signed; bad ones are ValidationException', async () => {
  const ddb = fb.client(D.DynamoDBClient);
  const table = await ddb.send(new D.CreateTableCommand({
    TableName: 'tbl', KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }], BillingMode: 'PAY_PER_REQUEST',
  }));
  for (const pk of ['a', 'b', 'c']) await ddb.send(new D.PutItemCommand({ TableName: 'tbl', Item: { pk: { S: pk } } }));
  const seen: string[] = [];
  let token: string | undefined;
  let first: string | undefined;
  do {
    const page = await ddb.send(new D.ExecuteStatementCommand({ Statement: 'SELECT * FROM tbl', Limit: 1, NextToken: token }));
    seen.push(...(page.Items ?? []).map((i) => i.pk.S!));
    token = page.NextToken;
    first ??= token;
  } while (token);
  assert.deepEqual(seen.sort(), ['a', 'b', 'c']);
  await rejects(ddb.send(new D.ExecuteStatementCommand({ Statement: 'SELECT * FROM tbl', NextToken: altered(first!) })), 'ValidationException', 'Invalid NextToken');
  await rejects(ddb.send(new D.ExecuteStatementCommand({ Statement: 'SELECT * FROM tbl', NextToken: Buffer.from('{"pk":{"S":"a"}}').toString('base64url') })), 'ValidationException', 'Invalid NextToken');
  // ListTagsOfResource's token was a bare number before; a made-up one is now refused, not read as page one.
  await rejects(ddb.send(new D.ListTagsOfResourceCommand({ ResourceArn: table.TableDescription!.TableArn!, NextToken: '100' })), 'ValidationException', 'Invalid NextToken');
});

test('SNS, Logs, EventBridge, Scheduler and S3 refuse tokens they did not issue, each in its own words', async () => {
  await rejects(fb.client(SNS.SNSClient).send(new SNS.ListTopicsCommand({ NextToken: forged('arn:aws:sns:us-east-1:000000000000:a') })), 'InvalidParameterException', 'Invalid parameter: NextToken');
  const logs = fb.client(CW.CloudWatchLogsClient);
  for (const g of ['g1', 'g2']) await logs.send(new CW.CreateLogGroupCommand({ logGroupName: g }));
  const groups = await logs.send(new CW.DescribeLogGroupsCommand({ limit: 1 }));
  assert.equal((await logs.send(new CW.DescribeLogGroupsCommand({ limit: 1, nextToken: groups.nextToken }))).logGroups?.[0].logGroupName, 'g2');
  await rejects(logs.send(new CW.DescribeLogGroupsCommand({ nextToken: altered(groups.nextToken!) })), 'InvalidParameterException', 'The specified nextToken is invalid.');
  await rejects(fb.client(EB.EventBridgeClient).send(new EB.ListRulesCommand({ NextToken: forged('r') })), 'ValidationException', 'The NextToken is invalid.');
  await rejects(fb.client(SCH.SchedulerClient).send(new SCH.ListScheduleGroupsCommand({ NextToken: Buffer.from('default').toString('base64url') })), 'ValidationException', 'Invalid NextToken');
  const s3 = fb.client(S3.S3Client);
  await s3.send(new S3.CreateBucketCommand({ Bucket: 'bkt-1' }));
  await s3.send(new S3.CreateBucketCommand({ Bucket: 'bkt-2' }));
  for (const k of ['k1', 'k2']) {
    await s3.send(new S3.PutObjectCommand({ Bucket: 'bkt-1', Key: k, Body: 'x' }));
    await s3.send(new S3.PutObjectCommand({ Bucket: 'bkt-2', Key: k, Body: 'x' }));
  }
  const listed = await s3.send(new S3.ListObjectsV2Command({ Bucket: 'bkt-1', MaxKeys: 1 }));
  assert.deepEqual((await s3.send(new S3.ListObjectsV2Command({ Bucket: 'bkt-1', ContinuationToken: listed.NextContinuationToken }))).Contents?.map((o) => o.Key), ['k2']);
  // A token is bound to its bucket, and the unsigned format of before is refused.
  await rejects(s3.send(new S3.ListObjectsV2Command({ Bucket: 'bkt-2', ContinuationToken: listed.NextContinuationToken })), 'InvalidArgument', 'The continuation token provided is incorrect');
  await rejects(s3.send(new S3.ListObjectsV2Command({ Bucket: 'bkt-1', ContinuationToken: Buffer.from('kk1').toString('base64') })), 'InvalidArgument', 'The continuation token provided is incorrect');
});

test('page tokens survive a restart on the same data directory', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'fogbank-tokens-'));
  try {
    let node = await startFogbank({ ephemeral: false, dataDir });
    let sqs = node.client(SQS.SQSClient);
    for (const n of ['a', 'b']) await sqs.send(new SQS.CreateQueueCommand({ QueueName: `q-${n}` }));
    const { NextToken } = await sqs.send(new SQS.ListQueuesCommand({ MaxResults: 1 }));
    await node.stop();
    node = await startFogbank({ ephemeral: false, dataDir });
    try {
      sqs = node.client(SQS.SQSClient);
      const rest = await sqs.send(new SQS.ListQueuesCommand({ MaxResults: 1, NextToken }));
      assert.deepEqual(rest.QueueUrls?.map((u) => u.split('/').pop()), ['q-b']);
    } finally {
      await node.stop();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('tags: the aws: prefix and the limits are refused as each service always refused them', async () => {
  const sns = fb.client(SNS.SNSClient);
  const topic = await sns.send(new SNS.CreateTopicCommand({ Name: 't' }));
  await rejects(sns.send(new SNS.TagResourceCommand({ ResourceArn: topic.TopicArn, Tags: [{ Key: 'AWS:x', Value: 'v' }] })), 'InvalidParameterException', 'Invalid parameter: Tags Reason: Keys can not start with "aws:"');
  const many = Array.from({ length: 51 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }));
  await rejects(sns.send(new SNS.TagResourceCommand({ ResourceArn: topic.TopicArn, Tags: many })), 'TagLimitExceededException', 'Could not complete request: tag quota of per resource exceeded');
  await sns.send(new SNS.TagResourceCommand({ ResourceArn: topic.TopicArn, Tags: [{ Key: 'a', Value: '1' }, { Key: 'b', Value: '2' }] }));
  await sns.send(new SNS.UntagResourceCommand({ ResourceArn: topic.TopicArn, TagKeys: ['a', 'missing'] }));
  assert.deepEqual((await sns.send(new SNS.ListTagsForResourceCommand({ ResourceArn: topic.TopicArn }))).Tags, [{ Key: 'b', Value: '2' }]);

  const logs = fb.client(CW.CloudWatchLogsClient);
  await logs.send(new CW.CreateLogGroupCommand({ logGroupName: 'g' }));
  await rejects(logs.send(new CW.TagLogGroupCommand({ logGroupName: 'g', tags: { 'aws:x': 'v' } })), 'InvalidParameterException', `Tag keys starting with 'aws:' are reserved.`);

  const ddb = fb.client(D.DynamoDBClient);
  const table = await ddb.send(new D.CreateTableCommand({
    TableName: 'tbl', KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }], BillingMode: 'PAY_PER_REQUEST',
  }));
  const arn = table.TableDescription!.TableArn!;
  await rejects(ddb.send(new D.TagResourceCommand({ ResourceArn: arn, Tags: [{ Key: 'aws:x', Value: 'v' }] })), 'ValidationException', 'One or more parameter values were invalid: Tag key cannot start with the aws: prefix');
  await ddb.send(new D.TagResourceCommand({ ResourceArn: arn, Tags: [{ Key: 'z', Value: '1' }, { Key: '7', Value: '2' }] }));
  assert.deepEqual((await ddb.send(new D.ListTagsOfResourceCommand({ ResourceArn: arn }))).Tags, [{ Key: 'z', Value: '1' }, { Key: '7', Value: '2' }], 'tags keep the order they were added in');

  const s3 = fb.client(S3.S3Client);
  await s3.send(new S3.CreateBucketCommand({ Bucket: 'tagged' }));
  await rejects(s3.send(new S3.PutBucketTaggingCommand({ Bucket: 'tagged', Tagging: { TagSet: [{ Key: 'Aws:x', Value: 'v' }] } })), 'InvalidTag', 'System tags cannot be added/updated by requester');
  await s3.send(new S3.PutObjectCommand({ Bucket: 'tagged', Key: 'o', Body: 'x' }));
  await rejects(s3.send(new S3.PutObjectTaggingCommand({ Bucket: 'tagged', Key: 'o', Tagging: { TagSet: [{ Key: 'aws:x', Value: 'v' }] } })), 'InvalidTag', 'Your TagKey cannot be prefixed with aws:');

  const lambda = fb.client(L.LambdaClient);
  const fn = await lambda.send(new L.CreateFunctionCommand({ FunctionName: 'tagged', Runtime: 'nodejs22.x', Handler: 'index.handler', Role: ROLE, Code: { ZipFile: zip } }));
  await rejects(lambda.send(new L.TagResourceCommand({ Resource: fn.FunctionArn, Tags: { 'aws:x': 'v' } })), 'InvalidParameterValueException', `Tag keys starting with 'aws:' are reserved for AWS use.`);
  const sqs = fb.client(SQS.SQSClient);
  const q = await sqs.send(new SQS.CreateQueueCommand({ QueueName: 'tagged' }));
  const fifty = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, 'v']));
  await sqs.send(new SQS.TagQueueCommand({ QueueUrl: q.QueueUrl, Tags: fifty }));
  await rejects(sqs.send(new SQS.TagQueueCommand({ QueueUrl: q.QueueUrl, Tags: { one: 'more' } })), 'InvalidParameterValue', 'Too many tags added for queue tagged.');
});
