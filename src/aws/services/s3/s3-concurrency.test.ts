// S3 under concurrent requests on one resource, on the store port. The SQLite driver answers a
// statement at once, so two requests never interleave between store calls unless one awaits real
// I/O. A networked driver (the port's purpose) answers after a round trip: here every statement
// outside a unit is made to wait a turn of the event loop, as such a driver would, so the
// read-decides-write paths that S3 keeps in units are exercised where units matter.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { AsyncLocalStorage } from 'node:async_hooks';
import * as S from '@aws-sdk/client-s3';
import { startFogbank, type TestFogbank } from '../../../testing/index.ts';
import type { Statements, Store } from '../../../core/store.ts';

let fb: TestFogbank;
let s3: S.S3Client;

/** Makes the store's statements outside units take a turn of the event loop, as over a network. */
function roundTrips(store: Store): void {
  const inUnit = new AsyncLocalStorage<true>();
  // A couple of milliseconds, so that requests arriving on different connections overlap.
  const turn = () => new Promise<void>((resolve) => setTimeout(resolve, 2));
  const { get, all, run, unit } = store;
  const later = <A extends unknown[], R>(op: (...a: A) => Promise<R>) =>
    async (...a: A): Promise<R> => {
      // Inside a unit the driver holds the database: its statements answer at once.
      if (!inUnit.getStore()) await turn();
      return op.apply(store, a);
    };
  Object.assign(store, {
    get: later(get),
    all: later(all),
    run: later(run),
    // Opening a unit is a round trip too (BEGIN); inside one, a nested unit joins at once.
    unit: async <T>(fn: (tx: Statements) => Promise<T>): Promise<T> => {
      if (!inUnit.getStore()) await turn();
      return unit.call(store, (tx: Statements) => inUnit.run(true, () => fn(tx))) as Promise<T>;
    },
  });
}

before(async () => {
  // Outside us-east-1 a second CreateBucket by the owner is refused (us-east-1 answers 200).
  fb = await startFogbank({ region: 'eu-west-1' });
  // One attempt: a request that failed must show its error, not a retry's answer.
  s3 = fb.client(S.S3Client, { maxAttempts: 1 });
  roundTrips(fb.instance.env.store);
});
after(() => fb.stop());
beforeEach(() => fb.reset());

const N = 12;

async function outcomes(calls: Array<Promise<unknown>>): Promise<string[]> {
  const settled = await Promise.allSettled(calls);
  return settled.map((r) => (r.status === 'fulfilled' ? 'ok' : ((r.reason as { name?: string }).name ?? 'error'))).sort();
}

const bucketConfig = { LocationConstraint: 'eu-west-1' as const };

test('concurrent CreateBucket of one name: one bucket, every other request BucketAlreadyOwnedByYou', async () => {
  // N connections open first, so that the creates arrive together.
  await Promise.all(Array.from({ length: N }, () => s3.send(new S.ListBucketsCommand({}))));
  const got = await outcomes(Array.from({ length: N }, () => s3.send(new S.CreateBucketCommand({ Bucket: 'race-create', CreateBucketConfiguration: bucketConfig }))));
  assert.deepEqual(got, ['BucketAlreadyOwnedByYou', ...Array(N - 2).fill('BucketAlreadyOwnedByYou'), 'ok'].sort());
  const listed = await s3.send(new S.ListBucketsCommand({}));
  assert.deepEqual(listed.Buckets!.map((b) => b.Name), ['race-create']);
});

test('concurrent PutObject with If-None-Match: * on one key: exactly one write wins, the rest 412', async () => {
  await s3.send(new S.CreateBucketCommand({ Bucket: 'race-put', CreateBucketConfiguration: bucketConfig }));
  await s3.send(new S.PutBucketVersioningCommand({ Bucket: 'race-put', VersioningConfiguration: { Status: 'Enabled' } }));
  const got = await outcomes(
    Array.from({ length: N }, (_, i) => s3.send(new S.PutObjectCommand({ Bucket: 'race-put', Key: 'k', Body: `writer ${i}`, IfNoneMatch: '*' }))),
  );
  assert.deepEqual(got, [...Array(N - 1).fill('PreconditionFailed'), 'ok'].sort());
  const versions = await s3.send(new S.ListObjectVersionsCommand({ Bucket: 'race-put' }));
  assert.equal(versions.Versions?.length, 1, 'one version written');
});

test('concurrent DeleteObject with If-Match on a versioned key: one delete marker, the rest NoSuchKey', async () => {
  await s3.send(new S.CreateBucketCommand({ Bucket: 'race-del', CreateBucketConfiguration: bucketConfig }));
  await s3.send(new S.PutBucketVersioningCommand({ Bucket: 'race-del', VersioningConfiguration: { Status: 'Enabled' } }));
  const { ETag } = await s3.send(new S.PutObjectCommand({ Bucket: 'race-del', Key: 'k', Body: 'x' }));
  const got = await outcomes(Array.from({ length: N }, () => s3.send(new S.DeleteObjectCommand({ Bucket: 'race-del', Key: 'k', IfMatch: ETag }))));
  assert.deepEqual(got, [...Array(N - 1).fill('NoSuchKey'), 'ok'].sort());
  const versions = await s3.send(new S.ListObjectVersionsCommand({ Bucket: 'race-del' }));
  assert.equal(versions.DeleteMarkers?.length, 1, 'one delete marker');
  assert.equal(versions.Versions?.length, 1);
});

