// `node scripts/check-imports.ts`: the two rules of DESIGN.md §10 about imports, checked over src/.
// 1. No import circles (type-only imports count too: they still tie the modules' designs together).
// 2. Nothing outside src/aws/ imports from src/aws/, except src/fogbank.ts, which builds the AWS
//    provider through its entry point src/aws/index.ts. Test files may import anything; their shared helpers live in test/support/.
// 3. A service's state is reached only through its state module (DESIGN.md §4, issue 11 §7): in
//    src/<cloud>/services/<service>/, SQL and the database handle appear only in store.ts/state.ts
//    (or files under store/ or state/), never in handlers, engines or admin routes, so that a driver
//    other than SQLite can one day stand behind the state modules.
// 4. Services reach their tables through the store port only: no file under src/<cloud>/services/
//    imports the SQLite driver (src/store/database.ts), tests included — a statement that bypassed the
//    port could land inside another request's unit of work (src/store/sqlite-store.ts).
// Exits 1, listing what breaks a rule.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'src');

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : walk(p);
    return e.name.endsWith('.ts') ? [p] : [];
  });
}

// Static imports and re-exports, and import() with a literal path.
const importRe = /(?:^|\n)\s*(?:import|export)\s[^'";]*?from\s*'([^']+)'|import\(\s*'([^']+)'\s*\)/g;
const files = walk(src);
const graph = new Map<string, string[]>();
for (const file of files) {
  const text = readFileSync(file, 'utf8');
  const deps: string[] = [];
  for (const m of text.matchAll(importRe)) {
    const spec = m[1] ?? m[2]!;
    if (spec.startsWith('.')) deps.push(resolve(dirname(file), spec));
  }
  graph.set(file, deps);
}

const problems: string[] = [];
const rel = (p: string) => relative(root, p);

// Rule 2: the provider boundary.
const aws = join(src, 'aws') + '/';
const entry = join(src, 'aws', 'index.ts');
for (const [file, deps] of graph) {
  if (file.startsWith(aws) || file.endsWith('.test.ts')) continue;
  for (const dep of deps) {
    if (!dep.startsWith(aws)) continue;
    if (file === join(src, 'fogbank.ts') && dep === entry) continue;
    problems.push(`${rel(file)} imports ${rel(dep)} (only src/fogbank.ts may import src/aws/, through src/aws/index.ts)`);
  }
}

// Rule 3: state behind state modules.
const serviceFile = /\/src\/(?:aws|gcp)\/services\/[^/]+\/(.+)$/;
const stateModule = /^(?:store|state)(?:\.ts|\/)/;
const databaseUse = /\bdb\s*\.\s*(?:run|get|all|transaction|statement|raw|exec|prepare)\b|\.prepare\(/;
for (const file of files) {
  const inService = serviceFile.exec(file);
  if (!inService || file.endsWith('.test.ts') || stateModule.test(inService[1]!)) continue;
  const lines = readFileSync(file, 'utf8').split('\n');
  lines.forEach((line, i) => {
    if (databaseUse.test(line) && !line.trimStart().startsWith('//')) problems.push(`${rel(file)}:${i + 1} uses the database outside the service's state module: ${line.trim().slice(0, 100)}`);
  });
}

// Rule 4: no service imports the SQLite driver.
const driver = resolve(root, 'src/store/database.ts');
for (const file of files) {
  if (!serviceFile.test(file)) continue;
  if ((graph.get(file) ?? []).includes(driver)) problems.push(`${rel(file)} imports the SQLite driver ${rel(driver)} (services use env.store, src/core/store.ts)`);
}

// Rule 1: strongly connected components of more than one module (Tarjan), or a module importing itself.
let counter = 0;
const index = new Map<string, number>();
const low = new Map<string, number>();
const stack: string[] = [];
const onStack = new Set<string>();
function connect(v: string): void {
  index.set(v, counter);
  low.set(v, counter++);
  stack.push(v);
  onStack.add(v);
  for (const w of graph.get(v) ?? []) {
    if (!graph.has(w)) continue;
    if (!index.has(w)) {
      connect(w);
      low.set(v, Math.min(low.get(v)!, low.get(w)!));
    } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
  }
  if (low.get(v) === index.get(v)) {
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1 || (graph.get(v) ?? []).includes(v)) {
      problems.push(`import circle: ${component.map(rel).sort().join(' ↔ ')}`);
    }
  }
}
for (const file of graph.keys()) if (!index.has(file)) connect(file);

if (problems.length > 0) {
  for (const p of problems) console.error(p);
  process.exit(1);
}
console.log(`check-imports: ${files.length} modules, no import circles, provider boundary kept, state behind state modules, services on the store port`);
