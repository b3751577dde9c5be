// `npm run codegen`: writes, for every service in src/aws/catalog.ts, its runtime model and types
// (src/aws/services/<name>/generated/), and the router's identity index (src/aws/generated/).
// `npm run codegen -- --check` writes nothing and fails, listing them, when any of those files is
// missing or differs from what would be generated (CI). See DESIGN.md §2 and scripts/codegen/.
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { awsCatalog } from '../src/aws/catalog.ts';
import { planFiles, compareFiles, writeFiles } from './codegen/files.ts';
import type { MergeReport } from './codegen/merge-v3.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const check = process.argv.includes('--check');

const { files, reports, stale } = await planFiles(awsCatalog, root);

if (check) {
  const problems = [...compareFiles(files, root), ...stale.map((f) => `${f}: stale (service not in src/aws/catalog.ts)`)];
  if (problems.length > 0) {
    console.error('codegen --check: generated files are out of date; run `npm run codegen`:');
    for (const p of problems) console.error(`  ${p}`);
    process.exit(1);
  }
  console.log(`codegen --check: ${files.length} generated files up to date`);
} else {
  for (const report of reports) printReport(report);
  for (const { path, changed } of writeFiles(files)) console.log(`${changed ? 'wrote    ' : 'unchanged'} ${relative(root, path)}`);
  for (const f of stale) console.warn(`warning: ${f} belongs to no service in src/aws/catalog.ts`);
}

function printReport(r: MergeReport): void {
  console.log(`${r.service}: merged ${r.source}: +${r.addedOperations.length} operations, ` +
    `+${r.addedMembers.length} members, +${r.addedErrors.length} errors`);
  const list = (label: string, items: string[]) => {
    if (items.length > 0) console.log(`  ${label} (${items.length}): ${items.join(', ')}`);
  };
  list('operations', r.addedOperations);
  list('members', r.addedMembers);
  list('errors', r.addedErrors);
  list('bindings differing (v2 kept)', r.bindingDifferences);
  list('types differing (v2 kept)', r.typeDifferences);
  list('operations only in the v2 model (kept)', r.v2OnlyOperations);
}
