// The CRCs S3 checksums use: CRC32 (zlib's, native), CRC32C and CRC64NVME (table-driven, slicing
// by 8 bytes), and combining the CRCs of consecutive pieces into the CRC of their concatenation
// (full-object checksums of multipart uploads) without reading the bytes again.
import { crc32 as zlibCrc32 } from 'node:zlib';

export type CrcName = 'CRC32' | 'CRC32C' | 'CRC64NVME';

/** An incremental CRC. `digest()` gives the big-endian bytes S3 base64-encodes. */
export interface Crc {
  update(chunk: Uint8Array): void;
  digest(): Buffer;
}

// ── CRC32C (Castagnoli, reflected 0x82F63B78) ───────────────────────────────────────────────────

const C32 = (() => {
  const t = new Uint32Array(256 * 8);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    t[n] = c >>> 0;
  }
  for (let n = 0; n < 256; n++) {
    let c = t[n];
    for (let s = 1; s < 8; s++) {
      c = t[c & 0xff] ^ (c >>> 8);
      t[s * 256 + n] = c >>> 0;
    }
  }
  return t;
})();

function crc32cUpdate(crc: number, b: Uint8Array): number {
  let c = ~crc >>> 0;
  let i = 0;
  const n = b.length;
  const t = C32;
  for (; i + 8 <= n; i += 8) {
    const lo = (c ^ (b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24))) >>> 0;
    c =
      t[7 * 256 + (lo & 0xff)] ^ t[6 * 256 + ((lo >>> 8) & 0xff)] ^ t[5 * 256 + ((lo >>> 16) & 0xff)] ^ t[4 * 256 + (lo >>> 24)] ^
      t[3 * 256 + b[i + 4]] ^ t[2 * 256 + b[i + 5]] ^ t[256 + b[i + 6]] ^ t[b[i + 7]];
  }
  for (; i < n; i++) c = t[(c ^ b[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

// ── CRC64NVME (reflected 0x9A6C9329AC4BC9B5), 64-bit values as hi/lo 32-bit halves ───────────────

const P64_HI = 0x9a6c9329;
const P64_LO = 0xac4bc9b5;

const [T64_HI, T64_LO] = (() => {
  const hi = new Uint32Array(256 * 8);
  const lo = new Uint32Array(256 * 8);
  for (let n = 0; n < 256; n++) {
    let h = 0;
    let l = n;
    for (let k = 0; k < 8; k++) {
      const bit = l & 1;
      l = ((l >>> 1) | ((h & 1) << 31)) >>> 0;
      h = h >>> 1;
      if (bit) {
        h = (h ^ P64_HI) >>> 0;
        l = (l ^ P64_LO) >>> 0;
      }
    }
    hi[n] = h;
    lo[n] = l;
  }
  for (let n = 0; n < 256; n++) {
    let h = hi[n];
    let l = lo[n];
    for (let s = 1; s < 8; s++) {
      const idx = l & 0xff;
      const nl = ((l >>> 8) | (h << 24)) >>> 0;
      const nh = h >>> 8;
      h = (nh ^ hi[idx]) >>> 0;
      l = (nl ^ lo[idx]) >>> 0;
      hi[s * 256 + n] = h;
      lo[s * 256 + n] = l;
    }
  }
  return [hi, lo];
})();

class Crc64Nvme implements Crc {
  #hi = 0xffffffff;
  #lo = 0xffffffff;

  update(b: Uint8Array): void {
    let h = this.#hi;
    let l = this.#lo;
    const TH = T64_HI;
    const TL = T64_LO;
    let i = 0;
    const n = b.length;
    for (; i + 8 <= n; i += 8) {
      const x = (l ^ (b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24))) >>> 0;
      const y = (h ^ (b[i + 4] | (b[i + 5] << 8) | (b[i + 6] << 16) | (b[i + 7] << 24))) >>> 0;
      const i7 = 7 * 256 + (x & 0xff), i6 = 6 * 256 + ((x >>> 8) & 0xff), i5 = 5 * 256 + ((x >>> 16) & 0xff), i4 = 4 * 256 + (x >>> 24);
      const i3 = 3 * 256 + (y & 0xff), i2 = 2 * 256 + ((y >>> 8) & 0xff), i1 = 256 + ((y >>> 16) & 0xff), i0 = y >>> 24;
      h = (TH[i7] ^ TH[i6] ^ TH[i5] ^ TH[i4] ^ TH[i3] ^ TH[i2] ^ TH[i1] ^ TH[i0]) >>> 0;
      l = (TL[i7] ^ TL[i6] ^ TL[i5] ^ TL[i4] ^ TL[i3] ^ TL[i2] ^ TL[i1] ^ TL[i0]) >>> 0;
    }
    for (; i < n; i++) {
      const idx = (l ^ b[i]) & 0xff;
      const nl = ((l >>> 8) | (h << 24)) >>> 0;
      h = ((h >>> 8) ^ TH[idx]) >>> 0;
      l = (nl ^ TL[idx]) >>> 0;
    }
    this.#hi = h;
    this.#lo = l;
  }

  digest(): Buffer {
    const out = Buffer.alloc(8);
    out.writeUInt32BE(~this.#hi >>> 0, 0);
    out.writeUInt32BE(~this.#lo >>> 0, 4);
    return out;
  }
}

class Crc32Of implements Crc {
  #crc = 0;
  readonly #update: (crc: number, b: Uint8Array) => number;
  constructor(update: (crc: number, b: Uint8Array) => number) {
    this.#update = update;
  }
  update(b: Uint8Array): void {
    this.#crc = this.#update(this.#crc, b);
  }
  digest(): Buffer {
    const out = Buffer.alloc(4);
    out.writeUInt32BE(this.#crc >>> 0, 0);
    return out;
  }
}

export function createCrc(name: CrcName): Crc {
  switch (name) {
    case 'CRC32': return new Crc32Of((crc, b) => zlibCrc32(b, crc));
    case 'CRC32C': return new Crc32Of(crc32cUpdate);
    case 'CRC64NVME': return new Crc64Nvme();
  }
}

// ── Combining ───────────────────────────────────────────────────────────────────────────────────
// For a CRC whose initial value equals its final xor (all three here), the CRC of A‖B is
// (CRC(A) · x^(8·|B|) mod P) ⊕ CRC(B), in the reflected bit order (zlib's crc32_combine).

const POLY: Record<CrcName, { width: bigint; poly: bigint }> = {
  CRC32: { width: 32n, poly: 0xedb88320n },
  CRC32C: { width: 32n, poly: 0x82f63b78n },
  CRC64NVME: { width: 64n, poly: 0x9a6c9329ac4bc9b5n },
};

function multModP(a: bigint, b: bigint, width: bigint, poly: bigint): bigint {
  let m = 1n << (width - 1n);
  let p = 0n;
  for (;;) {
    if (a & m) {
      p ^= b;
      if ((a & (m - 1n)) === 0n) break;
    }
    m >>= 1n;
    b = b & 1n ? (b >> 1n) ^ poly : b >> 1n;
  }
  return p;
}

/** x^(8n) mod P, reflected. */
function xPow8n(n: number, width: bigint, poly: bigint): bigint {
  let result = 1n << (width - 1n); // x^0
  let sq = 1n << (width - 2n); // x^1
  for (let i = 0; i < 3; i++) sq = multModP(sq, sq, width, poly); // x^8
  let k = BigInt(n);
  while (k > 0n) {
    if (k & 1n) result = multModP(sq, result, width, poly);
    sq = multModP(sq, sq, width, poly);
    k >>= 1n;
  }
  return result;
}

/** The CRC of the concatenation of pieces whose CRCs (big-endian bytes) and lengths are given. */
export function combineCrcs(name: CrcName, pieces: Array<{ crc: Buffer; size: number }>): Buffer {
  const { width, poly } = POLY[name];
  const bytes = Number(width / 8n);
  let acc: bigint | undefined;
  for (const { crc, size } of pieces) {
    const value = BigInt('0x' + crc.toString('hex'));
    acc = acc === undefined ? value : multModP(xPow8n(size, width, poly), acc, width, poly) ^ value;
  }
  const out = Buffer.alloc(bytes);
  const hex = (acc ?? 0n).toString(16).padStart(bytes * 2, '0');
  Buffer.from(hex, 'hex').copy(out);
  return out;
}
