// Hostile requests over every protocol and service (issue 10): a few thousand requests, each a valid
// request for a real operation of a generated model, then spoilt — wrong JSON types, missing and extra
// members, huge strings, deep nesting, invalid UTF-8, bad base64, timestamps and numbers, random
// bodies, truncation, bad XML, bad query strings and percent-escapes, hostile headers, random methods,
// paths and Content-Encodings. Every request carries a syntactically valid SigV4 Authorization header.
// Fogbank must not crash, must answer no 5xx (but 501 NotImplemented), and must put every error in
// the protocol its client reads.
//
// Seeded: the seed is printed; FOGBANK_FUZZ_SEED=<seed> replays a run, FOGBANK_FUZZ_ONLY=<n,...>
// only those requests of it, FOGBANK_FUZZ_COUNT=<n> changes how many are sent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SQSClient, CreateQueueCommand } from '@aws-sdk/client-sqs';
import { S3Client, CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { DynamoDBClient, CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { SNSClient, CreateTopicCommand } from '@aws-sdk/client-sns';
import { CloudWatchLogsClient, CreateLogGroupCommand, CreateLogStreamCommand } from '@aws-sdk/client-cloudwatch-logs';
import { EventBridgeClient, PutRuleCommand } from '@aws-sdk/client-eventbridge';
import { startFogbank } from '../src/testing/index.ts';
import type { Known } from './support/fuzz/inputs.ts';
import { errorProtocolOf, type WireRequest } from './support/fuzz/wire.ts';
import { generate, knownHostile, loadModels } from './support/fuzz/corpus.ts';
import { send, type Outcome } from './support/fuzz/http-raw.ts';
import { httpLevelRefusal, judge } from './support/fuzz/oracle.ts';

const models = loadModels();

// CI replays one fixed seed, so a landing is judged on the same requests every time; a developer's
// run explores a new seed each time (and prints it).
const SEED = process.env.FOGBANK_FUZZ_SEED ? Number(process.env.FOGBANK_FUZZ_SEED) >>> 0 : process.env.CI ? 20261207 : (Math.random() * 2 ** 32) >>> 0;
const COUNT = Number(process.env.FOGBANK_FUZZ_COUNT ?? 3000);
const ONLY = process.env.FOGBANK_FUZZ_ONLY?.split(',').map(Number);
const CONCURRENCY = 6;
const TIMEOUT_MS = 15_000;

interface FailureClass {
  count: number;
  mutations: Map<string, number>;
  operations: Set<string>;
  example: { index: number; request: string; answer: string };
}

function describeRequest(req: WireRequest): string {
  const headers = req.headers
    .filter(([k]) => k.toLowerCase() !== 'authorization' && k.toLowerCase() !== 'x-amz-date')
    .map(([k, v]) => `${k}: ${(Buffer.isBuffer(v) ? v.toString('latin1') : v).slice(0, 80)}`);
  const body = req.body.length > 300 ? `${req.body.subarray(0, 300).toString('latin1')}… (${req.body.length} bytes)` : req.body.toString('latin1');
  return `${req.method} ${req.target.slice(0, 200)}${req.target.length > 200 ? '…' : ''} [${headers.join(' | ')}] ${JSON.stringify(body)}`;
}

function describeAnswer(o: Outcome): string {
  if ('noAnswer' in o) return o.noAnswer;
  const body = o.answer.body.toString('utf8');
  return `${o.answer.status} ${JSON.stringify(body.slice(0, 300))}`;
}

test(`fuzz: ${COUNT} random hostile requests over every protocol and service, and the known ones (seed ${SEED})`, { timeout: 240_000 }, async (t) => {
  t.diagnostic(`seed ${SEED} (replay with FOGBANK_FUZZ_SEED=${SEED})`);
  const crashes: string[] = [];
  const onRejection = (err: unknown) => crashes.push(`unhandled rejection: ${(err as Error)?.stack ?? err}`);
  const onException = (err: unknown) => crashes.push(`uncaught exception: ${(err as Error)?.stack ?? err}`);
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onException);
  const fb = await startFogbank({ logLevel: 'error' });
  // Internal errors are logged with their stack; they belong in the failure report, not the console.
  const internal = new Map<string, string>();
  let unattributed: string | undefined;
  fb.instance.env.log.error = (msg: string, err?: unknown) => {
    const line = `${msg}: ${String((err as Error)?.stack ?? err).split('\n').slice(0, 3).join(' / ')}`;
    const id = /request ([0-9a-f-]{36})/.exec(msg)?.[1];
    if (id) internal.set(id, line);
    else unattributed = line; // failures outside the gateway name no request: the latest is the likeliest
  };
  try {
    const known = await seedState(fb);
    const coverage = (await (await fetch(`${fb.endpoint}/_fogbank/services`)).json()) as Array<{ name: string; operations: Record<string, boolean> }>;
    const implemented = Object.fromEntries(coverage.map((c) => [c.name, Object.keys(c.operations).filter((op) => c.operations[op]).sort()]));
    assert.deepEqual(Object.keys(implemented).sort(), models.map(([s]) => s), 'a model for every service');
    const port = Number(new URL(fb.endpoint).port);
    const classes = new Map<string, FailureClass>();
    const perService = new Map<string, number>();
    // The known hostile requests first (numbered from -1 down), then the random ones.
    const corpus = ONLY ? [] : knownHostile(models, known);
    let next = 0;
    let answered = 0;
    let httpLevel = 0;
    const slowest: Array<[number, string]> = [];
    const indexes = ONLY ?? [...corpus.map((_, i) => -1 - i), ...Array.from({ length: COUNT }, (_, i) => i)];
    const started = performance.now();
    const worker = async () => {
      while (next < indexes.length) {
        const index = indexes[next++];
        const req = index < 0 ? corpus[-1 - index] : generate(models, implemented, SEED, index, known);
        perService.set(req.service, (perService.get(req.service) ?? 0) + 1);
        const model = models.find(([s]) => s === req.service)![1];
        const t0 = performance.now();
        const outcome = await send(port, req, TIMEOUT_MS);
        const ms = performance.now() - t0;
        if (slowest.length < 5 || ms > slowest[4][0]) {
          slowest.push([ms, `#${index} ${req.service}.${req.operation} (${req.mutations.join(' + ') || 'valid'}) ${describeAnswer(outcome).slice(0, 60)}`]);
          slowest.sort((a, b) => b[0] - a[0]).splice(5);
        }
        if ('answer' in outcome) answered++;
        if (httpLevelRefusal(req, outcome)) httpLevel++;
        const verdict = judge(req, errorProtocolOf(model, req), outcome);
        if (!verdict) continue;
        const requestId = 'answer' in outcome ? (outcome.answer.headers['x-amzn-requestid'] ?? outcome.answer.headers['x-amz-request-id']) : undefined;
        const stack = (requestId ? internal.get(requestId) : undefined) ?? ('answer' in outcome && outcome.answer.status >= 500 ? unattributed : undefined);
        const key = `${req.service}: ${verdict.replace(/"[^"]*"/g, '"…"').slice(0, 120)}`;
        let c = classes.get(key);
        if (!c) {
          c = { count: 0, mutations: new Map(), operations: new Set(), example: { index, request: describeRequest(req), answer: describeAnswer(outcome) + (stack ? `\n      server: ${stack}` : '') } };
          classes.set(key, c);
        }
        c.count++;
        c.operations.add(req.operation);
        const m = req.mutations.join(' + ') || 'none (valid request)';
        c.mutations.set(m, (c.mutations.get(m) ?? 0) + 1);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const seconds = (performance.now() - started) / 1000;
    t.diagnostic(`${indexes.length} requests (${answered} answered, ${httpLevel} of them refused by the HTTP parser) in ${seconds.toFixed(1)} s: ${[...perService].map(([s, n]) => `${s} ${n}`).join(', ')}`);
    t.diagnostic(`slowest: ${slowest.map(([ms, what]) => `${ms.toFixed(0)} ms ${what}`).join('\n  ')}`);
    const health = await fetch(`${fb.endpoint}/_fogbank/health`);
    assert.equal(health.status, 200, 'Fogbank still answers health after the run');
    const failures = [...classes].sort((a, b) => b[1].count - a[1].count);
    const report = failures.map(([key, c]) => {
      const mutations = [...c.mutations].sort((a, b) => b[1] - a[1]).slice(0, 4).map(([m, n]) => `${m} ×${n}`).join('; ');
      return `  ${c.count}× ${key}\n    operations: ${[...c.operations].slice(0, 6).join(', ')}${c.operations.size > 6 ? ', …' : ''}\n    mutations: ${mutations}\n    e.g. #${c.example.index}: ${c.example.request}\n      → ${c.example.answer}\n    replay: ${c.example.index < 0 ? 'sent in every run (test/support/fuzz/corpus.ts, knownHostile)' : `FOGBANK_FUZZ_SEED=${SEED} FOGBANK_FUZZ_ONLY=${c.example.index}`}`;
    });
    if (report.length) t.diagnostic(`${failures.length} failure classes:\n${report.join('\n')}`);
    assert.deepEqual(crashes, [], 'no unhandled rejections or uncaught exceptions');
    assert.equal(failures.length, 0, `${failures.reduce((n, [, c]) => n + c.count, 0)} bad answers in ${failures.length} classes (seed ${SEED}):\n${report.join('\n')}`);
  } finally {
    process.off('unhandledRejection', onRejection);
    process.off('uncaughtException', onException);
    await fb.stop();
  }
});

/** Resources for the fuzzer to aim at, so mutated requests reach handlers past "does not exist". */
async function seedState(fb: Awaited<ReturnType<typeof startFogbank>>): Promise<Known> {
  const { QueueUrl } = await fb.client(SQSClient).send(new CreateQueueCommand({ QueueName: 'fuzz-queue' }));
  const s3 = fb.client(S3Client);
  await s3.send(new CreateBucketCommand({ Bucket: 'fuzz-bucket' }));
  await s3.send(new PutObjectCommand({ Bucket: 'fuzz-bucket', Key: 'fuzz-key', Body: 'hello' }));
  const table = await fb.client(DynamoDBClient).send(
    new CreateTableCommand({
      TableName: 'fuzz-table',
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
    }),
  );
  const { TopicArn } = await fb.client(SNSClient).send(new CreateTopicCommand({ Name: 'fuzz-topic' }));
  const logs = fb.client(CloudWatchLogsClient);
  await logs.send(new CreateLogGroupCommand({ logGroupName: 'fuzz-group' }));
  await logs.send(new CreateLogStreamCommand({ logGroupName: 'fuzz-group', logStreamName: 'fuzz-stream' }));
  const { RuleArn } = await fb.client(EventBridgeClient).send(new PutRuleCommand({ Name: 'fuzz-rule', EventPattern: '{"source":["fuzz"]}' }));
  return {
    queueurl: [QueueUrl!],
    queuename: ['fuzz-queue'],
    bucket: ['fuzz-bucket'],
    key: ['fuzz-key'],
    tablename: ['fuzz-table'],
    streamarn: [table.TableDescription!.LatestStreamArn!],
    topicarn: [TopicArn!],
    targetarn: [TopicArn!, QueueUrl!],
    loggroupname: ['fuzz-group'],
    loggroupidentifier: ['fuzz-group'],
    logstreamname: ['fuzz-stream'],
    rule: ['fuzz-rule'],
    name: ['fuzz-rule', 'fuzz-queue', 'fuzz-topic'],
    arn: [RuleArn!, TopicArn!],
    resourcearn: [RuleArn!, TopicArn!],
    eventbusname: ['default'],
    functionname: ['fuzz-function'],
    groupname: ['default'],
  };
}
