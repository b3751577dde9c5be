// The fuzzer's requests: request number `index` of run `seed` is always the same request, so a run
// (or one request of it) replays exactly.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import type { ServiceModel } from '../../../src/aws/protocol/model.ts';
import { Rng, seedFor } from './random.ts';
import { INPUT_MUTATIONS, Raw, inputFor, type Known } from './inputs.ts';
import { WIRE_MUTATIONS, requestFor, type WireRequest } from './wire.ts';

const SERVICES_DIR = new URL('../../../src/aws/services/', import.meta.url);

/** Every generated service model, by service folder name. */
export function loadModels(): Array<[string, ServiceModel]> {
  return readdirSync(SERVICES_DIR)
    .filter((name) => existsSync(new URL(`${name}/generated/model.json`, SERVICES_DIR)))
    .sort()
    .map((name) => [name, JSON.parse(readFileSync(new URL(`${name}/generated/model.json`, SERVICES_DIR), 'utf8')) as ServiceModel]);
}

/** The data-plane operations where user data meets parsers and handlers hardest: a share of their own. */
const HOT: Record<string, string[]> = {
  s3: ['GetObject', 'PutObject', 'HeadObject', 'ListObjectsV2', 'CopyObject', 'DeleteObjects', 'PutBucketCors', 'CompleteMultipartUpload'],
  dynamodb: ['PutItem', 'GetItem', 'Query', 'Scan', 'UpdateItem', 'BatchWriteItem', 'TransactWriteItems', 'ExecuteStatement'],
  dynamodbstreams: ['GetRecords', 'GetShardIterator', 'DescribeStream'],
  sqs: ['SendMessage', 'SendMessageBatch', 'ReceiveMessage', 'SetQueueAttributes', 'CreateQueue'],
  sns: ['Publish', 'PublishBatch', 'Subscribe', 'SetSubscriptionAttributes', 'CreateTopic'],
  logs: ['PutLogEvents', 'FilterLogEvents', 'GetLogEvents', 'PutMetricFilter', 'StartQuery', 'DescribeLogGroups'],
  events: ['PutEvents', 'PutRule', 'PutTargets', 'TestEventPattern'],
  lambda: ['CreateFunction', 'Invoke', 'UpdateFunctionCode', 'CreateEventSourceMapping', 'ListFunctions'],
  scheduler: ['CreateSchedule', 'UpdateSchedule', 'ListSchedules'],
  sts: ['AssumeRole', 'AssumeRoleWithWebIdentity', 'GetFederationToken', 'DecodeAuthorizationMessage'],
};

/** A mutation a service's own design invites, given a share of its own. */
const FOCUS: Record<string, (operation: string) => string | undefined> = {
  // DynamoDB's documents nest by design (AWS stops at 32 levels).
  dynamodb: () => 'deep AttributeValue',
  // S3 echoes response-content-type and friends into response headers.
  s3: (op) => (op === 'GetObject' || op === 'HeadObject' ? 'CR/LF in values' : undefined),
};

/**
 * Request `index` of run `seed`. Mostly operations the service implements (`implemented`, by service),
 * where parsing and handlers go deepest; some of the others, which must answer 501 NotImplemented.
 */
export function generate(models: Array<[string, ServiceModel]>, implemented: Record<string, string[]>, seed: number, index: number, known: Known): WireRequest {
  const rng = new Rng(seedFor(seed, index));
  const [service, model] = rng.pick(models);
  const handled = implemented[service] ?? [];
  const hot = (HOT[service] ?? []).filter((op) => handled.includes(op));
  const operation =
    hot.length && rng.chance(0.35) ? rng.pick(hot) : handled.length && rng.chance(0.85) ? rng.pick(handled) : rng.pick(Object.keys(model.operations).sort());
  const inputRef = model.operations[operation].input;
  // The resources everything else aims at are not for deleting.
  const input = inputFor(model, inputRef, rng, /^(Delete|Purge|Remove)/.test(operation) ? {} : known);
  const mutations: string[] = [];
  // One request in ten stays valid: the baseline must hold too.
  if (rng.chance(0.9)) {
    const inputFirst = rng.chance(0.5);
    if (inputFirst || rng.chance(0.3)) {
      const focus = FOCUS[service]?.(operation);
      const name = focus && rng.chance(0.2) ? focus : rng.pick(Object.keys(INPUT_MUTATIONS));
      INPUT_MUTATIONS[name](model, input, inputRef, rng);
      mutations.push(name);
    }
    if (!inputFirst || rng.chance(0.3)) mutations.push(rng.pick(Object.keys(WIRE_MUTATIONS)));
  }
  const asQuery = !!model.metadata.awsQueryCompatible && rng.chance(0.3);
  const req = requestFor(service, model, operation, input, rng, asQuery);
  for (const name of mutations) if (WIRE_MUTATIONS[name]) WIRE_MUTATIONS[name](req, rng);
  req.mutations = mutations;
  return req;
}

/**
 * Hostile requests known to have broken Fogbank (issue 10), sent in every run besides the random ones
 * so their classes never depend on the seed. Each names the resources seedState made.
 */
export function knownHostile(models: Array<[string, ServiceModel]>, known: Known): WireRequest[] {
  const rng = new Rng(1);
  const model = (name: string) => models.find(([s]) => s === name)![1];
  const make = (service: string, operation: string, input: Record<string, unknown>, mutate?: (r: WireRequest) => void): WireRequest => {
    const req = requestFor(service, model(service), operation, input as never, rng, false);
    mutate?.(req);
    req.mutations = [`known: ${service}.${operation}`];
    return req;
  };
  const bucket = known.bucket?.[0] ?? 'fuzz-bucket';
  const key = known.key?.[0] ?? 'fuzz-key';
  const table = known.tablename?.[0] ?? 'fuzz-table';
  const deep = (levels: number) => new Raw('{"M":{"a":'.repeat(levels) + '{"S":"x"}' + '}}'.repeat(levels));
  return [
    make('s3', 'GetObject', { Bucket: bucket, Key: key, ResponseContentType: 'text/plain\r\nInjected: yes' }),
    make('s3', 'GetObject', { Bucket: bucket, Key: key, ResponseContentDisposition: 'attachment\nx' }),
    make('s3', 'HeadObject', { Bucket: bucket, Key: key }, (r) => (r.target += '&response-cache-control=%0D%0A')),
    make('dynamodb', 'PutItem', { TableName: table, Item: { pk: { S: 'deep' }, doc: deep(10_000) } }),
    make('dynamodb', 'GetItem', { TableName: table, Key: { pk: deep(3_000) } }),
    make('lambda', 'ListFunctions', { Marker: 'not-a-marker' }),
    make('sqs', 'SendMessage', { QueueUrl: known.queueurl?.[0] ?? '', MessageBody: 'x' }, (r) => (r.body = Buffer.concat([r.body, Buffer.from('&%')]))),
  ];
}
