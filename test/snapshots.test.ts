// Snapshots (issue 11 §5): save under load restores exactly what was acknowledged before it, timers
// fire after a restore, export → import gives the same state elsewhere, a newer snapshot is refused,
// and hostile archives are refused before anything reaches the file system.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DatabaseSync } from 'node:sqlite';
import { S3Client, CreateBucketCommand, PutObjectCommand, GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { SQSClient, CreateQueueCommand, SendMessageCommand, ReceiveMessageCommand, GetQueueAttributesCommand, DeleteMessageCommand } from '@aws-sdk/client-sqs';
import { DynamoDBClient, CreateTableCommand, PutItemCommand, ScanCommand, GetItemCommand, ListTablesCommand, type ScanCommandOutput } from '@aws-sdk/client-dynamodb';
import { LambdaClient, CreateFunctionCommand, GetFunctionCommand, InvokeCommand, DeleteFunctionCommand } from '@aws-sdk/client-lambda';
import { SchedulerClient, CreateScheduleCommand, DeleteScheduleCommand } from '@aws-sdk/client-scheduler';
import { startFogbank, type TestFogbank } from '../src/testing/index.ts';
import { header } from '../src/core/snapshots/tar.ts';
import { zipOf, ROLE } from './support/lambda-kit.ts';

let fb: TestFogbank;
let s3: S3Client;
let sqs: SQSClient;
let ddb: DynamoDBClient;
let lambda: LambdaClient;
let work: string;

before(async () => {
  fb = await startFogbank();
  s3 = fb.client(S3Client);
  sqs = fb.client(SQSClient);
  ddb = fb.client(DynamoDBClient);
  lambda = fb.client(LambdaClient);
  work = mkdtempSync(join(tmpdir(), 'fogbank-snapshots-test-'));
});
after(async () => {
  await fb.stop();
  rmSync(work, { recursive: true, force: true });
});

/** The admin API's answers, read loosely in assertions. */
type Answer = Omit<Response, 'json'> & { json(): Promise<any> };
const api = (target: TestFogbank, method: string, path: string, body?: unknown): Promise<Answer> =>
  fetch(`${target.endpoint}/_fogbank/snapshots${path}`, {
    method,
    headers: body instanceof Uint8Array ? { 'content-type': 'application/octet-stream' } : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : body instanceof Uint8Array ? body : JSON.stringify(body),
  });

async function queue(name: string, client = sqs) {
  const { QueueUrl } = await client.send(new CreateQueueCommand({ QueueName: name }));
  return QueueUrl!;
}

/** Every message of a queue, each received once (a long visibility timeout keeps them from coming back). */
async function drain(url: string, client = sqs): Promise<string[]> {
  const out: string[] = [];
  for (;;) {
    const r = await client.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, VisibilityTimeout: 600 }));
    if (!r.Messages?.length) return out;
    out.push(...r.Messages.map((m) => m.Body!));
  }
}

async function scanKeys(table: string, client = ddb): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  let start: ScanCommandOutput['LastEvaluatedKey'];
  do {
    const r: ScanCommandOutput = await client.send(new ScanCommand({ TableName: table, ExclusiveStartKey: start }));
    for (const item of r.Items ?? []) out.set(item.pk.S!, item.v.S!);
    start = r.LastEvaluatedKey;
  } while (start);
  return out;
}

async function s3Keys(bucket: string, client = s3): Promise<Set<string>> {
  const out = new Set<string>();
  let token: string | undefined;
  do {
    const r = await client.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }));
    for (const o of r.Contents ?? []) out.add(o.Key!);
    token = r.NextContinuationToken;
  } while (token);
  return out;
}

const FUNCTION_CODE = `exports.handler = async (event) => ({ echoed: event.n * 2, from: 'restored code' });`;

interface Write {
  kind: 's3' | 'sqs' | 'ddb';
  key: string;
  value: string;
  started: number;
  acked?: number;
  error?: string;
}

