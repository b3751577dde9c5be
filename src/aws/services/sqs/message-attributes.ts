// Message attributes and system attributes: AWS's rules for names, types and values, their size
// (they count towards the message size), and their stored form.
import { ServiceError } from '../../../core/errors.ts';

export interface MessageAttribute {
  DataType: string;
  StringValue?: string;
  BinaryValue?: Buffer;
  StringListValues?: string[];
  BinaryListValues?: Buffer[];
}

export type MessageAttributes = Record<string, MessageAttribute>;

const MAX_ATTRIBUTES = 10;
const NAME = /^[A-Za-z0-9_.-]{1,256}$/;
const TYPE = /^(String|Number|Binary)(\.[^\s]*)?$/;
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

export function invalidParameter(message: string): ServiceError {
  return new ServiceError('InvalidParameterValue', message, 400);
}

/**
 * Checks a message's attributes and returns the bytes they add to its size (names, types and
 * values). Throws InvalidParameterValue as SQS does.
 */
export function checkMessageAttributes(attributes: MessageAttributes | undefined): number {
  if (!attributes) return 0;
  const names = Object.keys(attributes);
  if (names.length > MAX_ATTRIBUTES) {
    throw invalidParameter(`Number of message attributes [${names.length}] exceeds the allowed maximum [${MAX_ATTRIBUTES}].`);
  }
  let size = 0;
  for (const name of names) {
    const a = attributes[name];
    if (!NAME.test(name) || name.startsWith('.') || name.endsWith('.') || name.includes('..')) {
      throw invalidParameter(
        `Message (user) attribute name '${name}' is invalid. The attribute name can contain A-Z, a-z, 0-9, underscore (_), hyphen (-), and period (.) characters, must not start or end with a period and must not contain consecutive periods.`,
      );
    }
    const lower = name.toLowerCase();
    if (lower.startsWith('aws.') || lower.startsWith('amazon.')) {
      throw invalidParameter(`Message (user) attribute name '${name}' is reserved for use by AWS.`);
    }
    size += Buffer.byteLength(name) + checkValue(name, a, 'message');
  }
  return size;
}

/** The one system attribute a sender may set: AWSTraceHeader, a String. */
export function checkSystemAttributes(attributes: MessageAttributes | undefined): void {
  if (!attributes) return;
  for (const [name, a] of Object.entries(attributes)) {
    if (name !== 'AWSTraceHeader') throw invalidParameter(`Message system attribute name '${name}' is invalid.`);
    checkValue(name, a, 'system');
    if (!a.DataType.startsWith('String') || a.StringValue === undefined) {
      throw invalidParameter(`Message system attribute '${name}' must be of type String.`);
    }
  }
}

function checkValue(name: string, a: MessageAttribute, kind: 'message' | 'system'): number {
  const what = kind === 'message' ? 'message attribute' : 'message system attribute';
  const type = a.DataType ?? '';
  const m = TYPE.exec(type);
  if (!type) throw invalidParameter(`The ${what} '${name}' must contain non-empty message attribute type.`);
  if (!m || type.length > 256) {
    throw invalidParameter(`The ${what} '${name}' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String.`);
  }
  const base = m[1];
  if (a.StringListValues?.length || a.BinaryListValues?.length) {
    throw invalidParameter(`The ${what} '${name}' uses list values, which are not implemented. Reserved for future use.`);
  }
  if (base === 'Binary') {
    if (a.BinaryValue === undefined || a.BinaryValue.length === 0) {
      throw invalidParameter(`The ${what} '${name}' with type 'Binary' must use field 'Binary'.`);
    }
    return Buffer.byteLength(type) + a.BinaryValue.length;
  }
  if (a.StringValue === undefined || a.StringValue === '') {
    throw invalidParameter(`The ${what} '${name}' must contain non-empty message attribute value for message attribute type '${base}'.`);
  }
  if (base === 'Number' && !NUMBER.test(a.StringValue.trim())) {
    throw invalidParameter(`Can't cast the value of message (user) attribute '${name}' to a number.`);
  }
  if (base === 'Number' && significantDigits(a.StringValue) > 38) {
    throw invalidParameter(`Value of message (user) attribute '${name}' is not a valid number: more than 38 significant digits.`);
  }
  if (invalidCharacter(a.StringValue) !== undefined) {
    throw new ServiceError('InvalidMessageContents', `Invalid characters found in the ${what} '${name}'. ${ALLOWED_CHARACTERS}`, 400);
  }
  return Buffer.byteLength(type) + Buffer.byteLength(a.StringValue);
}

function significantDigits(n: string): number {
  const mantissa = n.trim().replace(/^[+-]/, '').split(/[eE]/)[0].replace('.', '');
  return mantissa.replace(/^0+/, '').length;
}

export const ALLOWED_CHARACTERS = 'Valid unicode characters are #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF';

/** The first character outside the set SQS allows in bodies and string values, if any. */
export function invalidCharacter(s: string): number | undefined {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x20 && c < 0xd800) continue;
    if (c === 0x9 || c === 0xa || c === 0xd) continue;
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = s.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
      return c;
    }
    if (c >= 0xe000 && c <= 0xfffd) continue;
    return c;
  }
  return undefined;
}

// ── Stored form ────────────────────────────────────────────────────────────────────────────────

interface StoredAttribute {
  t: string;
  s?: string;
  b?: string;
}

export function storeAttributes(attributes: MessageAttributes | undefined): string | null {
  if (!attributes || Object.keys(attributes).length === 0) return null;
  const out: Record<string, StoredAttribute> = {};
  for (const [name, a] of Object.entries(attributes)) {
    out[name] = a.BinaryValue !== undefined && a.StringValue === undefined
      ? { t: a.DataType, b: Buffer.from(a.BinaryValue).toString('base64') }
      : { t: a.DataType, s: a.StringValue };
  }
  return JSON.stringify(out);
}

export function loadAttributes(stored: string | null): MessageAttributes | undefined {
  if (!stored) return undefined;
  const parsed = JSON.parse(stored) as Record<string, StoredAttribute>;
  const out: MessageAttributes = {};
  for (const [name, a] of Object.entries(parsed)) {
    out[name] = a.b !== undefined ? { DataType: a.t, BinaryValue: Buffer.from(a.b, 'base64') } : { DataType: a.t, StringValue: a.s };
  }
  return out;
}

/** The attributes a receive asked for: names, `All`/`.*`, and prefixes such as `bar.*`. */
export function selectAttributes(attributes: MessageAttributes | undefined, names: string[] | undefined): MessageAttributes | undefined {
  if (!attributes || !names?.length) return undefined;
  if (names.includes('All') || names.includes('.*')) return attributes;
  const out: MessageAttributes = {};
  let any = false;
  for (const [name, a] of Object.entries(attributes)) {
    const wanted = names.some((n) => n === name || (n.endsWith('.*') && name.startsWith(n.slice(0, -1))));
    if (wanted) {
      out[name] = a;
      any = true;
    }
  }
  return any ? out : undefined;
}
