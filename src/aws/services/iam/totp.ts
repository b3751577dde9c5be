// Time-based one-time passwords as virtual MFA apps compute them (RFC 6238 over RFC 4226): HMAC-SHA1 of
// the 30-second time step, dynamically truncated to 6 digits. The seed is the Base32 string IAM hands
// out; the time is Fogbank's clock, so a test that moves the clock can compute the codes itself.
import { createHmac } from 'node:crypto';
import { BASE32 } from '../../../core/resources/ids.ts';

export const STEP_MS = 30_000;

export function base32Decode(s: string): Buffer {
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const c of s.replace(/=+$/, '').toUpperCase()) {
    const v = BASE32.indexOf(c);
    if (v < 0) throw new Error('not base32');
    value = (value << 5) | v;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

export function base32Encode(bytes: Uint8Array): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}

/** The 6-digit code for time step `step` (RFC 4226 §5.3). */
export function totp(seed: string, step: number): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = createHmac('sha1', base32Decode(seed)).update(counter).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const n = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return String(n).padStart(6, '0');
}

export const stepAt = (ms: number) => Math.floor(ms / STEP_MS);

/**
 * The step of `code2` when `code1` and `code2` are two consecutive codes whose second lies within
 * `window` steps of `now` (a clock drift IAM tolerates), after `notBefore` (codes are used once).
 */
export function consecutiveStep(seed: string, code1: string, code2: string, now: number, window: number, notBefore = -1): number | undefined {
  for (let d = 0; d <= window; d++) {
    for (const s of d === 0 ? [now] : [now - d, now + d]) {
      if (s - 1 > notBefore && totp(seed, s - 1) === code1 && totp(seed, s) === code2) return s;
    }
  }
  return undefined;
}
