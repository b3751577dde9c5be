// Attribute values: validation with DynamoDB's messages, sizes as DynamoDB counts them, equality and
// ordering, and the stored JSON form. Inside Fogbank a value is the codec's form of the AttributeValue
// union: exactly one of S, N, B (Buffer), SS, NS, BS (Buffers), M, L, NULL, BOOL.
import { validation } from '../errors.ts';
import { compareNumbers, encodeNumberKey, formatNumber, normalizeNumber, numberSize, parseNumber } from './number.ts';
import { setOwn } from '../../../../core/records.ts';

export interface AttributeValue {
  S?: string;
  N?: string;
  B?: Buffer;
  SS?: string[];
  NS?: string[];
  BS?: Buffer[];
  M?: Record<string, AttributeValue>;
  L?: AttributeValue[];
  NULL?: boolean;
  BOOL?: boolean;
}

export type Item = Record<string, AttributeValue>;
export type AttributeType = 'S' | 'N' | 'B' | 'SS' | 'NS' | 'BS' | 'M' | 'L' | 'NULL' | 'BOOL';

export const ATTRIBUTE_TYPES: readonly AttributeType[] = ['S', 'N', 'B', 'SS', 'NS', 'BS', 'M', 'L', 'NULL', 'BOOL'];

/** The names DynamoDB uses for types in update-expression operand errors. */
export const LONG_TYPE_NAMES: Record<AttributeType, string> = {
  S: 'STRING', N: 'NUMBER', B: 'BINARY', SS: 'STRING_SET', NS: 'NUMBER_SET', BS: 'BINARY_SET',
  M: 'MAP', L: 'LIST', NULL: 'NULL', BOOL: 'BOOLEAN',
};

/** The type of a validated value. */
export function typeOf(v: AttributeValue): AttributeType {
  if (v.S !== undefined) return 'S';
  if (v.N !== undefined) return 'N';
  if (v.B !== undefined) return 'B';
  if (v.M !== undefined) return 'M';
  if (v.L !== undefined) return 'L';
  if (v.BOOL !== undefined) return 'BOOL';
  if (v.NULL !== undefined) return 'NULL';
  if (v.SS !== undefined) return 'SS';
  if (v.NS !== undefined) return 'NS';
  return 'BS';
}

/** Error raised by value validation; `prefixed` says whether DynamoDB puts "One or more parameter values were invalid: " before it. */
export class ValueProblem extends Error {
  readonly prefixed: boolean;
  /** A malformed or out-of-range number: reported bare even for starting keys. */
  readonly number: boolean;
  constructor(message: string, prefixed: boolean, number = false) {
    super(message);
    this.prefixed = prefixed;
    this.number = number;
  }
  /** The message as DynamoDB words it in the common (item, key) context. */
  get full(): string {
    return this.prefixed ? `One or more parameter values were invalid: ${this.message}` : this.message;
  }
}

/**
 * "DynamoDB supports nested attributes up to 32 levels deep", the top-level value being level 1: a
 * scalar under 31 maps is accepted, under 32 it is refused. Real DynamoDB words it bare, for items and
 * expression values alike (no "One or more parameter values were invalid" or "ExpressionAttributeValues
 * contains invalid value" around it), so it is a ServiceError, not a ValueProblem callers reword.
 */
export const MAX_NESTING_LEVELS = 32;
export const NESTING_MESSAGE = 'Nesting Levels have exceeded supported limits: Attributes in the item have nested levels beyond supported limit';

/** The deepest level of a value (a scalar is 1), walked without recursion; stops counting past the limit. */
export function nestingLevels(v: AttributeValue): number {
  let deepest = 0;
  const stack: Array<[AttributeValue, number]> = [[v, 1]];
  while (stack.length) {
    const [x, level] = stack.pop()!;
    if (level > deepest) deepest = level;
    if (deepest > MAX_NESTING_LEVELS) return deepest;
    if (typeof x !== 'object' || x === null) continue;
    if (x.M && typeof x.M === 'object') for (const k in x.M) stack.push([x.M[k], level + 1]);
    else if (Array.isArray(x.L)) for (const y of x.L) stack.push([y, level + 1]);
  }
  return deepest;
}

export function checkItemNesting(item: Item): void {
  for (const k in item) if (nestingLevels(item[k]) > MAX_NESTING_LEVELS) throw validation(NESTING_MESSAGE);
}

function problem(message: string, prefixed = true): never {
  throw new ValueProblem(message, prefixed);
}

/**
 * Validates one value (recursively) and normalises its numbers in place. Throws ValueProblem; callers
 * word it for their context (validateItem, expression values, starting keys).
 */
