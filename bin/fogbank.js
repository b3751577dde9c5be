#!/usr/bin/env node
// Fogbank's command line. Plain JavaScript so that it can switch on Node's compile cache before any
// TypeScript loads: the cache keeps both the type-stripped sources and their bytecode, which makes
// every start after the first about three times faster (bench/startup).
import module from 'node:module';

// Object bodies are files, and every open, write, fsync and rename is a trip through libuv's
// thread pool (4 threads by default): concurrent uploads would queue behind four fsyncs. Set before
// the pool starts; an explicit UV_THREADPOOL_SIZE wins.
process.env.UV_THREADPOOL_SIZE ??= '16';
module.enableCompileCache?.();
await import('../src/core/quiet-warnings.ts');
const { main } = await import('../src/cli.ts');
main(process.argv.slice(2)).catch((err) => {
  process.stderr.write(`fogbank: ${err?.stack ?? err}\n`);
  process.exit(1);
});
