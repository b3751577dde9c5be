// Multipart uploads: lib-storage's Upload, the part checks of CompleteMultipartUpload, ETags of
// the form md5-of-md5s-N, composite and full-object checksums, UploadPartCopy, ListParts.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as S from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { startFogbank, type TestFogbank } from '../../../testing/index.ts';
import { createCrc, type CrcName } from './crc.ts';

/** An SDK output's members by computed name (ChecksumCRC32, ...). */
const field = (o: object) => o as unknown as Record<string, string>;

let fb: TestFogbank;
let s3: S.S3Client;

before(async () => {
  fb = await startFogbank();
  s3 = fb.client(S.S3Client);
});
after(() => fb.stop());
beforeEach(() => fb.reset());

const MiB = 1024 * 1024;

function pattern(size: number, seed: number): Buffer {
  const b = Buffer.alloc(size);
  for (let i = 0; i + 4 <= size; i += 4) b.writeUInt32LE((i * 2654435761 + seed) >>> 0, i);
  for (let i = size - (size % 4); i < size; i++) b[i] = seed & 0xff;
  return b;
}

const md5 = (b: Buffer) => createHash('md5').update(b).digest();

function crc(name: CrcName, ...parts: Buffer[]): string {
  const c = createCrc(name);
  for (const p of parts) c.update(p);
  return c.digest().toString('base64');
}

test('lib-storage Upload: parts streamed, ETag md5-of-md5s-N, body intact, GetObject by part number', async () => {
  await s3.send(new S.CreateBucketCommand({ Bucket: 'mpu' }));
  const body = pattern(12 * MiB + 12345, 1);
  const up = new Upload({ client: s3, params: { Bucket: 'mpu', Key: 'big.bin', Body: body, ContentType: 'application/x-test' }, partSize: 5 * MiB, queueSize: 3 });
  const done = await up.done();
  const parts = [body.subarray(0, 5 * MiB), body.subarray(5 * MiB, 10 * MiB), body.subarray(10 * MiB)];
  const etag = `"${createHash('md5').update(Buffer.concat(parts.map(md5))).digest('hex')}-3"`;
  assert.equal(done.ETag, etag);
  const got = await s3.send(new S.GetObjectCommand({ Bucket: 'mpu', Key: 'big.bin' }));
  assert.equal(got.ContentType, 'application/x-test');
  assert.ok(Buffer.from(await got.Body!.transformToByteArray()).equals(body));
  const p2 = await s3.send(new S.GetObjectCommand({ Bucket: 'mpu', Key: 'big.bin', PartNumber: 2 }));
  assert.equal(p2.$metadata.httpStatusCode, 206);
  assert.equal(p2.PartsCount, 3);
  assert.equal(p2.ContentRange, `bytes ${5 * MiB}-${10 * MiB - 1}/${body.length}`);
  assert.ok(Buffer.from(await p2.Body!.transformToByteArray()).equals(parts[1]));
  await assert.rejects(s3.send(new S.GetObjectCommand({ Bucket: 'mpu', Key: 'big.bin', PartNumber: 4 })), { name: 'InvalidPartNumber' });
  assert.equal((await s3.send(new S.ListMultipartUploadsCommand({ Bucket: 'mpu' }))).Uploads, undefined);
});

