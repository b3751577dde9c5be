// Listing: ListObjects v1 and v2, ListObjectVersions, ListMultipartUploads — prefixes, delimiters,
// markers and tokens, encoding-type=url — and that every listing is an index range scan.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import * as S from '@aws-sdk/client-s3';
import { startFogbank, type TestFogbank } from '../../../testing/index.ts';
import { encodeKey } from './keys.ts';

let fb: TestFogbank;
let s3: S.S3Client;

before(async () => {
  fb = await startFogbank();
  s3 = fb.client(S.S3Client);
});
after(() => fb.stop());
beforeEach(() => fb.reset());

const KEYS = ['a/1', 'a/2', 'a/b/1', 'b', 'c/1', 'c/2', 'd', 'e/x/y', 'f'];

async function fill(bucket: string, keys = KEYS): Promise<void> {
  await s3.send(new S.CreateBucketCommand({ Bucket: bucket }));
  await Promise.all(keys.map((k) => s3.send(new S.PutObjectCommand({ Bucket: bucket, Key: k, Body: k }))));
}

test('ListObjectsV2: delimiter groups common prefixes, pages by token, KeyCount counts both', async () => {
  await fill('lv2');
  const all = await s3.send(new S.ListObjectsV2Command({ Bucket: 'lv2', Delimiter: '/' }));
  assert.deepEqual(all.Contents!.map((c) => c.Key), ['b', 'd', 'f']);
  assert.deepEqual(all.CommonPrefixes!.map((p) => p.Prefix), ['a/', 'c/', 'e/']);
  assert.equal(all.KeyCount, 6);
  assert.equal(all.IsTruncated, false);
  assert.equal(all.Delimiter, '/');
  // Pages of 2 mixing keys and prefixes, in order, none repeated.
  const seen: string[] = [];
  let token: string | undefined;
  let pages = 0;
  do {
    const p = await s3.send(new S.ListObjectsV2Command({ Bucket: 'lv2', Delimiter: '/', MaxKeys: 2, ContinuationToken: token }));
    assert.ok(p.KeyCount! <= 2);
    seen.push(...(p.CommonPrefixes ?? []).map((x) => x.Prefix!), ...(p.Contents ?? []).map((x) => x.Key!));
    token = p.NextContinuationToken;
    assert.equal(p.IsTruncated, token !== undefined);
    pages++;
  } while (token);
  assert.equal(pages, 3);
  assert.deepEqual(seen.sort(), ['a/', 'b', 'c/', 'd', 'e/', 'f']);
  const nested = await s3.send(new S.ListObjectsV2Command({ Bucket: 'lv2', Prefix: 'a/', Delimiter: '/' }));
  assert.deepEqual(nested.Contents!.map((c) => c.Key), ['a/1', 'a/2']);
  assert.deepEqual(nested.CommonPrefixes!.map((p) => p.Prefix), ['a/b/']);
  const after = await s3.send(new S.ListObjectsV2Command({ Bucket: 'lv2', StartAfter: 'c/1' }));
  assert.deepEqual(after.Contents!.map((c) => c.Key), ['c/2', 'd', 'e/x/y', 'f']);
  assert.equal(after.StartAfter, 'c/1');
  const owner = await s3.send(new S.ListObjectsV2Command({ Bucket: 'lv2', FetchOwner: true, MaxKeys: 1 }));
  assert.match(owner.Contents![0].Owner!.ID!, /^[0-9a-f]{64}$/);
  const noOwner = await s3.send(new S.ListObjectsV2Command({ Bucket: 'lv2', MaxKeys: 1 }));
  assert.equal(noOwner.Contents![0].Owner, undefined);
  const zero = await s3.send(new S.ListObjectsV2Command({ Bucket: 'lv2', MaxKeys: 0 }));
  assert.equal(zero.KeyCount, 0);
  assert.equal(zero.IsTruncated, false);
  await assert.rejects(s3.send(new S.ListObjectsV2Command({ Bucket: 'lv2', ContinuationToken: '!!!' })), { name: 'InvalidArgument' });
  await assert.rejects(s3.send(new S.ListObjectsV2Command({ Bucket: 'nosuchbucket' })), { name: 'NoSuchBucket' });
});

