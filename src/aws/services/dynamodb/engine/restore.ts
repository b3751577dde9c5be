// New tables from existing data: restores from on-demand backups and point-in-time restores (and
// imports). The new table has the source's keys and indexes (with any overrides), no stream, no TTL.
import { randomUUID } from 'node:crypto';
import type { DynamoStore } from '../store.ts';
import { buildIndex, type IndexInput } from './indexes.ts';
import { itemKey, keyDefOf, type IndexSpec, type TableSpec } from './schema.ts';
import { writeItem } from './write.ts';
import { afterStatusDelay } from './tables.ts';
import { itemSize, type Item } from '../values/attribute.ts';
import { formatArn } from '../../../../core/resources/arn.ts';

export interface RestoreOptions {
  account: string;
  region: string;
  name: string;
  now: number;
  billingMode?: string;
  throughput?: { ReadCapacityUnits: number; WriteCapacityUnits: number };
  gsis?: IndexInput[];
  lsis?: IndexInput[];
  sse?: { Enabled?: boolean; SSEType?: string; KMSMasterKeyId?: string };
  restoreSummary?: TableSpec['restoreSummary'];
}

function indexInput(ix: IndexSpec): IndexInput {
  const out: IndexInput = { IndexName: ix.name, KeySchema: ix.keySchema, Projection: ix.projection };
  if (ix.throughput && (ix.throughput.read || ix.throughput.write)) out.ProvisionedThroughput = { ReadCapacityUnits: ix.throughput.read, WriteCapacityUnits: ix.throughput.write };
  return out;
}

/**
 * Creates the target table (CREATING) and fills it, in one unit of work that first checks the name
 * is free (`taken` is the error when it is not); it becomes ACTIVE after the status delay. `items`
 * come a page at a time, read from the store in the same unit.
 */
export async function restoreTable(
  store: DynamoStore,
  source: TableSpec,
  items: AsyncIterable<Item[]> | Iterable<Item[]>,
  o: RestoreOptions,
  taken: () => Error,
): Promise<TableSpec> {
  const ppr = (o.billingMode ?? source.billingMode) === 'PAY_PER_REQUEST';
  const spec = await store.atomically(async () => {
    if (await store.table(o.account, o.region, o.name)) throw taken();
    const s = await store.insertTable({
      id: 0,
      account: o.account,
      region: o.region,
      name: o.name,
      tableId: randomUUID(),
      arn: formatArn({ service: 'dynamodb', region: o.region, account: o.account, resource: `table/${o.name}` }),
      createdAt: o.now,
      status: 'CREATING',
      keySchema: source.keySchema,
      attributeDefinitions: source.attributeDefinitions,
      key: keyDefOf(source.keySchema, source.attributeDefinitions),
      billingMode: ppr ? 'PAY_PER_REQUEST' : 'PROVISIONED',
      billingModeSet: source.billingModeSet || o.billingMode !== undefined,
      payPerRequestSince: ppr ? o.now : undefined,
      throughput: ppr ? { read: 0, write: 0, decreasesToday: 0 } : { read: o.throughput?.ReadCapacityUnits ?? source.throughput.read, write: o.throughput?.WriteCapacityUnits ?? source.throughput.write, decreasesToday: 0 },
      gsis: [],
      lsis: [],
      stream: { enabled: false },
      sse: o.sse?.Enabled ? { enabled: true, type: o.sse.SSEType ?? 'KMS', kmsKey: o.sse.KMSMasterKeyId } : source.sse,
      tableClass: source.tableClass,
      deletionProtection: false,
      ttl: { status: 'DISABLED' },
      pitr: { enabled: false },
      tags: [],
      restoreSummary: o.restoreSummary,
    });
    for (const ix of o.lsis ?? source.lsis.map(indexInput)) s.lsis.push(buildIndex(await store.newIndex(s.id, ix.IndexName), 'LSI', ix, s.attributeDefinitions, ppr, 'ACTIVE'));
    for (const ix of o.gsis ?? source.gsis.filter((g) => g.status !== 'DELETING').map(indexInput)) {
      s.gsis.push(buildIndex(await store.newIndex(s.id, ix.IndexName), 'GSI', ix, s.attributeDefinitions, ppr, 'ACTIVE'));
    }
    for await (const page of items) {
      for (const item of page) await writeItem(store, s, itemKey(s.key, item), undefined, item, itemSize(item), { now: o.now });
    }
    await store.saveTable(s);
    return s;
  });
  return spec;
}

/** Ends a restore: the table turns ACTIVE (after the status delay). Call it once the restore committed. */
export async function finishRestore(store: DynamoStore, spec: TableSpec): Promise<void> {
  await afterStatusDelay(store, () =>
    store.atomically(async () => {
      const s = await store.tableById(spec.id);
      if (!s || s.status !== 'CREATING') return;
      s.status = 'ACTIVE';
      if (s.restoreSummary) s.restoreSummary.RestoreInProgress = false;
      await store.saveTable(s);
    }),
  );
}
