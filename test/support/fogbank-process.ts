// Fogbank in its own process, for tests that measure how the server's event loop behaves: with an
// in-process Fogbank the test's own client shares that loop, so a blocked loop stalls the measuring
// side too and requests interleave one by one instead of arriving together as from real clients.
import { spawn } from 'node:child_process';
import type { FogbankOptions } from '../../src/fogbank.ts';

export interface FogbankProcess {
  endpoint: string;
  port: number;
  generatedAdminPassword?: string;
  stop(): Promise<void>;
}

const CHILD = new URL('./fogbank-child.ts', import.meta.url).pathname;

export function startFogbankProcess(options: FogbankOptions = {}, env: Record<string, string> = {}): Promise<FogbankProcess> {
  // UV_THREADPOOL_SIZE as `fogbank start` sets it (bin/fogbank.js), unless the caller says otherwise.
  const child = spawn(process.execPath, [CHILD, JSON.stringify(options)], {
    env: { ...process.env, UV_THREADPOOL_SIZE: '16', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (c) => (stderr += c));
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  return new Promise((resolve, reject) => {
    let stdout = '';
    const onData = (c: Buffer) => {
      stdout += c;
      const nl = stdout.indexOf('\n');
      if (nl < 0) return;
      child.stdout.off('data', onData);
      const info = JSON.parse(stdout.slice(0, nl));
      resolve({
        ...info,
        async stop() {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
          await exited;
        },
      });
    };
    child.stdout.on('data', onData);
    child.once('exit', (code) => reject(new Error(`Fogbank process exited ${code} before it was ready: ${stderr}`)));
  });
}
