// Lambda's control plane through the AWS SDK v3: functions from zips built here, code download,
// updates and their state transitions, versions, aliases with weighted routing, layers, policies,
// concurrency, URLs, invoke configs, code signing configs, tags, and the errors AWS gives.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import * as L from '@aws-sdk/client-lambda';
import * as S3 from '@aws-sdk/client-s3';
import { startFogbank, type TestFogbank } from '../../../testing/index.ts';
import { ROLE, admin, buildZip, json, text, waitFor, zipOf } from '../../../../test/support/lambda-kit.ts';

let fb: TestFogbank;
let lambda: L.LambdaClient;

before(async () => {
  fb = await startFogbank();
  lambda = fb.client(L.LambdaClient);
});
after(() => fb.stop());
beforeEach(() => fb.reset());

const echo = zipOf({ 'index.mjs': `export const handler = async (event) => ({ version: process.env.VER ?? 'none', event });` });

function create(name: string, extra: Partial<L.CreateFunctionCommandInput> = {}, zip: Uint8Array = echo) {
  return lambda.send(new L.CreateFunctionCommand({ FunctionName: name, Runtime: 'nodejs22.x', Role: ROLE, Handler: 'index.handler', Code: { ZipFile: zip }, ...extra }));
}

async function expectError(p: Promise<unknown>, name: string, message?: RegExp): Promise<void> {
  await assert.rejects(p, (err: Error & { $metadata?: { httpStatusCode?: number } }) => {
    assert.equal(err.name, name, err.message);
    if (message) assert.match(err.message, message);
    return true;
  });
}

test('CreateFunction from a zip: Pending then Active, code download link, list pagination', async () => {
  const created = await create('alpha', { Description: 'first', Environment: { Variables: { VER: '1' } }, Tags: { team: 'a' } });
  assert.equal(created.State, 'Pending');
  assert.equal(created.FunctionArn, 'arn:aws:lambda:us-east-1:000000000000:function:alpha');
  assert.equal(created.Version, '$LATEST');
  assert.equal(created.CodeSha256, createHash('sha256').update(echo).digest('base64'));
  assert.equal(created.CodeSize, echo.length);
  assert.equal(created.Timeout, 3);
  assert.equal(created.MemorySize, 128);
  assert.deepEqual(created.Architectures, ['x86_64']);
  assert.deepEqual(created.LoggingConfig, { LogFormat: 'Text', LogGroup: '/aws/lambda/alpha' });
  await L.waitUntilFunctionActiveV2({ client: lambda, maxWaitTime: 5, minDelay: 1 }, { FunctionName: 'alpha' });
  const got = await lambda.send(new L.GetFunctionCommand({ FunctionName: 'alpha' }));
  assert.equal(got.Configuration?.State, 'Active');
  assert.equal(got.Configuration?.LastUpdateStatus, 'Successful');
  assert.deepEqual(got.Tags, { team: 'a' });
  assert.equal(got.Code?.RepositoryType, 'S3');
  const download = await fetch(got.Code!.Location!);
  assert.equal(download.status, 200);
  assert.deepEqual(Buffer.from(await download.arrayBuffer()), Buffer.from(echo));
  assert.equal((await fetch(got.Code!.Location!.replace(/[0-9a-f]{32}\.zip$/, '0'.repeat(32) + '.zip'))).status, 404);

  for (const n of ['beta', 'gamma', 'delta']) await create(n);
  const page1 = await lambda.send(new L.ListFunctionsCommand({ MaxItems: 3 }));
  assert.deepEqual(page1.Functions?.map((f) => f.FunctionName), ['alpha', 'beta', 'delta']);
  const page2 = await lambda.send(new L.ListFunctionsCommand({ MaxItems: 3, Marker: page1.NextMarker }));
  assert.deepEqual(page2.Functions?.map((f) => f.FunctionName), ['gamma']);
  assert.equal(page2.NextMarker, undefined);
  // A marker Fogbank did not issue is refused, not read as page one (nor a 500).
  for (const Marker of ['not-a-marker', Buffer.from('["alpha"]').toString('base64url'), Buffer.from('{').toString('base64url')]) {
    await expectError(lambda.send(new L.ListFunctionsCommand({ Marker })), 'InvalidParameterValueException', /Invalid Marker/);
  }
  await expectError(lambda.send(new L.ListVersionsByFunctionCommand({ FunctionName: 'alpha', Marker: 'x1' })), 'InvalidParameterValueException', /Invalid Marker/);

  await expectError(create('alpha'), 'ResourceConflictException', /Function already exist: alpha/);
  await expectError(lambda.send(new L.GetFunctionCommand({ FunctionName: 'nope' })), 'ResourceNotFoundException', /Function not found: arn:aws:lambda:us-east-1:000000000000:function:nope/);
  await lambda.send(new L.DeleteFunctionCommand({ FunctionName: 'arn:aws:lambda:us-east-1:000000000000:function:beta' }));
  await expectError(lambda.send(new L.GetFunctionConfigurationCommand({ FunctionName: 'beta' })), 'ResourceNotFoundException');
});

