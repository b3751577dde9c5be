// The import rules of DESIGN.md §10 (no circles; only src/fogbank.ts imports src/aws/, through its
// entry point) hold for the whole of src/: scripts/check-imports.ts exits 0.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

test('src/ has no import circles and keeps the provider boundary', () => {
  const script = fileURLToPath(new URL('./check-imports.ts', import.meta.url));
  const r = spawnSync(process.execPath, [script], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /no import circles, provider boundary kept/);
});
