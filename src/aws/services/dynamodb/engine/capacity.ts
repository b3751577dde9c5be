// Consumed capacity as DynamoDB computes it: reads in 4 KB units (half for eventually consistent
// reads), writes in 1 KB units, transactions at twice the cost, index writes per index touched.
import type { TableSpec } from './schema.ts';

export function readUnits(bytes: number, consistent: boolean): number {
  const units = Math.max(1, Math.ceil(bytes / 4096));
  return consistent ? units : units / 2;
}

export function writeUnits(bytes: number): number {
  return Math.max(1, Math.ceil(bytes / 1024));
}

export interface Consumption {
  table: number;
  gsis?: Record<string, number>;
  lsis?: Record<string, number>;
  kind: 'read' | 'write';
}

export interface ConsumedCapacity {
  TableName?: string;
  TableArn?: string;
  CapacityUnits?: number;
  ReadCapacityUnits?: number;
  WriteCapacityUnits?: number;
  Table?: { CapacityUnits?: number; ReadCapacityUnits?: number; WriteCapacityUnits?: number };
  GlobalSecondaryIndexes?: Record<string, { CapacityUnits: number }>;
  LocalSecondaryIndexes?: Record<string, { CapacityUnits: number }>;
}

/** The ConsumedCapacity member for ReturnConsumedCapacity TOTAL or INDEXES (undefined for NONE). */
export function consumed(spec: TableSpec, mode: string | undefined, c: Consumption): ConsumedCapacity | undefined {
  if (mode !== 'TOTAL' && mode !== 'INDEXES') return undefined;
  const sum = (r?: Record<string, number>) => (r ? Object.values(r).reduce((a, b) => a + b, 0) : 0);
  const total = c.table + sum(c.gsis) + sum(c.lsis);
  const out: ConsumedCapacity = { TableName: spec.name, CapacityUnits: total };
  if (mode === 'INDEXES') {
    out.Table = { CapacityUnits: c.table };
    const wrap = (r?: Record<string, number>) => {
      if (!r || !Object.keys(r).length) return undefined;
      const o: Record<string, { CapacityUnits: number }> = {};
      for (const [k, v] of Object.entries(r)) o[k] = { CapacityUnits: v };
      return o;
    };
    out.GlobalSecondaryIndexes = wrap(c.gsis);
    out.LocalSecondaryIndexes = wrap(c.lsis);
  }
  return out;
}

/** Merges consumption of several operations on one table (batch and transaction requests). */
export function addConsumption(a: Consumption | undefined, b: Consumption): Consumption {
  if (!a) return { ...b, gsis: b.gsis && { ...b.gsis }, lsis: b.lsis && { ...b.lsis } };
  a.table += b.table;
  for (const [k, v] of Object.entries(b.gsis ?? {})) (a.gsis ??= {})[k] = (a.gsis[k] ?? 0) + v;
  for (const [k, v] of Object.entries(b.lsis ?? {})) (a.lsis ??= {})[k] = (a.lsis[k] ?? 0) + v;
  return a;
}

export function scaleConsumption(c: Consumption, factor: number): Consumption {
  const scale = (r?: Record<string, number>) => r && Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v * factor]));
  return { kind: c.kind, table: c.table * factor, gsis: scale(c.gsis), lsis: scale(c.lsis) };
}