/** `n` writers, each putting S3 objects, sending SQS messages or putting DynamoDB items in a loop until stopped. */
function writers(n: number, prefix: string, target: { bucket: string; queueUrl: string; table: string }) {
  const writes: Write[] = [];
  let stopped = false;
  const clients = Array.from({ length: n }, () => ({ s3: fb.client(S3Client), sqs: fb.client(SQSClient), ddb: fb.client(DynamoDBClient) }));
  const done = Promise.all(clients.map(async (c, w) => {
    const kind = (['s3', 'sqs', 'ddb'] as const)[w % 3];
    for (let i = 0; !stopped; i++) {
      const key = `${prefix}-${w}-${i}`;
      const value = `${key}:${Math.random().toString(36).slice(2)}`;
      const write: Write = { kind, key, value, started: performance.now() };
      writes.push(write);
      try {
        if (kind === 's3') await c.s3.send(new PutObjectCommand({ Bucket: target.bucket, Key: key, Body: value.repeat(50) }));
        else if (kind === 'sqs') await c.sqs.send(new SendMessageCommand({ QueueUrl: target.queueUrl, MessageBody: value }));
        else await c.ddb.send(new PutItemCommand({ TableName: target.table, Item: { pk: { S: key }, v: { S: value } } }));
        write.acked = performance.now();
      } catch (err) {
        write.error = `${(err as Error).name}: ${(err as Error).message}`;
      }
    }
  }));
  return {
    writes,
    async stop() {
      stopped = true;
      await done;
    },
  };
}

/** Snapshots outlive reset() (they are files, not state): tests that count them start from none. */
async function deleteSnapshots(target = fb): Promise<void> {
  for (const m of (await (await api(target, 'GET', '')).json()) as Array<{ name: string }>) await api(target, 'DELETE', `/${m.name}`);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(check: () => boolean, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await sleep(10);
  }
}

