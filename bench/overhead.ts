// bench/overhead: requests/s of STS GetCallerIdentity (query protocol, SigV4-signed header) with 32
// keep-alive connections against Fogbank, against a bare node:http server answering a constant in the
// same run, and against moto_server when installed. Uses wrk when installed (apt-get install wrk),
// otherwise a Node load generator (which shares the CPU and so understates both).
// Usage: node bench/overhead.ts [seconds]
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import http from 'node:http';
import { freePort, motoServer, startFogbank } from './support.ts';

const seconds = Number(process.argv[2] ?? 10);
const CONNECTIONS = 32;
const BODY = 'Action=GetCallerIdentity&Version=2011-06-15';
const HEADERS = {
  'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
  authorization:
    'AWS4-HMAC-SHA256 Credential=test/20250101/us-east-1/sts/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=0000000000000000000000000000000000000000000000000000000000000000',
  'x-amz-date': '20250101T000000Z',
};

async function waitReady(child: ChildProcess, url: string) {
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited: ${url}`);
    const ok = await new Promise<boolean>((r) => {
      const req = http.request(url, { method: 'POST', headers: HEADERS, agent: false }, (res) => {
        res.resume();
        r(res.statusCode === 200);
      });
      req.on('error', () => r(false));
      req.end(BODY);
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

function hasWrk(): boolean {
  try {
    execFileSync('wrk', ['--version'], { stdio: 'ignore' });
    return true;
  } catch (e) {
    return (e as { status?: number }).status === 1; // wrk --version exits 1 but exists
  }
}

function wrk(url: string): number {
  const dir = mkdtempSync(join(tmpdir(), 'fogbank-bench-'));
  const script = join(dir, 'post.lua');
  writeFileSync(
    script,
    `wrk.method = "POST"\nwrk.body = "${BODY}"\n` + Object.entries(HEADERS).map(([k, v]) => `wrk.headers["${k}"] = "${v}"`).join('\n') + '\n',
  );
  const out = execFileSync('wrk', ['-t1', `-c${CONNECTIONS}`, `-d${seconds}s`, '-s', script, url], { encoding: 'utf8' });
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(out);
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(out);
  if (non2xx) throw new Error(`${non2xx[1]} failed responses from ${url}`);
  return Number(rps![1]);
}

async function nodeLoad(url: string): Promise<number> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  const end = performance.now() + seconds * 1000;
  let done = 0;
  const worker = async () => {
    while (performance.now() < end) {
      await new Promise<void>((resolve, reject) => {
        const req = http.request(url, { method: 'POST', headers: HEADERS, agent }, (res) => {
          if (res.statusCode !== 200) reject(new Error(`status ${res.statusCode}`));
          res.resume();
          res.on('end', () => resolve());
        });
        req.on('error', reject);
        req.end(BODY);
      });
      done++;
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: CONNECTIONS }, worker));
  agent.destroy();
  return done / ((performance.now() - t0) / 1000);
}

const load = hasWrk() ? wrk : nodeLoad;
// moto's Werkzeug server closes connections after each response, which stalls wrk (it does not
// reconnect promptly); the Node generator's agent reconnects, so moto is measured with it.
const subjects: Array<{ name: string; start: (port: number) => ChildProcess; load?: (url: string) => number | Promise<number> }> = [
  { name: 'bare node:http (constant)', start: (p) => spawn(process.execPath, [new URL('./bare-server.ts', import.meta.url).pathname, String(p)]) },
  { name: 'fogbank', start: (p) => startFogbank(p) },
];
const moto = motoServer();
if (moto) subjects.push({ name: 'moto_server', start: (p) => spawn(moto, ['-p', String(p)]), load: nodeLoad });

console.log(`overhead: GetCallerIdentity, ${CONNECTIONS} keep-alive connections, ${seconds} s each, load by ${load === wrk ? 'wrk' : 'node'}`);
const results: Record<string, number> = {};
for (const s of subjects) {
  const port = await freePort();
  const child = s.start(port);
  child.stdout?.resume();
  child.stderr?.resume();
  const url = `http://127.0.0.1:${port}/`;
  try {
    await waitReady(child, url);
    const run = s.load ?? load;
    await run(url); // warm-up
    results[s.name] = await run(url);
  } finally {
    child.kill('SIGTERM');
  }
  console.log(`${s.name.padEnd(28)} ${results[s.name].toFixed(0)} requests/s${s.load === nodeLoad && load !== nodeLoad ? ' (node load generator)' : ''}`);
}
const bare = results['bare node:http (constant)'];
console.log(`fogbank / bare = ${((results.fogbank / bare) * 100).toFixed(0)}%` + (results.moto_server ? `, fogbank / moto = ${(results.fogbank / results.moto_server).toFixed(1)}x` : ''));
