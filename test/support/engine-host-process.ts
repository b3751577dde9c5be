// Starts test/support/engine-host.ts (a Fogbank process running one engine per resource) and hands
// back what it announced, with the two ways it can end: SIGTERM (a clean stop) and SIGKILL.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { readFileSync } from 'node:fs';
import type { FogbankOptions } from '../../src/fogbank.ts';
import type { PortRange } from '../../src/server/ports.ts';

export interface EngineHost {
  child: ChildProcess;
  endpoint: string;
  ports: Record<string, number>;
  pids: Record<string, number>;
  /** SIGTERM, then waits for it to exit; resolves with its exit code (0: a clean stop) and what it wrote to stderr. */
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
  /** SIGKILL (like kill -9), then waits for it to be gone. */
  kill9(): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
}

const HOST = new URL('./engine-host.ts', import.meta.url).pathname;

export function startEngineHost(options: FogbankOptions & { resources: string[] }): Promise<EngineHost> {
  const child = spawn(process.execPath, [HOST, JSON.stringify(options)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (c) => (stderr += c));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  const end = async (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    const code = await exited;
    return { code, signal: child.signalCode, stderr };
  };
  return new Promise((resolve, reject) => {
    let stdout = '';
    const onData = (c: Buffer) => {
      stdout += c;
      const nl = stdout.indexOf('\n');
      if (nl < 0) return;
      child.stdout!.off('data', onData);
      resolve({ child, ...JSON.parse(stdout.slice(0, nl)), stop: () => end('SIGTERM'), kill9: () => end('SIGKILL') });
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`engine host exited ${code} before it was ready: ${stderr}`)));
  });
}

/** Whether a process with this pid runs (a zombie, exited but not yet reaped, does not count). */
export function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return !/^Z|^X/.test(stat.slice(stat.lastIndexOf(')') + 2));
  } catch {
    return false;
  }
}

/** A range of `size` ports that are free now, away from the default range other tests may use. */
export async function freeRange(size: number): Promise<PortRange> {
  for (;;) {
    const first = 20_000 + Math.floor(Math.random() * 10_000);
    let ok = true;
    for (let p = first; p < first + size && ok; p++) ok = await canBind(p);
    if (ok) return { first, last: first + size - 1 };
  }
}

function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}