test('a snapshot taken under 20 concurrent writers restores exactly what was acknowledged before it; a restore under load fails no request', async () => {
  await fb.reset();
  const target = { bucket: 'load-bucket', queueUrl: await queue('load'), table: 'load' };
  await s3.send(new CreateBucketCommand({ Bucket: target.bucket }));
  await ddb.send(new CreateTableCommand({
    TableName: target.table, KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }], BillingMode: 'PAY_PER_REQUEST',
  }));
  await lambda.send(new CreateFunctionCommand({ FunctionName: 'kept', Runtime: 'nodejs22.x', Role: ROLE, Handler: 'index.handler', Code: { ZipFile: zipOf({ 'index.js': FUNCTION_CODE }) } }));
  // A message received (invisible for 10 minutes) when the snapshot is taken.
  const visUrl = await queue('invisible');
  await sqs.send(new SendMessageCommand({ QueueUrl: visUrl, MessageBody: 'in flight' }));
  const inFlight = await sqs.send(new ReceiveMessageCommand({ QueueUrl: visUrl, VisibilityTimeout: 600 }));
  assert.equal(inFlight.Messages?.length, 1);

  const load = writers(20, 'w', target);
  // Every writer is going (its first write acknowledged) before the snapshot.
  await until(() => new Set(load.writes.filter((w) => w.acked).map((w) => w.key.split('-')[1])).size === 20 && load.writes.filter((w) => w.acked).length >= 60);
  const snapStart = performance.now();
  const saved = await api(fb, 'POST', '', { name: 'under-load' });
  const snapEnd = performance.now();
  assert.equal(saved.status, 201);
  const manifest = await saved.json();
  assert.equal(manifest.name, 'under-load');
  assert.ok(manifest.sizes.blobCount > 0 && manifest.sizes.database > 0, 'sizes are reported');
  await until(() => load.writes.filter((w) => w.started > snapEnd && w.acked).length >= 40);
  await lambda.send(new CreateFunctionCommand({ FunctionName: 'later', Runtime: 'nodejs22.x', Role: ROLE, Handler: 'index.handler', Code: { ZipFile: zipOf({ 'index.js': FUNCTION_CODE }) } }));
  await lambda.send(new DeleteFunctionCommand({ FunctionName: 'kept' }));
  await sqs.send(new DeleteMessageCommand({ QueueUrl: visUrl, ReceiptHandle: inFlight.Messages![0].ReceiptHandle! }));
  await load.stop();
  assert.deepEqual(load.writes.filter((w) => w.error).map((w) => w.error), [], 'no write failed while the snapshot was taken');
  const before = load.writes.filter((w) => w.acked! < snapStart);
  const after = load.writes.filter((w) => w.started > snapEnd);
  assert.ok(before.length >= 60 && after.length >= 40, `writes on both sides of the snapshot (${before.length} before, ${after.length} after)`);

  // Restore while 20 other writers keep going: they wait at the gate, none fails.
  const during = writers(20, 'r', target);
  await until(() => during.writes.filter((w) => w.acked).length >= 20);
  const restored = await api(fb, 'POST', '/under-load/restore');
  const restoreEnd = performance.now();
  assert.equal(restored.status, 200, await restored.clone().text());
  await until(() => during.writes.filter((w) => w.started > restoreEnd && w.acked).length >= 20);
  await during.stop();
  assert.deepEqual(during.writes.filter((w) => w.error).map((w) => w.error), [], 'no request failed during the restore');
  const afterRestore = during.writes.filter((w) => w.started > restoreEnd);
  assert.ok(afterRestore.length > 0, 'writers went on after the restore');

  const kinds = (list: Write[], kind: Write['kind']) => list.filter((w) => w.kind === kind);
  // S3: every object acknowledged before the snapshot, with its body; none begun after it.
  const keys = await s3Keys(target.bucket);
  for (const w of kinds(before, 's3')) {
    assert.ok(keys.has(w.key), `object ${w.key} acknowledged before the snapshot is back`);
    const body = await (await s3.send(new GetObjectCommand({ Bucket: target.bucket, Key: w.key }))).Body!.transformToString();
    assert.equal(body, w.value.repeat(50));
  }
  for (const w of kinds(after, 's3')) assert.ok(!keys.has(w.key), `object ${w.key} written after the snapshot is gone`);
  for (const w of kinds(afterRestore, 's3')) assert.ok(keys.has(w.key), `object ${w.key} written after the restore is kept`);
  // SQS: the same, and no message twice.
  const bodies = await drain(target.queueUrl);
  assert.equal(new Set(bodies).size, bodies.length, 'no message is duplicated');
  const got = new Set(bodies);
  for (const w of kinds(before, 'sqs')) assert.ok(got.has(w.value), `message ${w.key} acknowledged before the snapshot is back`);
  for (const w of kinds(after, 'sqs')) assert.ok(!got.has(w.value), `message ${w.key} sent after the snapshot is gone`);
  for (const w of kinds(afterRestore, 'sqs')) assert.ok(got.has(w.value), `message ${w.key} sent after the restore is kept`);
  // DynamoDB.
  const items = await scanKeys(target.table);
  for (const w of kinds(before, 'ddb')) assert.equal(items.get(w.key), w.value, `item ${w.key} acknowledged before the snapshot is back`);
  for (const w of kinds(after, 'ddb')) assert.ok(!items.has(w.key), `item ${w.key} written after the snapshot is gone`);
  for (const w of kinds(afterRestore, 'ddb')) assert.equal(items.get(w.key), w.value);
  // Lambda: the function deleted after the snapshot is back and runs its code; the one created after is gone.
  const fn = await lambda.send(new InvokeCommand({ FunctionName: 'kept', Payload: Buffer.from(JSON.stringify({ n: 21 })) }));
  assert.deepEqual(JSON.parse(Buffer.from(fn.Payload!).toString()), { echoed: 42, from: 'restored code' });
  await assert.rejects(lambda.send(new GetFunctionCommand({ FunctionName: 'later' })), { name: 'ResourceNotFoundException' });
  // The message that was in flight at the snapshot is back, and still invisible.
  const attrs = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: visUrl, AttributeNames: ['ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessages'] }));
  assert.deepEqual([attrs.Attributes!.ApproximateNumberOfMessagesNotVisible, attrs.Attributes!.ApproximateNumberOfMessages], ['1', '0']);
  assert.equal((await sqs.send(new ReceiveMessageCommand({ QueueUrl: visUrl }))).Messages, undefined);
});