test('bad requests get Lambda\'s errors, and a zip entry cannot escape its directory', async () => {
  await expectError(create('old', { Runtime: 'nodejs16.x' }), 'InvalidParameterValueException', /nodejs16.x is no longer supported/);
  await expectError(create('bad-role', { Role: 'not-a-role' }), 'ValidationException', /role/);
  await expectError(create('nohandler', { Handler: undefined }), 'InvalidParameterValueException', /Runtime and Handler are mandatory/);
  await expectError(create('reserved', { Environment: { Variables: { AWS_REGION: 'x' } } }), 'InvalidParameterValueException', /Reserved keys used in this request: AWS_REGION/);
  await expectError(create('big-env', { Environment: { Variables: { BIG: 'x'.repeat(5000) } } }), 'InvalidParameterValueException', /exceeded the 4KB limit/);
  await expectError(create('mem', { MemorySize: 64 }), 'ValidationException', /memorySize/);
  await expectError(create('notzip', {}, Buffer.from('not a zip at all')), 'InvalidParameterValueException', /Could not unzip uploaded file/);
  const slip = buildZip([{ name: 'index.js', data: 'exports.handler = async () => 1' }, { name: '../../escaped.txt', data: 'gotcha' }]);
  await expectError(create('slip', {}, slip), 'InvalidParameterValueException', /Could not unzip/);
  const absolute = buildZip([{ name: '/tmp/fogbank-absolute.txt', data: 'gotcha' }]);
  await expectError(create('abs', {}, absolute), 'InvalidParameterValueException', /absolute path/);
  const dataDir = fb.instance.env.dataDir;
  assert.ok(!existsSync(join(dataDir, 'escaped.txt')) && !existsSync(join(dataDir, 'lambda', 'escaped.txt')));
  assert.ok(!existsSync('/tmp/fogbank-absolute.txt'));
  await expectError(lambda.send(new L.GetFunctionCommand({ FunctionName: 'bad name!' })), 'ValidationException');
  await expectError(
    lambda.send(new L.CreateFunctionCommand({ FunctionName: 'img', PackageType: 'Image', Role: ROLE, Code: { ImageUri: '000000000000.dkr.ecr.us-east-1.amazonaws.com/app:latest' } })),
    'InvalidParameterValueException',
    /Docker/,
  );
  // Nothing half-made is left behind.
  assert.deepEqual((await lambda.send(new L.ListFunctionsCommand({}))).Functions, []);
  const codeDir = join(dataDir, 'lambda', 'code');
  assert.ok(!existsSync(codeDir) || readdirSync(codeDir).every((d) => !d.includes('.tmp-')));
});

