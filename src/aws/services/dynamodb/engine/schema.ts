// A table as Fogbank keeps it (TableSpec, stored as JSON in ddb_tables.spec), and the key logic that
// depends on it: extracting and encoding primary and index keys with DynamoDB's messages.
import { crc32 } from 'node:zlib';
import { validation } from '../errors.ts';
import { encodeKeyValue, typeOf, valueSize, type AttributeValue, type Item } from '../values/attribute.ts';
import { setOwn } from '../../../../core/records.ts';

export type ScalarType = 'S' | 'N' | 'B';

export interface KeySchemaElement {
  AttributeName: string;
  KeyType: string;
}

export interface AttributeDefinition {
  AttributeName: string;
  AttributeType: string;
}

export interface KeyDef {
  hash: string;
  hashType: ScalarType;
  range?: string;
  rangeType?: ScalarType;
}

export interface Projection {
  ProjectionType?: string;
  NonKeyAttributes?: string[];
}

export interface Throughput {
  read: number;
  write: number;
  lastIncrease?: number;
  lastDecrease?: number;
  decreasesToday?: number;
}

export interface IndexSpec {
  id: number;
  name: string;
  kind: 'GSI' | 'LSI';
  keySchema: KeySchemaElement[];
  key: KeyDef;
  projection: Projection;
  status: 'CREATING' | 'UPDATING' | 'DELETING' | 'ACTIVE';
  backfilling?: boolean;
  throughput?: Throughput;
  onDemand?: { MaxReadRequestUnits?: number; MaxWriteRequestUnits?: number };
  warm?: { ReadUnitsPerSecond?: number; WriteUnitsPerSecond?: number };
}

export interface StreamState {
  enabled: boolean;
  viewType?: string;
  label?: string;
  arn?: string;
}

export interface TableSpec {
  /** Row id in ddb_tables. */
  id: number;
  account: string;
  region: string;
  name: string;
  tableId: string;
  arn: string;
  createdAt: number;
  status: 'CREATING' | 'UPDATING' | 'DELETING' | 'ACTIVE' | 'ARCHIVING' | 'ARCHIVED' | 'INACCESSIBLE_ENCRYPTION_CREDENTIALS';
  keySchema: KeySchemaElement[];
  attributeDefinitions: AttributeDefinition[];
  key: KeyDef;
  billingMode: 'PROVISIONED' | 'PAY_PER_REQUEST';
  billingModeSet: boolean;
  payPerRequestSince?: number;
  throughput: Throughput;
  onDemand?: { MaxReadRequestUnits?: number; MaxWriteRequestUnits?: number };
  warm?: { ReadUnitsPerSecond?: number; WriteUnitsPerSecond?: number };
  gsis: IndexSpec[];
  lsis: IndexSpec[];
  stream: StreamState;
  sse?: { enabled: boolean; type?: string; kmsKey?: string };
  tableClass?: string;
  tableClassUpdated?: number;
  deletionProtection: boolean;
  ttl: { status: 'ENABLED' | 'DISABLED' | 'ENABLING' | 'DISABLING'; attribute?: string };
  pitr: { enabled: boolean; since?: number; recoveryPeriodInDays?: number };
  tags: Array<{ Key: string; Value: string }>;
  policy?: { document: string; revisionId: string };
  contributorInsights?: { status: string; mode?: string; indexes?: Record<string, string> };
  kinesis?: Array<{ StreamArn: string; DestinationStatus: string; ApproximateCreationDateTimePrecision?: string }>;
  restoreSummary?: { SourceBackupArn?: string; SourceTableArn?: string; RestoreDateTime: number; RestoreInProgress: boolean };
}

export function keyDefOf(schema: KeySchemaElement[], defs: AttributeDefinition[]): KeyDef {
  const typeOfName = (n: string) => (defs.find((d) => d.AttributeName === n)?.AttributeType ?? 'S') as ScalarType;
  const hash = schema.find((k) => k.KeyType === 'HASH')!.AttributeName;
  const range = schema.find((k) => k.KeyType === 'RANGE')?.AttributeName;
  return { hash, hashType: typeOfName(hash), range, rangeType: range ? typeOfName(range) : undefined };
}

/** Every index of the table (LSIs, then GSIs). */
export function indexesOf(spec: TableSpec): IndexSpec[] {
  return spec.lsis.length ? [...spec.lsis, ...spec.gsis] : spec.gsis;
}

export function findIndex(spec: TableSpec, name: string): IndexSpec | undefined {
  return spec.gsis.find((i) => i.name === name) ?? spec.lsis.find((i) => i.name === name);
}

/** Names of the attributes an index entry keeps: all, or the keys (table's and index's) plus any included. */
export function projectedNames(spec: TableSpec, index: IndexSpec): Set<string> | undefined {
  if (index.projection.ProjectionType === 'ALL') return undefined;
  const names = new Set<string>([spec.key.hash, index.key.hash]);
  if (spec.key.range) names.add(spec.key.range);
  if (index.key.range) names.add(index.key.range);
  if (index.projection.ProjectionType === 'INCLUDE') for (const n of index.projection.NonKeyAttributes ?? []) names.add(n);
  return names;
}

// ---------------------------------------------------------------------------------------------
// Keys

export interface EncodedKey {
  seg: number;
  hk: Buffer;
  rk: Buffer;
}

