#!/usr/bin/env node
// Fogbank runs its TypeScript sources directly on Node 24 (type stripping).
import { main } from '../src/cli.ts';

main(process.argv.slice(2)).catch((err) => {
  process.stderr.write(`fogbank: ${err?.stack ?? err}\n`);
  process.exit(1);
});
