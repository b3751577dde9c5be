// `fogbank start` as a user runs it: flags, environment variables, the ready line, shutdown, and
// state that survives a restart.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { STSClient, AssumeRoleCommand, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { SQSClient, CreateQueueCommand, SendMessageCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';

const CLI = new URL('../bin/fogbank.js', import.meta.url).pathname;

function cli(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 20000 });
}

interface Running {
  endpoint: string;
  line: string;
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; stdout: string }>;
}

function start(args: string[], env: Record<string, string> = {}): Promise<Running> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'start', '--port', '0', ...args], { env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (c) => (stderr += c));
    child.stdout.on('data', (c) => {
      stdout += c;
      const m = /ready on (http:\/\/[^\s]+)/.exec(stdout);
      if (m) {
        resolve({
          endpoint: m[1],
          line: stdout.trim(),
          stop: (signal = 'SIGTERM') =>
            new Promise((done) => {
              child.once('exit', (code) => done({ code, stdout }));
              child.kill(signal);
            }),
        });
      }
    });
    child.once('exit', (code) => reject(new Error(`exited ${code} before ready: ${stderr}`)));
  });
}

test('invalid options stop with one line naming the option', () => {
  const unknown = cli(['start', '--prot', '1']);
  assert.equal(unknown.status, 2);
  assert.equal(unknown.stderr, "fogbank: unknown option --prot (see fogbank help)\n");
  const port = cli(['start', '--port', 'abc']);
  assert.equal(port.stderr, "fogbank: --port must be a whole number from 0 to 65535, not 'abc'\n");
  const envPort = cli(['start'], { FOGBANK_PORT: '70000' });
  assert.equal(envPort.stderr, "fogbank: FOGBANK_PORT must be a whole number from 0 to 65535, not '70000'\n");
  const level = cli(['start', '--log-level', 'loud']);
  assert.equal(level.stderr, "fogbank: --log-level must be error, warn, info or debug, not 'loud'\n");
  const missing = cli(['start', '--host']);
  assert.equal(missing.stderr, 'fogbank: option --host needs a value\n');
  const command = cli(['launch']);
  assert.equal(command.status, 2);
  assert.match(command.stderr, /^fogbank: unknown command 'launch'/);
  assert.equal(cli(['--help']).status, 0);
});

test('a bad --port-range stops with one line naming the option and the expected form', () => {
  const shape = cli(['start', '--port-range', '4510:4559']);
  assert.equal(shape.status, 2);
  assert.equal(shape.stderr, "fogbank: --port-range must be a range of ports like 4510-4559, not '4510:4559'\n");
  const backwards = cli(['start'], { FOGBANK_PORT_RANGE: '4559-4510' });
  assert.equal(backwards.status, 2);
  assert.equal(backwards.stderr, "fogbank: FOGBANK_PORT_RANGE the range's first port must not be above its last, not '4559-4510'\n");
  const high = cli(['start', '--port-range', '65000-70000']);
  assert.equal(high.stderr, "fogbank: --port-range ports must be from 1 to 65535, not '65000-70000'\n");
  assert.match(cli(['--help']).stdout, /--port-range <a-b>.*\n.*FOGBANK_PORT_RANGE\] default 4510-4559/);
});

test('a port in use is reported in one line', async () => {
  const first = await start(['--ephemeral']);
  try {
    const port = new URL(first.endpoint).port;
    const second = cli(['start', '--ephemeral', '--port', port]);
    assert.equal(second.status, 2);
    assert.equal(second.stderr, `fogbank: port ${port} on 127.0.0.1 is already in use (choose another with --port)\n`);
  } finally {
    await first.stop();
  }
});

test('--ephemeral prints the ready line, serves, and shuts down cleanly on SIGTERM and SIGINT', async () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    const fb = await start(['--ephemeral']);
    assert.match(fb.line, /^Fogbank \S+ ready on http:\/\/127\.0\.0\.1:\d+ — data: in memory \(ephemeral\) — admin: http:\/\/127\.0\.0\.1:\d+\/_fogbank\/ui\/\?token=[\w-]+\.[\w-]+\.[\w-]+$/);
    const health = await fetch(fb.endpoint + '/_fogbank/health');
    assert.equal(health.status, 200);
    const { code, stdout } = await fb.stop(signal);
    assert.equal(code, 0);
    assert.match(stdout, new RegExp(`Fogbank stopped \\(${signal}\\)`));
  }
});

test('FOGBANK_* environment variables are equivalent to flags', async () => {
  const fb = await start([], { FOGBANK_EPHEMERAL: '1', FOGBANK_HOST: '127.0.0.1' });
  try {
    assert.match(fb.line, /data: in memory/);
  } finally {
    await fb.stop();
  }
});

