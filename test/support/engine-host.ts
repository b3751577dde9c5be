// A Fogbank process that does what a service owning endpoints will do (a cache cluster's RESP
// server, a DB instance's postgres): for each resource named in argv, take its port from the
// allocator and run an engine listening on it. Announces {endpoint, ports, pids} as one JSON line;
// stops on SIGTERM like `fogbank start`. Used to restart or kill -9 a real Fogbank process.
import '../../src/core/quiet-warnings.ts';
import { createFogbank, type FogbankOptions } from '../../src/fogbank.ts';

const { resources, ...options } = JSON.parse(process.argv[2] ?? '{}') as FogbankOptions & { resources: string[] };
const fb = await createFogbank({ port: 0, ...options });
const LISTENER = new URL('./engines/listener.js', import.meta.url).pathname;
const ports: Record<string, number> = {};
const pids: Record<string, number> = {};
for (const resource of resources) {
  const port = await fb.env.ports.acquire({ kind: 'test:cache', resource, account: '000000000000' });
  const engine = fb.env.engines.start({
    kind: 'test:cache',
    resource,
    account: '000000000000',
    process: { command: process.execPath, args: [LISTENER, String(port)], env: { PATH: process.env.PATH ?? '' } },
    port,
  });
  await engine.whenAvailable();
  ports[resource] = port;
  pids[resource] = engine.pid!;
}
// Installed before the ready line, as `fogbank start` does: a SIGTERM sent as soon as the line is
// read must find the handler, not the default action (death, with the engines left running).
process.once('SIGTERM', () =>
  fb.stop().then(
    () => process.exit(0),
    (err) => {
      process.stderr.write(`stop failed: ${(err as Error)?.stack ?? err}\n`);
      process.exit(1);
    },
  ),
);
process.stdout.write(`${JSON.stringify({ endpoint: fb.endpoint, ports, pids })}\n`);
