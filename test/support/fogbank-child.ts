// The child side of fogbank-process.ts: a Fogbank built with the options given as JSON in argv[2],
// announced on stdout as one JSON line, stopped on SIGTERM or when the parent goes (stdin closes), so
// a test runner that dies leaves no server behind.
import '../../src/core/quiet-warnings.ts';
import { createFogbank, type FogbankOptions } from '../../src/fogbank.ts';

const options = JSON.parse(process.argv[2] ?? '{}') as FogbankOptions;
const fb = await createFogbank({ ephemeral: true, port: 0, ...options });
process.stdout.write(`${JSON.stringify({ endpoint: fb.endpoint, port: fb.port, generatedAdminPassword: fb.generatedAdminPassword })}\n`);
const stop = () => fb.stop().then(() => process.exit(0), () => process.exit(1));
process.once('SIGTERM', stop);
process.stdin.on('end', stop).on('error', stop).resume();