test('symlinks in a zip: loops and escapes through other links are refused, links inside the code work', async () => {
  const handler = { name: 'index.js', data: 'exports.handler = async () => 1' };
  const link = (name: string, target: string) => ({ name, data: target, symlink: true });
  const refused: Array<[string, Buffer, RegExp]> = [
    ['a two-link loop', buildZip([handler, link('a', 'b'), link('b', 'a')]), /symlink (a|b) is a symlink loop/],
    ['a directory looping on itself', buildZip([handler, link('d', 'd'), link('d/x', 'y')]), /symlink loop/],
    // Lexically a/a/a/../../.. is the root; with a -> . it is three levels above it.
    ['an escape through another link', buildZip([handler, link('a', '.'), link('s', 'a/a/a/../../..')]), /symlink s points outside the archive/],
    ['a link placed through a link', buildZip([handler, link('a', '.'), link('a/a/a/up', '../../..')]), /points outside the archive/],
    ['an absolute target', buildZip([handler, link('etc', '/etc')]), /symlink etc points outside the archive/],
    ['a plain escape', buildZip([handler, link('up', '../../..')]), /symlink up points outside the archive/],
    ['a name that is both a file and a link', buildZip([handler, { name: 'lib/x', data: 'file' }, link('lib', 'other')]), /Could not unzip/],
  ];
  for (const [what, zip, message] of refused) {
    await assert.rejects(create(`links-${refused.findIndex(([w]) => w === what)}`, {}, zip), (err: Error & { $metadata?: { httpStatusCode?: number } }) => {
      assert.equal(err.name, 'InvalidParameterValueException', `${what}: ${err.message}`);
      assert.equal(err.$metadata?.httpStatusCode, 400, what);
      assert.match(err.message, /^Could not unzip uploaded file\. Please check your file, then try to upload again\./, what);
      assert.match(err.message, message, what);
      assert.ok(!err.message.includes(fb.instance.env.dataDir), 'the message names entries, not server paths');
      return true;
    });
  }
  assert.deepEqual((await lambda.send(new L.ListFunctionsCommand({}))).Functions, []);
  const codeDir = join(fb.instance.env.dataDir, 'lambda', 'code');
  assert.ok(!existsSync(codeDir) || readdirSync(codeDir).every((d) => !d.includes('.tmp-')), 'refused archives leave nothing unpacked');

  // What real packages ship: node_modules/.bin links, versioned shared libraries, a handler reached through a link.
  const good = buildZip([
    { name: 'src/main.js', data: `const fs = require('fs');
exports.handler = async () => ({
  bin: fs.readFileSync(__dirname + '/../node_modules/.bin/tool', 'utf8'),
  lib: fs.readFileSync(__dirname + '/../lib/libx.so', 'utf8'),
  root: fs.readdirSync(__dirname + '/../self/self/src'),
});` },
    link('index.js', 'src/main.js'),
    { name: 'node_modules/tool/cli.js', data: '#!/usr/bin/env node' },
    link('node_modules/.bin/tool', '../tool/cli.js'),
    { name: 'lib/libx.so.1', data: 'ELF' },
    link('lib/libx.so', 'libx.so.1'),
    link('self', '.'),
    link('dangling', 'not-there'),
  ]);
  await create('links-ok', {}, good);
  await L.waitUntilFunctionActiveV2({ client: lambda, maxWaitTime: 5, minDelay: 1 }, { FunctionName: 'links-ok' });
  const r = await lambda.send(new L.InvokeCommand({ FunctionName: 'links-ok' }));
  assert.equal(r.FunctionError, undefined, text(r.Payload));
  assert.deepEqual(json(r.Payload), { bin: '#!/usr/bin/env node', lib: 'ELF', root: ['main.js'] });
});

test('layers merged into one /opt: a link that escapes only through another layer\'s link is removed', async () => {
  const link = (name: string, target: string) => ({ name, data: target, symlink: true });
  // Alone, each layer is fine: in B, q/q/../.. is B's own root. Merged, A's q -> . makes it /opt/../..
  const a = await lambda.send(new L.PublishLayerVersionCommand({ LayerName: 'a', Content: { ZipFile: buildZip([{ name: 'nodejs/node_modules/m/index.js', data: 'module.exports = 1' }, link('q', '.')]) } }));
  const b = await lambda.send(new L.PublishLayerVersionCommand({ LayerName: 'b', Content: { ZipFile: buildZip([link('p', 'q/q/../..'), link('fine', 'q/nodejs')]) } }));
  const handler = `const fs = require('fs'), path = require('path');
exports.handler = async () => {
  const opt = path.resolve(process.env.NODE_PATH.split(':').find((p) => p.endsWith('/nodejs/node_modules')), '../..');
  return { entries: fs.readdirSync(opt).filter((n) => !n.startsWith('.')).sort(), fine: fs.readdirSync(path.join(opt, 'fine')) };
};`;
  await create('merged', { Layers: [a.LayerVersionArn!, b.LayerVersionArn!] }, zipOf({ 'index.js': handler }));
  await L.waitUntilFunctionActiveV2({ client: lambda, maxWaitTime: 5, minDelay: 1 }, { FunctionName: 'merged' });
  const r = await lambda.send(new L.InvokeCommand({ FunctionName: 'merged' }));
  assert.equal(r.FunctionError, undefined, text(r.Payload));
  assert.deepEqual(json(r.Payload), { entries: ['fine', 'nodejs', 'q'], fine: ['node_modules'] });
});

