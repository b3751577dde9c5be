// S3's additional checksums: which algorithms exist, how each is computed, where each travels
// (x-amz-checksum-<alg> headers or trailers, Checksum<ALG> members), and what an object keeps.
import { createHash, type Hash } from 'node:crypto';
import { createCrc, type CrcName } from './crc.ts';

export const ALGORITHMS = ['CRC32', 'CRC32C', 'CRC64NVME', 'SHA1', 'SHA256', 'SHA512', 'MD5'] as const;
export type ChecksumAlgorithm = (typeof ALGORITHMS)[number];

export function isAlgorithm(s: string | undefined): s is ChecksumAlgorithm {
  return !!s && (ALGORITHMS as readonly string[]).includes(s);
}

export function isCrc(a: ChecksumAlgorithm): a is CrcName {
  return a === 'CRC32' || a === 'CRC32C' || a === 'CRC64NVME';
}

/** What an object (or part) keeps: the value as base64, composite values ending in -N. */
export interface StoredChecksum {
  algorithm: ChecksumAlgorithm;
  value: string;
  type: 'FULL_OBJECT' | 'COMPOSITE';
}

export interface Digester {
  update(chunk: Uint8Array): void;
  digest(): Buffer;
}

export function createDigester(a: ChecksumAlgorithm): Digester {
  if (isCrc(a)) return createCrc(a);
  const h: Hash = createHash(a === 'SHA1' ? 'sha1' : a === 'SHA256' ? 'sha256' : a === 'SHA512' ? 'sha512' : 'md5');
  return { update: (c) => h.update(c), digest: () => h.digest() };
}

/** The header carrying an algorithm's value, e.g. x-amz-checksum-crc32. */
export function checksumHeader(a: ChecksumAlgorithm): string {
  return `x-amz-checksum-${a.toLowerCase()}`;
}

/** Model member names: ChecksumCRC32, ... */
export function checksumMember(a: ChecksumAlgorithm): string {
  return `Checksum${a}`;
}

const BYTES: Record<ChecksumAlgorithm, number> = { CRC32: 4, CRC32C: 4, CRC64NVME: 8, SHA1: 20, SHA256: 32, SHA512: 64, MD5: 16 };

/** Whether a client's value is a well-formed checksum of that algorithm (base64 of the right length). */
export function wellFormed(a: ChecksumAlgorithm, value: string): boolean {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(value)) return false;
  return Buffer.from(value, 'base64').length === BYTES[a];
}

/** The checksum members of an output (GetObject, HeadObject, PutObject, ...). */
export function checksumOutput(c: StoredChecksum | undefined, withType = true): Record<string, string> {
  if (!c) return {};
  const out: Record<string, string> = { [checksumMember(c.algorithm)]: c.value };
  if (withType) out.ChecksumType = c.type;
  return out;
}

/** The checksum a request's input members carry (the first algorithm given), if any. */
export function checksumInput(input: Record<string, unknown>): { algorithm: ChecksumAlgorithm; value: string } | undefined {
  for (const a of ALGORITHMS) {
    const v = input[checksumMember(a)];
    if (typeof v === 'string' && v !== '') return { algorithm: a, value: v };
  }
  return undefined;
}

/** Default checksum type of an algorithm for multipart uploads. */
export function defaultChecksumType(a: ChecksumAlgorithm): 'FULL_OBJECT' | 'COMPOSITE' {
  return a === 'CRC64NVME' ? 'FULL_OBJECT' : 'COMPOSITE';
}