test('CompleteMultipartUpload checks the part list: order, ETags, 5 MiB minimum', async () => {
  await s3.send(new S.CreateBucketCommand({ Bucket: 'checks' }));
  const { UploadId } = await s3.send(new S.CreateMultipartUploadCommand({ Bucket: 'checks', Key: 'k' }));
  const small = await s3.send(new S.UploadPartCommand({ Bucket: 'checks', Key: 'k', UploadId, PartNumber: 1, Body: 'tiny' }));
  const last = await s3.send(new S.UploadPartCommand({ Bucket: 'checks', Key: 'k', UploadId, PartNumber: 2, Body: 'end' }));
  const complete = (Parts: S.CompletedPart[]) =>
    s3.send(new S.CompleteMultipartUploadCommand({ Bucket: 'checks', Key: 'k', UploadId, MultipartUpload: { Parts } }));
  await assert.rejects(complete([{ PartNumber: 2, ETag: last.ETag }, { PartNumber: 1, ETag: small.ETag }]), { name: 'InvalidPartOrder' });
  await assert.rejects(complete([{ PartNumber: 1, ETag: '"0123"' }]), { name: 'InvalidPart' });
  await assert.rejects(complete([{ PartNumber: 3, ETag: small.ETag }]), { name: 'InvalidPart' });
  await assert.rejects(complete([{ PartNumber: 1, ETag: small.ETag }, { PartNumber: 2, ETag: last.ETag }]), { name: 'EntityTooSmall' });
  // A single small part is fine: it is the last one.
  const done = await complete([{ PartNumber: 1, ETag: small.ETag }]);
  assert.match(done.ETag!, /^"[0-9a-f]{32}-1"$/);
  assert.equal(done.Bucket, 'checks');
  assert.equal(done.Key, 'k');
  assert.match(done.Location!, /\/checks\/k$/);
  assert.equal(await (await s3.send(new S.GetObjectCommand({ Bucket: 'checks', Key: 'k' }))).Body!.transformToString(), 'tiny');
  // The upload is gone; its unused part went with it.
  await assert.rejects(complete([{ PartNumber: 1, ETag: small.ETag }]), { name: 'NoSuchUpload' });
  await assert.rejects(s3.send(new S.UploadPartCommand({ Bucket: 'checks', Key: 'k', UploadId, PartNumber: 1, Body: 'x' })), { name: 'NoSuchUpload' });
  await assert.rejects(s3.send(new S.UploadPartCommand({ Bucket: 'checks', Key: 'k', UploadId: 'nope', PartNumber: 0, Body: 'x' })), { name: 'InvalidArgument' });
});

test('uploading a part twice keeps the last; ListParts pages; Abort drops everything', async () => {
  await s3.send(new S.CreateBucketCommand({ Bucket: 'parts' }));
  const { UploadId } = await s3.send(new S.CreateMultipartUploadCommand({ Bucket: 'parts', Key: 'k' }));
  for (let n = 1; n <= 5; n++) await s3.send(new S.UploadPartCommand({ Bucket: 'parts', Key: 'k', UploadId, PartNumber: n, Body: `part ${n}` }));
  const again = await s3.send(new S.UploadPartCommand({ Bucket: 'parts', Key: 'k', UploadId, PartNumber: 3, Body: 'replaced' }));
  const p1 = await s3.send(new S.ListPartsCommand({ Bucket: 'parts', Key: 'k', UploadId, MaxParts: 2 }));
  assert.deepEqual(p1.Parts!.map((p) => p.PartNumber), [1, 2]);
  assert.equal(p1.IsTruncated, true);
  const p2 = await s3.send(new S.ListPartsCommand({ Bucket: 'parts', Key: 'k', UploadId, PartNumberMarker: p1.NextPartNumberMarker }));
  assert.deepEqual(p2.Parts!.map((p) => [p.PartNumber, p.Size]), [[3, 8], [4, 6], [5, 6]]);
  assert.equal(p2.Parts![0].ETag, again.ETag);
  assert.equal(p2.IsTruncated, false);
  await s3.send(new S.AbortMultipartUploadCommand({ Bucket: 'parts', Key: 'k', UploadId }));
  await assert.rejects(s3.send(new S.ListPartsCommand({ Bucket: 'parts', Key: 'k', UploadId })), { name: 'NoSuchUpload' });
  await assert.rejects(s3.send(new S.AbortMultipartUploadCommand({ Bucket: 'parts', Key: 'k', UploadId })), { name: 'NoSuchUpload' });
});