test('updates: code and configuration go InProgress then Successful, and the new code runs', async () => {
  await create('upd');
  await L.waitUntilFunctionActiveV2({ client: lambda, maxWaitTime: 5, minDelay: 1 }, { FunctionName: 'upd' });
  assert.equal(json((await lambda.send(new L.InvokeCommand({ FunctionName: 'upd', Payload: '{"n":1}' }))).Payload).version, 'none');
  const cfg = await lambda.send(new L.UpdateFunctionConfigurationCommand({ FunctionName: 'upd', Environment: { Variables: { VER: 'two' } }, Timeout: 10, MemorySize: 256 }));
  assert.equal(cfg.LastUpdateStatus, 'InProgress');
  await L.waitUntilFunctionUpdatedV2({ client: lambda, maxWaitTime: 5, minDelay: 1 }, { FunctionName: 'upd' });
  assert.equal(json((await lambda.send(new L.InvokeCommand({ FunctionName: 'upd' }))).Payload).version, 'two');
  const before = (await lambda.send(new L.GetFunctionConfigurationCommand({ FunctionName: 'upd' }))).RevisionId;
  await expectError(lambda.send(new L.UpdateFunctionCodeCommand({ FunctionName: 'upd', ZipFile: echo, RevisionId: 'stale' })), 'PreconditionFailedException');
  const code = await lambda.send(new L.UpdateFunctionCodeCommand({
    FunctionName: 'upd',
    ZipFile: zipOf({ 'index.mjs': `export const handler = async () => 'new code';` }),
    RevisionId: before,
  }));
  assert.equal(code.LastUpdateStatus, 'InProgress');
  assert.notEqual(code.RevisionId, before);
  await L.waitUntilFunctionUpdatedV2({ client: lambda, maxWaitTime: 5, minDelay: 1 }, { FunctionName: 'upd' });
  assert.equal(json((await lambda.send(new L.InvokeCommand({ FunctionName: 'upd' }))).Payload), 'new code');
  const final = await lambda.send(new L.GetFunctionConfigurationCommand({ FunctionName: 'upd' }));
  assert.equal(final.Timeout, 10);
  assert.equal(final.MemorySize, 256);
  assert.deepEqual(final.Environment?.Variables, { VER: 'two' });
});

test('versions, qualified ARNs and aliases with weighted routing', async () => {
  const v = (tag: string) => zipOf({ 'index.mjs': `export const handler = async () => '${tag}';` });
  await create('ver', {}, v('one'));
  const v1 = await lambda.send(new L.PublishVersionCommand({ FunctionName: 'ver', Description: 'first' }));
  assert.equal(v1.Version, '1');
  assert.equal(v1.FunctionArn, 'arn:aws:lambda:us-east-1:000000000000:function:ver:1');
  // Nothing changed: the same version comes back.
  assert.equal((await lambda.send(new L.PublishVersionCommand({ FunctionName: 'ver' }))).Version, '1');
  await lambda.send(new L.UpdateFunctionCodeCommand({ FunctionName: 'ver', ZipFile: v('two') }));
  await L.waitUntilFunctionUpdatedV2({ client: lambda, maxWaitTime: 5, minDelay: 1 }, { FunctionName: 'ver' });
  await expectError(lambda.send(new L.PublishVersionCommand({ FunctionName: 'ver', CodeSha256: 'abc' })), 'InvalidParameterValueException', /CodeSHA256/);
  const v2 = await lambda.send(new L.PublishVersionCommand({ FunctionName: 'ver' }));
  assert.equal(v2.Version, '2');
  const versions = await lambda.send(new L.ListVersionsByFunctionCommand({ FunctionName: 'ver' }));
  assert.deepEqual(versions.Versions?.map((x) => x.Version), ['$LATEST', '1', '2']);
  const all = await lambda.send(new L.ListFunctionsCommand({ FunctionVersion: 'ALL', MaxItems: 2 }));
  assert.deepEqual(all.Functions?.map((x) => x.Version), ['$LATEST', '1']);
  const allRest = await lambda.send(new L.ListFunctionsCommand({ FunctionVersion: 'ALL', Marker: all.NextMarker }));
  assert.deepEqual(allRest.Functions?.map((x) => x.FunctionArn), ['arn:aws:lambda:us-east-1:000000000000:function:ver:2']);
  const run = async (q?: string) => {
    const r = await lambda.send(new L.InvokeCommand({ FunctionName: 'ver', Qualifier: q }));
    return [json(r.Payload), r.ExecutedVersion];
  };
  assert.deepEqual(await run('1'), ['one', '1']);
  assert.deepEqual(await run(), ['two', '$LATEST']);
  const alias = await lambda.send(new L.CreateAliasCommand({ FunctionName: 'ver', Name: 'live', FunctionVersion: '1', RoutingConfig: { AdditionalVersionWeights: { '2': 0.5 } } }));
  assert.equal(alias.AliasArn, 'arn:aws:lambda:us-east-1:000000000000:function:ver:live');
  const seen = new Set<string>();
  for (let i = 0; i < 40 && seen.size < 2; i++) seen.add(String((await run('live'))[1]));
  assert.deepEqual([...seen].sort(), ['1', '2']);
  const updated = await lambda.send(new L.UpdateAliasCommand({ FunctionName: 'ver', Name: 'live', FunctionVersion: '2', RoutingConfig: { AdditionalVersionWeights: {} } }));
  assert.equal(updated.FunctionVersion, '2');
  assert.deepEqual(await run('live'), ['two', '2']);
  assert.deepEqual((await lambda.send(new L.ListAliasesCommand({ FunctionName: 'ver' }))).Aliases?.map((a) => a.Name), ['live']);
  await expectError(lambda.send(new L.DeleteFunctionCommand({ FunctionName: 'ver', Qualifier: '2' })), 'ResourceConflictException', /aliases reference it: \[live\]/);
  await expectError(lambda.send(new L.DeleteFunctionCommand({ FunctionName: 'ver', Qualifier: '$LATEST' })), 'InvalidParameterValueException');
  await lambda.send(new L.DeleteFunctionCommand({ FunctionName: 'ver', Qualifier: '1' }));
  await expectError(lambda.send(new L.InvokeCommand({ FunctionName: 'ver:1' })), 'ResourceNotFoundException', /function:ver:1/);
  await lambda.send(new L.DeleteAliasCommand({ FunctionName: 'ver', Name: 'live' }));
  await expectError(lambda.send(new L.GetAliasCommand({ FunctionName: 'ver', Name: 'live' })), 'ResourceNotFoundException');
});

