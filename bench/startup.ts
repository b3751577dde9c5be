// bench/startup: spawn `fogbank start --ephemeral`, time spawn → first 200 from /_fogbank/health,
// then read the resident set after 2 s idle. Median of N runs (default 10). When moto_server is
// installed it is measured the same way in the same run (first 200 from /moto-api/, RSS after 2 s).
// Usage: node bench/startup.ts [runs]
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { FOGBANK_CLI, freePort, median, motoServer } from './support.ts';

const runs = Number(process.argv[2] ?? 10);

function get(url: string): Promise<number> {
  return new Promise((resolve) => {
    const req = http.get(url, { agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', () => resolve(0));
  });
}

function rssMb(pid: number): number {
  // Sum over the process tree: moto's server may fork.
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024;
}

async function measure(start: (port: number) => ChildProcess, healthPath: string) {
  const port = await freePort();
  const t0 = performance.now();
  const child = start(port);
  child.stdout?.resume();
  child.stderr?.resume();
  while ((await get(`http://127.0.0.1:${port}${healthPath}`)) !== 200) {
    if (child.exitCode !== null) throw new Error('server exited before it was ready');
    await new Promise((r) => setTimeout(r, 2));
  }
  const readyMs = performance.now() - t0;
  await new Promise((r) => setTimeout(r, 2000));
  const rss = rssMb(child.pid!);
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
  return { readyMs, rss };
}

const subjects: Array<{ name: string; start: (port: number) => ChildProcess; health: string }> = [
  {
    name: 'fogbank start --ephemeral',
    start: (port) => spawn(process.execPath, [FOGBANK_CLI, 'start', '--ephemeral', '--port', String(port)], { stdio: 'pipe' }),
    health: '/_fogbank/health',
  },
];
const moto = motoServer();
if (moto) subjects.push({ name: 'moto_server', start: (port) => spawn(moto, ['-p', String(port)], { stdio: 'pipe' }), health: '/moto-api/' });

console.log(`start-up: ${runs} runs each, ${process.version}`);
for (const s of subjects) {
  const ready: number[] = [];
  const rss: number[] = [];
  for (let i = 0; i < runs; i++) {
    const m = await measure(s.start, s.health);
    ready.push(m.readyMs);
    rss.push(m.rss);
  }
  console.log(
    `${s.name.padEnd(28)} ready median ${median(ready).toFixed(0)} ms (min ${Math.min(...ready).toFixed(0)}, max ${Math.max(...ready).toFixed(0)})` +
      `   RSS after 2 s idle median ${median(rss).toFixed(1)} MB`,
  );
}
