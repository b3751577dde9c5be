// bench/blob-sweep: the orphan blob sweep over a data directory of N blob files (default 10,000),
// nine in ten named by S3 object rows and the rest orphans from a "crash". Prints how long the sweep
// takes, the longest event-loop stall while it runs, and, for a full start on that directory, the
// time to ready and the /_fogbank/health latency while the sweep is under way.
// Usage: node bench/blob-sweep.ts [blobs]
import { mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { readdir } from 'node:fs/promises';
import { Database } from '../src/store/database.ts';
import { BlobStore } from '../src/store/blobs.ts';
import { sweepOrphanBlobs } from '../src/store/blob-sweep.ts';
import { createFogbank } from '../src/fogbank.ts';

const total = Number(process.argv[2] ?? 10_000);
const dir = mkdtempSync(join(tmpdir(), 'fogbank-bench-sweep-'));

function populate(): number {
  const db = new Database(join(dir, 'fogbank.db'));
  db.migrate('s3', new URL('../src/aws/services/s3/migrations/', import.meta.url));
  db.raw.exec("INSERT INTO s3_buckets (name, account, region, created_at) VALUES ('bench', '000000000000', 'us-east-1', 0)");
  const insert = db.raw.prepare(
    "INSERT INTO s3_objects (bucket, key, version_id, is_latest, size, etag, last_modified, owner, body) VALUES ('bench', ?, 'null', 1, 1, '', 0, '000000000000', ?)",
  );
  const old = new Date(Date.now() - 3600_000);
  let orphans = 0;
  db.raw.exec('BEGIN');
  for (let i = 0; i < total; i++) {
    const id = randomBytes(16).toString('hex');
    const sub = join(dir, 'blobs', id.slice(0, 2));
    mkdirSync(sub, { recursive: true });
    writeFileSync(join(sub, id), 'x');
    utimesSync(join(sub, id), old, old);
    if (i % 10 === 9) orphans++;
    else insert.run(Buffer.from(`key-${i}`), JSON.stringify([[id, 1]]));
  }
  db.raw.exec('COMMIT');
  db.close();
  return orphans;
}

function count(): number {
  let n = 0;
  for (const sub of readdirSync(join(dir, 'blobs'))) if (sub !== 'tmp') n += readdirSync(join(dir, 'blobs', sub)).length;
  return n;
}

async function countAsync(): Promise<number> {
  let n = 0;
  for (const sub of await readdir(join(dir, 'blobs'))) if (sub !== 'tmp') n += (await readdir(join(dir, 'blobs', sub))).length;
  return n;
}

try {
  let orphans = populate();
  // 1. The sweep alone, with the event loop watched.
  const loop = monitorEventLoopDelay({ resolution: 1 });
  loop.enable();
  const t0 = performance.now();
  const result = await sweepOrphanBlobs({ dbPath: join(dir, 'fogbank.db'), blobs: new BlobStore(join(dir, 'blobs'), false) });
  const sweepMs = performance.now() - t0;
  loop.disable();
  console.log(`sweep: ${total} blob files, ${orphans} orphans: removed ${result?.removed} in ${sweepMs.toFixed(0)} ms; ` +
    `longest event-loop stall ${(loop.max / 1e6).toFixed(1)} ms (p99 ${(loop.percentile(99) / 1e6).toFixed(1)} ms); ${count()} files left`);

  // 2. A full start on a directory with the same orphans again.
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir);
  orphans = populate();
  const t1 = performance.now();
  const fb = await createFogbank({ dataDir: dir, port: 0, host: '127.0.0.1' });
  const readyMs = performance.now() - t1;
  const latencies: number[] = [];
  const worst = { ms: 0, at: 0 };
  let sweptMs = 0;
  // Counting the files (asynchronously, every 20 ms) tells when the sweep is done; meanwhile a
  // client keeps asking for health, as one would during start-up.
  const done = (async () => {
    while ((await countAsync()) > total - orphans && performance.now() - t1 < 60_000) await new Promise((r) => setTimeout(r, 20));
    sweptMs = performance.now() - t1;
  })();
  while (!sweptMs) {
    const t = performance.now();
    await (await fetch(`${fb.endpoint}/_fogbank/health`)).arrayBuffer();
    const ms = performance.now() - t;
    latencies.push(ms);
    if (ms > worst.ms) Object.assign(worst, { ms, at: t - t1 });
  }
  await done;
  await fb.stop();
  latencies.sort((a, b) => a - b);
  console.log(`start: ready in ${readyMs.toFixed(0)} ms; orphans gone ${sweptMs.toFixed(0)} ms after start; ` +
    `/_fogbank/health during the sweep: ${latencies.length} requests, median ${latencies[latencies.length >> 1]?.toFixed(1)} ms, max ${worst.ms.toFixed(1)} ms (${worst.at.toFixed(0)} ms after start)`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