test('layers are unpacked where the runtimes look (/opt/nodejs/node_modules, /opt/python)', async () => {
  const layerZip = zipOf({
    'nodejs/node_modules/greet/index.js': `module.exports = (n) => 'hello ' + n;`,
    'python/greeting.py': `def greet(n):\n    return 'hi ' + n\n`,
    'bin/tool': { data: '#!/bin/sh\necho tool', mode: 0o755 },
  });
  const layer = await lambda.send(new L.PublishLayerVersionCommand({ LayerName: 'shared', Content: { ZipFile: layerZip }, CompatibleRuntimes: ['nodejs22.x', 'python3.12'], Description: 'greetings' }));
  assert.equal(layer.Version, 1);
  assert.equal(layer.LayerVersionArn, 'arn:aws:lambda:us-east-1:000000000000:layer:shared:1');
  assert.equal(layer.Content?.CodeSize, layerZip.length);
  const node = zipOf({ 'index.js': `const greet = require('greet'); exports.handler = async () => greet('node') + ' ' + process.env.PATH.split(':').some((p) => p.endsWith('/bin'));` });
  await create('uses-layer', { Layers: [layer.LayerVersionArn!] }, node);
  assert.equal(json((await lambda.send(new L.InvokeCommand({ FunctionName: 'uses-layer' }))).Payload), 'hello node true');
  await lambda.send(new L.CreateFunctionCommand({
    FunctionName: 'py-layer', Runtime: 'python3.12', Role: ROLE, Handler: 'app.handler', Layers: [layer.LayerVersionArn!],
    Code: { ZipFile: zipOf({ 'app.py': `from greeting import greet\ndef handler(event, context):\n    return greet('python')\n` }) },
  }));
  assert.equal(json((await lambda.send(new L.InvokeCommand({ FunctionName: 'py-layer' }))).Payload), 'hi python');
  const cfg = await lambda.send(new L.GetFunctionConfigurationCommand({ FunctionName: 'uses-layer' }));
  assert.deepEqual(cfg.Layers, [{ Arn: layer.LayerVersionArn, CodeSize: layerZip.length }]);
  const v2 = await lambda.send(new L.PublishLayerVersionCommand({ LayerName: 'shared', Content: { ZipFile: layerZip }, CompatibleRuntimes: ['python3.12'] }));
  assert.equal(v2.Version, 2);
  assert.deepEqual((await lambda.send(new L.ListLayerVersionsCommand({ LayerName: 'shared' }))).LayerVersions?.map((l) => l.Version), [2, 1]);
  const listed = await lambda.send(new L.ListLayersCommand({ CompatibleRuntime: 'nodejs22.x' }));
  assert.equal(listed.Layers?.[0].LatestMatchingVersion?.Version, 1);
  const byArn = await lambda.send(new L.GetLayerVersionByArnCommand({ Arn: layer.LayerVersionArn! }));
  assert.equal(byArn.Description, 'greetings');
  const download = await fetch(byArn.Content!.Location!);
  assert.deepEqual(Buffer.from(await download.arrayBuffer()), Buffer.from(layerZip));
  await lambda.send(new L.AddLayerVersionPermissionCommand({ LayerName: 'shared', VersionNumber: 1, StatementId: 'all', Action: 'lambda:GetLayerVersion', Principal: '*' }));
  assert.match((await lambda.send(new L.GetLayerVersionPolicyCommand({ LayerName: 'shared', VersionNumber: 1 }))).Policy!, /"Sid":"all"/);
  await lambda.send(new L.DeleteLayerVersionCommand({ LayerName: 'shared', VersionNumber: 1 }));
  await expectError(lambda.send(new L.GetLayerVersionCommand({ LayerName: 'shared', VersionNumber: 1 })), 'ResourceNotFoundException');
  await expectError(create('missing-layer', { Layers: ['arn:aws:lambda:us-east-1:000000000000:layer:shared:9'] }), 'InvalidParameterValueException', /does not exist/);
  // A function that used the deleted version still runs with its files.
  await admin(fb, '/_fogbank/lambda/evict', 'POST', {});
  assert.equal(json((await lambda.send(new L.InvokeCommand({ FunctionName: 'uses-layer' }))).Payload), 'hello node true');
});

