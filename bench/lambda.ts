// bench/lambda: cold start and warm invoke latency (median, p99) and invokes/s of a trivial Node and
// Python function, run by a Fogbank started as its own process (`fogbank start --ephemeral`). Warm
// latency is measured with a plain keep-alive HTTP client (what "over loopback" means: no SDK in the
// way) and, for reference, with the AWS SDK v3 client.
// Usage: node bench/lambda.ts [warm invocations per runtime, default 2000] [seconds of load, default 5]
import { spawn } from 'node:child_process';
import http from 'node:http';
import { LambdaClient, CreateFunctionCommand, InvokeCommand } from '@aws-sdk/client-lambda';
import { buildZip } from '../src/aws/services/lambda/zip.ts';
import { freePort, percentile } from './support.ts';

const WARM = Number(process.argv[2] ?? 2000);
const SECONDS = Number(process.argv[3] ?? 5);
const COLD_RUNS = 10;
const CONNECTIONS = 8;
const ROLE = 'arn:aws:iam::000000000000:role/bench';
const AUTH = 'AWS4-HMAC-SHA256 Credential=test/20250101/us-east-1/lambda/aws4_request, SignedHeaders=host;x-amz-date, Signature=00';

function call(port: number, agent: http.Agent | false, method: string, path: string, body?: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path, agent, headers: { authorization: AUTH, 'x-amz-date': '20250101T000000Z', 'content-type': 'application/json', ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString(), headers: res.headers }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

function ms(n: number): string {
  return `${n.toFixed(2)} ms`;
}

const port = await freePort();
const child = spawn(process.execPath, [new URL('../bin/fogbank.js', import.meta.url).pathname, 'start', '--ephemeral', '--port', String(port)], { stdio: ['ignore', 'pipe', 'inherit'] });
await new Promise<void>((resolve, reject) => {
  child.stdout!.on('data', (d: Buffer) => (String(d).includes('ready') ? resolve() : undefined));
  child.on('exit', () => reject(new Error('fogbank exited')));
});
const endpoint = `http://127.0.0.1:${port}`;
const client = new LambdaClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });

const functions = [
  { name: 'bench-node', runtime: 'nodejs22.x' as const, handler: 'index.handler', files: [{ name: 'index.mjs', data: 'export const handler = async (event) => event;' }] },
  { name: 'bench-python', runtime: 'python3.12' as const, handler: 'app.handler', files: [{ name: 'app.py', data: 'def handler(event, context):\n    return event\n' }] },
];

try {
  console.log(`bench/lambda: Fogbank ${endpoint}, ${COLD_RUNS} cold starts, ${WARM} warm invokes, ${SECONDS} s at ${CONNECTIONS} connections, per runtime`);
  for (const f of functions) {
    await client.send(new CreateFunctionCommand({ FunctionName: f.name, Runtime: f.runtime, Role: ROLE, Handler: f.handler, Code: { ZipFile: buildZip(f.files) } }));
    const path = `/2015-03-31/functions/${f.name}/invocations`;
    const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });
    // Cold: evict the warm environment, then time the invocation that has to start a new one.
    await call(port, agent, 'POST', path, '{}');
    const cold: number[] = [];
    const init: number[] = [];
    for (let i = 0; i < COLD_RUNS; i++) {
      await call(port, false, 'POST', '/_fogbank/lambda/evict', JSON.stringify({ function: f.name }));
      await new Promise((r) => setTimeout(r, 50));
      const t = performance.now();
      const r = await call(port, agent, 'POST', path, '{"cold":true}', { 'x-amz-log-type': 'Tail' });
      cold.push(performance.now() - t);
      if (r.status !== 200 || r.headers['x-amz-function-error']) throw new Error(`cold invoke failed: ${r.status} ${r.body}`);
      const report = Buffer.from(String(r.headers['x-amz-log-result']), 'base64').toString();
      const m = /Init Duration: ([\d.]+) ms/.exec(report);
      if (m) init.push(Number(m[1]));
    }
    cold.sort((a, b) => a - b);
    init.sort((a, b) => a - b);
    // Warm, sequential, one keep-alive connection.
    for (let i = 0; i < 200; i++) await call(port, agent, 'POST', path, '{"warm":true}');
    const warm: number[] = [];
    for (let i = 0; i < WARM; i++) {
      const t = performance.now();
      const r = await call(port, agent, 'POST', path, '{"warm":true}');
      warm.push(performance.now() - t);
      if (r.status !== 200) throw new Error(`warm invoke failed: ${r.status} ${r.body}`);
    }
    warm.sort((a, b) => a - b);
    const sdk: number[] = [];
    for (let i = 0; i < Math.min(500, WARM); i++) {
      const t = performance.now();
      await client.send(new InvokeCommand({ FunctionName: f.name, Payload: '{"warm":true}' }));
      sdk.push(performance.now() - t);
    }
    sdk.sort((a, b) => a - b);
    // Throughput: CONNECTIONS clients invoking back to back (the function scales to as many workers).
    let done = 0;
    const end = performance.now() + SECONDS * 1000;
    const t0 = performance.now();
    await Promise.all(Array.from({ length: CONNECTIONS }, async () => {
      while (performance.now() < end) {
        const r = await call(port, agent, 'POST', path, '{"load":true}');
        if (r.status !== 200) throw new Error(`load invoke failed: ${r.status} ${r.body}`);
        done++;
      }
    }));
    const rate = done / ((performance.now() - t0) / 1000);
    agent.destroy();
    console.log(`${f.runtime.padEnd(11)} cold start  median ${ms(percentile(cold, 50))}  p99 ${ms(cold[cold.length - 1])}  (Init Duration median ${ms(percentile(init, 50))})`);
    console.log(`${''.padEnd(11)} warm invoke median ${ms(percentile(warm, 50))}  p99 ${ms(percentile(warm, 99))}  (SDK v3 client: median ${ms(percentile(sdk, 50))}, p99 ${ms(percentile(sdk, 99))})`);
    console.log(`${''.padEnd(11)} throughput  ${rate.toFixed(0)} invokes/s at ${CONNECTIONS} connections`);
  }
} finally {
  child.kill('SIGTERM');
}
