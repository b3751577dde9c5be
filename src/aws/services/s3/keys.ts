// Object keys as SQLite sees them: the UTF-8 bytes as a BLOB, so that memcmp ordering is S3's
// listing order and a key is only ever data. Range bounds for prefixes and "after this key" are
// byte strings too.

const EMPTY = new Uint8Array(0);
/** Greater than every UTF-8 string: no UTF-8 sequence contains the byte 0xFF. */
export const KEY_MAX = new Uint8Array([0xff]);

export function encodeKey(key: string): Uint8Array {
  return key === '' ? EMPTY : Buffer.from(key, 'utf8');
}

export function decodeKey(raw: Uint8Array): string {
  return Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('utf8');
}

/** The smallest byte string greater than `key` (its immediate successor): key + 0x00. */
export function keyAfter(key: string): Uint8Array {
  const b = Buffer.from(key, 'utf8');
  const out = new Uint8Array(b.length + 1);
  out.set(b);
  return out;
}

/** The smallest byte string greater than every string starting with `prefix` (KEY_MAX for ''). */
export function prefixEnd(prefix: string): Uint8Array {
  const b = Buffer.from(prefix, 'utf8');
  let n = b.length;
  while (n > 0 && b[n - 1] === 0xff) n--;
  if (n === 0) return KEY_MAX;
  const out = new Uint8Array(b.subarray(0, n));
  out[n - 1]++;
  return out;
}

export function keyBytes(key: string): number {
  return Buffer.byteLength(key, 'utf8');
}

export const MAX_KEY_BYTES = 1024;

const RESERVED_PREFIXES = ['xn--', 'sthree-', 'amzn-s3-demo-'];
const RESERVED_SUFFIXES = ['-s3alias', '--ol-s3', '.mrap', '--x-s3', '--table-s3'];

/** S3's general purpose bucket naming rules. */
export function isValidBucketName(name: string): boolean {
  if (name.length < 3 || name.length > 63) return false;
  if (!/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/.test(name)) return false;
  if (name.includes('..') || name.includes('.-') || name.includes('-.')) return false;
  if (/^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name)) return false;
  if (RESERVED_PREFIXES.some((p) => name.startsWith(p))) return false;
  if (RESERVED_SUFFIXES.some((s) => name.endsWith(s))) return false;
  return true;
}

/** encoding-type=url, as S3 does it: form-style (space as '+'), '/' and a few others left alone. */
export function urlEncodeKey(s: string): string {
  return encodeURIComponent(s)
    .replace(/%2F/g, '/')
    .replace(/%3A/g, ':')
    .replace(/%3D/g, '=')
    .replace(/%40/g, '@')
    .replace(/%2C/g, ',')
    .replace(/%24/g, '$')
    .replace(/%20/g, '+');
}
