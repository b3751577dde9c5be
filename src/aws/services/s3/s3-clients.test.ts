// S3 through boto3 (every installed version: managed transfers, paginators, presigned URLs) and the
// AWS CLI (every installed version: the high-level `aws s3` commands, sync both ways, s3api).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, readFileSync, readdirSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import * as S from '@aws-sdk/client-s3';
import { startFogbank, type TestFogbank } from '../../../testing/index.ts';
import { boto3Clients, awsCliClients, aws, python } from '../../../../test/support/clients.ts';

let fb: TestFogbank;
let s3: S.S3Client;
let work: string;

before(async () => {
  fb = await startFogbank();
  s3 = fb.client(S.S3Client);
  work = mkdtempSync(join(tmpdir(), 'fogbank-s3-clients-'));
});
after(async () => {
  await fb.stop();
  rmSync(work, { recursive: true, force: true });
});

const BOTO3_SCRIPT = String.raw`
import boto3, json, os, sys, hashlib, urllib.request
from boto3.s3.transfer import TransferConfig
from botocore.exceptions import ClientError
bucket = os.environ['BUCKET']
work = os.environ['WORK']
s3 = boto3.client('s3', endpoint_url=os.environ['ENDPOINT'], region_name='us-east-1')
out = {}
s3.create_bucket(Bucket=bucket)
keys = ['plain.txt', 'dir/space name.txt', 'dir/plus+sign', 'unicode/é漢字', 'dir/sub/deep']
for k in keys:
    s3.put_object(Bucket=bucket, Key=k, Body=k.encode(), Metadata={'k': 'v'})
out['get'] = s3.get_object(Bucket=bucket, Key='dir/space name.txt')['Body'].read().decode()
pages = s3.get_paginator('list_objects_v2').paginate(Bucket=bucket, PaginationConfig={'PageSize': 2})
out['listed'] = [c['Key'] for p in pages for c in p.get('Contents', [])]
out['v1'] = [c['Key'] for p in s3.get_paginator('list_objects').paginate(Bucket=bucket, Delimiter='/') for c in p.get('Contents', [])] 
out['prefixes'] = [c['Prefix'] for c in s3.list_objects_v2(Bucket=bucket, Delimiter='/').get('CommonPrefixes', [])]
big = os.path.join(work, 'big.bin')
with open(big, 'wb') as f:
    f.write(os.urandom(11 * 1024 * 1024 + 7))
cfg = TransferConfig(multipart_threshold=5 * 1024 * 1024, multipart_chunksize=5 * 1024 * 1024)
s3.upload_file(big, bucket, 'transfers/big.bin', Config=cfg)
back = os.path.join(work, 'back.bin')
s3.download_file(bucket, 'transfers/big.bin', back, Config=cfg)
out['roundtrip'] = open(big, 'rb').read() == open(back, 'rb').read()
out['etag'] = s3.head_object(Bucket=bucket, Key='transfers/big.bin')['ETag']
s3.copy_object(Bucket=bucket, Key='copied.txt', CopySource={'Bucket': bucket, 'Key': 'unicode/é漢字'})
out['copied'] = s3.get_object(Bucket=bucket, Key='copied.txt')['Body'].read().decode()
url = s3.generate_presigned_url('get_object', Params={'Bucket': bucket, 'Key': 'plain.txt'}, ExpiresIn=60)
out['presigned'] = urllib.request.urlopen(url).read().decode()
deleted = s3.delete_objects(Bucket=bucket, Delete={'Objects': [{'Key': 'plain.txt'}, {'Key': 'copied.txt'}]})
out['deleted'] = sorted(d['Key'] for d in deleted['Deleted'])
try:
    s3.head_object(Bucket=bucket, Key='plain.txt')
except ClientError as e:
    out['head_missing'] = e.response['Error']['Code']
try:
    s3.get_object(Bucket=bucket, Key='nope')
except ClientError as e:
    out['get_missing'] = [e.response['Error']['Code'], e.response['Error'].get('Key')]
west = boto3.client('s3', endpoint_url=os.environ['ENDPOINT'], region_name='eu-west-1')
try:
    west.create_bucket(Bucket=bucket + '-west')
except ClientError as e:
    out['no_constraint'] = e.response['Error']['Code']
west.create_bucket(Bucket=bucket + '-west', CreateBucketConfiguration={'LocationConstraint': 'eu-west-1'})
out['location'] = west.get_bucket_location(Bucket=bucket + '-west')['LocationConstraint']
out['east_location'] = s3.get_bucket_location(Bucket=bucket)['LocationConstraint']
print(json.dumps(out))
`;