test('timers fire after a restore: a received message comes back at its timeout, a delayed one at its delay, a one-shot schedule fires', async () => {
  await fb.reset();
  const scheduler = fb.client(SchedulerClient);
  const t0 = Date.parse('2031-03-01T12:00:00Z');
  fb.clock.freeze(t0);
  try {
    const visUrl = await queue('timers-vis');
    const firedUrl = await queue('timers-fired');
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: firedUrl, AttributeNames: ['QueueArn'] }));
    await sqs.send(new SendMessageCommand({ QueueUrl: visUrl, MessageBody: 'received' }));
    const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl: visUrl, VisibilityTimeout: 60 }));
    assert.equal(received.Messages?.length, 1);
    await sqs.send(new SendMessageCommand({ QueueUrl: visUrl, MessageBody: 'delayed', DelaySeconds: 120 }));
    await scheduler.send(new CreateScheduleCommand({
      Name: 'once', ScheduleExpression: 'at(2031-03-01T12:05:00)', FlexibleTimeWindow: { Mode: 'OFF' },
      Target: { Arn: Attributes!.QueueArn!, RoleArn: 'arn:aws:iam::000000000000:role/scheduler', Input: '{"fired":true}' },
    }));
    await fb.snapshot('timers');
    // After the snapshot: the schedule is deleted (its timer cancelled), the messages are consumed.
    await scheduler.send(new DeleteScheduleCommand({ Name: 'once' }));
    await sqs.send(new DeleteMessageCommand({ QueueUrl: visUrl, ReceiptHandle: received.Messages![0].ReceiptHandle! }));
    fb.clock.advance(10 * 60_000);
    assert.deepEqual(await drain(visUrl), ['delayed']);
    assert.deepEqual(await drain(firedUrl), [], 'the deleted schedule did not fire');

    // Back to t0 + 30 s: the clock is the test's, the state is the snapshot's.
    fb.clock.set(t0 + 30_000);
    await fb.restore('timers');
    assert.deepEqual(await drain(visUrl), [], 'the received message is still invisible, the delayed one still delayed');
    fb.clock.advance(31_000);
    assert.deepEqual(await drain(visUrl), ['received'], 'the visibility timeout ran out');
    fb.clock.advance(60_000);
    assert.deepEqual(await drain(visUrl), ['delayed'], 'the delay ran out');
    assert.deepEqual(await drain(firedUrl), [], 'not yet 12:05');
    fb.clock.advance(4 * 60_000);
    // The schedule's timer was re-armed from the restored tables; its delivery is asynchronous.
    let fired: string[] = [];
    for (let i = 0; i < 50 && !fired.length; i++) {
      fired = await drain(firedUrl);
      if (!fired.length) await sleep(20);
    }
    assert.deepEqual(fired, ['{"fired":true}']);
  } finally {
    fb.clock.unfreeze();
  }
});

test('export → import into a fresh Fogbank gives the same state; standard tar reads the export', async () => {
  await fb.reset();
  await s3.send(new CreateBucketCommand({ Bucket: 'moved' }));
  const binary = Buffer.from(Array.from({ length: 300_000 }, (_, i) => (i * 7919) % 256));
  await s3.send(new PutObjectCommand({ Bucket: 'moved', Key: 'dir/binary.bin', Body: binary }));
  await s3.send(new PutObjectCommand({ Bucket: 'moved', Key: 'small.txt', Body: 'small' }));
  const url = await queue('moved');
  for (const b of ['m1', 'm2', 'm3']) await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: b }));
  await ddb.send(new CreateTableCommand({
    TableName: 'moved', KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }], BillingMode: 'PAY_PER_REQUEST',
  }));
  await ddb.send(new PutItemCommand({ TableName: 'moved', Item: { pk: { S: 'a' }, v: { S: 'value-a' }, n: { N: '42' } } }));
  const created = await lambda.send(new CreateFunctionCommand({ FunctionName: 'moved', Runtime: 'nodejs22.x', Role: ROLE, Handler: 'index.handler', Code: { ZipFile: zipOf({ 'index.js': FUNCTION_CODE }) } }));
  const saved = await api(fb, 'POST', '', { name: 'to-move' });
  assert.equal(saved.status, 201);
  const { sizes } = await saved.json();

  const exported = await fetch(`${fb.endpoint}/_fogbank/snapshots/to-move/export`);
  assert.equal(exported.status, 200);
  assert.equal(exported.headers.get('content-type'), 'application/gzip');
  const file = Buffer.from(await exported.arrayBuffer());
  const path = join(work, 'to-move.tar.gz');
  writeFileSync(path, file);
  const listed = execFileSync('tar', ['-tzf', path], { encoding: 'utf8' }).trim().split('\n');
  assert.deepEqual(listed.slice(0, 2), ['manifest.json', 'fogbank.db']);
  // The large object body and the deployment package are files; 'small' lives in its row.
  assert.equal(sizes.blobCount, 2);
  assert.equal(listed.filter((n) => /^blobs\/[0-9a-f]{2}\/[0-9a-f]{32}$/.test(n)).length, sizes.blobCount);

  const fresh = await startFogbank();
  try {
    const imported = await api(fresh, 'POST', '/import?name=arrived', new Uint8Array(file));
    assert.equal(imported.status, 201, await imported.clone().text());
    assert.equal((await imported.json()).name, 'arrived');
    assert.deepEqual((await (await api(fresh, 'GET', '')).json()).map((m: { name: string }) => m.name), ['arrived']);
    assert.equal((await api(fresh, 'POST', '/arrived/restore')).status, 200);
    const s3b = fresh.client(S3Client);
    const body = await (await s3b.send(new GetObjectCommand({ Bucket: 'moved', Key: 'dir/binary.bin' }))).Body!.transformToByteArray();
    assert.ok(Buffer.from(body).equals(binary));
    assert.deepEqual([...(await s3Keys('moved', s3b))].sort(), ['dir/binary.bin', 'small.txt']);
    const sqsb = fresh.client(SQSClient);
    assert.deepEqual((await drain(url.replace(fb.endpoint, fresh.endpoint), sqsb)).sort(), ['m1', 'm2', 'm3']);
    const item = await fresh.client(DynamoDBClient).send(new GetItemCommand({ TableName: 'moved', Key: { pk: { S: 'a' } } }));
    assert.deepEqual(item.Item, { pk: { S: 'a' }, v: { S: 'value-a' }, n: { N: '42' } });
    const fn = await fresh.client(LambdaClient).send(new GetFunctionCommand({ FunctionName: 'moved' }));
    assert.equal(fn.Configuration!.CodeSha256, created.CodeSha256);
    // Importing the same name again is a conflict, not an overwrite.
    assert.equal((await api(fresh, 'POST', '/import?name=arrived', new Uint8Array(file))).status, 409);
  } finally {
    await fresh.stop();
  }
});

