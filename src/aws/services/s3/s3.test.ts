// S3 buckets and objects through the AWS SDK v3: what users hit first.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import * as S from '@aws-sdk/client-s3';
import { startFogbank, type TestFogbank } from '../../../testing/index.ts';

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

async function rejects(p: Promise<unknown>, name: string, status?: number): Promise<any> {
  try {
    await p;
  } catch (e: any) {
    // A 304 has no body to name it: the SDK can only tell the status.
    if (name !== 'NotModified') assert.equal(e.name, name, `expected ${name}, got ${e.name}: ${e.message}`);
    if (status !== undefined) assert.equal(e.$metadata?.httpStatusCode, status);
    return e;
  }
  assert.fail(`expected ${name}`);
}

const text = (b: S.GetObjectCommandOutput) => b.Body!.transformToString();

test('buckets: create, head, list with prefix and pages, location, delete', async () => {
  await s3.send(new S.CreateBucketCommand({ Bucket: 'alpha-one' }));
  await s3.send(new S.CreateBucketCommand({ Bucket: 'alpha-two' }));
  await s3.send(new S.CreateBucketCommand({ Bucket: 'beta' }));
  const head = await s3.send(new S.HeadBucketCommand({ Bucket: 'alpha-one' }));
  assert.equal(head.BucketRegion, 'us-east-1');
  const all = await s3.send(new S.ListBucketsCommand({}));
  assert.deepEqual(all.Buckets!.map((b) => b.Name), ['alpha-one', 'alpha-two', 'beta']);
  assert.match(all.Owner!.ID!, /^[0-9a-f]{64}$/);
  const p1 = await s3.send(new S.ListBucketsCommand({ Prefix: 'alpha', MaxBuckets: 1 }));
  assert.deepEqual(p1.Buckets!.map((b) => b.Name), ['alpha-one']);
  assert.ok(p1.ContinuationToken);
  const p2 = await s3.send(new S.ListBucketsCommand({ Prefix: 'alpha', MaxBuckets: 1, ContinuationToken: p1.ContinuationToken }));
  assert.deepEqual(p2.Buckets!.map((b) => b.Name), ['alpha-two']);
  assert.equal(p2.ContinuationToken, undefined);
  const loc = await s3.send(new S.GetBucketLocationCommand({ Bucket: 'beta' }));
  assert.equal(loc.LocationConstraint, undefined);
  await s3.send(new S.DeleteBucketCommand({ Bucket: 'beta' }));
  await rejects(s3.send(new S.HeadBucketCommand({ Bucket: 'beta' })), 'NotFound', 404);
  await rejects(s3.send(new S.DeleteBucketCommand({ Bucket: 'beta' })), 'NoSuchBucket', 404);
});

test('bucket names are validated and shared between accounts', async () => {
  for (const bad of ['ab', 'Upper', 'has_underscore', '-dash', 'a..b', '192.168.1.1', 'xn--abc', 'x'.repeat(64)]) {
    await rejects(s3.send(new S.CreateBucketCommand({ Bucket: bad })), 'InvalidBucketName');
  }
  await s3.send(new S.CreateBucketCommand({ Bucket: 'shared-name' }));
  // us-east-1 answers 200 to its owner re-creating a bucket (legacy behaviour)...
  await s3.send(new S.CreateBucketCommand({ Bucket: 'shared-name' }));
  // ...another account gets BucketAlreadyExists, and does not see it in its list.
  const other = fb.client(S.S3Client, { credentials: { accessKeyId: '111111111111', secretAccessKey: 'x' } });
  await rejects(other.send(new S.CreateBucketCommand({ Bucket: 'shared-name' })), 'BucketAlreadyExists', 409);
  assert.deepEqual((await other.send(new S.ListBucketsCommand({}))).Buckets ?? [], []);
});