test('ListObjects v1: marker, and NextMarker only with a delimiter', async () => {
  await fill('lv1');
  const p1 = await s3.send(new S.ListObjectsCommand({ Bucket: 'lv1', MaxKeys: 3 }));
  assert.deepEqual(p1.Contents!.map((c) => c.Key), ['a/1', 'a/2', 'a/b/1']);
  assert.equal(p1.IsTruncated, true);
  assert.equal(p1.NextMarker, undefined);
  assert.ok(p1.Contents![0].Owner?.ID);
  const p2 = await s3.send(new S.ListObjectsCommand({ Bucket: 'lv1', MaxKeys: 3, Marker: 'a/b/1' }));
  assert.deepEqual(p2.Contents!.map((c) => c.Key), ['b', 'c/1', 'c/2']);
  assert.equal(p2.Marker, 'a/b/1');
  const d1 = await s3.send(new S.ListObjectsCommand({ Bucket: 'lv1', Delimiter: '/', MaxKeys: 2 }));
  assert.deepEqual(d1.CommonPrefixes!.map((p) => p.Prefix), ['a/']);
  assert.deepEqual(d1.Contents!.map((c) => c.Key), ['b']);
  assert.equal(d1.NextMarker, 'b');
  const d2 = await s3.send(new S.ListObjectsCommand({ Bucket: 'lv1', Delimiter: '/', MaxKeys: 1, Marker: 'b' }));
  assert.deepEqual(d2.CommonPrefixes!.map((p) => p.Prefix), ['c/']);
  assert.equal(d2.NextMarker, 'c/');
  // A marker that is a common prefix skips everything under it.
  const d3 = await s3.send(new S.ListObjectsCommand({ Bucket: 'lv1', Delimiter: '/', Marker: 'c/' }));
  assert.deepEqual(d3.Contents!.map((c) => c.Key), ['d', 'f']);
  assert.deepEqual(d3.CommonPrefixes!.map((p) => p.Prefix), ['e/']);
});

test('encoding-type=url encodes keys, prefixes and delimiters the way S3 does', async () => {
  await fill('enc', ['a b/c+d', 'a b/plain', 'ü/x', '100%', 'ctl\u0002']);
  const r = await s3.send(new S.ListObjectsV2Command({ Bucket: 'enc', EncodingType: 'url', Delimiter: '/' }));
  assert.equal(r.EncodingType, 'url');
  assert.deepEqual(r.Contents!.map((c) => c.Key), ['100%25', 'ctl%02']);
  assert.deepEqual(r.CommonPrefixes!.map((p) => p.Prefix), ['a+b/', '%C3%BC/']);
  const r2 = await s3.send(new S.ListObjectsV2Command({ Bucket: 'enc', EncodingType: 'url', Prefix: 'a b/' }));
  assert.deepEqual(r2.Contents!.map((c) => c.Key), ['a+b/c%2Bd', 'a+b/plain']);
  assert.equal(r2.Prefix, 'a+b/');
  await assert.rejects(s3.send(new S.ListObjectsV2Command({ Bucket: 'enc', EncodingType: 'base64' as S.EncodingType })), { name: 'InvalidArgument' });
});

test('ListObjectVersions pages by key and version-id markers', async () => {
  await s3.send(new S.CreateBucketCommand({ Bucket: 'lver' }));
  await s3.send(new S.PutBucketVersioningCommand({ Bucket: 'lver', VersioningConfiguration: { Status: 'Enabled' } }));
  const ids: Record<string, string[]> = { a: [], b: [] };
  for (const k of ['a', 'b']) {
    for (let i = 0; i < 3; i++) ids[k].unshift((await s3.send(new S.PutObjectCommand({ Bucket: 'lver', Key: k, Body: `${k}${i}` }))).VersionId!);
  }
  await s3.send(new S.DeleteObjectCommand({ Bucket: 'lver', Key: 'b' }));
  const seen: Array<[string, string, boolean]> = [];
  let keyMarker: string | undefined;
  let versionMarker: string | undefined;
  do {
    const p = await s3.send(new S.ListObjectVersionsCommand({ Bucket: 'lver', MaxKeys: 2, KeyMarker: keyMarker, VersionIdMarker: versionMarker }));
    const entries = [
      ...(p.Versions ?? []).map((v) => [v.Key!, v.VersionId!, false] as [string, string, boolean]),
      ...(p.DeleteMarkers ?? []).map((d) => [d.Key!, d.VersionId!, true] as [string, string, boolean]),
    ];
    assert.ok(entries.length <= 2);
    seen.push(...entries);
    keyMarker = p.NextKeyMarker;
    versionMarker = p.NextVersionIdMarker;
    assert.equal(p.IsTruncated, keyMarker !== undefined);
  } while (keyMarker);
  assert.deepEqual(seen.filter((s) => !s[2]).map((s) => s[1]), [...ids.a, ...ids.b]);
  assert.equal(seen.filter((s) => s[2]).length, 1);
  await assert.rejects(s3.send(new S.ListObjectVersionsCommand({ Bucket: 'lver', VersionIdMarker: ids.a[0] })), { name: 'InvalidArgument' });
});