test('concurrent CompleteMultipartUpload of one upload: one object, the rest NoSuchUpload', async () => {
  await s3.send(new S.CreateBucketCommand({ Bucket: 'race-mpu', CreateBucketConfiguration: bucketConfig }));
  await s3.send(new S.PutBucketVersioningCommand({ Bucket: 'race-mpu', VersioningConfiguration: { Status: 'Enabled' } }));
  const { UploadId } = await s3.send(new S.CreateMultipartUploadCommand({ Bucket: 'race-mpu', Key: 'k' }));
  const { ETag } = await s3.send(new S.UploadPartCommand({ Bucket: 'race-mpu', Key: 'k', UploadId, PartNumber: 1, Body: 'only part' }));
  const got = await outcomes(
    Array.from({ length: N }, () =>
      s3.send(new S.CompleteMultipartUploadCommand({ Bucket: 'race-mpu', Key: 'k', UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag }] } }))),
  );
  assert.deepEqual(got, [...Array(N - 1).fill('NoSuchUpload'), 'ok'].sort());
  const versions = await s3.send(new S.ListObjectVersionsCommand({ Bucket: 'race-mpu' }));
  assert.equal(versions.Versions?.length, 1, 'one object made of the parts');
  const body = await (await s3.send(new S.GetObjectCommand({ Bucket: 'race-mpu', Key: 'k' }))).Body!.transformToString();
  assert.equal(body, 'only part');
});

test('a part re-uploaded while its upload completes: the object never names a discarded body', async () => {
  await s3.send(new S.CreateBucketCommand({ Bucket: 'race-part', CreateBucketConfiguration: bucketConfig }));
  for (let round = 0; round < 6; round++) {
    const Key = `k${round}`;
    const { UploadId } = await s3.send(new S.CreateMultipartUploadCommand({ Bucket: 'race-part', Key }));
    const { ETag } = await s3.send(new S.UploadPartCommand({ Bucket: 'race-part', Key, UploadId, PartNumber: 1, Body: 'first' }));
    const [completed] = await Promise.allSettled([
      s3.send(new S.CompleteMultipartUploadCommand({ Bucket: 'race-part', Key, UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag }] } })),
      s3.send(new S.UploadPartCommand({ Bucket: 'race-part', Key, UploadId, PartNumber: 1, Body: 'second' })),
    ]);
    if (completed.status === 'rejected') {
      // The re-upload won: the ETag named is no longer the part's.
      assert.equal((completed.reason as Error).name, 'InvalidPart');
      continue;
    }
    const body = await (await s3.send(new S.GetObjectCommand({ Bucket: 'race-part', Key }))).Body!.transformToString();
    assert.equal(body, 'first');
  }
});

test('concurrent PutObjectRetention: a retention is never shortened by a request that saw the shorter one', async () => {
  await s3.send(new S.CreateBucketCommand({ Bucket: 'race-lock', CreateBucketConfiguration: bucketConfig, ObjectLockEnabledForBucket: true }));
  await s3.send(new S.PutObjectCommand({ Bucket: 'race-lock', Key: 'k', Body: 'x' }));
  const day = 86_400_000;
  // Longest first: a request that decided on a stale read would shorten it.
  const dates = Array.from({ length: N }, (_, i) => new Date(Math.ceil((Date.now() + (N - i) * day) / 1000) * 1000));
  // GOVERNANCE without bypass: each may only extend. Whatever the order, the longest one stands.
  await Promise.allSettled(
    dates.map((RetainUntilDate) => s3.send(new S.PutObjectRetentionCommand({ Bucket: 'race-lock', Key: 'k', Retention: { Mode: 'GOVERNANCE', RetainUntilDate } }))),
  );
  const r = await s3.send(new S.GetObjectRetentionCommand({ Bucket: 'race-lock', Key: 'k' }));
  assert.equal(r.Retention!.RetainUntilDate!.getTime(), dates[0].getTime());
});

test('concurrent DeleteBucket of one empty bucket: one deletes it, the rest NoSuchBucket', async () => {
  await s3.send(new S.CreateBucketCommand({ Bucket: 'race-drop', CreateBucketConfiguration: bucketConfig }));
  await Promise.all(Array.from({ length: N }, () => s3.send(new S.ListBucketsCommand({}))));
  const got = await outcomes(Array.from({ length: N }, () => s3.send(new S.DeleteBucketCommand({ Bucket: 'race-drop' }))));
  assert.deepEqual(got, [...Array(N - 1).fill('NoSuchBucket'), 'ok'].sort());
});