test('resource policies, tags, code signing configs, runtime settings', async () => {
  await create('pol');
  const added = await lambda.send(new L.AddPermissionCommand({
    FunctionName: 'pol', StatementId: 'sns', Action: 'lambda:InvokeFunction', Principal: 'sns.amazonaws.com', SourceArn: 'arn:aws:sns:us-east-1:000000000000:t',
  }));
  assert.deepEqual(JSON.parse(added.Statement!), {
    Sid: 'sns', Effect: 'Allow', Principal: { Service: 'sns.amazonaws.com' }, Action: 'lambda:InvokeFunction',
    Resource: 'arn:aws:lambda:us-east-1:000000000000:function:pol', Condition: { ArnLike: { 'AWS:SourceArn': 'arn:aws:sns:us-east-1:000000000000:t' } },
  });
  await expectError(lambda.send(new L.AddPermissionCommand({ FunctionName: 'pol', StatementId: 'sns', Action: 'lambda:InvokeFunction', Principal: '*' })), 'ResourceConflictException');
  const policy = JSON.parse((await lambda.send(new L.GetPolicyCommand({ FunctionName: 'pol' }))).Policy!);
  assert.equal(policy.Statement.length, 1);
  await lambda.send(new L.RemovePermissionCommand({ FunctionName: 'pol', StatementId: 'sns' }));
  await expectError(lambda.send(new L.GetPolicyCommand({ FunctionName: 'pol' })), 'ResourceNotFoundException');
  await expectError(lambda.send(new L.RemovePermissionCommand({ FunctionName: 'pol', StatementId: 'sns' })), 'ResourceNotFoundException');

  const arn = 'arn:aws:lambda:us-east-1:000000000000:function:pol';
  await lambda.send(new L.TagResourceCommand({ Resource: arn, Tags: { a: '1', b: '2' } }));
  await lambda.send(new L.UntagResourceCommand({ Resource: arn, TagKeys: ['a'] }));
  assert.deepEqual((await lambda.send(new L.ListTagsCommand({ Resource: arn }))).Tags, { b: '2' });

  const csc = await lambda.send(new L.CreateCodeSigningConfigCommand({ AllowedPublishers: { SigningProfileVersionArns: ['arn:aws:signer:us-east-1:000000000000:/signing-profiles/p/abc'] } }));
  assert.match(csc.CodeSigningConfig!.CodeSigningConfigArn!, /:code-signing-config:csc-[a-z0-9]{17}$/);
  assert.equal(csc.CodeSigningConfig?.CodeSigningPolicies?.UntrustedArtifactOnDeployment, 'Warn');
  await lambda.send(new L.PutFunctionCodeSigningConfigCommand({ FunctionName: 'pol', CodeSigningConfigArn: csc.CodeSigningConfig!.CodeSigningConfigArn }));
  assert.equal((await lambda.send(new L.GetFunctionCodeSigningConfigCommand({ FunctionName: 'pol' }))).CodeSigningConfigArn, csc.CodeSigningConfig!.CodeSigningConfigArn);
  assert.deepEqual((await lambda.send(new L.ListFunctionsByCodeSigningConfigCommand({ CodeSigningConfigArn: csc.CodeSigningConfig!.CodeSigningConfigArn }))).FunctionArns, [arn]);
  await expectError(lambda.send(new L.DeleteCodeSigningConfigCommand({ CodeSigningConfigArn: csc.CodeSigningConfig!.CodeSigningConfigArn })), 'ResourceConflictException');
  await lambda.send(new L.DeleteFunctionCodeSigningConfigCommand({ FunctionName: 'pol' }));
  await lambda.send(new L.DeleteCodeSigningConfigCommand({ CodeSigningConfigArn: csc.CodeSigningConfig!.CodeSigningConfigArn }));

  assert.equal((await lambda.send(new L.GetFunctionRecursionConfigCommand({ FunctionName: 'pol' }))).RecursiveLoop, 'Terminate');
  await lambda.send(new L.PutFunctionRecursionConfigCommand({ FunctionName: 'pol', RecursiveLoop: 'Allow' }));
  assert.equal((await lambda.send(new L.GetFunctionRecursionConfigCommand({ FunctionName: 'pol' }))).RecursiveLoop, 'Allow');
  const rm = await lambda.send(new L.GetRuntimeManagementConfigCommand({ FunctionName: 'pol' }));
  assert.equal(rm.UpdateRuntimeOn, 'Auto');
  assert.match(rm.RuntimeVersionArn!, /^arn:aws:lambda:us-east-1::runtime:[0-9a-f]{64}$/);
});

