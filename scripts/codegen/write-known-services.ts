// Writes src/aws/generated/aws-services.ts: every AWS service botocore knows, by the few metadata
// facts that name it on the wire (signing name, endpoint prefix, X-Amz-Target prefix, query API
// version) and its protocol. The gateway reads it, lazily, only for a request no registered service
// claims, so that a request for IAM, KMS or EC2 gets "Fogbank does not implement the IAM API yet"
// in that service's protocol instead of another service's error (src/aws/unimplemented.ts).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BOTOCORE_DATA, botocoreVersion } from './merge-botocore.ts';
import { compare } from './v3-schema.ts';

const FIELDS = ['serviceId', 'protocol', 'apiVersion', 'endpointPrefix', 'signingName', 'targetPrefix', 'jsonVersion', 'xmlNamespace'] as const;

export function knownServices(dataDir: string = BOTOCORE_DATA): { entries: Record<string, string>[]; source: string } {
  const entries: Record<string, string>[] = [];
  for (const name of readdirSync(dataDir).sort(compare)) {
    let versions: string[];
    try {
      versions = readdirSync(join(dataDir, name)).filter((v) => /^\d{4}-\d{2}-\d{2}$/.test(v)).sort(compare);
    } catch {
      continue;
    }
    const latest = versions.at(-1);
    if (!latest) continue;
    let metadata: Record<string, unknown>;
    try {
      metadata = JSON.parse(readFileSync(join(dataDir, name, latest, 'service-2.json'), 'utf8')).metadata;
    } catch {
      continue;
    }
    const entry: Record<string, string> = { name };
    for (const f of FIELDS) if (typeof metadata[f] === 'string') entry[f] = metadata[f] as string;
    if (!entry.serviceId && typeof metadata.serviceAbbreviation === 'string') entry.serviceId = metadata.serviceAbbreviation;
    entries.push(entry);
  }
  return { entries, source: `the service metadata of botocore@${botocoreVersion(dataDir)}` };
}

export function writeKnownServices(entries: Record<string, string>[], notice: string): string {
  const lines = [
    `// ${notice}`,
    '',
    '/** An AWS service as botocore describes it on the wire (metadata only). */',
    'export interface KnownAwsService {',
    '  /** botocore\'s name for it (its data directory). */',
    '  name: string;',
    ...FIELDS.map((f) => `  ${f}?: string;`),
    '}',
    '',
    'export const knownAwsServices: readonly KnownAwsService[] = [',
    ...entries.map((e) => `  ${JSON.stringify(e)},`),
    '];',
    '',
  ];
  return lines.join('\n');
}
