// A small seeded PRNG (mulberry32) and the random pieces the fuzzer draws from. Each request gets its
// own generator seeded from (run seed, request number), so a request is the same whatever ran before.

export class Rng {
  #s: number;

  constructor(seed: number) {
    this.#s = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.#s = (this.#s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  between(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }

  bytes(n: number): Buffer {
    const b = Buffer.alloc(n);
    for (let i = 0; i < n; i++) b[i] = this.int(256);
    return b;
  }

  /** Short printable text of the kind names are made of. */
  word(max = 12): string {
    const chars = 'abcdefghijklmnopqrstuvwxyz0123456789-_';
    let s = '';
    for (let i = this.between(1, max); i > 0; i--) s += chars[this.int(chars.length)];
    return s;
  }

  /** Text from every part of Unicode, lone surrogates and controls included. */
  text(max = 40): string {
    let s = '';
    for (let i = this.int(max + 1); i > 0; i--) {
      const kind = this.int(6);
      if (kind < 3) s += String.fromCharCode(0x20 + this.int(95));
      else if (kind === 3) s += String.fromCharCode(this.int(32));
      else if (kind === 4) s += String.fromCharCode(0xd800 + this.int(0x800)); // lone surrogates
      else s += String.fromCodePoint(this.int(0x10ffff - 0xe000) + 0xe000);
    }
    return s;
  }
}

/** FNV-1a over the two numbers: a request's own seed. */
export function seedFor(runSeed: number, index: number): number {
  let h = 0x811c9dc5;
  for (const n of [runSeed, index]) {
    for (let i = 0; i < 4; i++) {
      h ^= (n >>> (i * 8)) & 0xff;
      h = Math.imul(h, 0x01000193);
    }
  }
  return h >>> 0;
}

/** Text that is always hostile to some parser. */
export const HOSTILE_STRINGS = [
  '', ' ', '\u0000', '\r\n', '%', '%zz', '%ff%fe', '%00', '..', '../../etc/passwd', '/', '//', '\\',
  '${jndi:ldap://x}', '{{7*7}}', "'; DROP TABLE x; --", '<script>', ']]>', '&amp;', '&#0;', '\uFEFF',
  '\uD800', '\uDFFF\uD800', 'NaN', 'Infinity', '-0', '1e309', 'null', 'true', '[]', '{}', '__proto__',
  'constructor', 'prototype', 'toString', 'hasOwnProperty', 'arn:aws:sqs:us-east-1:000000000000:x',
  'arn:aws:::::', 'arn:', '*', '?', '\u202e', 'a'.repeat(1025), '😀'.repeat(300),
];
