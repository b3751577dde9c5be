// Scalar conversions shared by every codec: timestamps in AWS's three wire formats, blobs, numbers.
import type { TimestampFormat } from './model.ts';

/** Formats a timestamp as the protocol expects. iso8601 keeps milliseconds only when there are some. */
export function formatTimestamp(value: Date | number | string, format: TimestampFormat): string | number {
  const d = toDate(value);
  switch (format) {
    case 'unixTimestamp': {
      return d.getTime() / 1000;
    }
    case 'rfc822':
      return d.toUTCString();
    default: {
      const iso = d.toISOString();
      return iso.endsWith('.000Z') ? iso.slice(0, -5) + 'Z' : iso;
    }
  }
}

/** Parses a timestamp sent in any of the wire formats (epoch seconds, ISO 8601, RFC 822/1123). */
export function parseTimestamp(raw: string | number): Date | undefined {
  if (typeof raw === 'number') return Number.isFinite(raw) ? new Date(raw * 1000) : undefined;
  const s = raw.trim();
  if (/^-?\d+(\.\d+)?$/.test(s)) return new Date(Math.round(Number(s) * 1000));
  const iso = /^(\d{4})-(\d\d)-(\d\d)[Tt ](\d\d):(\d\d):(\d\d)(\.\d+)?([Zz]|[+-]\d\d:?\d\d)?$/.exec(s);
  if (iso) {
    const frac = iso[7] ? Number(iso[7].slice(0, 4).padEnd(4, '0')) * 1000 : 0;
    const base = Date.UTC(+iso[1], +iso[2] - 1, +iso[3], +iso[4], +iso[5], +iso[6]) + Math.round(frac);
    const tz = iso[8];
    if (!tz || tz === 'Z' || tz === 'z') return new Date(base);
    const m = /([+-])(\d\d):?(\d\d)/.exec(tz)!;
    const offset = (Number(m[2]) * 60 + Number(m[3])) * 60000 * (m[1] === '+' ? 1 : -1);
    return new Date(base - offset);
  }
  const t = Date.parse(s);
  return Number.isNaN(t) ? undefined : new Date(t);
}

export function toDate(value: Date | number | string): Date {
  if (value instanceof Date) return value;
  if (typeof value === 'number') return new Date(value * 1000);
  return parseTimestamp(value) ?? new Date(NaN);
}

export function toBuffer(value: Buffer | Uint8Array | string): Buffer {
  if (Buffer.isBuffer(value)) return value;
  if (typeof value === 'string') return Buffer.from(value, 'utf8');
  return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
}

/** Renders a float/double the way AWS does on text protocols: NaN, Infinity and -Infinity by name. */
export function formatFloat(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return 'Infinity';
  if (n === -Infinity) return '-Infinity';
  return String(n);
}

/** Parses a float/double from text, accepting AWS's names for the special values. */
export function parseFloatText(s: string): number | undefined {
  if (s === 'NaN') return NaN;
  if (s === 'Infinity') return Infinity;
  if (s === '-Infinity') return -Infinity;
  const t = s.trim();
  if (t === '' || !/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) return undefined;
  return Number(t);
}

export function parseIntegerText(s: string): number | undefined {
  const t = s.trim();
  if (!/^[+-]?\d+$/.test(t)) return undefined;
  return Number(t);
}

/**
 * Reads a scalar that arrived as text (query parameters, XML elements and attributes) as the handler
 * value of a shape of `type`. Returns undefined when the text is not a value of that type, so the
 * caller can answer its protocol's validation error.
 */
export function scalarFromText(type: string, text: string): unknown {
  switch (type) {
    case 'string':
      return text;
    case 'boolean': {
      const t = text.trim().toLowerCase();
      return t === 'true' ? true : t === 'false' ? false : undefined;
    }
    case 'integer':
    case 'long':
    case 'short':
    case 'byte': {
      const n = parseIntegerText(text);
      return n !== undefined && Number.isSafeInteger(n) ? n : undefined;
    }
    case 'float':
    case 'double':
      return parseFloatText(text.trim());
    case 'timestamp':
      return text.trim() === '' ? undefined : parseTimestamp(text);
    case 'blob':
      return /^[A-Za-z0-9+/\s]*={0,2}\s*$/.test(text) ? Buffer.from(text, 'base64') : undefined;
    default:
      // bigdecimal/biginteger keep their exact text; anything else is passed through as written.
      return text;
  }
}

/** Renders a handler's scalar as protocol text (query/XML values, headers), the mirror of scalarFromText. */
export function scalarToText(type: string, value: unknown, timestampFormat: TimestampFormat): string {
  switch (type) {
    case 'timestamp':
      return String(formatTimestamp(value as Date | number | string, timestampFormat));
    case 'blob':
      return toBuffer(value as Buffer | Uint8Array | string).toString('base64');
    case 'float':
    case 'double':
      return typeof value === 'number' ? formatFloat(value) : String(value);
    default:
      return String(value);
  }
}
