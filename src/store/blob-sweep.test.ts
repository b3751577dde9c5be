// The orphan blob sweep: blob files no row names (a crash between writing a body and committing its
// row) are removed at start; files that S3 objects, multipart parts or Lambda packages name, and
// files younger than the process, are kept.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import * as S from '@aws-sdk/client-s3';
import * as L from '@aws-sdk/client-lambda';
import { startFogbank } from '../testing/index.ts';
import { BlobStore } from './blobs.ts';
import { sweepOrphanBlobs } from './blob-sweep.ts';
import { ROLE, waitFor, zipOf } from '../../test/support/lambda-kit.ts';

const BIG = 200 * 1024; // above S3's inline limit: these bodies live in blob files

function blobFiles(dir: string): string[] {
  const out: string[] = [];
  for (const sub of readdirSync(join(dir, 'blobs'))) {
    if (sub === 'tmp') continue;
    for (const f of readdirSync(join(dir, 'blobs', sub))) out.push(join(dir, 'blobs', sub, f));
  }
  return out.sort();
}

const HOUR_AGO = new Date(Date.now() - 3600_000);

/** A blob file as a crash leaves it: renamed into place, never named by a committed row. */
function stray(dir: string, name = randomBytes(16).toString('hex'), old = true): string {
  const sub = join(dir, 'blobs', name.slice(0, 2).replace(/[^0-9a-f]/g, '0'));
  mkdirSync(sub, { recursive: true });
  const path = join(sub, name);
  writeFileSync(path, 'unacknowledged body');
  if (old) utimesSync(path, HOUR_AGO, HOUR_AGO);
  return path;
}

async function seed(dir: string): Promise<{ bodies: Map<string, Buffer>; uploadId: string; codeSha: string }> {
  const fb = await startFogbank({ ephemeral: false, dataDir: dir });
  try {
    const s3 = fb.client(S.S3Client);
    await s3.send(new S.CreateBucketCommand({ Bucket: 'kept' }));
    const bodies = new Map<string, Buffer>();
    for (let i = 0; i < 3; i++) {
      const body = randomBytes(BIG);
      bodies.set(`object-${i}`, body);
      await s3.send(new S.PutObjectCommand({ Bucket: 'kept', Key: `object-${i}`, Body: body }));
    }
    // A completed multipart object, and an upload still in progress (its part is a blob too).
    const part = randomBytes(5 * 1024 * 1024);
    const done = await s3.send(new S.CreateMultipartUploadCommand({ Bucket: 'kept', Key: 'multipart' }));
    const p1 = await s3.send(new S.UploadPartCommand({ Bucket: 'kept', Key: 'multipart', UploadId: done.UploadId, PartNumber: 1, Body: part }));
    await s3.send(new S.CompleteMultipartUploadCommand({ Bucket: 'kept', Key: 'multipart', UploadId: done.UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: p1.ETag }] } }));
    bodies.set('multipart', part);
    const open = await s3.send(new S.CreateMultipartUploadCommand({ Bucket: 'kept', Key: 'pending' }));
    await s3.send(new S.UploadPartCommand({ Bucket: 'kept', Key: 'pending', UploadId: open.UploadId, PartNumber: 1, Body: randomBytes(BIG) }));
    const lambda = fb.client(L.LambdaClient);
    const fn = await lambda.send(new L.CreateFunctionCommand({
      FunctionName: 'kept-code', Runtime: 'nodejs20.x', Role: ROLE, Handler: 'index.handler',
      Code: { ZipFile: zipOf({ 'index.js': 'exports.handler = async () => "kept";' }) },
    }));
    return { bodies, uploadId: open.UploadId!, codeSha: fn.CodeSha256! };
  } finally {
    await fb.stop();
  }
}

test('at start, blob files no row names are swept; objects, parts and Lambda packages stay', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'fogbank-sweep-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const { bodies, uploadId, codeSha } = await seed(dir);
  const real = blobFiles(dir);
  assert.ok(real.length >= 6, `objects, parts and the package are blob files (${real.length})`);
  // Make every real file as old as the strays: only the rows may protect them.
  for (const f of real) utimesSync(f, HOUR_AGO, HOUR_AGO);
  const strays = [stray(dir), stray(dir), stray(dir, 'not-a-blob-id')];
  // A file younger than the process is a write in flight whose row is not committed yet: kept.
  const fb = await startFogbank({ ephemeral: false, dataDir: dir });
  t.after(() => fb.stop());
  const young = stray(dir, undefined, false);
  await waitFor(() => strays.every((s) => !existsSync(s)), 10_000, 'the strays to be swept');
  assert.deepEqual(blobFiles(dir).filter((f) => f !== young), real, 'every referenced file is still there');
  const s3 = fb.client(S.S3Client);
  for (const [key, body] of bodies) {
    const got = await s3.send(new S.GetObjectCommand({ Bucket: 'kept', Key: key }));
    assert.ok(Buffer.from(await got.Body!.transformToByteArray()).equals(body), key);
  }
  const parts = await s3.send(new S.ListPartsCommand({ Bucket: 'kept', Key: 'pending', UploadId: uploadId }));
  await s3.send(new S.CompleteMultipartUploadCommand({ Bucket: 'kept', Key: 'pending', UploadId: uploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: parts.Parts![0].ETag }] } }));
  assert.equal((await s3.send(new S.HeadObjectCommand({ Bucket: 'kept', Key: 'pending' }))).ContentLength, BIG);
  const fn = await fb.client(L.LambdaClient).send(new L.GetFunctionCommand({ FunctionName: 'kept-code' }));
  assert.equal(fn.Configuration?.CodeSha256, codeSha);
  const zip = await fetch(fn.Code!.Location!);
  assert.equal(zip.status, 200, 'the package is still downloadable');
  assert.ok(existsSync(young), 'a file younger than the process is never swept');
});

test('the sweep reads the rows from one snapshot and reports what it did', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'fogbank-sweep-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  await seed(dir);
  const real = blobFiles(dir);
  for (const f of real) utimesSync(f, HOUR_AGO, HOUR_AGO);
  for (let i = 0; i < 5; i++) stray(dir);
  const blobs = new BlobStore(join(dir, 'blobs'), false);
  const result = await sweepOrphanBlobs({ dbPath: join(dir, 'fogbank.db'), blobs });
  assert.equal(result?.removed, 5);
  assert.equal(result?.scanned, real.length + 5);
  assert.deepEqual(blobFiles(dir), real);
  // A second pass finds nothing to do.
  assert.equal((await sweepOrphanBlobs({ dbPath: join(dir, 'fogbank.db'), blobs }))?.removed, 0);
  // Any doubt stops it before it deletes: a reference query that fails leaves every file.
  stray(dir);
  await assert.rejects(sweepOrphanBlobs({ dbPath: join(dir, 'fogbank.db'), blobs, references: [{ table: 's3_objects', sql: 'SELECT nope AS id FROM s3_objects' }] }));
  assert.equal(blobFiles(dir).length, real.length + 1);
});
