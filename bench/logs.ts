// bench/logs: PutLogEvents requests/s (10 events each) over 16 keep-alive connections with the AWS SDK
// v3 client, against `fogbank start` with a data directory (durable SQLite, as `npm start` runs).
// Compares checkouts: each directory given runs its own bin/fogbank.js, alternating run by run, so a
// change (e.g. the store port, issue 11 §7) is measured against main on the same machine load.
// Prints each run's figure and the median per checkout.
// Usage: node bench/logs.ts [requests per run] [runs] [checkout dir ...]   (default: this checkout)
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import http from 'node:http';
import { CloudWatchLogsClient, CreateLogGroupCommand, CreateLogStreamCommand, PutLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { freePort, median } from './support.ts';

const requests = Number(process.argv[2] ?? 20_000);
const runs = Number(process.argv[3] ?? 3);
const checkouts = process.argv.length > 4 ? process.argv.slice(4).map((d) => resolve(d)) : [new URL('..', import.meta.url).pathname];
const CONNECTIONS = 16;
const EVENTS = 10;

function start(checkout: string, port: number, dir: string): ChildProcess {
  return spawn(process.execPath, [join(checkout, 'bin/fogbank.js'), 'start', '--data-dir', dir, '--port', String(port)], { stdio: 'ignore' });
}

async function ready(client: CloudWatchLogsClient, child: ChildProcess): Promise<void> {
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error('server exited');
    try {
      await client.send(new CreateLogGroupCommand({ logGroupName: '/bench/logs' }));
      return;
    } catch (err) {
      if (i > 400) throw err;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

/** Requests/s of `requests` PutLogEvents spread over CONNECTIONS workers, one stream each. */
async function measure(checkout: string): Promise<number> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'fogbank-bench-logs-'));
  const child = start(checkout, port, dir);
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  const client = new CloudWatchLogsClient({
    endpoint: `http://127.0.0.1:${port}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    requestHandler: new NodeHttpHandler({ httpAgent: agent }),
  });
  try {
    await ready(client, child);
    for (let w = 0; w < CONNECTIONS; w++) await client.send(new CreateLogStreamCommand({ logGroupName: '/bench/logs', logStreamName: `s${w}` }));
    let next = 0;
    const worker = async (w: number, count: number) => {
      for (let i = 0; i < count; i++) {
        const now = Date.now();
        const logEvents = Array.from({ length: EVENTS }, (_, k) => ({ timestamp: now, message: `worker ${w} request ${next} line ${k}: some log text of a usual length` }));
        next++;
        await client.send(new PutLogEventsCommand({ logGroupName: '/bench/logs', logStreamName: `s${w}`, logEvents }));
      }
    };
    // Warm-up: JIT, statement cache, connections.
    await Promise.all(Array.from({ length: CONNECTIONS }, (_, w) => worker(w, 50)));
    const t0 = performance.now();
    await Promise.all(Array.from({ length: CONNECTIONS }, (_, w) => worker(w, Math.ceil(requests / CONNECTIONS))));
    return (CONNECTIONS * Math.ceil(requests / CONNECTIONS)) / ((performance.now() - t0) / 1000);
  } finally {
    client.destroy();
    agent.destroy();
    child.kill();
    await new Promise((r) => (child.exitCode !== null ? r(undefined) : child.once('exit', r)));
    rmSync(dir, { recursive: true, force: true });
  }
}

const results = new Map<string, number[]>(checkouts.map((c) => [c, []]));
for (let r = 0; r < runs; r++) {
  for (const c of checkouts) {
    const rate = await measure(c);
    results.get(c)!.push(rate);
    console.log(`run ${r + 1} ${c}: ${rate.toFixed(0)} PutLogEvents/s`);
  }
}
for (const [c, xs] of results) console.log(`median ${c}: ${median(xs).toFixed(0)} PutLogEvents/s (${xs.map((x) => x.toFixed(0)).join(', ')})`);
