// Stream lifecycle: a table's stream gets an ARN labelled with its creation time and one shard; a
// disabled stream stays readable for 24 hours, then disappears with its records.
import { randomBytes } from 'node:crypto';
import type { DynamoStore } from '../store.ts';
import type { TableSpec } from './schema.ts';
import { forgetStream } from './write.ts';

export const RETENTION_MS = 24 * 60 * 60 * 1000;

/** Stream labels are ISO timestamps without the zone, e.g. 2024-05-01T12:00:00.000. */
function label(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '');
}

/** Gives the table a new stream; call it in the unit that saves the table (the label must be free). */
export async function enableStream(store: DynamoStore, spec: TableSpec, viewType: string, now: number): Promise<void> {
  let at = now;
  const prefix = `${spec.arn}/stream/`;
  while (await store.stream(prefix + label(at))) at++;
  const arn = prefix + label(at);
  const shardId = `shardId-${String(at).padStart(20, '0')}-${randomBytes(4).toString('hex')}`;
  await store.insertStream({
    arn,
    account: spec.account,
    region: spec.region,
    table_name: spec.name,
    table_id: spec.id,
    label: label(at),
    view_type: viewType,
    shard_id: shardId,
    status: 'ENABLED',
    created_at: now,
    key_schema: JSON.stringify(spec.keySchema),
  });
  spec.stream = { enabled: true, viewType, label: label(at), arn };
  forgetStream(spec);
}

/** Closes the table's stream; call it in the unit that saves the table. */
export async function disableStream(store: DynamoStore, spec: TableSpec, now: number): Promise<void> {
  if (spec.stream.arn) {
    const row = await store.stream(spec.stream.arn);
    if (row && row.status === 'ENABLED') await store.closeStream(row.id, now);
  }
  spec.stream = { ...spec.stream, enabled: false, viewType: undefined };
  forgetStream(spec);
}

/** Sequence numbers are 21-digit decimal strings, increasing within a shard. */
const SEQ_BASE = 10n ** 20n;
export function formatSequence(seq: number): string {
  return (SEQ_BASE + BigInt(seq)).toString();
}

export function parseSequence(s: string): number | undefined {
  if (!/^\d{1,40}$/.test(s)) return undefined;
  const n = BigInt(s) - SEQ_BASE;
  return n < 0n ? undefined : Number(n);
}
