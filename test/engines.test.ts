// The engine supervisor (issue 11 §4): a supervised process is ready when its port answers, restarted
// with backoff after a crash, given up after crashes in a row, stopped on delete; no process outlives
// a SIGTERM of Fogbank; after kill -9 of Fogbank the next start stops what was left (and never a
// process that merely got a recycled pid). Lambda's workers run under it and show in both listings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as L from '@aws-sdk/client-lambda';
import { startFogbank } from '../src/testing/index.ts';
import type { Engine, EngineInfo } from '../src/core/engines/engine.ts';
import { identify } from '../src/core/engines/proc.ts';
import { ROLE, waitFor, zipOf } from './support/lambda-kit.ts';
import { freeRange, isRunning, startEngineHost } from './support/engine-host-process.ts';

const LISTENER = new URL('./support/engines/listener.js', import.meta.url).pathname;
const ACCOUNT = '000000000000';

function greeting(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1');
    let text = '';
    s.on('data', (c) => (text += c));
    s.on('end', () => resolve(text));
    s.on('error', reject);
  });
}

/** Whether the process is gone within `ms` (polled). */
async function gone(pid: number, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (isRunning(pid)) {
    if (Date.now() > until) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
  return true;
}

async function engines(endpoint: string): Promise<EngineInfo[]> {
  const res = await fetch(`${endpoint}/_fogbank/engines`);
  assert.equal(res.status, 200);
  return ((await res.json()) as { engines: EngineInfo[] }).engines;
}

function states(engine: Engine): string[] {
  const seen: string[] = [];
  engine.on('state', (s) => seen.push(s));
  return seen;
}

test('a supervised process is available once its port answers, restarted after a crash, and stopped on delete', async () => {
  const range = await freeRange(2);
  const fb = await startFogbank({ portRange: range });
  try {
    const env = fb.instance.env;
    const owner = { kind: 'test:cache', resource: 'arn:aws:elasticache:us-east-1:000000000000:cluster:c1', account: ACCOUNT };
    const port = await env.ports.acquire(owner);
    const engine = env.engines.start({
      ...owner,
      process: { command: process.execPath, args: [LISTENER, String(port)], env: { LISTEN_DELAY_MS: '300' } },
      port,
      backoff: { firstMs: 100 },
    });
    const seen = states(engine);
    assert.equal(engine.state, 'starting');
    await engine.whenAvailable();
    const pid1 = engine.pid!;
    assert.equal(await greeting(port), `engine ${pid1}\n`, 'available only once the port answers');

    // A crash: the supervisor starts it again (a new process on the same port).
    process.kill(pid1, 'SIGKILL');
    await waitFor(() => engine.state === 'available' && engine.pid !== pid1, 10_000, 'the restart');
    const pid2 = engine.pid!;
    assert.ok(!isRunning(pid1));
    assert.equal(await greeting(port), `engine ${pid2}\n`);
    assert.deepEqual(seen, ['available', 'starting', 'available']);
    assert.equal(engine.restarts, 1);
    assert.equal(engine.lastExit, 'signal: killed');

    const [listed] = await engines(fb.endpoint);
    assert.equal(listed.id, engine.id);
    assert.equal(listed.kind, 'test:cache');
    assert.equal(listed.resource, owner.resource);
    assert.equal(listed.state, 'available');
    assert.equal(listed.pid, pid2);
    assert.equal(listed.port, port);
    assert.equal(listed.restarts, 1);
    assert.deepEqual(listed.output.map((l) => [l.stream, l.line]), [['stdout', `listening on ${port}`], ['stdout', `listening on ${port}`]]);

    // Deleting the resource: its engine stops (SIGTERM) and its port is freed.
    await env.engines.stop(engine);
    assert.equal(engine.state, 'stopped');
    assert.ok(!isRunning(pid2), 'the process is gone');
    await env.ports.release(owner);
    assert.deepEqual(await engines(fb.endpoint), []);
    assert.deepEqual(await env.ports.list(), []);
  } finally {
    await fb.stop();
  }
});

test('a process that keeps crashing is restarted with growing delays, then given up (failed)', async () => {
  const fb = await startFogbank({ logLevel: 'error' });
  const { first: port } = await freeRange(1);
  try {
    const engine = fb.instance.env.engines.start({
      kind: 'test:db',
      resource: 'db-1',
      process: { command: process.execPath, args: [LISTENER, String(port)], env: { EXIT_CODE: '3' } },
      port,
      backoff: { firstMs: 20, giveUpAfter: 3 },
    });
    const delays: string[] = [];
    engine.on('state', (_s, detail) => detail?.startsWith('restarting') && delays.push(detail));
    await assert.rejects(engine.whenAvailable(), /gave up after 4 crashes in a row; last: exit status 3/);
    assert.equal(engine.state, 'failed');
    assert.equal(engine.restarts, 3);
    assert.deepEqual(delays, ['restarting in 20 ms after exit status 3', 'restarting in 40 ms after exit status 3', 'restarting in 80 ms after exit status 3']);
    const [listed] = await engines(fb.endpoint);
    assert.equal(listed.state, 'failed');
    assert.deepEqual(listed.output.map((l) => l.line), Array(4).fill('crashing on purpose'));
    assert.equal(listed.output[0].stream, 'stderr');
  } finally {
    await fb.stop();
  }
});

test('no engine process is left after SIGTERM of a Fogbank process', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'fogbank-engines-'));
  try {
    const host = await startEngineHost({ dataDir, portRange: await freeRange(4), resources: ['r1', 'r2'] });
    const pids = Object.values(host.pids);
    assert.equal(pids.length, 2);
    for (const pid of pids) assert.ok(isRunning(pid));
    assert.equal(readdirSync(join(dataDir, 'engines')).length, 2, 'one pid file per running engine');
    const ended = await host.stop();
    assert.equal(ended.code, 0, `Fogbank stopped cleanly on SIGTERM (signal ${ended.signal}): ${ended.stderr}`);
    // A stop waits for each engine's exit, so none may outlive Fogbank; allow the kernel a moment to
    // finish a SIGKILL on a loaded machine before calling one an orphan.
    for (const pid of pids) assert.ok(await gone(pid, 1_000), `engine ${pid} stopped with Fogbank`);
    assert.deepEqual(readdirSync(join(dataDir, 'engines')), []);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('after kill -9 of Fogbank, the next start stops the engines it left and gives their resources the same ports', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'fogbank-engines-'));
  const portRange = await freeRange(4);
  try {
    const first = await startEngineHost({ dataDir, portRange, resources: ['r1'] });
    await first.kill9();
    const orphan = first.pids.r1;
    assert.ok(isRunning(orphan), 'a process killed with -9 cannot stop its engines: the engine is still running');
    assert.equal(await greeting(first.ports.r1), `engine ${orphan}\n`);

    const second = await startEngineHost({ dataDir, portRange, resources: ['r1'] });
    try {
      assert.ok(!isRunning(orphan), 'the leftover was stopped at start');
      assert.equal(second.ports.r1, first.ports.r1, 'its port was freed for the resource again');
      assert.equal(await greeting(second.ports.r1), `engine ${second.pids.r1}\n`);
    } finally {
      await second.stop();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('a leftover record whose pid now belongs to another process does not get it killed', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'fogbank-engines-'));
  // Both lead a process group of their own, as engines do, so that a wrong verdict would reach either.
  const bystander = spawn('sleep', ['60'], { stdio: 'ignore', detached: true });
  const leftover = spawn('sleep', ['60'], { stdio: 'ignore', detached: true });
  try {
    const deadOwner = spawnSync('true');
    const me = identify(process.pid)!;
    const owner = { pid: deadOwner.pid!, startTime: '1', bootId: me.bootId };
    const record = (pid: number, startTime: string) => ({
      engine: `e${pid}`, kind: 'test:x', resource: 'x', writtenAt: new Date().toISOString(), owner,
      process: { pid, startTime, bootId: me.bootId, pgrp: pid, cmdline: 'sleep 60' },
    });
    mkdirSync(join(dataDir, 'engines'));
    // The bystander has the recorded pid but not the recorded start time: a recycled pid.
    writeFileSync(join(dataDir, 'engines', 'recycled.json'), JSON.stringify(record(bystander.pid!, '1')));
    writeFileSync(join(dataDir, 'engines', 'ours.json'), JSON.stringify(record(leftover.pid!, identify(leftover.pid!)!.startTime)));
    const leftoverExit = new Promise((r) => leftover.once('exit', (_c, signal) => r(signal)));
    const fb = await startFogbank({ ephemeral: false, dataDir, logLevel: 'error' });
    await fb.stop();
    assert.equal(await leftoverExit, 'SIGTERM', 'the recorded process was stopped');
    assert.ok(isRunning(bystander.pid!), 'the process that merely got a recorded pid still runs');
    assert.deepEqual(readdirSync(join(dataDir, 'engines')), []);
  } finally {
    bystander.kill('SIGKILL');
    leftover.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test("Lambda's workers: their Runtime API port is listed, the process is a supervised engine, and stopping Fogbank ends it", async () => {
  const fb = await startFogbank();
  let pid: number | undefined;
  try {
    const lambda = fb.client(L.LambdaClient);
    await lambda.send(new L.CreateFunctionCommand({
      FunctionName: 'warm', Runtime: 'nodejs22.x', Role: ROLE, Handler: 'index.handler',
      Code: { ZipFile: zipOf({ 'index.js': "exports.handler = async () => { console.log('hello from the function'); return process.pid; };" }) },
    }));
    const r = await lambda.send(new L.InvokeCommand({ FunctionName: 'warm' }));
    pid = Number(Buffer.from(r.Payload!).toString());
    const arn = `arn:aws:lambda:us-east-1:${ACCOUNT}:function:warm:$LATEST`;

    const listed = await engines(fb.endpoint);
    const worker = listed.find((e) => e.kind === 'lambda:worker');
    assert.ok(worker, 'the worker is listed');
    assert.equal(worker.pid, pid);
    assert.equal(worker.resource, arn);
    assert.equal(worker.account, ACCOUNT);
    assert.ok(worker.output.some((l) => l.line.includes('hello from the function')), 'its output is kept');

    const ports = ((await (await fetch(`${fb.endpoint}/_fogbank/ports`)).json()) as { ports: Array<{ kind: string; resource: string; stable: boolean; port: number }> }).ports;
    const api = ports.find((p) => p.kind === 'lambda:runtime-api');
    assert.ok(api, 'the Runtime API listener is listed');
    assert.equal(api.resource, arn);
    assert.equal(api.stable, false);
    assert.ok(isRunning(pid));
  } finally {
    await fb.stop();
  }
  assert.ok(pid && !isRunning(pid), 'the worker process ended with Fogbank');
});

test('stopping sends SIGTERM, then SIGKILL after the grace period, and takes what the engine started with it', async () => {
  const fb = await startFogbank();
  try {
    // A shell that ignores SIGTERM and has started a child of its own.
    const engine = fb.instance.env.engines.start({
      kind: 'test:vm',
      resource: 'i-0123456789abcdef0',
      process: { command: '/bin/sh', args: ['-c', "trap '' TERM; sleep 60 & echo child $!; wait"] },
      stopGraceMs: 300,
    });
    const line = await new Promise<string>((resolve) => engine.on('line', resolve));
    const grandchild = Number(/^child (\d+)$/.exec(line)![1]);
    assert.ok(isRunning(grandchild));
    const exit = new Promise<{ signal: string | null }>((resolve) => engine.on('exit', resolve));
    const t0 = Date.now();
    await fb.instance.env.engines.stop(engine);
    assert.equal((await exit).signal, 'SIGKILL', 'SIGTERM was ignored, so SIGKILL ended it');
    assert.ok(Date.now() - t0 >= 250, 'after the grace period');
    await waitFor(() => !isRunning(grandchild), 2_000, 'the child it started to end too');
  } finally {
    await fb.stop();
  }
});

test('an engine runs as another user when asked (servers such as postgres refuse root)', { skip: process.getuid?.() !== 0 && 'needs root to switch users' }, async () => {
  const fb = await startFogbank();
  try {
    const engine = fb.instance.env.engines.start({ kind: 'test:db', resource: 'db-uid', process: { command: '/bin/sh', args: ['-c', 'id -u; id -g'], uid: 65534, gid: 65534 }, restart: 'never' });
    const lines: string[] = [];
    engine.on('line', (l) => lines.push(l));
    await new Promise((resolve) => engine.on('exit', resolve));
    await waitFor(() => lines.length === 2, 2_000, 'its output');
    assert.deepEqual(lines, ['65534', '65534']);
  } finally {
    await fb.stop();
  }
});

test('an in-process server is an engine too: available once listening, restarted when its listen fails', async () => {
  const { first: port } = await freeRange(1);
  const squatter = createServer();
  await new Promise<void>((r) => squatter.listen(port, '127.0.0.1', r));
  const fb = await startFogbank({ logLevel: 'error' });
  try {
    const env = fb.instance.env;
    const engine = env.engines.start({
      kind: 'test:dns',
      resource: 'resolver-1',
      server: () => createServer((s) => s.end('dns\n')),
      port,
      backoff: { firstMs: 50 },
    });
    await waitFor(() => engine.lastExit?.includes('EADDRINUSE'), 5_000, 'the failed listen');
    assert.equal(engine.state, 'starting', 'it keeps trying');
    await new Promise<void>((r) => squatter.close(() => r()));
    await engine.whenAvailable();
    assert.equal(await greeting(port), 'dns\n');
    assert.ok(engine.restarts >= 1);
    await env.engines.stop(engine);
    await assert.rejects(greeting(port), /ECONNREFUSED/);
  } finally {
    squatter.close();
    await fb.stop();
  }
});

test('a snapshot restore stops every engine; services start those of the restored resources again', async () => {
  const range = await freeRange(2);
  const fb = await startFogbank({ portRange: range });
  try {
    const env = fb.instance.env;
    const port = await env.ports.acquire({ kind: 'test:cache', resource: 'c1' });
    await fb.snapshot('with-port');
    const engine = env.engines.start({ kind: 'test:cache', resource: 'c1', process: { command: process.execPath, args: [LISTENER, String(port)] }, port });
    await engine.whenAvailable();
    const pid = engine.pid!;
    await fb.restore('with-port');
    assert.ok(!isRunning(pid), 'the engine process is stopped by the restore');
    assert.deepEqual(await engines(fb.endpoint), []);
    // The port assignment is part of the restored state: the resource keeps its endpoint.
    assert.equal(await env.ports.acquire({ kind: 'test:cache', resource: 'c1' }), port);
  } finally {
    await fb.stop();
  }
});