test('location constraints follow the region rules', async () => {
  const west = fb.client(S.S3Client, { region: 'eu-west-1' });
  await rejects(
    west.send(new S.CreateBucketCommand({ Bucket: 'wrong-constraint', CreateBucketConfiguration: { LocationConstraint: 'eu-west-2' } })),
    'IllegalLocationConstraintException',
  );
  await west.send(new S.CreateBucketCommand({ Bucket: 'in-ireland', CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } }));
  assert.equal((await west.send(new S.GetBucketLocationCommand({ Bucket: 'in-ireland' }))).LocationConstraint, 'eu-west-1');
  assert.equal((await west.send(new S.HeadBucketCommand({ Bucket: 'in-ireland' }))).BucketRegion, 'eu-west-1');
  await rejects(west.send(new S.CreateBucketCommand({ Bucket: 'in-ireland', CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } })), 'BucketAlreadyOwnedByYou', 409);
  await rejects(
    s3.send(new S.CreateBucketCommand({ Bucket: 'explicit-east', CreateBucketConfiguration: { LocationConstraint: 'us-east-1' as S.BucketLocationConstraint } })),
    'InvalidLocationConstraint',
  );
  // The us-east-1 endpoint creates buckets anywhere.
  await s3.send(new S.CreateBucketCommand({ Bucket: 'from-east', CreateBucketConfiguration: { LocationConstraint: 'ap-south-1' } }));
  assert.equal((await s3.send(new S.GetBucketLocationCommand({ Bucket: 'from-east' }))).LocationConstraint, 'ap-south-1');
  const list = await s3.send(new S.ListBucketsCommand({ BucketRegion: 'ap-south-1' }));
  assert.deepEqual(list.Buckets!.map((b) => b.Name), ['from-east']);
});

test('a bucket with objects cannot be deleted', async () => {
  await s3.send(new S.CreateBucketCommand({ Bucket: 'full' }));
  await s3.send(new S.PutObjectCommand({ Bucket: 'full', Key: 'k', Body: 'x' }));
  await rejects(s3.send(new S.DeleteBucketCommand({ Bucket: 'full' })), 'BucketNotEmpty', 409);
  await s3.send(new S.DeleteObjectCommand({ Bucket: 'full', Key: 'k' }));
  await s3.send(new S.DeleteBucketCommand({ Bucket: 'full' }));
});

test('objects round-trip with metadata and system headers', async () => {
  await s3.send(new S.CreateBucketCommand({ Bucket: 'objs' }));
  const put = await s3.send(new S.PutObjectCommand({
    Bucket: 'objs', Key: 'docs/readme.txt', Body: 'hello world', ContentType: 'text/plain; charset=utf-8',
    ContentDisposition: 'attachment; filename="r.txt"', ContentLanguage: 'en', CacheControl: 'max-age=60', ContentEncoding: 'identity',
    Expires: new Date('2030-01-01T00:00:00Z'), Metadata: { owner: 'me', 'Mixed-Case': 'v' }, StorageClass: 'STANDARD_IA',
    WebsiteRedirectLocation: '/elsewhere',
  }));
  assert.equal(put.ETag, '"5eb63bbbe01eeed093cb22bb8f5acdc3"');
  assert.equal(put.ServerSideEncryption, 'AES256');
  assert.equal(put.VersionId, undefined);
  const got = await s3.send(new S.GetObjectCommand({ Bucket: 'objs', Key: 'docs/readme.txt' }));
  assert.equal(await text(got), 'hello world');
  assert.equal(got.ContentType, 'text/plain; charset=utf-8');
  assert.equal(got.ContentDisposition, 'attachment; filename="r.txt"');
  assert.equal(got.ContentLanguage, 'en');
  assert.equal(got.CacheControl, 'max-age=60');
  assert.equal(got.ContentEncoding, 'identity');
  assert.equal(got.Expires?.toISOString(), '2030-01-01T00:00:00.000Z');
  assert.deepEqual(got.Metadata, { owner: 'me', 'mixed-case': 'v' });
  assert.equal(got.StorageClass, 'STANDARD_IA');
  assert.equal(got.WebsiteRedirectLocation, '/elsewhere');
  assert.equal(got.ContentLength, 11);
  assert.equal(got.AcceptRanges, 'bytes');
  const head = await s3.send(new S.HeadObjectCommand({ Bucket: 'objs', Key: 'docs/readme.txt' }));
  assert.equal(head.ETag, put.ETag);
  assert.equal(head.ContentLength, 11);
  assert.ok(head.LastModified instanceof Date);
  const empty = await s3.send(new S.PutObjectCommand({ Bucket: 'objs', Key: 'empty', Body: '' }));
  assert.equal(empty.ETag, '"d41d8cd98f00b204e9800998ecf8427e"');
  const e = await s3.send(new S.GetObjectCommand({ Bucket: 'objs', Key: 'empty' }));
  assert.equal(await text(e), '');
});

