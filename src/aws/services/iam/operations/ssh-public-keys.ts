// Users' SSH public keys (what CodeCommit and EC2 Instance Connect read): RSA keys uploaded in OpenSSH
// (`ssh-rsa AAAA…`) or PEM (SubjectPublicKeyInfo) encoding, handed back in either, fingerprinted as
// IAM does: the MD5 of the key blob in colon-separated hex (`ssh-keygen -l -E md5`).
import { createHash, createPublicKey, type JsonWebKey } from 'node:crypto';
import type {
  UploadSSHPublicKeyRequest, UploadSSHPublicKeyResponse, GetSSHPublicKeyRequest, GetSSHPublicKeyResponse, ListSSHPublicKeysRequest,
  ListSSHPublicKeysResponse, UpdateSSHPublicKeyRequest, DeleteSSHPublicKeyRequest,
} from '../generated/types.ts';
import { ServiceError } from '../../../../core/errors.ts';
import { iamUniqueId } from '../../../../core/resources/ids.ts';
import { limitExceeded, noSuchEntity } from '../errors.ts';
import { requireEntity, targetUser } from '../lookup.ts';
import { page } from '../paging.ts';
import type { Ctx, EntityRow, UserCredentialRow } from '../store.ts';

/** IAM's quota of SSH public keys per user. */
const KEYS_PER_USER = 5;
/** IAM refuses RSA keys shorter than this. */
const MIN_BITS = 2048;

const invalidPublicKey = () => new ServiceError('InvalidPublicKey', 'The request was rejected because the public key is malformed or otherwise invalid.', 400);
const duplicateKey = () => new ServiceError('DuplicateSSHPublicKey', 'The request was rejected because the SSH public key is already associated with the specified IAM user.', 400);
const keyNotFound = (id: string) => noSuchEntity(`The Public Key with id ${id} cannot be found.`);

function sshString(b: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(b.length);
  return Buffer.concat([len, b]);
}

/** An unsigned big-endian integer as an SSH mpint (a leading zero when the top bit is set). */
function mpint(b: Buffer): Buffer {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  const v = b.subarray(i);
  return sshString(v[0] & 0x80 ? Buffer.concat([Buffer.from([0]), v]) : v);
}

/** The RSA key in an OpenSSH blob: string "ssh-rsa", mpint e, mpint n (RFC 4253 §6.6). */
function readSshRsa(blob: Buffer): JsonWebKey {
  let at = 0;
  const next = (): Buffer => {
    if (at + 4 > blob.length) throw invalidPublicKey();
    const n = blob.readUInt32BE(at);
    if (at + 4 + n > blob.length) throw invalidPublicKey();
    const v = blob.subarray(at + 4, at + 4 + n);
    at += 4 + n;
    return v;
  };
  if (next().toString() !== 'ssh-rsa') throw invalidPublicKey();
  const e = next();
  const n = next();
  if (at !== blob.length) throw invalidPublicKey();
  const strip = (b: Buffer) => (b[0] === 0 ? b.subarray(1) : b);
  return { kty: 'RSA', e: strip(e).toString('base64url'), n: strip(n).toString('base64url') };
}

interface ParsedKey {
  blob: Buffer;
  pem: string;
}

/** Parses either encoding IAM accepts into the OpenSSH blob and the PEM form. */
export function parseSshPublicKey(body: string): ParsedKey {
  const text = body.trim();
  let jwk: JsonWebKey;
  try {
    if (text.startsWith('-----BEGIN')) {
      jwk = createPublicKey({ key: text, format: 'pem' }).export({ format: 'jwk' });
    } else {
      const m = /^ssh-rsa\s+([A-Za-z0-9+/]+={0,2})(\s.*)?$/s.exec(text);
      if (!m) throw invalidPublicKey();
      jwk = readSshRsa(Buffer.from(m[1], 'base64'));
    }
  } catch (e) {
    if (e instanceof ServiceError) throw e;
    throw invalidPublicKey();
  }
  if (jwk.kty !== 'RSA' || !jwk.n || !jwk.e) throw invalidPublicKey();
  const n = Buffer.from(jwk.n, 'base64url');
  if (n.length * 8 < MIN_BITS) throw invalidPublicKey();
  const key = createPublicKey({ key: jwk, format: 'jwk' });
  const blob = Buffer.concat([sshString(Buffer.from('ssh-rsa')), mpint(Buffer.from(jwk.e, 'base64url')), mpint(n)]);
  return { blob, pem: key.export({ type: 'spki', format: 'pem' }).toString() };
}

