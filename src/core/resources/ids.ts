// Identifiers in the formats AWS uses, so that clients' own validation (and people reading them)
// see familiar shapes:
// - EC2-style ids: a type prefix, a dash and 17 lower-case hex digits (`vpc-0a1b2c3d4e5f67890`).
// - IAM unique ids: a 4-letter prefix (AIDA user, AROA role, AGPA group, ANPA managed policy, AIPA
//   instance profile, ASCA certificate, APKA public key) and 17 characters of the base32 alphabet.
// - Access key ids: AKIA (long-term) or ASIA (temporary) and 16 base32 characters that, as in AWS's
//   keys, encode the account (so GetAccessKeyInfo answers without a lookup).
// - Secret access keys: 40 characters of the base64 alphabet. Account ids: 12 digits.
import { createHash, randomBytes, randomInt, randomUUID } from 'node:crypto';

export const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export type IamIdPrefix = 'AIDA' | 'AROA' | 'AGPA' | 'ANPA' | 'ANVA' | 'AIPA' | 'ASCA' | 'APKA' | 'ACCA' | 'ABIA';

/** `prefix-` and 17 hex digits, as EC2 (and VPC, EBS, AMI) ids are written since 2016. */
export function ec2Id(prefix: string): string {
  return `${prefix}-${randomBytes(9).toString('hex').slice(0, 17)}`;
}

/** An IAM unique id (21 characters). With `seed` it is stable: the same seed gives the same id. */
export function iamUniqueId(prefix: IamIdPrefix, seed?: string): string {
  const bytes = seed === undefined ? randomBytes(17) : createHash('sha256').update(seed).digest();
  let id = prefix;
  for (let i = 0; i < 17; i++) id += BASE32[bytes[i] & 31];
  return id;
}

/** An access key id with a 4-letter prefix (AKIA, ASIA) that encodes `account` as AWS's do. */
export function accessKeyId(prefix: 'AKIA' | 'ASIA' | string, account: string): string {
  // Layout (as in AWS keys): 80 bits after the prefix; bits 1..40 of the first 48 hold the account.
  const bytes = randomBytes(10);
  let high = BigInt('0x' + bytes.subarray(0, 6).toString('hex'));
  high = (high & ~(0xffffffffffn << 7n) & 0xffffffffffffn) | (BigInt(account) << 7n);
  Buffer.from(high.toString(16).padStart(12, '0'), 'hex').copy(bytes, 0);
  let bits = '';
  for (const b of bytes) bits += b.toString(2).padStart(8, '0');
  let out = prefix;
  for (let i = 0; i < 80; i += 5) out += BASE32[parseInt(bits.slice(i, i + 5), 2)];
  return out;
}

/** The account an AWS-style access key id (or unique id with a key prefix) encodes, if it is one. */
export function accountOfAccessKeyId(id: string): string | undefined {
  if (!/^(AKIA|ASIA|AIDA|AROA|AGPA|ANPA|ANVA|AIPA|APKA|ABIA|ACCA)[A-Z2-7]{16}$/.test(id)) return undefined;
  let bits = '';
  for (const c of id.slice(4)) bits += BASE32.indexOf(c).toString(2).padStart(5, '0');
  const high = BigInt('0b' + bits.slice(0, 48));
  return ((high >> 7n) & 0xffffffffffn).toString().padStart(12, '0');
}

/** A secret access key: 40 characters of the base64 alphabet. */
export function secretAccessKey(length = 40): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  let s = '';
  for (let i = 0; i < length; i++) s += alphabet[randomInt(alphabet.length)];
  return s;
}

/** A random version-4 UUID (SQS message ids, Lambda revision and mapping ids, request ids). */
export function uuid(): string {
  return randomUUID();
}

/** A 12-digit account id that does not start with 0 (as the ones AWS assigns). */
export function accountId(): string {
  return String(randomInt(1, 10)) + String(randomInt(0, 100_000_000_000)).padStart(11, '0');
}

/** `n` lower-case hex digits. */
export function hexId(n: number): string {
  return randomBytes(Math.ceil(n / 2)).toString('hex').slice(0, n);
}

/** `n` lower-case letters and digits (Lambda code-signing configs: `csc-` + 17). */
export function alnumId(n: number): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  let s = '';
  for (let i = 0; i < n; i++) s += alphabet[randomInt(alphabet.length)];
  return s;
}

/** The id formats a resource declaration may name. */
export type IdFormat =
  | { kind: 'ec2'; prefix: string }
  | { kind: 'iam'; prefix: IamIdPrefix }
  | { kind: 'uuid' }
  | { kind: 'hex'; length: number; prefix?: string }
  | { kind: 'alnum'; length: number; prefix?: string }
  | { kind: 'name' };

/** A new id in `format`; 'name' resources are keyed by the name the client chose, so none is made. */
export function newId(format: IdFormat, name?: string): string {
  switch (format.kind) {
    case 'ec2':
      return ec2Id(format.prefix);
    case 'iam':
      return iamUniqueId(format.prefix);
    case 'uuid':
      return uuid();
    case 'hex':
      return (format.prefix ?? '') + hexId(format.length);
    case 'alnum':
      return (format.prefix ?? '') + alnumId(format.length);
    case 'name':
      if (name === undefined) throw new Error('a named resource needs its name');
      return name;
  }
}
