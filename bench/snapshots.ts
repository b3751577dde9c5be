// bench/snapshots: save, restore, export and import of a durable data directory holding N S3 objects
// of 100 KiB (blob files), N SQS messages and N DynamoDB items (default N = 2,000). Prints each step's
// time, the longest event-loop stall during save and restore (the database copy runs on the loop),
// and the snapshot's and the export's sizes.
// Usage: node bench/snapshots.ts [n]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { S3Client, CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { SQSClient, CreateQueueCommand, SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { DynamoDBClient, CreateTableCommand, BatchWriteItemCommand } from '@aws-sdk/client-dynamodb';
import { startFogbank } from '../src/testing/index.ts';

const n = Number(process.argv[2] ?? 2000);
const dir = mkdtempSync(join(tmpdir(), 'fogbank-bench-snapshots-'));
const fb = await startFogbank({ ephemeral: false, dataDir: dir });
try {
  const s3 = fb.client(S3Client);
  const sqs = fb.client(SQSClient);
  const ddb = fb.client(DynamoDBClient);
  await s3.send(new CreateBucketCommand({ Bucket: 'bench' }));
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'bench' }));
  await ddb.send(new CreateTableCommand({
    TableName: 'bench', KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }], BillingMode: 'PAY_PER_REQUEST',
  }));
  const body = Buffer.alloc(100 * 1024, 'x');
  for (let i = 0; i < n; i += 20) {
    const ids = Array.from({ length: Math.min(20, n - i) }, (_, k) => i + k);
    await Promise.all(ids.map((k) => s3.send(new PutObjectCommand({ Bucket: 'bench', Key: `k${k}`, Body: body }))));
    await sqs.send(new SendMessageBatchCommand({ QueueUrl, Entries: ids.slice(0, 10).map((k) => ({ Id: `m${k}`, MessageBody: `message ${k} `.repeat(20) })) }));
    await sqs.send(new SendMessageBatchCommand({ QueueUrl, Entries: ids.slice(10).map((k) => ({ Id: `m${k}`, MessageBody: `message ${k} `.repeat(20) })) }));
    await ddb.send(new BatchWriteItemCommand({ RequestItems: { bench: ids.slice(0, 20).map((k) => ({ PutRequest: { Item: { pk: { S: `p${k}` }, v: { S: 'value '.repeat(30) } } } })) } }));
  }
  const timed = async <T>(what: string, fn: () => Promise<T>): Promise<T> => {
    const loop = monitorEventLoopDelay({ resolution: 1 });
    loop.enable();
    const t = performance.now();
    const r = await fn();
    const ms = performance.now() - t;
    loop.disable();
    console.log(`${what.padEnd(8)} ${ms.toFixed(0).padStart(6)} ms   longest event-loop stall ${(loop.max / 1e6).toFixed(0)} ms`);
    return r;
  };
  const m = await timed('save', () => fb.snapshot('bench'));
  console.log(`snapshot: database ${(m.sizes.database / 1024 ** 2).toFixed(1)} MiB, ${m.sizes.blobCount} bodies ${(m.sizes.blobs / 1024 ** 2).toFixed(1)} MiB (hard links)`);
  await timed('restore', () => fb.restore('bench'));
  const exported = await timed('export', async () => Buffer.from(await (await fetch(`${fb.endpoint}/_fogbank/snapshots/bench/export`)).arrayBuffer()));
  console.log(`export: ${(exported.length / 1024 ** 2).toFixed(1)} MiB tar.gz`);
  await timed('import', async () => (await fetch(`${fb.endpoint}/_fogbank/snapshots/import?name=again`, { method: 'POST', body: exported })).json());
} finally {
  await fb.stop();
  rmSync(dir, { recursive: true, force: true });
}
