// The port allocator (issue 11 §4): resources keep their port across a real restart of Fogbank on the
// same data directory, ports held by other programs are skipped and named, an exhausted range says
// how to widen it, deleted resources free theirs, and GET /_fogbank/ports lists every one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFogbank } from '../src/testing/index.ts';
import { PortRangeExhausted, type PortAssignment } from '../src/server/ports.ts';
import { freeRange, startEngineHost } from './support/engine-host-process.ts';

const ACCOUNT = '000000000000';

async function listing(endpoint: string): Promise<{ range: { first: number; last: number }; ports: PortAssignment[] }> {
  const res = await fetch(`${endpoint}/_fogbank/ports`);
  assert.equal(res.status, 200);
  return (await res.json()) as { range: { first: number; last: number }; ports: PortAssignment[] };
}

test('a resource keeps its port across a restart of the Fogbank process on the same data directory', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'fogbank-ports-'));
  const portRange = await freeRange(6);
  try {
    const first = await startEngineHost({ dataDir, portRange, resources: ['cache-a', 'cache-b'] });
    let listed;
    try {
      assert.notEqual(first.ports['cache-a'], first.ports['cache-b']);
      for (const p of Object.values(first.ports)) assert.ok(p >= portRange.first && p <= portRange.last, `port ${p} is in the range`);
      listed = await listing(first.endpoint);
    } finally {
      await first.stop();
    }
    assert.deepEqual(listed.range, portRange);
    assert.deepEqual(
      listed.ports.map((p) => ({ port: p.port, kind: p.kind, resource: p.resource, account: p.account, stable: p.stable })),
      [
        { port: first.ports['cache-a'], kind: 'test:cache', resource: 'cache-a', account: ACCOUNT, stable: true },
        { port: first.ports['cache-b'], kind: 'test:cache', resource: 'cache-b', account: ACCOUNT, stable: true },
      ].sort((x, y) => x.port - y.port),
    );

    // Asked for in the other order, with a newcomer first: each keeps its port, the newcomer gets a free one.
    const second = await startEngineHost({ dataDir, portRange, resources: ['cache-c', 'cache-b', 'cache-a'] });
    try {
      assert.equal(second.ports['cache-a'], first.ports['cache-a']);
      assert.equal(second.ports['cache-b'], first.ports['cache-b']);
      assert.ok(![first.ports['cache-a'], first.ports['cache-b']].includes(second.ports['cache-c']));
      assert.equal((await listing(second.endpoint)).ports.length, 3);
    } finally {
      await second.stop();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('a port another program holds is skipped, an exhausted range says how to widen it, and deleting frees', async () => {
  const range = await freeRange(3);
  const fb = await startFogbank({ portRange: range, logLevel: 'error' });
  const squatter: Server = createServer();
  await new Promise<void>((r) => squatter.listen(range.first + 1, '127.0.0.1', r));
  try {
    const ports = fb.instance.env.ports;
    const a = await ports.acquire({ kind: 'test:db', resource: 'db-a', account: ACCOUNT });
    const b = await ports.acquire({ kind: 'test:db', resource: 'db-b', account: ACCOUNT });
    assert.equal(a, range.first);
    assert.equal(b, range.first + 2, 'the port held by another program is skipped');
    assert.equal(await ports.acquire({ kind: 'test:db', resource: 'db-a', account: ACCOUNT }), a, 'asking again gives the same port');

    const exhausted = await ports.acquire({ kind: 'test:db', resource: 'db-c', account: ACCOUNT }).then(
      () => assert.fail('a third resource got a port from a range with none free'),
      (err: unknown) => err,
    );
    assert.ok(exhausted instanceof PortRangeExhausted);
    assert.equal(exhausted.code, 'PortRangeExhausted');
    assert.equal(
      exhausted.message,
      `No free port in Fogbank's port range ${range.first}-${range.last} (3 ports: 2 assigned to resources, 1 in use by other programs (${range.first + 1})). ` +
        'Delete resources that own ports, or widen the range with --port-range or FOGBANK_PORT_RANGE.',
    );

    // Deleting db-a frees its port for the next resource.
    assert.equal(await ports.release({ kind: 'test:db', resource: 'db-a', account: ACCOUNT }), true);
    assert.deepEqual((await listing(fb.endpoint)).ports.map((p) => p.resource), ['db-b']);
    assert.equal(await ports.acquire({ kind: 'test:db', resource: 'db-c', account: ACCOUNT }), range.first);

    // reset() deletes every resource, and so every assignment.
    await fb.reset();
    assert.deepEqual((await listing(fb.endpoint)).ports, []);
  } finally {
    squatter.close();
    await fb.stop();
  }
});

test('a kept port that another program took meanwhile moves to a free one rather than failing', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'fogbank-ports-'));
  const range = await freeRange(3);
  const squatter: Server = createServer();
  try {
    const owner = { kind: 'test:dns', resource: 'zone-1', account: ACCOUNT };
    const fb1 = await startFogbank({ ephemeral: false, dataDir, portRange: range });
    const kept = await fb1.instance.env.ports.acquire(owner);
    await fb1.stop();
    await new Promise<void>((r) => squatter.listen(kept, '127.0.0.1', r));
    const fb2 = await startFogbank({ ephemeral: false, dataDir, portRange: range, logLevel: 'error' });
    try {
      const moved = await fb2.instance.env.ports.acquire(owner);
      assert.notEqual(moved, kept);
      assert.deepEqual((await listing(fb2.endpoint)).ports.map((p) => [p.port, p.resource]), [[moved, 'zone-1']]);
    } finally {
      await fb2.stop();
    }
  } finally {
    squatter.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
