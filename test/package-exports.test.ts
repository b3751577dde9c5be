// The package as its users import it: by name, through package.json's "exports" (the package's
// self-reference makes 'fogbank' resolve inside the repo exactly as it does for a dependant).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { STSClient, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { createFogbank, type Fogbank, type FogbankOptions } from 'fogbank';
import { startFogbank } from 'fogbank/testing';

test('every entry of package.json "exports" names a file that exists', () => {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { name: string; exports: Record<string, string> };
  assert.ok(Object.keys(pkg.exports).length > 0);
  for (const subpath of Object.keys(pkg.exports)) {
    const specifier = subpath === '.' ? pkg.name : `${pkg.name}/${subpath.slice(2)}`;
    const file = fileURLToPath(import.meta.resolve(specifier));
    assert.ok(existsSync(file), `${specifier} resolves to ${file}, which does not exist`);
  }
});

test("import { createFogbank } from 'fogbank' starts an instance that answers an SDK client, and stops it", async () => {
  const options: FogbankOptions = { host: '127.0.0.1', port: 0, ephemeral: true, logLevel: 'error' };
  const fb: Fogbank = await createFogbank(options);
  let stopped = false;
  try {
    assert.ok(fb.port > 0);
    const sts = new STSClient({ endpoint: fb.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
    const me = await sts.send(new GetCallerIdentityCommand({}));
    assert.equal(me.Account, '000000000000');
    sts.destroy();
    await fb.stop();
    stopped = true;
    // Stopped means the port no longer answers.
    await assert.rejects(fetch(fb.endpoint), (err: Error) => err instanceof TypeError);
  } finally {
    if (!stopped) await fb.stop();
  }
});

test("'fogbank/testing' resolves by name too and starts on a free port", async () => {
  const fb = await startFogbank();
  try {
    const sts = new STSClient(fb.clientConfig);
    const me = await sts.send(new GetCallerIdentityCommand({}));
    assert.equal(me.Account, '000000000000');
    sts.destroy();
  } finally {
    await fb.stop();
  }
});
