// What every benchmark needs: a free port, the moto_server peer when installed, order statistics.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import net from 'node:net';

/** The Fogbank command line, for spawning `fogbank start` as a user would. */
export const FOGBANK_CLI = new URL('../bin/fogbank.js', import.meta.url).pathname;

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/** moto_server, the peer benchmarks compare against: on PATH or in a pyenv Python. */
export function motoServer(): string | undefined {
  const root = '/root/.pyenv/versions';
  if (existsSync(root)) {
    for (const v of readdirSync(root)) {
      const p = `${root}/${v}/bin/moto_server`;
      if (existsSync(p)) return p;
    }
  }
  try {
    return execFileSync('sh', ['-c', 'command -v moto_server'], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** The p-th percentile (0–100) of an ascending array. */
export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** Spawns `fogbank start` on a port, durable in `dataDir` or ephemeral without one. */
export function startFogbank(port: number, dataDir?: string): ChildProcess {
  const state = dataDir ? ['--data-dir', dataDir] : ['--ephemeral'];
  return spawn(process.execPath, [FOGBANK_CLI, 'start', ...state, '--port', String(port)]);
}

export interface Subject {
  name: string;
  start(port: number, dir: string): ChildProcess;
}

/** Fogbank with a data directory (as `npm start` runs) and, when installed, moto_server. */
export function durableSubjects(): Subject[] {
  const subjects: Subject[] = [{ name: 'fogbank', start: (p, dir) => startFogbank(p, dir) }];
  const moto = motoServer();
  if (moto) subjects.push({ name: 'moto_server', start: (p) => spawn(moto, ['-p', String(p)]) });
  return subjects;
}
