// bench/dynamodb: PutItem, GetItem and Query (100 items per page) operations/s with 32 concurrent
// clients on a table of 1M items, and single-client Query latency on a table of 1k items against one
// of 1M items. Fogbank runs as `npm start` does (durable SQLite in a data directory). When moto_server
// is installed the same workload runs against it in the same run, on a smaller table (loading a
// million items into moto takes far too long; the table size it got is printed).
// Throughput is measured with the same Node load generator for both (it shares the CPU with the
// server, so it understates both); when wrk is installed Fogbank's throughput is also measured with
// it (moto's server closes keep-alive connections after each response, which stalls wrk).
// Throughput figures are medians of 3 runs of each operation, taken in turn.
// Usage: node bench/dynamodb.ts [items (default 1000000)] [seconds per measurement (default 5)] [moto items (default 20000)]
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import http from 'node:http';
import { freePort, motoServer, startFogbank } from './support.ts';

const ITEMS = Number(process.argv[2] ?? 1_000_000);
const SECONDS = Number(process.argv[3] ?? 5);
const MOTO_ITEMS = Number(process.argv[4] ?? 20_000);
const RUNS = 3;
const CLIENTS = 32;
const PER_PARTITION = 100;
const HEADERS = {
  'content-type': 'application/x-amz-json-1.0',
  authorization:
    'AWS4-HMAC-SHA256 Credential=test/20250101/us-east-1/dynamodb/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=0000000000000000000000000000000000000000000000000000000000000000',
  'x-amz-date': '20250101T000000Z',
};

class Ddb {
  readonly agent = new http.Agent({ keepAlive: true, maxSockets: CLIENTS });
  readonly base: string;
  constructor(base: string) {
    this.base = base;
  }

  /** A call whose answer is not needed: only its status is checked (cheaper for the load generator). */
  fire(operation: string, input: Record<string, unknown>): Promise<void> {
    const body = JSON.stringify(input);
    return new Promise((resolve, reject) => {
      const req = http.request(this.base, { method: 'POST', agent: this.agent, headers: { ...HEADERS, 'x-amz-target': `DynamoDB_20120810.${operation}` } }, (res) => {
        res.resume();
        res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`${operation}: ${res.statusCode}`))));
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  call(operation: string, input: Record<string, unknown>): Promise<any> {
    const body = JSON.stringify(input);
    return new Promise((resolve, reject) => {
      const req = http.request(this.base, { method: 'POST', agent: this.agent, headers: { ...HEADERS, 'x-amz-target': `DynamoDB_20120810.${operation}` } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if (res.statusCode !== 200) reject(new Error(`${operation}: ${res.statusCode} ${text.slice(0, 300)}`));
          else resolve(text ? JSON.parse(text) : {});
        });
      });
      req.on('error', reject);
      req.end(body);
    });
  }
}

const item = (i: number) => ({
  pk: { S: `p${Math.floor(i / PER_PARTITION)}` },
  sk: { N: String(i % PER_PARTITION) },
  data: { S: 'x'.repeat(64) },
  n: { N: String(i * 1.5) },
});

async function createTable(db: Ddb, name: string): Promise<void> {
  await db.call('CreateTable', {
    TableName: name,
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'N' }],
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
    BillingMode: 'PAY_PER_REQUEST',
  });
  for (;;) {
    const d = await db.call('DescribeTable', { TableName: name });
    if (d.Table.TableStatus === 'ACTIVE') return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Loads `count` items with BatchWriteItem (25 per request) from 32 clients; returns items/s. */
async function load(db: Ddb, table: string, count: number): Promise<number> {
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      for (;;) {
        const start = next;
        if (start >= count) return;
        next += 25;
        const batch = [];
        for (let i = start; i < Math.min(start + 25, count); i++) batch.push({ PutRequest: { Item: item(i) } });
        let req: Record<string, unknown[]> = { [table]: batch };
        while (Object.keys(req).length) {
          const out = await db.call('BatchWriteItem', { RequestItems: req });
          req = out.UnprocessedItems ?? {};
        }
      }
    }),
  );
  return count / ((performance.now() - t0) / 1000);
}