/** Extracts an uncompressed export with the system tar, lets `edit` change its database, packs it again. */
function repack(tarFile: Buffer, edit: (db: DatabaseSync) => void): Buffer {
  const dir = mkdtempSync(join(work, 'repack-'));
  writeFileSync(join(dir, 'in.tar'), tarFile);
  const out = join(dir, 'out');
  execFileSync('mkdir', [out]);
  execFileSync('tar', ['-xf', join(dir, 'in.tar'), '-C', out]);
  const db = new DatabaseSync(join(out, 'fogbank.db'));
  edit(db);
  db.close();
  execFileSync('tar', ['--format=ustar', '-cf', join(dir, 'out.tar'), '-C', out, ...readdirSync(out)]);
  return readFileSync(join(dir, 'out.tar'));
}

test('a snapshot from a newer Fogbank is refused, at import and at restore, and the state is left alone; an older one is migrated', async () => {
  await fb.reset();
  await deleteSnapshots();
  const url = await queue('versions');
  await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'saved' }));
  await ddb.send(new ListTablesCommand({}));
  await fb.snapshot('versions');
  const plain = Buffer.from(await (await fetch(`${fb.endpoint}/_fogbank/snapshots/versions/export?compress=none`)).arrayBuffer());
  assert.equal(plain.subarray(257, 262).toString(), 'ustar', 'an uncompressed export is a ustar archive');

  const ahead = repack(plain, (db) => db.exec("UPDATE _migrations SET version = version + 1 WHERE component = 'sqs'"));
  const refused = await api(fb, 'POST', '/import?name=ahead', new Uint8Array(ahead));
  assert.equal(refused.status, 409);
  const body = await refused.json();
  assert.equal(body.error, 'SnapshotTooNew');
  assert.match(body.message, /newer Fogbank .*sqs schema version 2, this version knows 1/);
  const unknown = repack(plain, (db) => db.exec("INSERT INTO _migrations (component, version, applied_at) VALUES ('ec2', 1, 0)"));
  const refusedUnknown = await (await api(fb, 'POST', '/import?name=unknown', new Uint8Array(unknown))).json();
  assert.match(refusedUnknown.message, /newer Fogbank .*'ec2'/);
  assert.deepEqual((await (await api(fb, 'GET', '')).json()).map((m: { name: string }) => m.name), ['versions'], 'nothing half-imported is listed');

  // A snapshot edited in place is refused at restore, before anything is swapped.
  await fb.snapshot('edited');
  const editedDb = new DatabaseSync(join(fb.instance.env.dataDir, 'snapshots', 'edited', 'fogbank.db'));
  editedDb.exec("UPDATE _migrations SET version = 99 WHERE component = 'core'");
  editedDb.close();
  await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'after' }));
  const restore = await api(fb, 'POST', '/edited/restore');
  assert.equal(restore.status, 409);
  // The core's migrations, as many as this version has (they grow: 003 IAM key status, 004 session facts).
  const coreKnows = readdirSync(new URL('../src/store/migrations/', import.meta.url)).filter((f) => /^\d+-.*\.sql$/.test(f)).length;
  assert.match((await restore.json()).message, new RegExp(`core schema version 99, this version knows ${coreKnows}\\b`));
  assert.deepEqual((await drain(url)).sort(), ['after', 'saved'], 'the refused restore changed nothing');

  // Older: a snapshot taken before DynamoDB existed in it (its tables and migration row removed) is
  // migrated on restore, and DynamoDB works on the restored state.
  const older = repack(plain, (db) => {
    for (const { name } of db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'ddb_%'").all() as Array<{ name: string }>) db.exec(`DROP TABLE "${name}"`);
    db.exec("DELETE FROM _migrations WHERE component = 'dynamodb'");
  });
  assert.equal((await api(fb, 'POST', '/import?name=older', new Uint8Array(older))).status, 201);
  assert.equal((await api(fb, 'POST', '/older/restore')).status, 200);
  await ddb.send(new CreateTableCommand({
    TableName: 'after-migration', KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }], BillingMode: 'PAY_PER_REQUEST',
  }));
  assert.deepEqual((await ddb.send(new ListTablesCommand({}))).TableNames, ['after-migration']);
  assert.deepEqual(await drain(url), ['saved']);
});