test('missing buckets and keys answer NoSuchBucket / NoSuchKey (NotFound for HEAD)', async () => {
  await rejects(s3.send(new S.PutObjectCommand({ Bucket: 'nobucket', Key: 'k', Body: 'x' })), 'NoSuchBucket', 404);
  await s3.send(new S.CreateBucketCommand({ Bucket: 'present' }));
  const e = await rejects(s3.send(new S.GetObjectCommand({ Bucket: 'present', Key: 'nope' })), 'NoSuchKey', 404);
  assert.equal(e.Key, 'nope');
  await rejects(s3.send(new S.HeadObjectCommand({ Bucket: 'present', Key: 'nope' })), 'NotFound', 404);
  // Deleting what is not there succeeds.
  const d = await s3.send(new S.DeleteObjectCommand({ Bucket: 'present', Key: 'nope' }));
  assert.equal(d.$metadata.httpStatusCode, 204);
});

test('every kind of key round-trips exactly and lists in UTF-8 byte order', async () => {
  await s3.send(new S.CreateBucketCommand({ Bucket: 'keys' }));
  const keys = [
    '../../etc/passwd', 'a//b', '/leading', 'trailing/', 'spaces in name', 'plus+sign', 'percent%25%', 'question?mark', 'hash#tag',
    'amp&and=eq', 'unicode-é-漢字-🎉', 'ctrl\u0001\u001fchars', 'tab\there', 'x'.repeat(1024), 'Z', 'a', '~tilde', '\u00e9', '\u0100',
  ];
  for (const key of keys) await s3.send(new S.PutObjectCommand({ Bucket: 'keys', Key: key, Body: `body of ${key.length}` }));
  for (const key of keys) {
    const got = await s3.send(new S.GetObjectCommand({ Bucket: 'keys', Key: key }));
    assert.equal(await text(got), `body of ${key.length}`, key);
  }
  const listed: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(new S.ListObjectsV2Command({ Bucket: 'keys', ContinuationToken: token, MaxKeys: 7 }));
    listed.push(...(page.Contents ?? []).map((c) => c.Key!));
    token = page.NextContinuationToken;
  } while (token);
  const byteOrder = [...keys].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  assert.deepEqual(listed, byteOrder);
  await rejects(s3.send(new S.PutObjectCommand({ Bucket: 'keys', Key: 'y'.repeat(1025), Body: 'x' })), 'KeyTooLongError');
});

test('ranged GETs answer 206 with Content-Range, 416 beyond the end', async () => {
  await s3.send(new S.CreateBucketCommand({ Bucket: 'ranges' }));
  await s3.send(new S.PutObjectCommand({ Bucket: 'ranges', Key: 'k', Body: '0123456789' }));
  const cases: Array<[string, string, string]> = [
    ['bytes=2-4', '234', 'bytes 2-4/10'],
    ['bytes=7-', '789', 'bytes 7-9/10'],
    ['bytes=-3', '789', 'bytes 7-9/10'],
    ['bytes=5-100', '56789', 'bytes 5-9/10'],
    ['bytes=-20', '0123456789', 'bytes 0-9/10'],
  ];
  for (const [range, body, contentRange] of cases) {
    const r = await s3.send(new S.GetObjectCommand({ Bucket: 'ranges', Key: 'k', Range: range }));
    assert.equal(r.$metadata.httpStatusCode, 206, range);
    assert.equal(r.ContentRange, contentRange, range);
    assert.equal(r.ContentLength, body.length);
    assert.equal(await text(r), body, range);
  }
  // A range S3 cannot use is ignored: the whole object, 200.
  const whole = await s3.send(new S.GetObjectCommand({ Bucket: 'ranges', Key: 'k', Range: 'bytes=5-2' }));
  assert.equal(whole.$metadata.httpStatusCode, 200);
  assert.equal(await text(whole), '0123456789');
  const e = await rejects(s3.send(new S.GetObjectCommand({ Bucket: 'ranges', Key: 'k', Range: 'bytes=10-' })), 'InvalidRange', 416);
  assert.equal(e.ActualObjectSize, '10');
  const headRange = await s3.send(new S.HeadObjectCommand({ Bucket: 'ranges', Key: 'k', Range: 'bytes=0-0' }));
  assert.equal(headRange.ContentLength, 1);
});