test('concurrency: reserved (enforced), provisioned (environments started ahead), account settings', async () => {
  await create('conc', {}, zipOf({ 'index.mjs': `export const handler = async (e) => { await new Promise((r) => setTimeout(r, e.ms ?? 0)); return process.pid; };` }));
  await lambda.send(new L.PutFunctionConcurrencyCommand({ FunctionName: 'conc', ReservedConcurrentExecutions: 1 }));
  assert.equal((await lambda.send(new L.GetFunctionConcurrencyCommand({ FunctionName: 'conc' }))).ReservedConcurrentExecutions, 1);
  assert.equal((await lambda.send(new L.GetFunctionCommand({ FunctionName: 'conc' }))).Concurrency?.ReservedConcurrentExecutions, 1);
  const settings = await lambda.send(new L.GetAccountSettingsCommand({}));
  assert.equal(settings.AccountLimit?.UnreservedConcurrentExecutions, 999);
  assert.equal(settings.AccountUsage?.FunctionCount, 1);
  const once = fb.client(L.LambdaClient, { maxAttempts: 1 });
  const slow = once.send(new L.InvokeCommand({ FunctionName: 'conc', Payload: '{"ms":400}' }));
  await waitFor(async () => (await admin(fb, '/_fogbank/lambda/functions')).find((f: any) => f.name === 'conc')?.inflight === 1);
  await expectError(once.send(new L.InvokeCommand({ FunctionName: 'conc', Payload: '{}' })), 'TooManyRequestsException', /Rate Exceeded/);
  await slow;
  await lambda.send(new L.PutFunctionConcurrencyCommand({ FunctionName: 'conc', ReservedConcurrentExecutions: 0 }));
  await expectError(once.send(new L.InvokeCommand({ FunctionName: 'conc' })), 'TooManyRequestsException');
  await lambda.send(new L.DeleteFunctionConcurrencyCommand({ FunctionName: 'conc' }));
  assert.equal((await lambda.send(new L.GetFunctionConcurrencyCommand({ FunctionName: 'conc' }))).ReservedConcurrentExecutions, undefined);

  await lambda.send(new L.PublishVersionCommand({ FunctionName: 'conc' }));
  await expectError(lambda.send(new L.PutProvisionedConcurrencyConfigCommand({ FunctionName: 'conc', Qualifier: '$LATEST', ProvisionedConcurrentExecutions: 1 })), 'InvalidParameterValueException');
  const put = await lambda.send(new L.PutProvisionedConcurrencyConfigCommand({ FunctionName: 'conc', Qualifier: '1', ProvisionedConcurrentExecutions: 2 }));
  assert.equal(put.Status, 'IN_PROGRESS');
  await waitFor(async () => (await lambda.send(new L.GetProvisionedConcurrencyConfigCommand({ FunctionName: 'conc', Qualifier: '1' }))).Status === 'READY');
  const workers = await admin(fb, '/_fogbank/lambda/workers');
  assert.equal(workers.filter((w: any) => w.function === 'conc' && w.version === '1' && w.provisioned).length, 2);
  const list = await lambda.send(new L.ListProvisionedConcurrencyConfigsCommand({ FunctionName: 'conc' }));
  assert.equal(list.ProvisionedConcurrencyConfigs?.[0].FunctionArn, 'arn:aws:lambda:us-east-1:000000000000:function:conc:1');
  await lambda.send(new L.DeleteProvisionedConcurrencyConfigCommand({ FunctionName: 'conc', Qualifier: '1' }));
  await expectError(lambda.send(new L.GetProvisionedConcurrencyConfigCommand({ FunctionName: 'conc', Qualifier: '1' })), 'ProvisionedConcurrencyConfigNotFoundException');
});