test('composite checksums: the checksum of the part checksums, -N', async () => {
  await s3.send(new S.CreateBucketCommand({ Bucket: 'composite' }));
  for (const alg of ['CRC32', 'SHA256'] as const) {
    const { UploadId, ChecksumAlgorithm, ChecksumType } = await s3.send(new S.CreateMultipartUploadCommand({ Bucket: 'composite', Key: alg, ChecksumAlgorithm: alg }));
    assert.equal(ChecksumAlgorithm, alg);
    assert.equal(ChecksumType, 'COMPOSITE');
    const bodies = [pattern(5 * MiB, 2), pattern(1000, 3)];
    const parts: S.CompletedPart[] = [];
    for (let i = 0; i < bodies.length; i++) {
      const r = await s3.send(new S.UploadPartCommand({ Bucket: 'composite', Key: alg, UploadId, PartNumber: i + 1, Body: bodies[i], ChecksumAlgorithm: alg }));
      const value = field(r)[`Checksum${alg}`] as string;
      const expected = alg === 'CRC32' ? crc('CRC32', bodies[i]) : createHash('sha256').update(bodies[i]).digest('base64');
      assert.equal(value, expected);
      parts.push({ PartNumber: i + 1, ETag: r.ETag, [`Checksum${alg}`]: value });
    }
    // The checksum of each part must be listed when the upload has an algorithm.
    await assert.rejects(
      s3.send(new S.CompleteMultipartUploadCommand({ Bucket: 'composite', Key: alg, UploadId, MultipartUpload: { Parts: parts.map(({ PartNumber, ETag }) => ({ PartNumber, ETag })) } })),
      { name: 'InvalidRequest' },
    );
    const done = await s3.send(new S.CompleteMultipartUploadCommand({ Bucket: 'composite', Key: alg, UploadId, MultipartUpload: { Parts: parts } }));
    const raw = Buffer.concat(parts.map((p) => Buffer.from(field(p)[`Checksum${alg}`], 'base64')));
    const whole = alg === 'CRC32' ? crc('CRC32', raw) : createHash('sha256').update(raw).digest('base64');
    assert.equal(field(done)[`Checksum${alg}`], `${whole}-2`);
    assert.equal(done.ChecksumType, 'COMPOSITE');
    const head = await s3.send(new S.HeadObjectCommand({ Bucket: 'composite', Key: alg, ChecksumMode: 'ENABLED' }));
    assert.equal(field(head)[`Checksum${alg}`], `${whole}-2`);
    const attrs = await s3.send(new S.GetObjectAttributesCommand({ Bucket: 'composite', Key: alg, ObjectAttributes: ['Checksum', 'ObjectParts'] }));
    assert.equal(field(attrs.Checksum!)[`Checksum${alg}`], whole);
    assert.equal(attrs.ObjectParts!.TotalPartsCount, 2);
    assert.deepEqual(attrs.ObjectParts!.Parts!.map((p) => p.Size), [5 * MiB, 1000]);
  }
});

test('full-object checksums: part CRCs combined into the CRC of the whole object', async () => {
  await s3.send(new S.CreateBucketCommand({ Bucket: 'fullobj' }));
  for (const alg of ['CRC32', 'CRC32C', 'CRC64NVME'] as const) {
    const { UploadId, ChecksumType } = await s3.send(new S.CreateMultipartUploadCommand({ Bucket: 'fullobj', Key: alg, ChecksumAlgorithm: alg, ChecksumType: 'FULL_OBJECT' }));
    assert.equal(ChecksumType, 'FULL_OBJECT');
    const bodies = [pattern(5 * MiB, 4), pattern(5 * MiB + 3, 5), pattern(777, 6)];
    const parts: S.CompletedPart[] = [];
    for (let i = 0; i < bodies.length; i++) {
      const r = await s3.send(new S.UploadPartCommand({ Bucket: 'fullobj', Key: alg, UploadId, PartNumber: i + 1, Body: bodies[i], ChecksumAlgorithm: alg }));
      parts.push({ PartNumber: i + 1, ETag: r.ETag, [`Checksum${alg}`]: field(r)[`Checksum${alg}`] });
    }
    const whole = crc(alg, ...bodies);
    await assert.rejects(
      s3.send(new S.CompleteMultipartUploadCommand({ Bucket: 'fullobj', Key: alg, UploadId, MultipartUpload: { Parts: parts }, ChecksumType: 'FULL_OBJECT', [`Checksum${alg}`]: crc(alg, bodies[0]) })),
      { name: 'BadDigest' },
    );
    const done = await s3.send(new S.CompleteMultipartUploadCommand({ Bucket: 'fullobj', Key: alg, UploadId, MultipartUpload: { Parts: parts }, ChecksumType: 'FULL_OBJECT', [`Checksum${alg}`]: whole }));
    assert.equal(field(done)[`Checksum${alg}`], whole);
    assert.equal(done.ChecksumType, 'FULL_OBJECT');
    // The SDK validates the full-object checksum against the body it downloads.
    const got = await s3.send(new S.GetObjectCommand({ Bucket: 'fullobj', Key: alg, ChecksumMode: 'ENABLED' }));
    assert.equal(field(got)[`Checksum${alg}`], whole);
    assert.equal((await got.Body!.transformToByteArray()).length, 10 * MiB + 780);
  }
  await assert.rejects(s3.send(new S.CreateMultipartUploadCommand({ Bucket: 'fullobj', Key: 'x', ChecksumAlgorithm: 'SHA1', ChecksumType: 'FULL_OBJECT' })), { name: 'InvalidRequest' });
});