test('conditional GETs: 304 and 412 exactly as S3 orders them', async () => {
  await s3.send(new S.CreateBucketCommand({ Bucket: 'cond' }));
  const { ETag } = await s3.send(new S.PutObjectCommand({ Bucket: 'cond', Key: 'k', Body: 'data' }));
  const head = await s3.send(new S.HeadObjectCommand({ Bucket: 'cond', Key: 'k' }));
  const lm = head.LastModified!;
  const before = new Date(lm.getTime() - 60_000);
  const after = new Date(lm.getTime() + 60_000);
  const get = (c: Partial<S.GetObjectCommandInput>) => s3.send(new S.GetObjectCommand({ Bucket: 'cond', Key: 'k', ...c }));
  assert.equal((await get({ IfMatch: ETag })).$metadata.httpStatusCode, 200);
  assert.equal((await get({ IfMatch: '*' })).$metadata.httpStatusCode, 200);
  await rejects(get({ IfMatch: '"nope"' }), 'PreconditionFailed', 412);
  await rejects(get({ IfNoneMatch: ETag }), 'NotModified', 304);
  assert.equal((await get({ IfNoneMatch: '"other"' })).$metadata.httpStatusCode, 200);
  // A date in the future is not a valid validator (RFC 7232): S3 ignores it.
  assert.equal((await get({ IfModifiedSince: after })).$metadata.httpStatusCode, 200);
  await rejects(get({ IfModifiedSince: lm }), 'NotModified', 304);
  assert.equal((await get({ IfModifiedSince: before })).$metadata.httpStatusCode, 200);
  await rejects(get({ IfUnmodifiedSince: before }), 'PreconditionFailed', 412);
  assert.equal((await get({ IfUnmodifiedSince: after })).$metadata.httpStatusCode, 200);
  // If-Match true wins over If-Unmodified-Since false; If-None-Match false (matches) gives 304 whatever the date.
  assert.equal((await get({ IfMatch: ETag, IfUnmodifiedSince: before })).$metadata.httpStatusCode, 200);
  await rejects(get({ IfNoneMatch: ETag, IfModifiedSince: before }), 'NotModified', 304);
  await rejects(s3.send(new S.HeadObjectCommand({ Bucket: 'cond', Key: 'k', IfNoneMatch: ETag })), 'NotModified', 304);
});

test('conditional writes: If-None-Match: * and If-Match on PutObject', async () => {
  await s3.send(new S.CreateBucketCommand({ Bucket: 'cond-write' }));
  await s3.send(new S.PutObjectCommand({ Bucket: 'cond-write', Key: 'k', Body: 'one', IfNoneMatch: '*' }));
  await rejects(s3.send(new S.PutObjectCommand({ Bucket: 'cond-write', Key: 'k', Body: 'two', IfNoneMatch: '*' })), 'PreconditionFailed', 412);
  const { ETag } = await s3.send(new S.HeadObjectCommand({ Bucket: 'cond-write', Key: 'k' }));
  await rejects(s3.send(new S.PutObjectCommand({ Bucket: 'cond-write', Key: 'k', Body: 'two', IfMatch: '"0000"' })), 'PreconditionFailed', 412);
  await s3.send(new S.PutObjectCommand({ Bucket: 'cond-write', Key: 'k', Body: 'three', IfMatch: ETag }));
  assert.equal(await text(await s3.send(new S.GetObjectCommand({ Bucket: 'cond-write', Key: 'k' }))), 'three');
  await rejects(s3.send(new S.PutObjectCommand({ Bucket: 'cond-write', Key: 'absent', Body: 'x', IfMatch: ETag })), 'NoSuchKey', 404);
});

test('response header overrides replace the stored headers', async () => {
  await s3.send(new S.CreateBucketCommand({ Bucket: 'over' }));
  await s3.send(new S.PutObjectCommand({ Bucket: 'over', Key: 'k', Body: 'x', ContentType: 'text/plain' }));
  const r = await s3.send(new S.GetObjectCommand({
    Bucket: 'over', Key: 'k', ResponseContentType: 'application/json', ResponseContentDisposition: 'inline', ResponseCacheControl: 'no-cache',
    ResponseContentLanguage: 'fr', ResponseContentEncoding: 'gzip', ResponseExpires: new Date('2031-02-03T00:00:00Z'),
  }));
  assert.equal(r.ContentType, 'application/json');
  assert.equal(r.ContentDisposition, 'inline');
  assert.equal(r.CacheControl, 'no-cache');
  assert.equal(r.ContentLanguage, 'fr');
  assert.equal(r.ContentEncoding, 'gzip');
  assert.equal(r.Expires?.toISOString(), '2031-02-03T00:00:00.000Z');
});