export function checkValue(v: AttributeValue, depth = 0): void {
  if (typeof v !== 'object' || v === null) problem('Supplied AttributeValue is empty, must contain exactly one of the supported datatypes', false);
  let count = 0;
  for (const t of ATTRIBUTE_TYPES) if ((v as Record<string, unknown>)[t] !== undefined) count++;
  if (count === 0) problem('Supplied AttributeValue is empty, must contain exactly one of the supported datatypes', false);
  if (count > 1) problem('Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes', false);
  // depth counts from 0 at the top-level value, so depth 32 is the 33rd level.
  if (depth >= MAX_NESTING_LEVELS) throw validation(NESTING_MESSAGE);
  if (v.N !== undefined) {
    v.N = numberOrProblem(v.N);
  } else if (v.NULL !== undefined) {
    if (v.NULL !== true) problem('Null attribute value types must have the value of true');
  } else if (v.SS !== undefined) {
    if (v.SS.length === 0) problem('An string set  may not be empty');
    if (v.SS.some((s) => s === '')) problem('An string set may not have a empty string as a member');
    if (new Set(v.SS).size !== v.SS.length) problem(`Input collection [${v.SS.join(', ')}] contains duplicates.`);
  } else if (v.NS !== undefined) {
    if (v.NS.length === 0) problem('An number set  may not be empty');
    const normalized = v.NS.map(numberOrProblem);
    if (new Set(normalized).size !== normalized.length) throw new ValueProblem('Input collection contains duplicates', false, true);
    v.NS = normalized;
  } else if (v.BS !== undefined) {
    if (v.BS.length === 0) problem('Binary sets should not be empty');
    if (v.BS.some((b) => b.length === 0)) problem('Binary sets may not contain null or empty values');
    const seen = new Set(v.BS.map((b) => b.toString('base64')));
    if (seen.size !== v.BS.length) problem(`Input collection [${v.BS.map((b) => b.toString('base64')).join(', ')}]of type BS contains duplicates.`);
  } else if (v.M !== undefined) {
    for (const k in v.M) checkValue(v.M[k], depth + 1);
  } else if (v.L !== undefined) {
    for (const x of v.L) checkValue(x, depth + 1);
  }
}

function numberOrProblem(text: string): string {
  try {
    return normalizeNumber(text);
  } catch (e) {
    throw new ValueProblem((e as Error).message, false, true);
  }
}

/** Validates a whole item (or key), words errors as DynamoDB does for items. */
export function checkItem(item: Item): void {
  try {
    for (const k in item) checkValue(item[k]);
  } catch (e) {
    if (e instanceof ValueProblem) throw validation(e.full);
    throw e;
  }
}

// ---------------------------------------------------------------------------------------------
// Sizes

function utf8Length(s: string): number {
  // Fast path for ASCII, which is most attribute names and many values.
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    if (s.charCodeAt(i) > 0x7f) return Buffer.byteLength(s, 'utf8');
  }
  return n;
}

export function valueSize(v: AttributeValue): number {
  if (v.S !== undefined) return utf8Length(v.S);
  if (v.N !== undefined) return numberSize(v.N);
  if (v.B !== undefined) return v.B.length;
  if (v.BOOL !== undefined || v.NULL !== undefined) return 1;
  if (v.M !== undefined) {
    let n = 3;
    for (const k in v.M) n += 1 + utf8Length(k) + valueSize(v.M[k]);
    return n;
  }
  if (v.L !== undefined) {
    let n = 3;
    for (const x of v.L) n += 1 + valueSize(x);
    return n;
  }
  if (v.SS !== undefined) return v.SS.reduce((n, s) => n + utf8Length(s), 0);
  if (v.NS !== undefined) return v.NS.reduce((n, s) => n + numberSize(s), 0);
  if (v.BS !== undefined) return v.BS.reduce((n, b) => n + b.length, 0);
  return 0;
}

export function attributeSize(name: string, v: AttributeValue): number {
  return utf8Length(name) + valueSize(v);
}

export function itemSize(item: Item): number {
  let n = 0;
  for (const k in item) n += utf8Length(k) + valueSize(item[k]);
  return n;
}

export const MAX_ITEM_SIZE = 400 * 1024;

// ---------------------------------------------------------------------------------------------
// Equality and order

function compareBytes(a: Buffer, b: Buffer): number {
  return Buffer.compare(a, b);
}

/** Deep equality as DynamoDB's `=` sees it (sets regardless of order). */
export function equalValues(a: AttributeValue, b: AttributeValue): boolean {
  const t = typeOf(a);
  if (t !== typeOf(b)) return false;
  switch (t) {
    case 'S': return a.S === b.S;
    case 'N': return compareNumbers(a.N!, b.N!) === 0;
    case 'B': return a.B!.equals(b.B!);
    case 'BOOL': return a.BOOL === b.BOOL;
    case 'NULL': return true;
    case 'SS': return sameSet(a.SS!, b.SS!);
    case 'NS': return sameSet(a.NS!.map(normalizeNumber), b.NS!.map(normalizeNumber));
    case 'BS': return sameSet(a.BS!.map((x) => x.toString('base64')), b.BS!.map((x) => x.toString('base64')));
    case 'L': return a.L!.length === b.L!.length && a.L!.every((x, i) => equalValues(x, b.L![i]));
    case 'M': {
      const ka = Object.keys(a.M!);
      if (ka.length !== Object.keys(b.M!).length) return false;
      return ka.every((k) => Object.hasOwn(b.M!, k) && equalValues(a.M![k], b.M![k]));
    }
  }
}