test('a crafted snapshot cannot plant a trigger or a view in the live database', async () => {
  await fb.reset();
  await deleteSnapshots();
  const url = await queue('planted');
  await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'kept' }));
  await fb.snapshot('clean');
  const plain = Buffer.from(await (await fetch(`${fb.endpoint}/_fogbank/snapshots/clean/export?compress=none`)).arrayBuffer());
  const crafted = repack(plain, (db) => {
    const table = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'sqs_%' ORDER BY name").get() as { name: string }).name;
    db.exec(`CREATE TRIGGER planted_trigger AFTER INSERT ON "${table}" BEGIN DELETE FROM "${table}"; END`);
    db.exec('CREATE VIEW planted_view AS SELECT 1');
  });
  assert.equal((await api(fb, 'POST', '/import?name=crafted', new Uint8Array(crafted))).status, 201);
  assert.equal((await api(fb, 'POST', '/crafted/restore')).status, 200);
  const planted = fb.instance.database.all<{ name: string }>("SELECT name FROM sqlite_master WHERE name LIKE 'planted_%'");
  assert.deepEqual(planted, [], 'no trigger or view came in with the snapshot');
  await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'after' }));
  assert.deepEqual((await drain(url)).sort(), ['after', 'kept']);
});

/** A one-entry ustar archive, with a header written by hand where the test needs a hostile one. */
function archive(entries: Array<{ name: string; body?: string; type?: string }>): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    const body = Buffer.from(e.body ?? '');
    const h = header(e.name.length > 100 ? 'x' : e.name, body.length);
    if (e.name.length > 100) h.write(e.name.slice(0, 100), 0, 100);
    if (e.type) {
      h.write(e.type, 156);
      h.write('        ', 148);
      let sum = 0;
      for (const b of h) sum += b;
      h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148);
    }
    parts.push(h, body, Buffer.alloc((512 - (body.length % 512)) % 512));
  }
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

