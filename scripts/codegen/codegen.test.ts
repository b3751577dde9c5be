// Codegen's guarantees: committed outputs are current; the normalized model shows codecs what the
// v2 SDK sees; the v3 merge adds what current SDKs send (S3's ChecksumCRC64NVME and IfMatch); and
// no member of any v3 schema is missing from a generated model (DESIGN.md §2).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { awsCatalog, type CatalogEntry } from '../../src/aws/catalog.ts';
import { resolveRef, type ServiceModel, type ShapeRef } from '../../src/aws/protocol/model.ts';
import { v2ModelSource } from './load-v2.ts';
import { loadBotocoreModel } from './merge-botocore.ts';
import { buildService, hasPackage } from './pipeline.ts';
import { loadV3Service, type V3Shape } from './v3-schema.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const s3: CatalogEntry = { name: 's3', model: 's3-2006-03-01', v3Client: '@aws-sdk/client-s3' };

test('--check passes on the committed generated files', () => {
  const r = spawnSync(process.execPath, [join(root, 'scripts/codegen.ts'), '--check'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr + r.stdout);
});

test('generation is deterministic', async () => {
  const a = await buildService(s3, root);
  const b = await buildService(s3, root);
  assert.equal(JSON.stringify(a.model), JSON.stringify(b.model));
});

test('S3: the merge adds the v3 members the v2 model lacks, with their header bindings', async () => {
  const v2 = JSON.parse(readFileSync(v2ModelSource(root, s3.model).path, 'utf8'));
  const v2Members = v2.operations.PutObject.input.members;
  assert.equal(v2Members.ChecksumCRC64NVME, undefined, 'v2 model already has ChecksumCRC64NVME');
  assert.equal(v2Members.IfMatch, undefined, 'v2 model already has IfMatch');

  const { model, report } = await buildService(s3, root);
  const input = model.shapes[model.operations.PutObject!.input!.shape]!;
  const crc = resolveRef(model, input.members!.ChecksumCRC64NVME!);
  assert.equal(crc.type, 'string');
  assert.equal(crc.location, 'header');
  assert.equal(crc.locationName, 'x-amz-checksum-crc64nvme');
  const ifMatch = resolveRef(model, input.members!.IfMatch!);
  assert.equal(ifMatch.type, 'string');
  assert.equal(ifMatch.location, 'header');
  assert.equal(ifMatch.locationName, 'If-Match');
  assert.ok(report!.addedMembers.includes('PutObjectRequest.ChecksumCRC64NVME'));
  assert.ok(report!.addedMembers.includes('PutObjectRequest.IfMatch'));
  // The v2 member next to which v3 declares it: XML and header order follow the model.
  const names = Object.keys(input.members!);
  assert.equal(names.indexOf('ChecksumCRC64NVME'), names.indexOf('ChecksumCRC32C') + 1);
});

test('S3: operations v3 adds get the bucket label back and the service XML namespace', async () => {
  const { model } = await buildService(s3, root);
  const op = model.operations.PutBucketAbac!;
  assert.deepEqual(op.http, { method: 'PUT', requestUri: '/{Bucket}?abac', responseCode: 200 });
  const input = model.shapes[op.input!.shape]!;
  assert.equal(input.payload, 'AbacStatus');
  const payload = resolveRef(model, input.members!.AbacStatus!);
  assert.deepEqual(payload.xmlNamespace, { uri: 'http://s3.amazonaws.com/doc/2006-03-01/' });
  assert.equal(resolveRef(model, input.members!.Bucket!).location, 'uri');
});

test('errors carry their query code, status and fault as botocore writes them', async () => {
  const sts = awsCatalog.find((e) => e.name === 'sts')!;
  const { model } = await buildService(sts, root);
  assert.deepEqual(model.shapes.IDPCommunicationErrorException?.error, {
    code: 'IDPCommunicationError', httpStatusCode: 400, senderFault: true,
  });
  assert.equal(model.shapes.IDPCommunicationErrorException?.exception, true);
});

test('botocore constraints reach the inputs, matched by member name across shape names', async () => {
  const events = await buildService(awsCatalog.find((e) => e.name === 'events')!, root);
  const target = resolveRef(events.model, events.model.shapes.PutTargetsRequest!.members!.Targets!);
  const targetShape = resolveRef(events.model, target.member!);
  assert.equal(resolveRef(events.model, targetShape.members!.Input!).max, 8192);
  assert.equal(target.max, 100);
  assert.equal(target.min, 1);
  const listRules = events.model.shapes[events.model.operations.ListRules!.input!.shape]!;
  assert.deepEqual([resolveRef(events.model, listRules.members!.Limit!).min, resolveRef(events.model, listRules.members!.Limit!).max], [1, 100]);

  const dynamodb = await buildService(awsCatalog.find((e) => e.name === 'dynamodb')!, root);
  const gsi = resolveRef(dynamodb.model, dynamodb.model.shapes.QueryInput!.members!.IndexName!);
  assert.deepEqual([gsi.min, gsi.max, gsi.pattern], [3, 255, '[a-zA-Z0-9_.-]+']);
  // Overridden where AWS relaxed botocore 1.29's constraint (constraint-overrides.ts): table ARNs.
  const tableName = resolveRef(dynamodb.model, dynamodb.model.shapes.CreateTableInput!.members!.TableName!);
  assert.deepEqual([tableName.min, tableName.max, tableName.pattern], [1, 1024, undefined]);
  assert.ok(dynamodb.constraints.operationsWithout.length > 0, 'operations newer than botocore 1.29 are reported');

  // Enum sets: the current v3 client's values first (runtimes botocore 1.29 predates), botocore's after.
  const lambda = await buildService(awsCatalog.find((e) => e.name === 'lambda')!, root);
  const runtime = resolveRef(lambda.model, lambda.model.shapes.CreateFunctionRequest!.members!.Runtime!);
  assert.ok(runtime.enum?.includes('nodejs22.x') && runtime.enum.includes('nodejs12.x'), String(runtime.enum));
  // Constraints only: no documentation made it in.
  assert.ok(!JSON.stringify(lambda.model).includes('"documentation"'));
});

test('a missing botocore data directory fails with a message naming the package', () => {
  assert.throws(() => loadBotocoreModel('events', '2015-10-07', '/nonexistent/botocore/data'), /python3-botocore/);
});

// Every key the v2 SDK would see on a member (shape traits overridden by the reference's) must be what
// resolveRef gives on the generated model: same keys, same values.
for (const entry of [...awsCatalog, s3, { name: 'ec2', model: 'ec2-2016-11-15' }, { name: 'lambda', model: 'lambda-2015-03-31' }]) {
  test(`${entry.name}: resolveRef on the generated model sees what the v2 SDK sees`, async () => {
    const min = JSON.parse(readFileSync(v2ModelSource(root, entry.model).path, 'utf8'));
    const { model } = await buildService(entry, root);
    const problems: string[] = [];
    for (const [name, op] of Object.entries<{ input?: Record<string, unknown>; output?: Record<string, unknown> }>(min.operations)) {
      const generated = model.operations[name]!;
      if (op.input) compareViews(min, model, op.input, generated.input!, `${name}>`, problems, new Set());
      if (op.output) compareViews(min, model, op.output, generated.output!, `${name}<`, problems, new Set());
    }
    assert.deepEqual(problems.slice(0, 20), []);
  });
}

const CONSTRAINT_KEYS = new Set(['min', 'max', 'pattern', 'enum']);
const IGNORED = new Set(['documentation', 'documentationUrl', 'deprecatedMessage', 'members', 'member', 'key', 'value', 'shape', 'shapeName']);

function compareViews(
  min: { shapes: Record<string, Record<string, unknown>> }, model: ServiceModel, minRef: Record<string, unknown>,
  ref: ShapeRef, path: string, problems: string[], seen: Set<string>,
): void {
  const shared = typeof minRef.shape === 'string' ? minRef.shape : undefined;
  if (shared) {
    if (seen.has(`${shared}|${ref.shape}`)) return;
    seen.add(`${shared}|${ref.shape}`);
  }
  const v2 = shared ? { ...min.shapes[shared], ...minRef } : minRef;
  const view = resolveRef(model, ref) as Record<string, unknown>;
  v2.type ??= v2.members ? 'structure' : v2.member ? 'list' : v2.key ? 'map' : 'string';
  for (const k of new Set([...Object.keys(v2), ...Object.keys(view)])) {
    if (IGNORED.has(k)) continue;
    if (k === 'required') {
      // The merge may add members v3 requires; v2's required ones must all still be there.
      const missing = ((v2.required ?? []) as string[]).filter((r) => !((view.required ?? []) as string[]).includes(r));
      if (missing.length) problems.push(`${path}: required lost ${missing}`);
      continue;
    }
    if (k === 'payload' && v2.payload === undefined) continue;
    // The min models have no constraints; botocore's are merged in (tested below).
    if (CONSTRAINT_KEYS.has(k) && v2[k] === undefined) continue;
    if (JSON.stringify(v2[k]) !== JSON.stringify(view[k])) {
      problems.push(`${path}: ${k} v2=${JSON.stringify(v2[k])} generated=${JSON.stringify(view[k])}`);
    }
  }
  const v2Members = v2.members as Record<string, Record<string, unknown>> | undefined;
  for (const [name, m] of Object.entries(v2Members ?? {})) {
    const child = (view.members as Record<string, ShapeRef> | undefined)?.[name];
    if (!child) problems.push(`${path}.${name}: missing`);
    else compareViews(min, model, m, child, `${path}.${name}`, problems, seen);
  }
  if (v2.type === 'list') compareViews(min, model, (v2.member ?? {}) as Record<string, unknown>, view.member as ShapeRef, `${path}[]`, problems, seen);
  if (v2.type === 'map') {
    compareViews(min, model, (v2.key ?? {}) as Record<string, unknown>, view.key as ShapeRef, `${path}{key}`, problems, seen);
    compareViews(min, model, (v2.value ?? {}) as Record<string, unknown>, view.value as ShapeRef, `${path}{value}`, problems, seen);
  }
}

// DESIGN.md §2: whatever the source, no member a current SDK knows may be missing from the model.
for (const entry of [...awsCatalog.filter((e) => e.v3Client && hasPackage(root, e.v3Client)), s3]) {
  const committed = awsCatalog.includes(entry);
  test(`${entry.name}: the ${committed ? 'committed' : 'generated'} model has every operation, member and error of ${entry.v3Client}`, async () => {
    const model: ServiceModel = committed
      ? JSON.parse(readFileSync(join(root, 'src/aws/services', entry.name, 'generated/model.json'), 'utf8'))
      : (await buildService(entry, root)).model;
    const v3 = await loadV3Service(entry.v3Client!, root);
    const missing: string[] = [];
    const seen = new Set<string>();
    for (const [name, op] of v3.operations) {
      const generated = model.operations[name];
      if (!generated) {
        missing.push(`operation ${name}`);
        continue;
      }
      if (op.input) walkV3(model, op.input, generated.input, name, missing, seen);
      if (op.output) walkV3(model, op.output, generated.output, name, missing, seen);
    }
    for (const error of v3.errors) {
      const shape = model.shapes[error.name!];
      if (!shape?.exception) missing.push(`error ${error.name}`);
      else walkV3(model, error, { shape: error.name! }, error.name!, missing, seen);
    }
    assert.deepEqual(missing, []);
  });
}

function walkV3(model: ServiceModel, v3: V3Shape, ref: ShapeRef | undefined, path: string, missing: string[], seen: Set<string>): void {
  if (!ref) {
    if (v3.members?.size || v3.kind !== 'structure') missing.push(`${path}: no shape`);
    return;
  }
  const key = `${v3.name ?? ''}#${ref.shape}`;
  if (v3.name && seen.has(key)) return;
  seen.add(key);
  const view = resolveRef(model, ref);
  if (v3.members) {
    for (const [name, m] of v3.members) {
      const child = view.members?.[name];
      if (!child) missing.push(`${path}.${name}`);
      else walkV3(model, m.target, child, `${path}.${name}`, missing, seen);
    }
  } else if (v3.kind === 'list' && v3.member) {
    walkV3(model, v3.member.target, view.member, `${path}[]`, missing, seen);
  } else if (v3.kind === 'map' && v3.value) {
    walkV3(model, v3.value.target, view.value, `${path}{}`, missing, seen);
  }
}

// awsQueryCompatible: the query model must name parameters and elements exactly as the query-era
// clients do. Debian's botocore (boto3 1.26, which .ci/run installs) still ships SQS's query model.
const botocoreSqs = '/usr/lib/python3/dist-packages/botocore/data/sqs/2012-11-05/service-2.json';
test('sqs: the query model names every parameter and element as botocore\'s query-era model', { skip: !existsSync(botocoreSqs) && 'Debian python3-botocore not installed' }, async () => {
  const sqs = awsCatalog.find((e) => e.name === 'sqs');
  assert.ok(sqs, 'sqs is in the catalog');
  const { queryModel } = await buildService(sqs, root);
  assert.ok(queryModel, 'a query model is built for an awsQueryCompatible service');
  assert.equal(queryModel.metadata.protocol, 'query');
  const botocore = JSON.parse(readFileSync(botocoreSqs, 'utf8'));
  const problems: string[] = [];
  for (const [name, op] of Object.entries<{ input?: Record<string, unknown>; output?: Record<string, unknown> }>(botocore.operations)) {
    const generated = queryModel.operations[name]!;
    if (op.input) compareWireNames(botocore, queryModel, op.input, generated.input!, `${name}>`, problems);
    if (op.output) {
      compareWireNames(botocore, queryModel, op.output, generated.output!, `${name}<`, problems);
      if (op.output.resultWrapper !== generated.output!.resultWrapper) problems.push(`${name}: resultWrapper ${generated.output!.resultWrapper}`);
    }
  }
  assert.deepEqual(problems, []);
});

/**
 * The name a member has on the wire and whether it is flattened. A flattened list's items take the
 * list member's name (botocore's way of modelling it) or else the member's own (Smithy's xmlName).
 */
function wireName(v: Record<string, any>, member: string): string {
  if (v.type === 'list' && v.flattened && v.member?.locationName) return v.member.locationName;
  return v.locationName ?? member;
}

function compareWireNames(
  botocore: { shapes: Record<string, Record<string, unknown>> }, model: ServiceModel, bref: Record<string, unknown>,
  ref: ShapeRef, path: string, problems: string[], member = '', depth = 0,
): void {
  if (depth > 8) return;
  const b: Record<string, any> = { ...botocore.shapes[bref.shape as string], ...bref };
  const v: Record<string, any> = resolveRef(model, ref);
  if (member && wireName(b, member) !== wireName(v, member)) problems.push(`${path}: name ${wireName(v, member)}, botocore ${wireName(b, member)}`);
  if (!!b.flattened !== !!v.flattened) problems.push(`${path}: flattened ${!!v.flattened}, botocore ${!!b.flattened}`);
  if (b.type !== v.type && !(b.type === 'integer' && v.type === 'long')) problems.push(`${path}: type ${v.type}, botocore ${b.type}`);
  for (const [name, m] of Object.entries<Record<string, unknown>>(b.members ?? {})) {
    const child = v.members?.[name];
    if (!child) problems.push(`${path}.${name}: missing`);
    else compareWireNames(botocore, model, m, child, `${path}.${name}`, problems, name, depth + 1);
  }
  if (b.type === 'list') {
    if (!b.flattened && (b.member.locationName ?? 'member') !== (v.member.locationName ?? 'member')) problems.push(`${path}[]: item name`);
    compareWireNames(botocore, model, b.member, v.member, `${path}[]`, problems, '', depth + 1);
  }
  if (b.type === 'map') {
    if ((b.key.locationName ?? 'key') !== (v.key.locationName ?? 'key')) problems.push(`${path}{key}: name ${v.key.locationName}`);
    if ((b.value.locationName ?? 'value') !== (v.value.locationName ?? 'value')) problems.push(`${path}{value}: name ${v.value.locationName}`);
    compareWireNames(botocore, model, b.value, v.value, `${path}{value}`, problems, '', depth + 1);
  }
}
