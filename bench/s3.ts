// bench/s3: S3 object throughput against Fogbank with a data directory (durable SQLite and fsynced
// bodies, as `npm start` runs) and against moto_server in the same run when it is installed.
//   - 4 KiB PUT and GET operations/s with 32 concurrent keep-alive clients;
//   - one 1 GiB object PUT then GET, in MB/s, and the server's peak RSS growth while it streams;
//   - Fogbank only: ListObjectsV2 page latency in a bucket of 1,000,000 keys (seeded straight into
//     a data directory), first page, deep pages and delimiter listings.
// Requests are signed-looking SigV4 with UNSIGNED-PAYLOAD, so the client spends no time hashing.
// Usage: node bench/s3.ts [seconds per run] [runs] [--no-list] [--large-only] [--size-mib N]
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import http from 'node:http';
import { Readable } from 'node:stream';
import { durableSubjects, freePort, median, type Subject } from './support.ts';

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(name);
const option = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const positional = args.filter((a, i) => !a.startsWith('--') && !(i > 0 && args[i - 1] === '--size-mib'));
const seconds = Number(positional[0] ?? 5);
const runs = Number(positional[1] ?? 3);
const LARGE_MIB = Number(option('--size-mib') ?? 1024);
const CLIENTS = 32;
const SMALL = Buffer.alloc(4096, 'x');
const HEADERS = {
  authorization:
    'AWS4-HMAC-SHA256 Credential=test/20250101/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=0000000000000000000000000000000000000000000000000000000000000000',
  'x-amz-date': '20250101T000000Z',
  'x-amz-content-sha256': 'UNSIGNED-PAYLOAD',
};

class Client {
  readonly agent = new http.Agent({ keepAlive: true, maxSockets: CLIENTS });
  readonly base: string;
  constructor(base: string) {
    this.base = base;
  }