for (const client of boto3Clients()) {
  test(`boto3 ${client.boto3Version}: objects, paginators, managed transfers, presigned URLs, errors`, async () => {
    const bucket = `boto-${client.boto3Version.replace(/\./g, '-')}`;
    const dir = join(work, bucket);
    mkdirSync(dir);
    const r = await python(client, fb.endpoint, BOTO3_SCRIPT, { BUCKET: bucket, WORK: dir });
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.get, 'dir/space name.txt');
    const expected = ['dir/plus+sign', 'dir/space name.txt', 'dir/sub/deep', 'plain.txt', 'unicode/é漢字'];
    assert.deepEqual(out.listed, expected);
    assert.deepEqual(out.v1, ['plain.txt']);
    assert.deepEqual(out.prefixes, ['dir/', 'unicode/']);
    assert.equal(out.roundtrip, true);
    assert.match(out.etag, /^"[0-9a-f]{32}-3"$/);
    assert.equal(out.copied, 'unicode/é漢字');
    assert.equal(out.presigned, 'plain.txt');
    assert.deepEqual(out.deleted, ['copied.txt', 'plain.txt']);
    assert.equal(out.head_missing, '404');
    assert.deepEqual(out.get_missing, ['NoSuchKey', 'nope']);
    assert.equal(out.no_constraint, 'IllegalLocationConstraintException');
    assert.equal(out.location, 'eu-west-1');
    assert.equal(out.east_location, null);
    const head = await s3.send(new S.HeadObjectCommand({ Bucket: bucket, Key: 'dir/sub/deep' }));
    assert.deepEqual(head.Metadata, { k: 'v' });
  });
}

for (const cli of awsCliClients()) {
  test(`${cli.label}: aws s3 mb/cp/ls/sync/presign/rm/rb and s3api`, async () => {
    const bucket = `cli-${cli.label.replace(/[^a-z0-9]/gi, '-').toLowerCase()}`;
    const run = async (...args: string[]) => {
      const r = await aws(cli, fb.endpoint, args);
      assert.equal(r.code, 0, `aws ${args.join(' ')}\n${r.stderr}`);
      return r.stdout;
    };
    const src = join(work, `${bucket}-src`);
    const dst = join(work, `${bucket}-dst`);
    mkdirSync(join(src, 'nested/deeper'), { recursive: true });
    const files: string[] = [];
    for (let i = 0; i < 30; i++) {
      const rel = i % 3 === 0 ? `nested/file ${i}.txt` : i % 3 === 1 ? `nested/deeper/f${i}.dat` : `top${i}.txt`;
      writeFileSync(join(src, rel), `content ${i}\n`.repeat(i + 1));
      files.push(rel);
    }
    const big = Buffer.alloc(9 * 1024 * 1024 + 5, 3);
    writeFileSync(join(src, 'big.bin'), big);
    files.push('big.bin');
    await run('s3', 'mb', `s3://${bucket}`);
    await run('s3', 'sync', src, `s3://${bucket}/site/`);
    const listing = await run('s3', 'ls', `s3://${bucket}/site/`, '--recursive');
    assert.equal(listing.trim().split('\n').length, files.length);
    assert.match(listing, /site\/nested\/deeper\/f1\.dat/);
    const head = await s3.send(new S.HeadObjectCommand({ Bucket: bucket, Key: 'site/big.bin' }));
    assert.match(head.ETag!, /-2"$/);
    // A second sync has nothing to do.
    assert.equal((await run('s3', 'sync', src, `s3://${bucket}/site/`)).trim(), '');
    await run('s3', 'sync', `s3://${bucket}/site/`, dst);
    const walk = (d: string, prefix = ''): string[] =>
      readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(d, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`]));
    assert.deepEqual(walk(dst).sort(), [...files].sort());
    for (const f of files) assert.ok(readFileSync(join(dst, f)).equals(readFileSync(join(src, f))), f);
    await run('s3', 'cp', join(src, 'top2.txt'), `s3://${bucket}/single.txt`);
    const url = (await run('s3', 'presign', `s3://${bucket}/single.txt`, '--expires-in', '300')).trim();
    assert.equal(await (await fetch(url)).text(), readFileSync(join(src, 'top2.txt'), 'utf8'));
    const put = JSON.parse(await run('s3api', 'put-object', '--bucket', bucket, '--key', 'api/obj', '--body', join(src, 'top2.txt'), '--metadata', 'a=b'));
    assert.equal(put.ETag, `"${createHash('md5').update(readFileSync(join(src, 'top2.txt'))).digest('hex')}"`);
    assert.deepEqual((await s3.send(new S.HeadObjectCommand({ Bucket: bucket, Key: 'api/obj' }))).Metadata, { a: 'b' });
    await run('s3', 'rm', `s3://${bucket}/site/`, '--recursive');
    assert.equal((await s3.send(new S.ListObjectsV2Command({ Bucket: bucket, Prefix: 'site/' }))).KeyCount, 0);
    const rbFail = await aws(cli, fb.endpoint, ['s3', 'rb', `s3://${bucket}`]);
    assert.notEqual(rbFail.code, 0);
    assert.match(rbFail.stderr, /BucketNotEmpty/);
    await run('s3', 'rb', `s3://${bucket}`, '--force');
    await assert.rejects(s3.send(new S.HeadBucketCommand({ Bucket: bucket })), { name: 'NotFound' });
  });
}