test('hostile archives and names are refused before anything reaches the file system', async () => {
  await fb.reset();
  await deleteSnapshots();
  const root = join(fb.instance.env.dataDir, 'snapshots');
  const outside = join(fb.instance.env.dataDir, 'evil');
  const hostile: Array<[string, Buffer]> = [
    ['parent path', archive([{ name: '../evil', body: 'x' }])],
    ['absolute path', archive([{ name: `${outside}`, body: 'x' }])],
    ['dot-dot inside', archive([{ name: 'blobs/../../evil', body: 'x' }])],
    ['symbolic link', archive([{ name: 'blobs', type: '2' }])],
    ['hard link', archive([{ name: 'fogbank.db', type: '1' }])],
    ['pax header', archive([{ name: 'PaxHeader', type: 'x', body: '30 path=../../../../etc/evil\n' }])],
    ['unknown file', archive([{ name: 'run.sh', body: 'rm -rf /' }])],
    ['blob in the wrong folder', archive([{ name: `blobs/00/${'ab'.repeat(16)}`, body: 'x' }])],
    ['manifest twice', archive([{ name: 'manifest.json', body: '{}' }, { name: 'manifest.json', body: '{}' }])],
    ['no database', archive([{ name: 'manifest.json', body: JSON.stringify({ format: 1, name: 'x', schemaVersions: {}, sizes: {} }) }])],
    ['truncated', archive([{ name: 'manifest.json', body: '{"a":1}' }]).subarray(0, 600)],
    ['not a tar', Buffer.from('hello, this is not an archive at all'.repeat(30))],
    ['bad gzip', Buffer.concat([Buffer.from([0x1f, 0x8b, 8, 0]), Buffer.alloc(100, 7)])],
    ['gzipped parent path', gzipSync(archive([{ name: '../evil', body: 'x' }]))],
  ];
  for (const [what, body] of hostile) {
    const r = await api(fb, 'POST', '/import?name=hostile', new Uint8Array(body));
    assert.equal(r.status, 400, `${what}: ${await r.clone().text()}`);
    assert.equal((await r.json()).error, 'InvalidSnapshotArchive', what);
  }
  assert.ok(!existsSync(outside), 'nothing was written outside the snapshot folder');
  assert.deepEqual(existsSync(root) ? readdirSync(root) : [], [], 'no staging folder is left behind');

  for (const name of ['../x', '.hidden', 'a/b', '', 'x'.repeat(101), 'a b']) {
    const r = await api(fb, 'POST', '', { name });
    assert.equal(r.status, 400, `name ${JSON.stringify(name)}`);
    assert.equal((await r.json()).error, 'InvalidSnapshotName');
  }
  assert.equal((await api(fb, 'POST', '', { name: 42 })).status, 400);
  assert.equal((await api(fb, 'POST', `/${encodeURIComponent('../../etc')}/restore`)).status, 400);
  assert.equal((await api(fb, 'GET', `/${encodeURIComponent('../etc')}/export`)).status, 400);
  assert.equal((await api(fb, 'POST', '/import?name=..%2Fx', new Uint8Array(archive([])))).status, 400);
  assert.equal((await api(fb, 'POST', '/missing/restore')).status, 404);
  assert.equal((await api(fb, 'DELETE', '/missing')).status, 404);
  assert.equal((await api(fb, 'POST', '', { name: 'twice' })).status, 201);
  assert.equal((await api(fb, 'POST', '', { name: 'twice' })).status, 409);
  assert.equal((await api(fb, 'DELETE', '/twice')).status, 200);
  assert.deepEqual(await (await api(fb, 'GET', '')).json(), []);
});

test('admin secrets stay out of snapshots', async () => {
  await fb.reset();
  fb.instance.database.run("INSERT OR REPLACE INTO admin_settings (key, value) VALUES ('probe', 'secret-value')");
  await fb.snapshot('no-secrets');
  const db = new DatabaseSync(join(fb.instance.env.dataDir, 'snapshots', 'no-secrets', 'fogbank.db'), { readOnly: true });
  try {
    assert.deepEqual(db.prepare('SELECT key FROM admin_settings').all(), []);
  } finally {
    db.close();
  }
  fb.instance.database.run("UPDATE admin_settings SET value = 'kept' WHERE key = 'probe'");
  await fb.restore('no-secrets');
  assert.deepEqual(fb.instance.database.all<{ value: string }>("SELECT value FROM admin_settings WHERE key = 'probe'").map((r) => r.value), ['kept'], 'a restore keeps this installation\'s secrets');
  fb.instance.database.run("DELETE FROM admin_settings WHERE key = 'probe'");
});