test('ListMultipartUploads lists by key and initiation, with prefixes and markers', async () => {
  await s3.send(new S.CreateBucketCommand({ Bucket: 'lmpu' }));
  const made: Array<[string, string]> = [];
  for (const k of ['x/1', 'x/2', 'y', 'y']) {
    made.push([k, (await s3.send(new S.CreateMultipartUploadCommand({ Bucket: 'lmpu', Key: k }))).UploadId!]);
  }
  const all = await s3.send(new S.ListMultipartUploadsCommand({ Bucket: 'lmpu' }));
  assert.deepEqual(all.Uploads!.map((u) => [u.Key, u.UploadId]), made);
  const grouped = await s3.send(new S.ListMultipartUploadsCommand({ Bucket: 'lmpu', Delimiter: '/' }));
  assert.deepEqual(grouped.CommonPrefixes!.map((p) => p.Prefix), ['x/']);
  assert.deepEqual(grouped.Uploads!.map((u) => u.Key), ['y', 'y']);
  const p1 = await s3.send(new S.ListMultipartUploadsCommand({ Bucket: 'lmpu', MaxUploads: 3 }));
  assert.equal(p1.IsTruncated, true);
  const p2 = await s3.send(new S.ListMultipartUploadsCommand({ Bucket: 'lmpu', KeyMarker: p1.NextKeyMarker, UploadIdMarker: p1.NextUploadIdMarker }));
  assert.deepEqual(p2.Uploads!.map((u) => u.UploadId), [made[3][1]]);
});

test('listing is an index range scan: no query plan scans the table', async () => {
  const store = fb.instance.env.store;
  const range = ['b', encodeKey('a'), encodeKey('b')];
  const plans = ([
    [`SELECT seq FROM s3_objects INDEXED BY s3_objects_listing WHERE bucket = ? AND is_latest = 1 AND delete_marker = 0 AND key >= ? AND key < ? ORDER BY key`, range],
    [`SELECT seq FROM s3_objects INDEXED BY s3_objects_versions WHERE bucket = ? AND key >= ? AND key < ? ORDER BY key, seq DESC`, range],
    [`SELECT * FROM s3_objects WHERE bucket = ? AND key = ? ORDER BY seq DESC LIMIT 1`, ['b', encodeKey('a')]],
    [`SELECT * FROM s3_objects WHERE bucket = ? AND key = ? AND version_id = ?`, ['b', encodeKey('a'), 'v']],
    // A page of versions that ends among one key's versions goes on from there.
    [`SELECT seq FROM s3_objects WHERE bucket = ? AND key = ? AND seq < ? ORDER BY seq DESC LIMIT 10`, ['b', encodeKey('a'), 5]],
  ] as const).map(async ([sql, args]) => (await store.all<{ detail: string }>(`EXPLAIN QUERY PLAN ${sql}`, ...args)).map((r) => r.detail).join(' | '));
  for (const plan of await Promise.all(plans)) {
    assert.match(plan, /SEARCH s3_objects USING (COVERING )?INDEX/, plan);
    assert.doesNotMatch(plan, /SCAN|TEMP B-TREE/, plan);
  }
});

test('a common prefix over many keys is skipped with one seek', async () => {
  await s3.send(new S.CreateBucketCommand({ Bucket: 'wide' }));
  // 20,000 keys under one prefix, written straight to the table (the S3 path is tested elsewhere).
  const insert =
    "INSERT INTO s3_objects (bucket, key, version_id, is_latest, size, etag, last_modified, owner, body) VALUES ('wide', ?, 'null', 1, 0, '\"d41d8cd98f00b204e9800998ecf8427e\"', 0, '000000000000', '[]')";
  await fb.instance.env.store.unit(async (tx) => {
    for (let i = 0; i < 20000; i++) await tx.run(insert, encodeKey(`big/${String(i).padStart(6, '0')}`));
  });
  await s3.send(new S.PutObjectCommand({ Bucket: 'wide', Key: 'after', Body: 'x' }));
  await s3.send(new S.PutObjectCommand({ Bucket: 'wide', Key: 'aaa', Body: 'x' }));
  const started = performance.now();
  const r = await s3.send(new S.ListObjectsV2Command({ Bucket: 'wide', Delimiter: '/' }));
  const elapsed = performance.now() - started;
  assert.deepEqual(r.Contents!.map((c) => c.Key), ['aaa', 'after']);
  assert.deepEqual(r.CommonPrefixes!.map((p) => p.Prefix), ['big/']);
  // Generous bound: a scan of 20,000 rows would not fail it on a fast machine, but the plan test does.
  assert.ok(elapsed < 2000, `listing took ${elapsed} ms`);
  const last = await s3.send(new S.ListObjectsV2Command({ Bucket: 'wide', Prefix: 'big/', StartAfter: 'big/019997' }));
  assert.deepEqual(last.Contents!.map((c) => c.Key), ['big/019998', 'big/019999']);
});