test('Content-MD5 and checksums are validated and returned on request', async () => {
  await s3.send(new S.CreateBucketCommand({ Bucket: 'sums' }));
  const md5 = Buffer.from('5eb63bbbe01eeed093cb22bb8f5acdc3', 'hex').toString('base64');
  await s3.send(new S.PutObjectCommand({ Bucket: 'sums', Key: 'ok', Body: 'hello world', ContentMD5: md5 }));
  await rejects(s3.send(new S.PutObjectCommand({ Bucket: 'sums', Key: 'bad', Body: 'hello worlD', ContentMD5: md5 })), 'BadDigest');
  await rejects(s3.send(new S.PutObjectCommand({ Bucket: 'sums', Key: 'bad', Body: 'x', ContentMD5: 'notbase64!' })), 'InvalidDigest');
  await rejects(s3.send(new S.HeadObjectCommand({ Bucket: 'sums', Key: 'bad' })), 'NotFound');
  const expected: Record<string, string> = {
    CRC32: 'DUoRhQ==', CRC32C: 'yZRlqg==', CRC64NVME: 'jSnVw/bqjr4=', SHA1: 'Kq5sNclPz7QV2+lfQIuc6R7oRu0=', SHA256: 'uU0nuZNNPgilLlLX2n2r+sSE7+N6U4DukIj3rOLvzek=',
  };
  for (const [alg, value] of Object.entries(expected)) {
    const put = await s3.send(new S.PutObjectCommand({ Bucket: 'sums', Key: alg, Body: 'hello world', ChecksumAlgorithm: alg as S.ChecksumAlgorithm }));
    assert.equal(field(put)[`Checksum${alg}`], value, alg);
    const got = await s3.send(new S.GetObjectCommand({ Bucket: 'sums', Key: alg, ChecksumMode: 'ENABLED' }));
    assert.equal(field(got)[`Checksum${alg}`], value, alg);
    assert.equal(got.ChecksumType, 'FULL_OBJECT');
    assert.equal(await text(got), 'hello world');
  }
  // A checksum sent as a header that does not match the body.
  await rejects(s3.send(new S.PutObjectCommand({ Bucket: 'sums', Key: 'wrong', Body: 'hello world', ChecksumSHA256: expected.SHA1.padEnd(44, 'A').slice(0, 43) + '=' })), 'InvalidRequest');
  await rejects(s3.send(new S.PutObjectCommand({ Bucket: 'sums', Key: 'wrong', Body: 'hello world', ChecksumCRC32: 'AAAAAA==' })), 'BadDigest');
  // Without ChecksumMode, no checksum headers.
  const plain = await s3.send(new S.HeadObjectCommand({ Bucket: 'sums', Key: 'SHA256' }));
  assert.equal(plain.ChecksumSHA256, undefined);
});

