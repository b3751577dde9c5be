// DynamoDB numbers: decimals of up to 38 significant digits, magnitudes from 1E-130 to below 1E126,
// normalised the way DynamoDB returns them (no exponent, no leading or trailing zeros, no "-0").
// Never floating point: digits are kept as text and arithmetic runs on BigInt.
import { validation } from '../errors.ts';

/** value = (neg ? -1 : 1) × digits × 10^exp; digits has no leading or trailing zeros ('' is zero). */
export interface Decimal {
  neg: boolean;
  digits: string;
  exp: number;
}

export const MAX_DIGITS = 38;
const NUMBER_RE = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/** Parses a number as DynamoDB does, throwing its ValidationException messages. */
export function parseNumber(text: string): Decimal {
  const m = NUMBER_RE.exec(text);
  if (!m || (m[2] === '' && (m[3] === undefined || m[3] === ''))) {
    throw validation(text === '' ? 'The parameter cannot be converted to a numeric value' : `The parameter cannot be converted to a numeric value: ${text}`);
  }
  const int = m[2];
  const frac = m[3] ?? '';
  let all = int + frac;
  let exp = (m[4] ? Number(m[4]) : 0) - frac.length;
  let start = 0;
  while (start < all.length && all.charCodeAt(start) === 48) start++;
  all = all.slice(start);
  let end = all.length;
  while (end > 0 && all.charCodeAt(end - 1) === 48) end--;
  exp += all.length - end;
  all = all.slice(0, end);
  const d: Decimal = { neg: m[1] === '-' && all !== '', digits: all, exp: all === '' ? 0 : exp };
  checkRange(d);
  return d;
}

/** Throws DynamoDB's error when `d` cannot be stored. */
export function checkRange(d: Decimal): void {
  if (d.digits === '') return;
  if (d.digits.length > MAX_DIGITS) throw validation('Attempting to store more than 38 significant digits in a Number');
  const sci = d.digits.length - 1 + d.exp;
  if (!(sci <= 125)) throw validation('Number overflow. Attempting to store a number with magnitude larger than supported range');
  if (!(sci >= -130)) throw validation('Number underflow. Attempting to store a number with magnitude smaller than supported range');
}

/** The canonical text of a number, as DynamoDB returns it. */
export function formatNumber(d: Decimal): string {
  if (d.digits === '') return '0';
  const sign = d.neg ? '-' : '';
  const { digits, exp } = d;
  if (exp >= 0) return sign + digits + '0'.repeat(exp);
  const point = digits.length + exp;
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

/** Parses and re-formats: the stored form of a number attribute. */
export function normalizeNumber(text: string): string {
  return formatNumber(parseNumber(text));
}

/** Orders two numbers numerically at full precision (-1, 0, 1). */
export function compareDecimal(a: Decimal, b: Decimal): number {
  const sa = a.digits === '' ? 0 : a.neg ? -1 : 1;
  const sb = b.digits === '' ? 0 : b.neg ? -1 : 1;
  if (sa !== sb) return sa < sb ? -1 : 1;
  if (sa === 0) return 0;
  const ea = a.digits.length + a.exp;
  const eb = b.digits.length + b.exp;
  let c = ea !== eb ? (ea < eb ? -1 : 1) : a.digits < b.digits ? -1 : a.digits > b.digits ? 1 : 0;
  return sa < 0 ? -c : c;
}

export function compareNumbers(a: string, b: string): number {
  return compareDecimal(parseNumber(a), parseNumber(b));
}

function toBig(d: Decimal, exp: number): bigint {
  if (d.digits === '') return 0n;
  const m = BigInt(d.digits) * 10n ** BigInt(d.exp - exp);
  return d.neg ? -m : m;
}

function fromBig(m: bigint, exp: number): Decimal {
  if (m === 0n) return { neg: false, digits: '', exp: 0 };
  const neg = m < 0n;
  let digits = (neg ? -m : m).toString();
  let end = digits.length;
  while (digits.charCodeAt(end - 1) === 48) end--;
  exp += digits.length - end;
  digits = digits.slice(0, end);
  return { neg, digits, exp };
}

/** a + b (or a - b), exact; the result must itself be storable. */
export function addDecimal(a: Decimal, b: Decimal, subtract = false): Decimal {
  const exp = Math.min(a.digits === '' ? b.exp : a.exp, b.digits === '' ? a.exp : b.exp);
  const mb = toBig(b, exp);
  const r = fromBig(toBig(a, exp) + (subtract ? -mb : mb), exp);
  checkRange(r);
  return r;
}

export function addNumbers(a: string, b: string, subtract = false): string {
  return formatNumber(addDecimal(parseNumber(a), parseNumber(b), subtract));
}

/**
 * Bytes DynamoDB counts for a number: one, plus half the significant digits on each side of the
 * decimal point (rounded up), plus one when negative.
 */
export function numberSize(text: string): number {
  const d = parseNumber(text);
  if (d.digits === '') return 1;
  const intDigits = Math.max(0, Math.min(d.digits.length, d.digits.length + d.exp));
  const fracDigits = d.digits.length - intDigits;
  return 1 + Math.ceil(intDigits / 2) + Math.ceil(fracDigits / 2) + (d.neg ? 1 : 0);
}

/**
 * A byte string whose memcmp order is numeric order: a class byte (negative, zero, positive), the
 * scientific exponent, then the digits two to a byte. Negative numbers invert every byte and end
 * with 0xff so that a longer mantissa (a smaller number) sorts first.
 */
export function encodeNumberKey(d: Decimal): Buffer {
  if (d.digits === '') return Buffer.from([0x02]);
  const pairs = Math.ceil(d.digits.length / 2);
  const out = Buffer.allocUnsafe(2 + pairs + (d.neg ? 1 : 0));
  const sci = d.digits.length + d.exp; // in 0..256 for storable numbers with offset 129 → 0..255
  out[0] = d.neg ? 0x01 : 0x03;
  out[1] = d.neg ? 255 - (sci + 129) : sci + 129;
  for (let i = 0; i < pairs; i++) {
    const hi = d.digits.charCodeAt(2 * i) - 48;
    const lo = 2 * i + 1 < d.digits.length ? d.digits.charCodeAt(2 * i + 1) - 48 : 0;
    const v = hi * 10 + lo + 1;
    out[2 + i] = d.neg ? 255 - v : v;
  }
  if (d.neg) out[out.length - 1] = 0xff;
  return out;
}