export function md5Fingerprint(blob: Buffer): string {
  return createHash('md5').update(blob).digest('hex').match(/../g)!.join(':');
}

function keyShape(user: EntityRow, row: UserCredentialRow, encoding: 'SSH' | 'PEM') {
  const parsed = parseSshPublicKey(row.body);
  return {
    UserName: user.name,
    SSHPublicKeyId: row.id,
    Fingerprint: row.fingerprint,
    SSHPublicKeyBody: encoding === 'PEM' ? parsed.pem : `ssh-rsa ${parsed.blob.toString('base64')}`,
    Status: row.status,
    UploadDate: new Date(row.uploaded),
  };
}

export async function uploadSSHPublicKey(input: UploadSSHPublicKeyRequest, ctx: Ctx): Promise<UploadSSHPublicKeyResponse> {
  const parsed = parseSshPublicKey(input.SSHPublicKeyBody);
  const fingerprint = md5Fingerprint(parsed.blob);
  return await ctx.state.unit(async () => {
    const user = await requireEntity(ctx, 'user', input.UserName);
    const keys = await ctx.state.userCredentials(user.id, 'ssh-key');
    if (keys.some((k) => k.fingerprint === fingerprint)) throw duplicateKey();
    if (keys.length >= KEYS_PER_USER) throw limitExceeded(`Cannot exceed quota for PublicKeysPerUser: ${KEYS_PER_USER}`);
    const row: UserCredentialRow = {
      id: iamUniqueId('APKA'), user_id: user.id, kind: 'ssh-key', body: input.SSHPublicKeyBody.trim(), fingerprint, status: 'Active', uploaded: ctx.clock.now(),
    };
    await ctx.state.insertUserCredential(row);
    return { SSHPublicKey: keyShape(user, row, 'SSH') };
  });
}

async function usersKey(ctx: Ctx, user: EntityRow, id: string): Promise<UserCredentialRow> {
  const row = await ctx.state.userCredential(id);
  if (!row || row.kind !== 'ssh-key' || row.user_id !== user.id) throw keyNotFound(id);
  return row;
}

export async function getSSHPublicKey(input: GetSSHPublicKeyRequest, ctx: Ctx): Promise<GetSSHPublicKeyResponse> {
  if (input.Encoding !== 'SSH' && input.Encoding !== 'PEM') {
    throw new ServiceError('UnrecognizedPublicKeyEncoding', `The specified public key encoding ${input.Encoding} is not recognized.`, 400);
  }
  const user = await requireEntity(ctx, 'user', input.UserName);
  return { SSHPublicKey: keyShape(user, await usersKey(ctx, user, input.SSHPublicKeyId), input.Encoding) };
}

export async function listSSHPublicKeys(input: ListSSHPublicKeysRequest, ctx: Ctx): Promise<ListSSHPublicKeysResponse> {
  const user = await targetUser(ctx, input.UserName);
  const keys = await ctx.state.userCredentials(user.id, 'ssh-key');
  const p = await page(ctx, keys, (k) => String(k.uploaded).padStart(15, '0') + k.id, input, user.id);
  return {
    SSHPublicKeys: p.items.map((k) => ({ UserName: user.name, SSHPublicKeyId: k.id, Status: k.status, UploadDate: new Date(k.uploaded) })),
    IsTruncated: p.IsTruncated,
    Marker: p.Marker,
  };
}

export async function updateSSHPublicKey(input: UpdateSSHPublicKeyRequest, ctx: Ctx): Promise<void> {
  await ctx.state.unit(async () => {
    const user = await requireEntity(ctx, 'user', input.UserName);
    await ctx.state.setUserCredentialStatus((await usersKey(ctx, user, input.SSHPublicKeyId)).id, input.Status);
  });
}

export async function deleteSSHPublicKey(input: DeleteSSHPublicKeyRequest, ctx: Ctx): Promise<void> {
  await ctx.state.unit(async () => {
    const user = await requireEntity(ctx, 'user', input.UserName);
    await ctx.state.deleteUserCredential((await usersKey(ctx, user, input.SSHPublicKeyId)).id);
  });
}