test('versioning: versions, delete markers, get and delete by version, suspension', async () => {
  await s3.send(new S.CreateBucketCommand({ Bucket: 'vers' }));
  await s3.send(new S.PutObjectCommand({ Bucket: 'vers', Key: 'k', Body: 'before' }));
  await s3.send(new S.PutBucketVersioningCommand({ Bucket: 'vers', VersioningConfiguration: { Status: 'Enabled' } }));
  assert.equal((await s3.send(new S.GetBucketVersioningCommand({ Bucket: 'vers' }))).Status, 'Enabled');
  const v1 = await s3.send(new S.PutObjectCommand({ Bucket: 'vers', Key: 'k', Body: 'one' }));
  const v2 = await s3.send(new S.PutObjectCommand({ Bucket: 'vers', Key: 'k', Body: 'two' }));
  assert.ok(v1.VersionId && v2.VersionId && v1.VersionId !== v2.VersionId);
  assert.equal(await text(await s3.send(new S.GetObjectCommand({ Bucket: 'vers', Key: 'k', VersionId: v1.VersionId }))), 'one');
  assert.equal(await text(await s3.send(new S.GetObjectCommand({ Bucket: 'vers', Key: 'k', VersionId: 'null' }))), 'before');
  const del = await s3.send(new S.DeleteObjectCommand({ Bucket: 'vers', Key: 'k' }));
  assert.equal(del.DeleteMarker, true);
  assert.ok(del.VersionId);
  const e = await rejects(s3.send(new S.GetObjectCommand({ Bucket: 'vers', Key: 'k' })), 'NoSuchKey', 404);
  assert.equal(e.$response?.headers?.['x-amz-delete-marker'], 'true');
  await rejects(s3.send(new S.GetObjectCommand({ Bucket: 'vers', Key: 'k', VersionId: del.VersionId })), 'MethodNotAllowed', 405);
  const versions = await s3.send(new S.ListObjectVersionsCommand({ Bucket: 'vers' }));
  assert.deepEqual(versions.Versions!.map((v) => [v.VersionId, v.IsLatest]), [[v2.VersionId, false], [v1.VersionId, false], ['null', false]]);
  assert.deepEqual(versions.DeleteMarkers!.map((d) => [d.VersionId, d.IsLatest]), [[del.VersionId, true]]);
  // Removing the delete marker brings the last version back.
  const undelete = await s3.send(new S.DeleteObjectCommand({ Bucket: 'vers', Key: 'k', VersionId: del.VersionId }));
  assert.equal(undelete.DeleteMarker, true);
  assert.equal(await text(await s3.send(new S.GetObjectCommand({ Bucket: 'vers', Key: 'k' }))), 'two');
  await s3.send(new S.DeleteObjectCommand({ Bucket: 'vers', Key: 'k', VersionId: v2.VersionId }));
  assert.equal(await text(await s3.send(new S.GetObjectCommand({ Bucket: 'vers', Key: 'k' }))), 'one');
  await rejects(s3.send(new S.GetObjectCommand({ Bucket: 'vers', Key: 'k', VersionId: v2.VersionId })), 'NoSuchVersion', 404);
  // Suspended: writes replace the "null" version.
  await s3.send(new S.PutBucketVersioningCommand({ Bucket: 'vers', VersioningConfiguration: { Status: 'Suspended' } }));
  const s1 = await s3.send(new S.PutObjectCommand({ Bucket: 'vers', Key: 'k', Body: 'suspended' }));
  assert.equal(s1.VersionId, 'null');
  const after = await s3.send(new S.ListObjectVersionsCommand({ Bucket: 'vers' }));
  assert.deepEqual(after.Versions!.map((v) => [v.VersionId, v.IsLatest]), [['null', true], [v1.VersionId, false]]);
});

test('DeleteObjects: per-key results, quiet mode, errors per key', async () => {
  await s3.send(new S.CreateBucketCommand({ Bucket: 'multi' }));
  for (const k of ['a', 'b', 'c']) await s3.send(new S.PutObjectCommand({ Bucket: 'multi', Key: k, Body: k }));
  const r = await s3.send(new S.DeleteObjectsCommand({ Bucket: 'multi', Delete: { Objects: [{ Key: 'a' }, { Key: 'missing' }, { Key: 'b', VersionId: 'bad version!' }] } }));
  assert.deepEqual(r.Deleted!.map((d) => d.Key).sort(), ['a', 'missing']);
  assert.deepEqual(r.Errors!.map((e) => [e.Key, e.Code]), [['b', 'InvalidArgument']]);
  const quiet = await s3.send(new S.DeleteObjectsCommand({ Bucket: 'multi', Delete: { Objects: [{ Key: 'b' }, { Key: 'c' }], Quiet: true } }));
  assert.equal(quiet.Deleted, undefined);
  assert.equal(quiet.Errors, undefined);
  assert.equal((await s3.send(new S.ListObjectsV2Command({ Bucket: 'multi' }))).KeyCount, 0);
});