test('function URL configs and event invoke configs', async () => {
  await create('cfg');
  const url = await lambda.send(new L.CreateFunctionUrlConfigCommand({ FunctionName: 'cfg', AuthType: 'NONE', Cors: { AllowOrigins: ['*'] } }));
  assert.match(url.FunctionUrl!, /^http:\/\/[a-z0-9]{32}\.lambda-url\.us-east-1\.localhost:\d+\/$/);
  await expectError(lambda.send(new L.CreateFunctionUrlConfigCommand({ FunctionName: 'cfg', AuthType: 'NONE' })), 'ResourceConflictException');
  const upd = await lambda.send(new L.UpdateFunctionUrlConfigCommand({ FunctionName: 'cfg', AuthType: 'AWS_IAM', InvokeMode: 'RESPONSE_STREAM' }));
  assert.equal(upd.AuthType, 'AWS_IAM');
  assert.equal(upd.InvokeMode, 'RESPONSE_STREAM');
  assert.equal(upd.FunctionUrl, url.FunctionUrl);
  assert.equal((await lambda.send(new L.ListFunctionUrlConfigsCommand({ FunctionName: 'cfg' }))).FunctionUrlConfigs?.length, 1);
  await lambda.send(new L.DeleteFunctionUrlConfigCommand({ FunctionName: 'cfg' }));
  await expectError(lambda.send(new L.GetFunctionUrlConfigCommand({ FunctionName: 'cfg' })), 'ResourceNotFoundException');

  const dest = 'arn:aws:sqs:us-east-1:000000000000:failures';
  const put = await lambda.send(new L.PutFunctionEventInvokeConfigCommand({ FunctionName: 'cfg', MaximumRetryAttempts: 1, DestinationConfig: { OnFailure: { Destination: dest } } }));
  assert.equal(put.MaximumRetryAttempts, 1);
  assert.equal(put.FunctionArn, 'arn:aws:lambda:us-east-1:000000000000:function:cfg');
  const upd2 = await lambda.send(new L.UpdateFunctionEventInvokeConfigCommand({ FunctionName: 'cfg', MaximumEventAgeInSeconds: 120 }));
  assert.equal(upd2.MaximumEventAgeInSeconds, 120);
  assert.equal(upd2.DestinationConfig?.OnFailure?.Destination, dest);
  await expectError(lambda.send(new L.PutFunctionEventInvokeConfigCommand({ FunctionName: 'cfg', MaximumRetryAttempts: 3 })), 'ValidationException');
  assert.equal((await lambda.send(new L.ListFunctionEventInvokeConfigsCommand({ FunctionName: 'cfg' }))).FunctionEventInvokeConfigs?.length, 1);
  await lambda.send(new L.DeleteFunctionEventInvokeConfigCommand({ FunctionName: 'cfg' }));
  await expectError(lambda.send(new L.GetFunctionEventInvokeConfigCommand({ FunctionName: 'cfg' })), 'ResourceNotFoundException');
});

test('code from Fogbank\'s S3 (S3Bucket/S3Key)', async () => {
  const s3 = fb.client(S3.S3Client);
  await s3.send(new S3.CreateBucketCommand({ Bucket: 'code' }));
  const zip = zipOf({ 'index.mjs': `export const handler = async () => 'from s3';` });
  await s3.send(new S3.PutObjectCommand({ Bucket: 'code', Key: 'fn.zip', Body: zip }));
  const created = await lambda.send(new L.CreateFunctionCommand({ FunctionName: 's3code', Runtime: 'nodejs22.x', Role: ROLE, Handler: 'index.handler', Code: { S3Bucket: 'code', S3Key: 'fn.zip' } }));
  assert.equal(created.CodeSha256, createHash('sha256').update(zip).digest('base64'));
  assert.equal(text((await lambda.send(new L.InvokeCommand({ FunctionName: 's3code' }))).Payload), '"from s3"');
  await expectError(
    lambda.send(new L.UpdateFunctionCodeCommand({ FunctionName: 's3code', S3Bucket: 'code', S3Key: 'missing.zip' })),
    'InvalidParameterValueException',
    /S3 Error Code: NoSuchKey/,
  );
});