/** Operations/s of `op` from 32 concurrent clients for SECONDS, after a second of warm-up. */
async function throughput(op: (i: number) => Promise<unknown>): Promise<number> {
  let done = 0;
  const warm = performance.now() + 1000;
  await Promise.all(Array.from({ length: CLIENTS }, async () => {
    while (performance.now() < warm) await op(done++);
  }));
  const end = performance.now() + SECONDS * 1000;
  const t0 = performance.now();
  const base = done;
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (performance.now() < end) await op(done++);
    }),
  );
  return (done - base) / ((performance.now() - t0) / 1000);
}

/** Median and p99 latency (ms) of `n` sequential calls. */
async function latency(op: (i: number) => Promise<unknown>, n: number): Promise<{ median: number; p99: number }> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await op(i);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(n / 2)], p99: times[Math.floor(n * 0.99)] };
}

const rand = (n: number) => Math.floor(Math.random() * n);

function hasWrk(): boolean {
  try {
    execFileSync('wrk', ['--version'], { stdio: 'ignore' });
    return true;
  } catch (e) {
    return (e as { status?: number }).status === 1; // wrk --version exits 1 but exists
  }
}

/** Requests/s of one operation under wrk, each request's body made by the Lua `body` function. */
function wrk(url: string, operation: string, body: string): number {
  const dir = mkdtempSync(join(tmpdir(), 'fogbank-bench-ddb-wrk-'));
  const script = join(dir, 'script.lua');
  const headers = { ...HEADERS, 'x-amz-target': `DynamoDB_20120810.${operation}` };
  writeFileSync(script, [
    'local counter = 0',
    'function setup(thread) thread:set("id", math.random(1, 1000000)) end',
    'function init(args) math.randomseed(os.time() + id) end',
    `function body(n) ${body} end`,
    'request = function()',
    '  counter = counter + 1',
    `  return wrk.format("POST", "/", { ${Object.entries(headers).map(([k, v]) => `["${k}"] = "${v}"`).join(', ')} }, body(counter))`,
    'end',
    '',
  ].join('\n'));
  try {
    const out = execFileSync('wrk', ['-t2', `-c${CLIENTS}`, `-d${SECONDS}s`, '-s', script, url], { encoding: 'utf8' });
    const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(out);
    if (non2xx) throw new Error(`${non2xx[1]} failed ${operation} responses`);
    return Number(/Requests\/sec:\s+([\d.]+)/.exec(out)![1]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface Figures {
  wrk?: { put: number; get: number; query: number };
  items: number;
  loadRate: number;
  put: number;
  get: number;
  query: number;
  latencySmall: { median: number; p99: number };
  latencyLarge: { median: number; p99: number };
}

async function measure(db: Ddb, items: number): Promise<Figures> {
  const small = 1000;
  await createTable(db, 'small');
  await load(db, 'small', small);
  const queryOf = (table: string, partitions: number) => () =>
    db.call('Query', { TableName: table, KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': { S: `p${rand(partitions)}` } }, Limit: 100 }).then((r) => {
      if (r.Count !== 100) throw new Error(`query returned ${r.Count} items`);
    });
  await latency(queryOf('small', small / PER_PARTITION), 50);
  const latencySmall = await latency(queryOf('small', small / PER_PARTITION), 500);
  await createTable(db, 'big');
  const loadRate = await load(db, 'big', items);
  const partitions = items / PER_PARTITION;
  await latency(queryOf('big', partitions), 50);
  const latencyLarge = await latency(queryOf('big', partitions), 500);
  // Each figure is the median of RUNS measurements, taken in turn so that a busy moment of the
  // machine does not fall on one operation only.
  const runs: Record<'get' | 'query' | 'put', number[]> = { get: [], query: [], put: [] };
  let written = 0;
  for (let r = 0; r < RUNS; r++) {
    runs.get.push(await throughput(() => {
      const i = rand(items);
      return db.fire('GetItem', { TableName: 'big', Key: { pk: { S: `p${Math.floor(i / PER_PARTITION)}` }, sk: { N: String(i % PER_PARTITION) } } });
    }));
    runs.query.push(await throughput(() => db.fire('Query', { TableName: 'big', KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': { S: `p${rand(partitions)}` } }, Limit: 100 })));
    runs.put.push(await throughput(() => db.fire('PutItem', { TableName: 'big', Item: item(items + written++) })));
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const get = median(runs.get);
  const query = median(runs.query);
  const put = median(runs.put);
  const f: Figures = { items, loadRate, put, get, query, latencySmall, latencyLarge };
  if (useWrk) {
    const P = PER_PARTITION;
    const w = (op: string, body: string) => median(Array.from({ length: RUNS }, () => wrk(db.base, op, body)));
    f.wrk = {
      get: w('GetItem', `local i = math.random(0, ${items - 1}) return string.format('{"TableName":"big","Key":{"pk":{"S":"p%d"},"sk":{"N":"%d"}}}', math.floor(i / ${P}), i % ${P})`),
      query: w('Query', `return string.format('{"TableName":"big","KeyConditionExpression":"pk = :p","ExpressionAttributeValues":{":p":{"S":"p%d"}},"Limit":100}', math.random(0, ${partitions - 1}))`),
      put: w('PutItem', `return string.format('{"TableName":"big","Item":{"pk":{"S":"w%d-%d"},"sk":{"N":"%d"},"data":{"S":"${'x'.repeat(64)}"}}}', id, n, n)`),
    };
  }
  return f;
}

async function waitReady(child: ChildProcess, db: Ddb): Promise<void> {
  for (;;) {
    if (child.exitCode !== null) throw new Error('server exited');
    try {
      await db.call('ListTables', {});
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

let useWrk = false;

async function run(name: string, start: (port: number) => ChildProcess, items: number): Promise<Figures> {
  const port = await freePort();
  const child = start(port);
  child.stdout?.resume();
  child.stderr?.resume();
  const db = new Ddb(`http://127.0.0.1:${port}/`);
  try {
    await waitReady(child, db);
    const f = await measure(db, items);
    const ms = (l: { median: number; p99: number }) => `median ${l.median.toFixed(2)} ms, p99 ${l.p99.toFixed(2)} ms`;
    console.log(`${name} (table of ${items.toLocaleString('en')} items, loaded at ${f.loadRate.toFixed(0)} items/s with BatchWriteItem)`);
    console.log(`  PutItem  ${f.put.toFixed(0).padStart(7)} ops/s`);
    console.log(`  GetItem  ${f.get.toFixed(0).padStart(7)} ops/s`);
    console.log(`  Query    ${f.query.toFixed(0).padStart(7)} ops/s (100 items per page)`);
    if (f.wrk) console.log(`  with wrk: PutItem ${f.wrk.put.toFixed(0)} ops/s, GetItem ${f.wrk.get.toFixed(0)} ops/s, Query ${f.wrk.query.toFixed(0)} ops/s`);
    console.log(`  Query latency, 1 client: 1,000 items ${ms(f.latencySmall)}; ${items.toLocaleString('en')} items ${ms(f.latencyLarge)} (ratio ${(f.latencyLarge.median / f.latencySmall.median).toFixed(2)})`);
    return f;
  } finally {
    db.agent.destroy();
    child.kill('SIGTERM');
  }
}

console.log(`dynamodb: ${CLIENTS} concurrent keep-alive clients, ${SECONDS} s per measurement, Node load generator on the same machine`);
const dataDir = mkdtempSync(join(tmpdir(), 'fogbank-bench-ddb-'));
let fog: Figures;
useWrk = hasWrk();
try {
  fog = await run('fogbank', (p) => startFogbank(p, dataDir), ITEMS);
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
const moto = motoServer();
useWrk = false;
if (moto) {
  const m = await run('moto_server', (p) => spawn(moto, ['-p', String(p)]), MOTO_ITEMS);
  const ratio = (a: number, b: number) => `${(a / b).toFixed(1)}x`;
  console.log(
    `fogbank / moto, same Node load generator: PutItem ${ratio(fog.put, m.put)}, GetItem ${ratio(fog.get, m.get)}, Query ${ratio(fog.query, m.query)}` +
      ` (fogbank on ${ITEMS.toLocaleString('en')} items, moto on ${MOTO_ITEMS.toLocaleString('en')})`,
  );
  if (fog.wrk) {
    console.log(`fogbank (wrk) / moto (Node generator): PutItem ${ratio(fog.wrk.put, m.put)}, GetItem ${ratio(fog.wrk.get, m.get)}, Query ${ratio(fog.wrk.query, m.query)}`);
  }
} else console.log('moto_server not installed: no comparison');