function sameSet(a: string[], b: string[]): boolean {
  if (a.length !== b.length) return false;
  const s = new Set(a);
  return b.every((x) => s.has(x));
}

/** Order of two scalars of the same type (S, N or B); undefined when they cannot be ordered. */
export function compareScalars(a: AttributeValue, b: AttributeValue): number | undefined {
  if (a.S !== undefined && b.S !== undefined) return compareStrings(a.S, b.S);
  if (a.N !== undefined && b.N !== undefined) return compareNumbers(a.N, b.N);
  if (a.B !== undefined && b.B !== undefined) return compareBytes(a.B, b.B);
  return undefined;
}

/** Strings order by their UTF-8 bytes, as DynamoDB orders them. */
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** Whether set or list `container` holds `v` (contains), or string/binary `container` holds substring `v`. */
export function containsValue(container: AttributeValue, v: AttributeValue): boolean {
  if (container.S !== undefined) return v.S !== undefined && container.S.includes(v.S);
  if (container.B !== undefined) return v.B !== undefined && container.B.includes(v.B);
  if (container.SS !== undefined) return v.S !== undefined && container.SS.includes(v.S);
  if (container.NS !== undefined) return v.N !== undefined && container.NS.some((n) => compareNumbers(n, v.N!) === 0);
  if (container.BS !== undefined) return v.B !== undefined && container.BS.some((b) => b.equals(v.B!));
  if (container.L !== undefined) return container.L.some((x) => equalValues(x, v));
  return false;
}

// ---------------------------------------------------------------------------------------------
// Keys

/** The bytes a key attribute is indexed by: memcmp order is DynamoDB's order for its type. */
export function encodeKeyValue(v: AttributeValue): Buffer {
  if (v.S !== undefined) return Buffer.from(v.S, 'utf8');
  if (v.N !== undefined) return encodeNumberKey(parseNumber(v.N));
  return v.B!;
}

export function canonicalNumber(n: string): string {
  return formatNumber(parseNumber(n));
}

// ---------------------------------------------------------------------------------------------
// Stored form: JSON with binaries in base64.

function toWire(v: AttributeValue): unknown {
  if (v.B !== undefined) return { B: v.B.toString('base64') };
  if (v.BS !== undefined) return { BS: v.BS.map((b) => b.toString('base64')) };
  if (v.M !== undefined) {
    const m: Record<string, unknown> = {};
    for (const k in v.M) setOwn(m, k, toWire(v.M[k]));
    return { M: m };
  }
  if (v.L !== undefined) return { L: v.L.map(toWire) };
  return v;
}

function fromWire(v: AttributeValue): AttributeValue {
  if (v.B !== undefined) v.B = Buffer.from(v.B as unknown as string, 'base64');
  else if (v.BS !== undefined) v.BS = (v.BS as unknown as string[]).map((b) => Buffer.from(b, 'base64'));
  else if (v.M !== undefined) for (const k in v.M) fromWire(v.M[k]);
  else if (v.L !== undefined) for (const x of v.L) fromWire(x);
  return v;
}

/** The wire (JSON) form of an item: binaries as base64. */
export function itemToWire(item: Item): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k in item) setOwn(out, k, toWire(item[k]));
  return out;
}

export function itemFromWire(wire: Record<string, unknown>): Item {
  const item = wire as Item;
  for (const k in item) fromWire(item[k]);
  return item;
}

export function encodeItem(item: Item): string {
  return JSON.stringify(itemToWire(item));
}

export function decodeItem(text: string): Item {
  return itemFromWire(JSON.parse(text) as Record<string, unknown>);
}

/** A deep copy (values are shared immutably elsewhere, so copies are only needed before mutation). */
export function cloneValue(v: AttributeValue): AttributeValue {
  if (v.M !== undefined) {
    const m: Record<string, AttributeValue> = {};
    for (const k in v.M) setOwn(m, k, cloneValue(v.M[k]));
    return { M: m };
  }
  if (v.L !== undefined) return { L: v.L.map(cloneValue) };
  if (v.SS !== undefined) return { SS: [...v.SS] };
  if (v.NS !== undefined) return { NS: [...v.NS] };
  if (v.BS !== undefined) return { BS: [...v.BS] };
  return { ...v };
}

export function cloneItem(item: Item): Item {
  const out: Item = {};
  for (const k in item) setOwn(out, k, cloneValue(item[k]));
  return out;
}
