// bench/sqs: messages/s through SendMessage → ReceiveMessage → DeleteMessage with 32 concurrent
// clients (keep-alive connections, JSON protocol as current SDKs speak it), on a standard and on a
// FIFO queue (32 message groups, explicit deduplication ids), against Fogbank with a data directory
// (durable SQLite, as `npm start` runs) and against moto_server in the same run when it is installed.
// Prints each subject's figure, the median of the runs, and the Fogbank/moto ratio.
// Usage: node bench/sqs.ts [seconds per run] [runs]
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import http from 'node:http';
import { durableSubjects, freePort, median, type Subject } from './support.ts';

const seconds = Number(process.argv[2] ?? 5);
const runs = Number(process.argv[3] ?? 3);
const CLIENTS = 32;
const HEADERS = {
  'content-type': 'application/x-amz-json-1.0',
  authorization:
    'AWS4-HMAC-SHA256 Credential=test/20250101/us-east-1/sqs/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=0000000000000000000000000000000000000000000000000000000000000000',
  'x-amz-date': '20250101T000000Z',
};

class Sqs {
  readonly agent = new http.Agent({ keepAlive: true, maxSockets: CLIENTS });
  readonly base: string;
  constructor(base: string) {
    this.base = base;
  }

  call(operation: string, input: Record<string, unknown>): Promise<any> {
    const body = JSON.stringify(input);
    return new Promise((resolve, reject) => {
      const req = http.request(this.base, { method: 'POST', agent: this.agent, headers: { ...HEADERS, 'x-amz-target': `AmazonSQS.${operation}` } }, (res) => {
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

  close(): void {
    this.agent.destroy();
  }
}

async function waitReady(child: ChildProcess, sqs: Sqs): Promise<void> {
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error('server exited');
    try {
      await sqs.call('ListQueues', {});
      return;
    } catch {
      if (i > 400) throw new Error('server not ready');
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

/** Messages/s completed (sent, received and deleted) by CLIENTS workers for `ms`. */
async function measure(sqs: Sqs, QueueUrl: string, fifo: boolean, ms: number): Promise<{ rate: number; p50: number; p99: number }> {
  const end = performance.now() + ms;
  let done = 0;
  let serial = 0;
  const run = Math.random().toString(36).slice(2);
  const cycles: number[] = [];
  const worker = async (w: number) => {
    while (performance.now() < end) {
      const t0 = performance.now();
      const id = `${run}-${w}-${serial++}`;
      await sqs.call('SendMessage', fifo
        ? { QueueUrl, MessageBody: `message ${id}`, MessageGroupId: `g${w}`, MessageDeduplicationId: id }
        : { QueueUrl, MessageBody: `message ${id}` });
      for (;;) {
        const r = await sqs.call('ReceiveMessage', { QueueUrl, MaxNumberOfMessages: 1, WaitTimeSeconds: 1 });
        const m = r.Messages?.[0];
        if (m) {
          await sqs.call('DeleteMessage', { QueueUrl, ReceiptHandle: m.ReceiptHandle });
          break;
        }
        if (performance.now() >= end) return;
      }
      done++;
      cycles.push(performance.now() - t0);
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: CLIENTS }, (_, i) => worker(i)));
  cycles.sort((a, b) => a - b);
  return { rate: done / ((performance.now() - t0) / 1000), p50: cycles[Math.floor(cycles.length * 0.5)] ?? NaN, p99: cycles[Math.floor(cycles.length * 0.99)] ?? NaN };
}

const subjects = durableSubjects();

console.log(`sqs: send+receive+delete, ${CLIENTS} concurrent clients, ${seconds} s × ${runs} runs per queue type, subjects interleaved`);
// All subjects run at once and their runs alternate, so that load from elsewhere on the machine
// falls on each of them alike.
interface Running {
  subject: Subject;
  child: ChildProcess;
  dir: string;
  sqs: Sqs;
  queues: Record<string, string>;
}
const running: Running[] = [];
try {
  for (const subject of subjects) {
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'fogbank-bench-sqs-'));
    const child = subject.start(port, dir);
    child.stdout?.resume();
    child.stderr?.resume();
    const r: Running = { subject, child, dir, sqs: new Sqs(`http://127.0.0.1:${port}/`), queues: {} };
    running.push(r);
    await waitReady(child, r.sqs);
    r.queues.standard = (await r.sqs.call('CreateQueue', { QueueName: 'bench' })).QueueUrl;
    r.queues.fifo = (await r.sqs.call('CreateQueue', { QueueName: 'bench.fifo', Attributes: { FifoQueue: 'true' } })).QueueUrl;
  }
  const results: Record<string, Record<string, number>> = {};
  for (const type of ['standard', 'fifo'] as const) {
    const rates = new Map<Running, number[]>(running.map((r) => [r, []]));
    const p99s = new Map<Running, number[]>(running.map((r) => [r, []]));
    for (const r of running) await measure(r.sqs, r.queues[type], type === 'fifo', 1000); // warm-up
    for (let i = 0; i < runs; i++) {
      for (const r of running) {
        const m = await measure(r.sqs, r.queues[type], type === 'fifo', seconds * 1000);
        rates.get(r)!.push(m.rate);
        p99s.get(r)!.push(m.p99);
      }
    }
    for (const r of running) {
      const name = r.subject.name;
      (results[name] ??= {})[type] = median(rates.get(r)!);
      console.log(`${name.padEnd(12)} ${type.padEnd(8)} ${rates.get(r)!.map((x) => x.toFixed(0)).join(' / ')} messages/s, median ${median(rates.get(r)!).toFixed(0)}; ` +
        `cycle p99 ${median(p99s.get(r)!).toFixed(1)} ms`);
    }
  }
  if (results.moto_server) {
    for (const type of ['standard', 'fifo']) {
      console.log(`${type}: fogbank / moto = ${(results.fogbank[type] / results.moto_server[type]).toFixed(1)}x`);
    }
  }
} finally {
  for (const r of running) {
    r.sqs.close();
    r.child.kill('SIGTERM');
    await new Promise((resolve) => (r.child.exitCode !== null ? resolve(undefined) : r.child.once('exit', resolve)));
    rmSync(r.dir, { recursive: true, force: true });
  }
}