test('a part checksum of another algorithm than the upload is refused', async () => {
  await s3.send(new S.CreateBucketCommand({ Bucket: 'mismatch' }));
  const { UploadId } = await s3.send(new S.CreateMultipartUploadCommand({ Bucket: 'mismatch', Key: 'k', ChecksumAlgorithm: 'SHA1' }));
  await assert.rejects(s3.send(new S.UploadPartCommand({ Bucket: 'mismatch', Key: 'k', UploadId, PartNumber: 1, Body: 'x', ChecksumAlgorithm: 'CRC32' })), { name: 'InvalidRequest' });
  const ok = await s3.send(new S.UploadPartCommand({ Bucket: 'mismatch', Key: 'k', UploadId, PartNumber: 1, Body: 'x', ChecksumAlgorithm: 'SHA1' }));
  assert.equal(ok.ChecksumSHA1, createHash('sha1').update('x').digest('base64'));
});

test('UploadPartCopy copies whole objects and byte ranges', async () => {
  await s3.send(new S.CreateBucketCommand({ Bucket: 'pcopy' }));
  const src = pattern(6 * MiB, 7);
  await s3.send(new S.PutObjectCommand({ Bucket: 'pcopy', Key: 'src', Body: src }));
  const { UploadId } = await s3.send(new S.CreateMultipartUploadCommand({ Bucket: 'pcopy', Key: 'dst' }));
  const c1 = await s3.send(new S.UploadPartCopyCommand({ Bucket: 'pcopy', Key: 'dst', UploadId, PartNumber: 1, CopySource: 'pcopy/src' }));
  const c2 = await s3.send(new S.UploadPartCopyCommand({ Bucket: 'pcopy', Key: 'dst', UploadId, PartNumber: 2, CopySource: 'pcopy/src', CopySourceRange: 'bytes=10-19' }));
  assert.equal(c2.CopyPartResult!.ETag, `"${md5(src.subarray(10, 20)).toString('hex')}"`);
  await assert.rejects(
    s3.send(new S.UploadPartCopyCommand({ Bucket: 'pcopy', Key: 'dst', UploadId, PartNumber: 3, CopySource: 'pcopy/src', CopySourceRange: `bytes=0-${6 * MiB}` })),
    { name: 'InvalidArgument' },
  );
  await s3.send(new S.CompleteMultipartUploadCommand({
    Bucket: 'pcopy', Key: 'dst', UploadId,
    MultipartUpload: { Parts: [{ PartNumber: 1, ETag: c1.CopyPartResult!.ETag }, { PartNumber: 2, ETag: c2.CopyPartResult!.ETag }] },
  }));
  const got = Buffer.from(await (await s3.send(new S.GetObjectCommand({ Bucket: 'pcopy', Key: 'dst' }))).Body!.transformToByteArray());
  assert.ok(got.equals(Buffer.concat([src, src.subarray(10, 20)])));
});

test('metadata, tags and storage class given at creation reach the completed object', async () => {
  await s3.send(new S.CreateBucketCommand({ Bucket: 'mpumeta' }));
  const { UploadId } = await s3.send(new S.CreateMultipartUploadCommand({
    Bucket: 'mpumeta', Key: 'k', Metadata: { a: 'b' }, Tagging: 't=v', StorageClass: 'STANDARD_IA', ContentType: 'text/csv',
  }));
  const part = await s3.send(new S.UploadPartCommand({ Bucket: 'mpumeta', Key: 'k', UploadId, PartNumber: 1, Body: 'a,b\n' }));
  await s3.send(new S.CompleteMultipartUploadCommand({ Bucket: 'mpumeta', Key: 'k', UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] } }));
  const head = await s3.send(new S.HeadObjectCommand({ Bucket: 'mpumeta', Key: 'k' }));
  assert.deepEqual(head.Metadata, { a: 'b' });
  assert.equal(head.ContentType, 'text/csv');
  assert.equal(head.StorageClass, 'STANDARD_IA');
  assert.equal(head.TagCount, 1);
});
