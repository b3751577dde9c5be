// A burst of identical HTTP requests, all at once, sent from another process (as an attacker on
// another machine would): the test process's own event loop stays free to measure the server.
// Run as a script, it takes one JSON argument ({ url, localAddress, count, method, headers, body })
// and prints 'sending', then one JSON line: the status, Retry-After header, body and time of each answer.
import { spawn } from 'node:child_process';
import { requestFrom } from './http-from.ts';

export interface BurstSpec {
  url: string;
  localAddress: string;
  count: number;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface BurstAnswer {
  status: number;
  retryAfter?: string;
  body: string;
  ms: number;
}

const SELF = new URL(import.meta.url).pathname;

/** `started` settles when the child is about to send (its own start-up is not part of the burst). */
export function burstFrom(spec: BurstSpec): { started: Promise<void>; answers: Promise<BurstAnswer[]> } {
  const child = spawn(process.execPath, [SELF, JSON.stringify(spec)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  let signal: () => void;
  const started = new Promise<void>((r) => (signal = r));
  child.stdout.on('data', (c) => {
    out += c;
    if (out.startsWith('sending\n')) signal();
  });
  child.stderr.on('data', (c) => (err += c));
  const answers = new Promise<BurstAnswer[]>((resolve, reject) => {
    child.once('exit', (code) => {
      signal();
      if (code === 0) resolve(JSON.parse(out.slice('sending\n'.length)));
      else reject(new Error(`burst exited ${code}: ${err}`));
    });
  });
  return { started, answers };
}

if (process.argv[1] === SELF) {
  const spec = JSON.parse(process.argv[2]) as BurstSpec;
  process.stdout.write('sending\n');
  const answers = await Promise.all(
    Array.from({ length: spec.count }, () =>
      requestFrom(spec.localAddress, spec.url, { method: spec.method, headers: spec.headers, body: spec.body }).then((a) => ({
        status: a.status,
        retryAfter: a.headers['retry-after'] as string | undefined,
        body: a.body,
        ms: a.ms,
      })),
    ),
  );
  process.stdout.write(`${JSON.stringify(answers)}\n`);
}