test('CopyObject: metadata and tagging directives, copying onto itself needs a change', async () => {
  await s3.send(new S.CreateBucketCommand({ Bucket: 'src-bkt' }));
  await s3.send(new S.CreateBucketCommand({ Bucket: 'dst-bkt' }));
  await s3.send(new S.PutObjectCommand({ Bucket: 'src-bkt', Key: 'a b/ü', Body: 'payload', ContentType: 'text/x', Metadata: { m: '1' }, Tagging: 't=1' }));
  const copy = await s3.send(new S.CopyObjectCommand({ Bucket: 'dst-bkt', Key: 'copy', CopySource: `src-bkt/${encodeURIComponent('a b/ü')}` }));
  assert.equal(copy.CopyObjectResult!.ETag, '"321c3cf486ed509164edec1e1981fec8"');
  const c = await s3.send(new S.GetObjectCommand({ Bucket: 'dst-bkt', Key: 'copy' }));
  assert.equal(await text(c), 'payload');
  assert.equal(c.ContentType, 'text/x');
  assert.deepEqual(c.Metadata, { m: '1' });
  assert.equal(c.TagCount, 1);
  await s3.send(new S.CopyObjectCommand({
    Bucket: 'dst-bkt', Key: 'replaced', CopySource: `src-bkt/${encodeURIComponent('a b/ü')}`, MetadataDirective: 'REPLACE',
    ContentType: 'text/y', Metadata: { n: '2' }, TaggingDirective: 'REPLACE', Tagging: 'u=2&v=3',
  }));
  const r = await s3.send(new S.GetObjectCommand({ Bucket: 'dst-bkt', Key: 'replaced' }));
  assert.equal(r.ContentType, 'text/y');
  assert.deepEqual(r.Metadata, { n: '2' });
  assert.deepEqual((await s3.send(new S.GetObjectTaggingCommand({ Bucket: 'dst-bkt', Key: 'replaced' }))).TagSet, [{ Key: 'u', Value: '2' }, { Key: 'v', Value: '3' }]);
  await rejects(s3.send(new S.CopyObjectCommand({ Bucket: 'dst-bkt', Key: 'copy', CopySource: 'dst-bkt/copy' })), 'InvalidRequest');
  await s3.send(new S.CopyObjectCommand({ Bucket: 'dst-bkt', Key: 'copy', CopySource: 'dst-bkt/copy', MetadataDirective: 'REPLACE', Metadata: { x: 'y' } }));
  assert.deepEqual((await s3.send(new S.HeadObjectCommand({ Bucket: 'dst-bkt', Key: 'copy' }))).Metadata, { x: 'y' });
  await rejects(s3.send(new S.CopyObjectCommand({ Bucket: 'dst-bkt', Key: 'x', CopySource: 'src-bkt/absent' })), 'NoSuchKey');
  await rejects(s3.send(new S.CopyObjectCommand({ Bucket: 'dst-bkt', Key: 'x', CopySource: 'src-bkt/a b/ü'.replace(' ', '%20'), CopySourceIfMatch: '"nope"' })), 'PreconditionFailed', 412);
  await rejects(s3.send(new S.CopyObjectCommand({ Bucket: 'dst-bkt', Key: 'x', CopySource: 'src-bkt/a%20b/%C3%BC', CopySourceIfNoneMatch: copy.CopyObjectResult!.ETag })), 'PreconditionFailed', 412);
});

test('object tagging, ACLs and attributes', async () => {
  await s3.send(new S.CreateBucketCommand({ Bucket: 'tags', ObjectOwnership: 'ObjectWriter' }));
  await s3.send(new S.DeletePublicAccessBlockCommand({ Bucket: 'tags' }));
  await s3.send(new S.PutObjectCommand({ Bucket: 'tags', Key: 'k', Body: 'x', Tagging: 'a=1&b=two%20words' }));
  assert.deepEqual((await s3.send(new S.GetObjectTaggingCommand({ Bucket: 'tags', Key: 'k' }))).TagSet, [{ Key: 'a', Value: '1' }, { Key: 'b', Value: 'two words' }]);
  await s3.send(new S.PutObjectTaggingCommand({ Bucket: 'tags', Key: 'k', Tagging: { TagSet: [{ Key: 'c', Value: '3' }] } }));
  assert.equal((await s3.send(new S.HeadObjectCommand({ Bucket: 'tags', Key: 'k' }))).TagCount, 1);
  await s3.send(new S.DeleteObjectTaggingCommand({ Bucket: 'tags', Key: 'k' }));
  assert.deepEqual((await s3.send(new S.GetObjectTaggingCommand({ Bucket: 'tags', Key: 'k' }))).TagSet, []);
  const tooMany = Array.from({ length: 11 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }));
  await rejects(s3.send(new S.PutObjectTaggingCommand({ Bucket: 'tags', Key: 'k', Tagging: { TagSet: tooMany } })), 'BadRequest');
  await s3.send(new S.PutObjectAclCommand({ Bucket: 'tags', Key: 'k', ACL: 'public-read' }));
  const acl = await s3.send(new S.GetObjectAclCommand({ Bucket: 'tags', Key: 'k' }));
  assert.deepEqual(acl.Grants!.map((g) => [g.Grantee!.Type, g.Grantee!.URI ?? 'owner', g.Permission]), [
    ['CanonicalUser', 'owner', 'FULL_CONTROL'], ['Group', 'http://acs.amazonaws.com/groups/global/AllUsers', 'READ'],
  ]);
  const attrs = await s3.send(new S.GetObjectAttributesCommand({ Bucket: 'tags', Key: 'k', ObjectAttributes: ['ETag', 'ObjectSize', 'StorageClass'] }));
  assert.equal(attrs.ETag, '9dd4e461268c8034f5c8564e155c67a6');
  assert.equal(attrs.ObjectSize, 1);
  assert.equal(attrs.StorageClass, 'STANDARD');
});

