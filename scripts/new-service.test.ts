// `npm run new-service` scaffolds a service that type-checks, keeps the import rules and is routed:
// run in a copy of the repository, then the copy's type checker, import checker and the scaffolded
// test (through boto3) must all pass.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('..', import.meta.url));
const node = process.execPath;

function run(cwd: string, args: string[]) {
  // NODE_TEST_CONTEXT would make the child's node:test think it runs inside this test and skip files.
  const { NODE_TEST_CONTEXT: _, ...env } = process.env;
  const r = spawnSync(node, args, { cwd, encoding: 'utf8', timeout: 120_000, env: { ...env, FOGBANK_REPO_ROOT: cwd } });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

test('new-service refuses what it cannot scaffold, naming why', () => {
  const cases: Array<[string[], RegExp]> = [
    [['aws', 'sqs'], /sqs is already in src\/aws\/catalog\.ts/],
    [['aws', '../etc'], /is not a service name/],
    [['aws', 'nosuchservice'], /no aws-sdk model for 'nosuchservice'/],
    [['gcp', 'pubsub'], /gcp provider .* issue 13/],
    [['azure', 'blob'], /unknown cloud 'azure'/],
    [['aws'], /usage: npm run new-service/],
  ];
  const before = readFileSync(join(repo, 'src/aws/catalog.ts'), 'utf8');
  for (const [args, message] of cases) {
    const r = run(repo, ['scripts/new-service.ts', ...args]);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.out}`);
    assert.match(r.out, message);
  }
  assert.equal(readFileSync(join(repo, 'src/aws/catalog.ts'), 'utf8'), before);
});

test('new-service --dry-run finds the model by signing name and changes nothing', () => {
  const before = readFileSync(join(repo, 'src/aws/catalog.ts'), 'utf8');
  const r = run(repo, ['scripts/new-service.ts', 'aws', 'ses', '--dry-run']);
  assert.equal(r.code, 0, r.out);
  assert.match(r.out, /\{ name: 'ses', model: 'email-2010-12-01' \}/);
  assert.match(r.out, /protocol query/);
  assert.equal(readFileSync(join(repo, 'src/aws/catalog.ts'), 'utf8'), before);
});

test('a scaffolded service type-checks, keeps the import rules and is routed', { timeout: 180_000 }, () => {
  const copy = mkdtempSync(join(tmpdir(), 'fogbank-new-service-'));
  try {
    for (const part of ['src', 'scripts', 'test/support', 'package.json', 'tsconfig.json']) cpSync(join(repo, part), join(copy, part), { recursive: true });
    symlinkSync(join(repo, 'node_modules'), join(copy, 'node_modules'));
    const made = run(copy, ['scripts/new-service.ts', 'aws', 'kms']);
    assert.equal(made.code, 0, made.out);
    assert.match(readFileSync(join(copy, 'src/aws/catalog.ts'), 'utf8'), /\{ name: 'kms', model: 'kms-2014-11-01' \},\n\];/);
    assert.match(readFileSync(join(copy, 'src/aws/services/kms/index.ts'), 'utf8'), /defineService<KmsHandlers>/);
    const identities = readFileSync(join(copy, 'src/aws/generated/identities.ts'), 'utf8');
    assert.match(identities, /name: "kms",/);

    const typecheck = spawnSync(join(repo, 'node_modules/.bin/tsc'), ['--noEmit', '-p', copy], { encoding: 'utf8', timeout: 120_000 });
    assert.equal(typecheck.status, 0, typecheck.stdout + typecheck.stderr);
    const imports = run(copy, ['scripts/check-imports.ts']);
    assert.equal(imports.code, 0, imports.out);
    const tested = run(copy, ['--test', 'src/aws/services/kms/kms.test.ts']);
    assert.equal(tested.code, 0, tested.out);
    assert.match(tested.out, /ℹ pass [1-9]/);
    assert.match(tested.out, /ℹ fail 0/);
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
});
