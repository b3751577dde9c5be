// bench/sns: SNS → SQS fan-out latency — the time from sending Publish until a ReceiveMessage that
// was already long-polling the subscribed queue returns the message — for a raw subscription and for
// the signed JSON envelope, through the AWS SDK v3. Fogbank runs as a child process; moto_server is
// measured in the same run when /root/.pyenv/versions/*/bin/moto_server (or moto_server on PATH) exists.
// Usage: node bench/sns.ts [messages per case]
import { spawn, type ChildProcess } from 'node:child_process';
import { SNSClient, CreateTopicCommand, SubscribeCommand, PublishCommand } from '@aws-sdk/client-sns';
import { SQSClient, CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, DeleteMessageCommand } from '@aws-sdk/client-sqs';
import { freePort, motoServer, percentile } from './support.ts';

const N = Number(process.argv[2] ?? 300);
const WARMUP = 20;

async function waitReady(child: ChildProcess, url: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited before it was ready: ${url}`);
    if (Date.now() > deadline) throw new Error(`server not ready: ${url}`);
    try {
      const res = await fetch(url);
      await res.arrayBuffer();
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

interface Figures {
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

async function measure(endpoint: string, raw: boolean): Promise<Figures> {
  const config = { endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
  const sns = new SNSClient(config);
  const sqs = new SQSClient(config);
  const name = `bench-${raw ? 'raw' : 'envelope'}-${Date.now()}`;
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: name }));
  await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: Attributes!.QueueArn, Attributes: raw ? { RawMessageDelivery: 'true' } : undefined }));
  const latencies: number[] = [];
  for (let i = 0; i < N + WARMUP; i++) {
    const receiving = sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 20, MaxNumberOfMessages: 1 }));
    // Let the long poll reach the server before publishing.
    await new Promise((r) => setTimeout(r, 2));
    const t0 = performance.now();
    await sns.send(new PublishCommand({ TopicArn, Message: `message ${i}`, MessageAttributes: { n: { DataType: 'Number', StringValue: String(i) } } }));
    const r = await receiving;
    const t1 = performance.now();
    const m = r.Messages?.[0];
    if (!m) throw new Error(`message ${i} did not arrive`);
    if (i >= WARMUP) latencies.push(t1 - t0);
    await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: m.ReceiptHandle }));
  }
  sns.destroy();
  sqs.destroy();
  latencies.sort((a, b) => a - b);
  return { p50: percentile(latencies, 50), p90: percentile(latencies, 90), p99: percentile(latencies, 99), max: latencies.at(-1)! };
}

const ms = (n: number) => `${n.toFixed(2)} ms`;

function report(label: string, f: Figures): void {
  console.log(`  ${label.padEnd(28)} p50 ${ms(f.p50).padStart(10)}   p90 ${ms(f.p90).padStart(10)}   p99 ${ms(f.p99).padStart(10)}   max ${ms(f.max).padStart(10)}`);
}

async function run(label: string, cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<Record<string, Figures>> {
  const port = await freePort();
  const child = spawn(cmd, [...args, ...(cmd.endsWith('moto_server') ? ['-p', String(port)] : ['--port', String(port)])], { stdio: 'ignore', env: { ...process.env, ...env } });
  try {
    const endpoint = `http://127.0.0.1:${port}`;
    await waitReady(child, cmd.endsWith('moto_server') ? `${endpoint}/moto-api/` : `${endpoint}/_fogbank/health`);
    console.log(`${label} (${N} messages per case, after ${WARMUP} warm-up)`);
    const out: Record<string, Figures> = {};
    for (const raw of [true, false]) {
      const f = await measure(endpoint, raw);
      out[raw ? 'raw' : 'envelope'] = f;
      report(raw ? 'SNS→SQS raw' : 'SNS→SQS signed envelope', f);
    }
    return out;
  } finally {
    child.kill('SIGTERM');
  }
}

const fogbank = await run('Fogbank', process.execPath, ['bin/fogbank.js', 'start', '--ephemeral', '--host', '127.0.0.1']);
const moto = motoServer();
if (moto) {
  const peer = await run(`moto_server (${moto})`, moto, []);
  for (const k of ['raw', 'envelope']) {
    console.log(`  ${k}: Fogbank p99 is ${(peer[k].p99 / fogbank[k].p99).toFixed(1)}× lower than moto's; p50 ${(peer[k].p50 / fogbank[k].p50).toFixed(1)}×`);
  }
} else {
  console.log('moto_server not found: no peer figures');
}
const goal = Math.max(fogbank.raw.p99, fogbank.envelope.p99) < 10;
console.log(`goal p99 < 10 ms: ${goal ? 'met' : 'NOT met'}`);
