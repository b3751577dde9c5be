// A real SigV4 presigned GET URL, computed in the browser: access key id = the selected account (so
// Fogbank acts in it), secret 'test', region from the header. Fogbank reads the account and region
// from the credential scope and enforces X-Amz-Expires on its clock. WebCrypto does the hashing
// where the page is a secure context (localhost, https); elsewhere (Fogbank reached over plain http
// on a LAN address, where crypto.subtle does not exist) a small SHA-256 below does the same work.

export interface PresignInput {
  /** host[:port] the URL is for (the page's own). */
  host: string;
  protocol: string;
  bucket: string;
  key: string;
  versionId?: string;
  account: string;
  region: string;
  /** Seconds, 1..604800. */
  expires: number;
  now?: Date;
  secret?: string;
}

const enc = new TextEncoder();

/** RFC 3986 encoding, as SigV4 wants it (encodeURIComponent leaves !'()* alone). */
export function uriEncode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

function hex(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

export async function presignGet(p: PresignInput, crypto: Hashing = hashing()): Promise<string> {
  const now = p.now ?? new Date();
  const amzDate = now.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');
  const day = amzDate.slice(0, 8);
  const scope = `${day}/${p.region}/s3/aws4_request`;
  const path = `/${uriEncode(p.bucket)}/${p.key.split('/').map(uriEncode).join('/')}`;
  const params: Array<[string, string]> = [
    ['X-Amz-Algorithm', 'AWS4-HMAC-SHA256'],
    ['X-Amz-Credential', `${p.account}/${scope}`],
    ['X-Amz-Date', amzDate],
    ['X-Amz-Expires', String(p.expires)],
    ['X-Amz-SignedHeaders', 'host'],
  ];
  if (p.versionId) params.push(['versionId', p.versionId]);
  const query = params
    .map(([k, v]) => [uriEncode(k), uriEncode(v)])
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const canonical = ['GET', path, query, `host:${p.host}`, '', 'host', 'UNSIGNED-PAYLOAD'].join('\n');
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, hex(await crypto.sha256(enc.encode(canonical)))].join('\n');
  let k: Bytes = enc.encode(`AWS4${p.secret ?? 'test'}`);
  for (const part of [day, p.region, 's3', 'aws4_request']) k = await crypto.hmac(k, enc.encode(part));
  const signature = hex(await crypto.hmac(k, enc.encode(toSign)));
  return `${p.protocol}//${p.host}${path}?${query}&X-Amz-Signature=${signature}`;
}

type Bytes = Uint8Array<ArrayBuffer>;

export interface Hashing {
  sha256(data: Bytes): Promise<Bytes>;
  hmac(key: Bytes, data: Bytes): Promise<Bytes>;
}

export function hashing(): Hashing {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) return plainHashing;
  return {
    sha256: async (data) => new Uint8Array(await subtle.digest('SHA-256', data)),
    hmac: async (key, data) => {
      const k = await subtle.importKey('raw', key, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
      return new Uint8Array(await subtle.sign('HMAC', k, data));
    },
  };
}

// ── SHA-256 and HMAC without WebCrypto (FIPS 180-4, RFC 2104) ────────────────────────────────────

const K = new Uint32Array(64);
const H0 = new Uint32Array(8);
{
  const primes: number[] = [];
  for (let n = 2; primes.length < 64; n++) if (primes.every((q) => n % q)) primes.push(n);
  const frac = (x: number) => ((x - Math.floor(x)) * 2 ** 32) >>> 0;
  primes.forEach((q, i) => {
    K[i] = frac(Math.cbrt(q));
    if (i < 8) H0[i] = frac(Math.sqrt(q));
  });
}

const ror = (x: number, n: number) => (x >>> n) | (x << (32 - n));

export function sha256Sync(data: Uint8Array): Bytes {
  const length = data.length;
  const padded = new Uint8Array((((length + 9 + 63) >> 6) << 6));
  padded.set(data);
  padded[length] = 0x80;
  const view = new DataView(padded.buffer);
  view.setUint32(padded.length - 8, Math.floor((length * 8) / 2 ** 32));
  view.setUint32(padded.length - 4, (length * 8) >>> 0);
  const h = H0.slice();
  const w = new Uint32Array(64);
  for (let off = 0; off < padded.length; off += 64) {
    for (let i = 0; i < 16; i++) w[i] = view.getUint32(off + i * 4);
    for (let i = 16; i < 64; i++) {
      const s0 = ror(w[i - 15], 7) ^ ror(w[i - 15], 18) ^ (w[i - 15] >>> 3);
      const s1 = ror(w[i - 2], 17) ^ ror(w[i - 2], 19) ^ (w[i - 2] >>> 10);
      w[i] = (w[i - 16] + s0 + w[i - 7] + s1) | 0;
    }
    let [a, b, c, d, e, f, g, hh] = h;
    for (let i = 0; i < 64; i++) {
      const t1 = (hh + (ror(e, 6) ^ ror(e, 11) ^ ror(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i]) | 0;
      const t2 = ((ror(a, 2) ^ ror(a, 13) ^ ror(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) | 0;
      hh = g;
      g = f;
      f = e;
      e = (d + t1) | 0;
      d = c;
      c = b;
      b = a;
      a = (t1 + t2) | 0;
    }
    h[0] += a;
    h[1] += b;
    h[2] += c;
    h[3] += d;
    h[4] += e;
    h[5] += f;
    h[6] += g;
    h[7] += hh;
  }
  const out = new Uint8Array(32);
  const ov = new DataView(out.buffer);
  h.forEach((x, i) => ov.setUint32(i * 4, x));
  return out;
}

function hmacSync(key: Uint8Array, data: Uint8Array): Bytes {
  const k = new Uint8Array(64);
  k.set(key.length > 64 ? sha256Sync(key) : key);
  const inner = new Uint8Array(64 + data.length);
  const outer = new Uint8Array(64 + 32);
  for (let i = 0; i < 64; i++) {
    inner[i] = k[i] ^ 0x36;
    outer[i] = k[i] ^ 0x5c;
  }
  inner.set(data, 64);
  outer.set(sha256Sync(inner), 64);
  return sha256Sync(outer);
}

export const plainHashing: Hashing = {
  sha256: async (data) => sha256Sync(data),
  hmac: async (key, data) => hmacSync(key, data),
};