test('what services keep in memory follows a restore: SNS topics and FIFO deduplication, EventBridge rules, DynamoDB tables', async () => {
  await fb.reset();
  const { SNSClient, CreateTopicCommand, PublishCommand } = await import('@aws-sdk/client-sns');
  const { EventBridgeClient, PutRuleCommand, PutTargetsCommand, PutEventsCommand } = await import('@aws-sdk/client-eventbridge');
  const sns = fb.client(SNSClient);
  const events = fb.client(EventBridgeClient);
  const routedUrl = await queue('routed');
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: routedUrl, AttributeNames: ['QueueArn'] }));
  const fifo = await sns.send(new CreateTopicCommand({ Name: 'orders.fifo', Attributes: { FifoTopic: 'true' } }));
  await fb.snapshot('caches');

  // After the snapshot: a topic, a FIFO deduplication id, a rule and a table, each used once so that it is cached.
  const later = await sns.send(new CreateTopicCommand({ Name: 'later' }));
  await sns.send(new PublishCommand({ TopicArn: later.TopicArn, Message: 'warm' }));
  const first = await sns.send(new PublishCommand({ TopicArn: fifo.TopicArn, Message: 'm', MessageGroupId: 'g', MessageDeduplicationId: 'd1' }));
  await events.send(new PutRuleCommand({ Name: 'later', EventPattern: JSON.stringify({ source: ['app'] }) }));
  await events.send(new PutTargetsCommand({ Rule: 'later', Targets: [{ Id: 'q', Arn: Attributes!.QueueArn! }] }));
  await events.send(new PutEventsCommand({ Entries: [{ Source: 'app', DetailType: 't', Detail: '{}' }] }));
  let routed: string[] = [];
  for (let i = 0; i < 100 && !routed.length; i++) (routed = await drain(routedUrl)), routed.length || (await sleep(20));
  assert.equal(routed.length, 1, 'the rule routes before the restore');
  await ddb.send(new CreateTableCommand({
    TableName: 'later', KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }], BillingMode: 'PAY_PER_REQUEST',
  }));
  await ddb.send(new PutItemCommand({ TableName: 'later', Item: { pk: { S: 'x' } } }));

  await fb.restore('caches');
  await assert.rejects(sns.send(new PublishCommand({ TopicArn: later.TopicArn, Message: 'gone' })), { name: 'NotFoundException' });
  const again = await sns.send(new PublishCommand({ TopicArn: fifo.TopicArn, Message: 'm', MessageGroupId: 'g', MessageDeduplicationId: 'd1' }));
  assert.notEqual(again.MessageId, first.MessageId, 'the deduplication id seen after the snapshot is forgotten');
  await events.send(new PutEventsCommand({ Entries: [{ Source: 'app', DetailType: 't', Detail: '{}' }] }));
  await sleep(200);
  assert.deepEqual(await drain(routedUrl), [], 'the rule made after the snapshot routes nothing');
  await assert.rejects(ddb.send(new PutItemCommand({ TableName: 'later', Item: { pk: { S: 'y' } } })), { name: 'ResourceNotFoundException' });
});

test('an engine\'s registered data directory is saved, restored, exported and imported with the state', async () => {
  await fb.reset();
  const dataDir = join(work, 'engine-data');
  execFileSync('mkdir', ['-p', join(dataDir, 'base')]);
  writeFileSync(join(dataDir, 'base', 'table.dat'), 'rows at save');
  const unregister = fb.instance.snapshots.registerEngineData({ name: 'pg-main', dir: dataDir });
  try {
    const saved = await fb.snapshot('with-engine');
    assert.equal(saved.sizes.engines['pg-main'], 'rows at save'.length);
    writeFileSync(join(dataDir, 'base', 'table.dat'), 'rows after');
    writeFileSync(join(dataDir, 'stray'), 'made after the save');
    await fb.restore('with-engine');
    assert.equal(readFileSync(join(dataDir, 'base', 'table.dat'), 'utf8'), 'rows at save');
    assert.ok(!existsSync(join(dataDir, 'stray')), 'the directory is the saved one, not a merge');
    const file = Buffer.from(await (await fetch(`${fb.endpoint}/_fogbank/snapshots/with-engine/export`)).arrayBuffer());
    writeFileSync(join(dataDir, 'base', 'table.dat'), 'changed again');
    assert.equal((await api(fb, 'POST', '/import?name=engine-copy', new Uint8Array(file))).status, 201);
    await fb.restore('engine-copy');
    assert.equal(readFileSync(join(dataDir, 'base', 'table.dat'), 'utf8'), 'rows at save');
  } finally {
    unregister();
  }
});