test('ACLs are refused where the bucket enforces owner object ownership', async () => {
  await s3.send(new S.CreateBucketCommand({ Bucket: 'enforced' }));
  await rejects(s3.send(new S.PutObjectCommand({ Bucket: 'enforced', Key: 'k', Body: 'x', ACL: 'public-read' })), 'AccessControlListNotSupported');
  await s3.send(new S.PutObjectCommand({ Bucket: 'enforced', Key: 'k', Body: 'x', ACL: 'bucket-owner-full-control' }));
  assert.deepEqual((await s3.send(new S.GetBucketOwnershipControlsCommand({ Bucket: 'enforced' }))).OwnershipControls!.Rules, [{ ObjectOwnership: 'BucketOwnerEnforced' }]);
  // Public ACLs are blocked by default even where ACLs are allowed.
  await s3.send(new S.CreateBucketCommand({ Bucket: 'writer-owned', ObjectOwnership: 'ObjectWriter' }));
  await rejects(s3.send(new S.PutObjectCommand({ Bucket: 'writer-owned', Key: 'k', Body: 'x', ACL: 'public-read' })), 'AccessDenied', 403);
});

test('archived objects need a restore before GetObject', async () => {
  await s3.send(new S.CreateBucketCommand({ Bucket: 'cold' }));
  await s3.send(new S.PutObjectCommand({ Bucket: 'cold', Key: 'k', Body: 'frozen', StorageClass: 'GLACIER' }));
  await rejects(s3.send(new S.GetObjectCommand({ Bucket: 'cold', Key: 'k' })), 'InvalidObjectState', 403);
  const r = await s3.send(new S.RestoreObjectCommand({ Bucket: 'cold', Key: 'k', RestoreRequest: { Days: 2 } }));
  assert.equal(r.$metadata.httpStatusCode, 202);
  const again = await s3.send(new S.RestoreObjectCommand({ Bucket: 'cold', Key: 'k', RestoreRequest: { Days: 2 } }));
  assert.equal(again.$metadata.httpStatusCode, 200);
  const head = await s3.send(new S.HeadObjectCommand({ Bucket: 'cold', Key: 'k' }));
  assert.match(head.Restore!, /ongoing-request="false", expiry-date=/);
  assert.equal(await text(await s3.send(new S.GetObjectCommand({ Bucket: 'cold', Key: 'k' }))), 'frozen');
  fb.clock.advance(3 * 86_400_000);
  await rejects(s3.send(new S.GetObjectCommand({ Bucket: 'cold', Key: 'k' })), 'InvalidObjectState', 403);
  await s3.send(new S.PutObjectCommand({ Bucket: 'cold', Key: 'warm', Body: 'x' }));
  await rejects(s3.send(new S.RestoreObjectCommand({ Bucket: 'cold', Key: 'warm', RestoreRequest: { Days: 1 } })), 'InvalidObjectState');
});

test('SSE settings are stored and returned; SSE-C needs its key on every read', async () => {
  await s3.send(new S.CreateBucketCommand({ Bucket: 'sse' }));
  const kms = await s3.send(new S.PutObjectCommand({ Bucket: 'sse', Key: 'kms', Body: 'x', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: 'alias/mine' }));
  assert.equal(kms.ServerSideEncryption, 'aws:kms');
  assert.equal(kms.SSEKMSKeyId, 'alias/mine');
  const key = Buffer.alloc(32, 9);
  await s3.send(new S.PutObjectCommand({ Bucket: 'sse', Key: 'customer', Body: 'secret', SSECustomerAlgorithm: 'AES256', SSECustomerKey: key.toString('base64') }));
  await rejects(s3.send(new S.GetObjectCommand({ Bucket: 'sse', Key: 'customer' })), 'InvalidRequest');
  const got = await s3.send(new S.GetObjectCommand({ Bucket: 'sse', Key: 'customer', SSECustomerAlgorithm: 'AES256', SSECustomerKey: key.toString('base64') }));
  assert.equal(await text(got), 'secret');
  assert.equal(got.SSECustomerAlgorithm, 'AES256');
});