test('state in the data directory survives a restart', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fogbank-cli-'));
  try {
    const first = await start(['--data-dir', dir]);
    assert.match(first.line, new RegExp(`data: ${dir}`));
    const sts = new STSClient({ endpoint: first.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
    // AssumeRole needs the role to exist in IAM (made through the admin API's call).
    const made = await fetch(`${first.endpoint}/_fogbank/call`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ service: 'iam', operation: 'CreateRole', account: '222233334444', input: { RoleName: 'Keeper', AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:AssumeRole' }] }) } }),
    });
    assert.equal(made.status, 200, await made.clone().text());
    const { Credentials: c } = await sts.send(
      new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::222233334444:role/Keeper', RoleSessionName: 'restart' }),
    );
    await first.stop();
    assert.ok(existsSync(join(dir, 'fogbank.db')));

    const second = await start(['--data-dir', dir]);
    try {
      const again = new STSClient({
        endpoint: second.endpoint,
        region: 'us-east-1',
        credentials: { accessKeyId: c!.AccessKeyId!, secretAccessKey: c!.SecretAccessKey!, sessionToken: c!.SessionToken! },
      });
      const id = await again.send(new GetCallerIdentityCommand({}));
      assert.equal(id.Arn, 'arn:aws:sts::222233334444:assumed-role/Keeper/restart');
    } finally {
      await second.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('fogbank snapshot save|list|export|import|restore|delete against a running Fogbank, and start --snapshot seeds a new one', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fogbank-cli-snap-'));
  const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
  try {
    const first = await start(['--data-dir', join(dir, 'data')]);
    try {
      const sqs = new SQSClient({ endpoint: first.endpoint, region: 'us-east-1', credentials });
      const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'seeded' }));
      await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'from the seed' }));
      const at = ['--endpoint', first.endpoint];
      const saved = cli(['snapshot', 'save', 'seed', ...at]);
      assert.equal(saved.status, 0, saved.stderr);
      assert.match(saved.stdout, /^saved seed: \d+ bodies, \d+ bytes\n$/);
      assert.match(cli(['snapshot', 'list', ...at]).stdout, /^seed\t\d{4}-\d\d-\d\dT[^\t]+\t/);
      const file = join(dir, 'seed.tar.gz');
      const exported = cli(['snapshot', 'export', 'seed', file, ...at]);
      assert.equal(exported.status, 0, exported.stderr);
      assert.ok(existsSync(file));
      // The same file back under another name, restored over a changed state.
      await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'after the seed' }));
      const imported = cli(['snapshot', 'import', file, '--name', 'again', ...at]);
      assert.equal(imported.status, 0, imported.stderr);
      assert.match(imported.stdout, /^imported again: /);
      assert.equal(cli(['snapshot', 'restore', 'again', ...at]).status, 0);
      const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));
      assert.deepEqual(r.Messages?.map((m) => m.Body), ['from the seed']);
      assert.equal(cli(['snapshot', 'delete', 'again', ...at]).stdout, 'deleted again\n');
      // Errors are one line and a non-zero status.
      const missing = cli(['snapshot', 'restore', 'nope', ...at]);
      assert.equal(missing.status, 2);
      assert.equal(missing.stderr, 'fogbank: SnapshotNotFound: No snapshot named nope\n');
      const badName = cli(['snapshot', 'save', '../up', ...at]);
      assert.match(badName.stderr, /^fogbank: InvalidSnapshotName: /);
      const down = cli(['snapshot', 'list', '--endpoint', 'http://127.0.0.1:9']);
      assert.match(down.stderr, /^fogbank: cannot reach Fogbank at http:\/\/127\.0\.0\.1:9 /);
    } finally {
      await first.stop();
    }

    // CI seeding: a fresh, ephemeral Fogbank starts with the exported state.
    const seeded = await start(['--ephemeral', '--snapshot', join(dir, 'seed.tar.gz')]);
    try {
      const sqs = new SQSClient({ endpoint: seeded.endpoint, region: 'us-east-1', credentials });
      const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'seeded' }));
      const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));
      assert.deepEqual(r.Messages?.map((m) => m.Body), ['from the seed']);
    } finally {
      await seeded.stop();
    }
    const absent = cli(['start', '--ephemeral', '--port', '0', '--snapshot', join(dir, 'absent.tar.gz')]);
    assert.equal(absent.status, 2);
    assert.match(absent.stderr, /^fogbank: --snapshot .*absent\.tar\.gz: ENOENT/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