  /** One request; the body is a Buffer or a stream; the answer is drained (or counted). */
  request(method: string, path: string, body?: Buffer | Readable, extra: Record<string, string> = {}): Promise<{ status: number; bytes: number; text: string }> {
    return new Promise((resolve, reject) => {
      const headers: Record<string, string> = { ...HEADERS, ...extra };
      if (Buffer.isBuffer(body)) headers['content-length'] = String(body.length);
      const req = http.request(`${this.base}${path}`, { method, agent: this.agent, headers }, (res) => {
        let bytes = 0;
        const keep: Buffer[] = [];
        res.on('data', (c: Buffer) => {
          bytes += c.length;
          if (keep.length < 64) keep.push(c);
        });
        res.on('end', () => {
          const text = Buffer.concat(keep).toString('utf8');
          if (res.statusCode! >= 300) reject(new Error(`${method} ${path}: ${res.statusCode} ${text.slice(0, 300)}`));
          else resolve({ status: res.statusCode!, bytes, text });
        });
      });
      req.on('error', reject);
      if (body instanceof Readable) body.pipe(req);
      else req.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

async function waitReady(child: ChildProcess, c: Client): Promise<void> {
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error('server exited');
    try {
      await c.request('GET', '/');
      return;
    } catch {
      if (i > 400) throw new Error('server not ready');
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

/** Operations/s of `op` run by CLIENTS workers for `ms`. */
async function measure(ms: number, op: (worker: number, i: number) => Promise<unknown>): Promise<number> {
  const end = performance.now() + ms;
  let done = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: CLIENTS }, async (_, w) => {
    for (let i = 0; performance.now() < end; i++) {
      await op(w, i);
      done++;
    }
  }));
  return done / ((performance.now() - t0) / 1000);
}

function rssOf(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** A stream of `mib` MiB made of one reused 1 MiB chunk: the client allocates nothing per chunk. */
function largeBody(mib: number): Readable {
  const chunk = Buffer.alloc(1024 * 1024, 7);
  let left = mib;
  return new Readable({
    read() {
      this.push(left-- > 0 ? chunk : null);
    },
  });
}

const subjects = durableSubjects();

console.log(`s3: 4 KiB PUT/GET with ${CLIENTS} concurrent clients, ${seconds} s × ${runs} runs; one ${LARGE_MIB} MiB PUT + GET`);
const results: Record<string, Record<string, number>> = {};
for (const s of subjects) {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'fogbank-bench-s3-'));
  const child = s.start(port, dir);
  child.stdout?.resume();
  child.stderr?.resume();
  const c = new Client(`http://127.0.0.1:${port}`);
  try {
    await waitReady(child, c);
    const r: Record<string, number> = (results[s.name] = {});
    await c.request('PUT', '/bench');
    if (!flag('--large-only')) await small(s.name, c, r);
    await large(s.name, child, c, r);
  } finally {
    c.close();
    child.kill('SIGTERM');
    await new Promise((res) => child.once('exit', res));
    rmSync(dir, { recursive: true, force: true });
  }
}
if (results.moto_server) {
  for (const k of ['put', 'get', 'large']) {
    if (results.fogbank[k] && results.moto_server[k]) console.log(`${k.padEnd(6)} fogbank / moto = ${(results.fogbank[k] / results.moto_server[k]).toFixed(1)}x`);
  }
}

if (!flag('--no-list')) await listing();

async function small(name: string, c: Client, r: Record<string, number>): Promise<void> {
    const written = new Array<number>(CLIENTS).fill(0);
    const put = (w: number, i: number) => {
      written[w] = Math.max(written[w], i + 1);
      return c.request('PUT', `/bench/small/${w}/${i}`, SMALL);
    };
    await measure(1000, put); // warm-up
    const puts: number[] = [];
    for (let i = 0; i < runs; i++) puts.push(await measure(seconds * 1000, put));
    r.put = median(puts);
    console.log(`${name.padEnd(12)} PUT 4 KiB  ${puts.map((x) => x.toFixed(0)).join(' / ')} ops/s, median ${r.put.toFixed(0)}`);
    const get = (w: number, i: number) => c.request('GET', `/bench/small/${w}/${i % Math.max(1, written[w])}`);
    await measure(1000, get);
    const gets: number[] = [];
    for (let i = 0; i < runs; i++) gets.push(await measure(seconds * 1000, get));
    r.get = median(gets);
    console.log(`${name.padEnd(12)} GET 4 KiB  ${gets.map((x) => x.toFixed(0)).join(' / ')} ops/s, median ${r.get.toFixed(0)}`);
}

async function large(name: string, child: ChildProcess, c: Client, r: Record<string, number>): Promise<void> {
    const base = rssOf(child.pid!);
    let peak = base;
    const sampler = setInterval(() => (peak = Math.max(peak, rssOf(child.pid!))), 20);
    const bytes = LARGE_MIB * 1024 * 1024;
    let t0 = performance.now();
    await c.request('PUT', '/bench/large.bin', largeBody(LARGE_MIB), { 'content-length': String(bytes) });
    const putSeconds = (performance.now() - t0) / 1000;
    const putPeak = peak;
    t0 = performance.now();
    const got = await c.request('GET', '/bench/large.bin');
    const getSeconds = (performance.now() - t0) / 1000;
    clearInterval(sampler);
    if (got.bytes !== bytes) throw new Error(`GET returned ${got.bytes} bytes, not ${bytes}`);
    r.largePut = bytes / 1e6 / putSeconds;
    r.largeGet = bytes / 1e6 / getSeconds;
    r.large = (2 * bytes) / 1e6 / (putSeconds + getSeconds);
    r.rss = (peak - base) / 1024 / 1024;
    console.log(
      `${name.padEnd(12)} ${LARGE_MIB} MiB  PUT ${r.largePut.toFixed(0)} MB/s, GET ${r.largeGet.toFixed(0)} MB/s, PUT+GET ${r.large.toFixed(0)} MB/s; ` +
        `RSS ${(base / 1024 / 1024).toFixed(0)} MB → peak ${(peak / 1024 / 1024).toFixed(0)} MB (+${r.rss.toFixed(0)} MB; +${((putPeak - base) / 1024 / 1024).toFixed(0)} MB during the PUT)`,
    );
}

/** ListObjectsV2 page latency in a bucket of 1,000,000 keys (Fogbank in-process, data directory). */
async function listing(): Promise<void> {
  const { createFogbank } = await import('../src/fogbank.ts');
  const { encodeKey } = await import('../src/aws/services/s3/keys.ts');
  const dir = mkdtempSync(join(tmpdir(), 'fogbank-bench-s3-list-'));
  const fb = await createFogbank({ dataDir: dir, port: 0 });
  const c = new Client(fb.endpoint);
  try {
    await c.request('PUT', '/million');
    const db = fb.database;
    const insert = db.statement(
      "INSERT INTO s3_objects (bucket, key, version_id, is_latest, size, etag, last_modified, owner, body) VALUES ('million', ?, 'null', 1, 4096, '\"0\"', 0, '000000000000', '[]')",
    );
    const t0 = performance.now();
    // 1,000 "directories" of 1,000 keys each: dir-000/file-000 ... dir-999/file-999.
    for (let d = 0; d < 1000; d++) {
      db.transaction(() => {
        for (let f = 0; f < 1000; f++) insert.run(encodeKey(`dir-${String(d).padStart(3, '0')}/file-${String(f).padStart(3, '0')}`));
      });
    }
    console.log(`listing: seeded 1,000,000 keys in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const time = async (label: string, path: string, check: (xml: string) => boolean) => {
      const samples: number[] = [];
      for (let i = 0; i < 20; i++) {
        const s = performance.now();
        const res = await c.request('GET', path);
        samples.push(performance.now() - s);
        if (!check(res.text)) throw new Error(`unexpected listing for ${label}`);
      }
      console.log(`listing: ${label.padEnd(44)} median ${median(samples).toFixed(1)} ms, max ${Math.max(...samples).toFixed(1)} ms`);
    };
    await time('first page (1000 keys)', '/million?list-type=2', (x) => x.includes('<Key>dir-000/file-000</Key>'));
    await time('page after dir-500/file-499 (StartAfter)', '/million?list-type=2&start-after=dir-500%2Ffile-499', (x) => x.includes('<Key>dir-500/file-500</Key>'));
    await time('last keys (prefix dir-999/file-99)', '/million?list-type=2&prefix=dir-999%2Ffile-99', (x) => x.includes('<KeyCount>10</KeyCount>'));
    await time('delimiter "/": 1000 common prefixes', '/million?list-type=2&delimiter=%2F', (x) => x.includes('<Prefix>dir-999/</Prefix>'));
    await time('v1 delimiter, marker dir-900/', '/million?delimiter=%2F&marker=dir-900%2F', (x) => x.includes('<Prefix>dir-901/</Prefix>'));
  } finally {
    c.close();
    await fb.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
