// `npm run codegen`: writes, for every service in src/aws/catalog.ts, its runtime model and types
// (src/aws/services/<name>/generated/), and the router's identity index (src/aws/generated/).
// `npm run codegen -- --check` writes nothing and fails, listing them, when any of those files is
// missing or differs from what would be generated (CI). See DESIGN.md §2 and scripts/codegen/.
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { awsCatalog } from '../src/aws/catalog.ts';
import { planFiles, compareFiles, writeFiles } from './codegen/files.ts';
import type { BotocoreReport } from './codegen/merge-botocore.ts';
import type { MergeReport } from './codegen/merge-v3.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const check = process.argv.includes('--check');

let plan: Awaited<ReturnType<typeof planFiles>>;
try {
  plan = await planFiles(awsCatalog, root);
} catch (e) {
  // A missing model source (botocore's data directory) is a setup problem: one line, no stack.
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(1);
}
const { files, reports, constraints, stale } = plan;

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
  for (const report of constraints) printConstraints(report);
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

function printConstraints(r: BotocoreReport): void {
  console.log(`${r.service}: constraints from ${r.source}: ${r.constrainedShapes} shapes; newer than it ` +
    `(no constraints): ${r.operationsWithout.length} operations, ${r.membersWithout.length} input members`);
  const list = (label: string, items: string[]) => {
    if (items.length > 0) console.log(`  ${label} (${items.length}): ${items.join(', ')}`);
  };
  list('operations without constraints', r.operationsWithout);
  list('enums the v3 client does not export (botocore values alone)', r.enumsWithoutV3);
  list('conflicting list/map constraints (first kept)', r.conflicts);
  list('patterns RE2 cannot compile (not enforced)', r.unenforceablePatterns);
}