export const EMPTY: Buffer = Buffer.alloc(0);
const MAX_HASH_KEY = 2048;
const MAX_RANGE_KEY = 1024;

/** The partition hash that orders Scan and splits parallel Scan segments. */
export function segmentOf(hk: Buffer): number {
  return crc32(hk);
}

function emptyKeyMessage(name: string, v: AttributeValue): string | undefined {
  if (v.S === '') return `One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: ${name}`;
  if (v.B !== undefined && v.B.length === 0) return `One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty binary value. Key: ${name}`;
  return undefined;
}

function checkKeySize(name: string, v: AttributeValue, hash: boolean): void {
  const size = name.length + valueSize(v);
  if (hash && size > MAX_HASH_KEY) throw validation('One or more parameter values were invalid: Size of hashkey has exceeded the maximum size limit of2048 bytes');
  if (!hash && size > MAX_RANGE_KEY) throw validation('One or more parameter values were invalid: Aggregated size of all range keys has exceeded the size limit of 1024 bytes');
}

/** The primary key of an item being written (PutItem): missing or mistyped keys are refused. */
export function itemKey(key: KeyDef, item: Item): EncodedKey {
  const h = item[key.hash];
  if (!h) throw validation(`One or more parameter values were invalid: Missing the key ${key.hash} in the item`);
  const ht = typeOf(h);
  if (ht !== key.hashType) throw validation(`One or more parameter values were invalid: Type mismatch for key ${key.hash} expected: ${key.hashType} actual: ${ht}`);
  const eh = emptyKeyMessage(key.hash, h);
  if (eh) throw validation(eh);
  checkKeySize(key.hash, h, true);
  let rk: Buffer = EMPTY;
  if (key.range) {
    const r = item[key.range];
    if (!r) throw validation(`One or more parameter values were invalid: Missing the key ${key.range} in the item`);
    const rt = typeOf(r);
    if (rt !== key.rangeType) throw validation(`One or more parameter values were invalid: Type mismatch for key ${key.range} expected: ${key.rangeType} actual: ${rt}`);
    const er = emptyKeyMessage(key.range, r);
    if (er) throw validation(er);
    checkKeySize(key.range, r, false);
    rk = encodeKeyValue(r);
  }
  const hk = encodeKeyValue(h);
  return { seg: segmentOf(hk), hk, rk };
}

/**
 * The primary key named by a Key parameter (GetItem, UpdateItem, DeleteItem, batch and transaction
 * requests): exactly the key attributes, of the right types.
 */
export function requestKey(key: KeyDef, k: Item, message = 'The provided key element does not match the schema'): EncodedKey {
  const names = Object.keys(k);
  if (names.length !== (key.range ? 2 : 1)) throw validation(message);
  const h = k[key.hash];
  if (!h || typeOf(h) !== key.hashType) throw validation(message);
  const eh = emptyKeyMessage(key.hash, h);
  if (eh) throw validation(eh);
  checkKeySize(key.hash, h, true);
  let rk: Buffer = EMPTY;
  if (key.range) {
    const r = k[key.range];
    if (!r || typeOf(r) !== key.rangeType) throw validation(message);
    const er = emptyKeyMessage(key.range, r);
    if (er) throw validation(er);
    checkKeySize(key.range, r, false);
    rk = encodeKeyValue(r);
  }
  const hk = encodeKeyValue(h);
  return { seg: segmentOf(hk), hk, rk };
}

/** The key attributes of an item, as a Key parameter would give them. */
export function keyAttributes(key: KeyDef, item: Item): Item {
  const out: Item = { [key.hash]: item[key.hash] };
  if (key.range) setOwn(out, key.range, item[key.range]);
  return out;
}

/**
 * An item's entry key in an index, or undefined when the item lacks an index key attribute (sparse
 * index). Mistyped or empty index keys are refused as DynamoDB refuses them.
 */
export function indexKey(index: IndexSpec, item: Item): { hk: Buffer; rk: Buffer } | undefined {
  const { key } = index;
  const h = item[key.hash];
  const r = key.range ? item[key.range] : undefined;
  if (!h || (key.range && !r)) return undefined;
  checkIndexValue(index, key.hash, key.hashType, h);
  if (r) checkIndexValue(index, key.range!, key.rangeType!, r);
  return { hk: encodeKeyValue(h), rk: r ? encodeKeyValue(r) : EMPTY };
}

export function checkIndexKeys(spec: TableSpec, item: Item): void {
  for (const index of indexesOf(spec)) {
    const { key } = index;
    if (item[key.hash]) checkIndexValue(index, key.hash, key.hashType, item[key.hash]);
    if (key.range && item[key.range]) checkIndexValue(index, key.range, key.rangeType!, item[key.range]);
  }
}

function checkIndexValue(index: IndexSpec, name: string, type: ScalarType, v: AttributeValue): void {
  const t = typeOf(v);
  if (t !== type) throw validation(`One or more parameter values were invalid: Type mismatch for Index Key ${name} Expected: ${type} Actual: ${t} IndexName: ${index.name}`);
  if (v.S === '' || (v.B !== undefined && v.B.length === 0)) {
    const what = v.S === '' ? 'string' : 'binary';
    throw validation(`One or more parameter values are not valid. A value specified for a secondary index key is not supported. The AttributeValue for a key attribute cannot contain an empty ${what} value. IndexName: ${index.name}, IndexKey: ${name}`);
  }
}
