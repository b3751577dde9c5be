// Which files codegen produces and with what content, computed in memory so that writing and
// `--check` share everything but the last step.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import type { CatalogEntry } from '../../src/aws/catalog.ts';
import type { BotocoreReport } from './merge-botocore.ts';
import type { MergeReport } from './merge-v3.ts';
import { buildService, generatedNotice } from './pipeline.ts';
import { serviceIdentity, writeIdentities } from './write-identities.ts';
import { writeTypes } from './write-types.ts';
import { knownServices, writeKnownServices } from './write-known-services.ts';
import { compare } from './v3-schema.ts';

export interface GeneratedFile {
  path: string;
  content: string;
}

export interface Plan {
  files: GeneratedFile[];
  reports: MergeReport[];
  constraints: BotocoreReport[];
  /** Generated files on disk for services the catalog no longer lists. */
  stale: string[];
}

export async function planFiles(catalog: readonly CatalogEntry[], root: string): Promise<Plan> {
  const files: GeneratedFile[] = [];
  const reports: MergeReport[] = [];
  const constraints: BotocoreReport[] = [];
  const identities: Record<string, unknown>[] = [];
  const packages = new Set<string>();
  for (const entry of [...catalog].sort((a, b) => compare(a.name, b.name))) {
    const built = await buildService(entry, root);
    if (built.report) reports.push(built.report);
    constraints.push(built.constraints);
    const dir = join(root, 'src/aws/services', entry.name, 'generated');
    const serviceModule = relative(dir, join(root, 'src/aws/service.ts'));
    files.push({ path: join(dir, 'model.json'), content: `${JSON.stringify(built.model)}\n` });
    if (built.queryModel) files.push({ path: join(dir, 'model.query.json'), content: `${JSON.stringify(built.queryModel)}\n` });
    files.push({
      path: join(dir, 'types.ts'),
      content: writeTypes(built.model, entry.name, generatedNotice(built.sources), serviceModule),
    });
    identities.push(serviceIdentity(entry.name, built.model));
    for (const source of built.sources.split(' + ')) packages.add(source.split(' ')[0]!);
  }
  const notice = generatedNotice(`the models of src/aws/catalog.ts (${[...packages].sort(compare).join(', ')})`);
  files.push({ path: join(root, 'src/aws/generated/identities.ts'), content: writeIdentities(identities, notice) });
  const known = knownServices();
  files.push({ path: join(root, 'src/aws/generated/aws-services.ts'), content: writeKnownServices(known.entries, generatedNotice(known.source)) });
  return { files, reports, constraints, stale: staleFiles(catalog, root) };
}

/** One line per file that is missing or differs. */
export function compareFiles(files: GeneratedFile[], root: string): string[] {
  const problems: string[] = [];
  for (const f of files) {
    if (!existsSync(f.path)) problems.push(`${relative(root, f.path)}: missing`);
    else if (readFileSync(f.path, 'utf8') !== f.content) problems.push(`${relative(root, f.path)}: differs`);
  }
  return problems;
}

export function writeFiles(files: GeneratedFile[]): { path: string; changed: boolean }[] {
  return files.map((f) => {
    const changed = !existsSync(f.path) || readFileSync(f.path, 'utf8') !== f.content;
    if (changed) {
      mkdirSync(dirname(f.path), { recursive: true });
      writeFileSync(f.path, f.content);
    }
    return { path: f.path, changed };
  });
}

function staleFiles(catalog: readonly CatalogEntry[], root: string): string[] {
  const known = new Set(catalog.map((e) => e.name));
  const servicesDir = join(root, 'src/aws/services');
  if (!existsSync(servicesDir)) return [];
  const out: string[] = [];
  for (const name of readdirSync(servicesDir).sort()) {
    if (known.has(name)) continue;
    for (const file of ['model.json', 'model.query.json', 'types.ts']) {
      const path = join(servicesDir, name, 'generated', file);
      if (existsSync(path)) out.push(relative(root, path));
    }
  }
  return out;
}
