// What most S3 handlers share: finding the bucket, owners, version ids, small parsers.
import { createHash, randomBytes } from 'node:crypto';
import type { RequestContext } from '../../../core/service.ts';
import { ServiceError } from '../../../core/errors.ts';
import type { S3Store, Bucket } from './store.ts';
import { S3Errors } from './errors.ts';
import { validateTags, type TagProblem, type TagRules } from '../../../core/resources/tags.ts';
import { formatArn } from '../../../core/resources/arn.ts';

export type Ctx = RequestContext<S3Store>;

/** The bucket a request names, or NoSuchBucket; checks x-amz-expected-bucket-owner when sent. */
export async function requireBucket(ctx: Ctx, name: string, expectedOwner?: string): Promise<Bucket> {
  const b = await ctx.state.bucket(name);
  if (!b) throw S3Errors.noSuchBucket(name);
  if (expectedOwner !== undefined && expectedOwner !== b.account) throw S3Errors.accessDenied();
  return b;
}

const owners = new Map<string, string>();

/** The canonical user id S3 shows for an account (64 hex digits, stable per account). */
export function canonicalId(account: string): string {
  let id = owners.get(account);
  if (!id) owners.set(account, (id = createHash('sha256').update(`fogbank-canonical-user:${account}`).digest('hex')));
  return id;
}

export function ownerOf(account: string): { ID: string } {
  return { ID: canonicalId(account) };
}

export function bucketArn(name: string): string {
  return formatArn({ service: 's3', resource: name });
}

/** A new version id: 32 URL-safe characters, as S3's are. */
export function newVersionId(): string {
  return randomBytes(24).toString('base64url');
}

export function newUploadId(): string {
  return randomBytes(48).toString('base64url');
}

/** S3 keeps modification times to the second. */
export function nowSeconds(ctx: { clock: { now(): number } }): number {
  return Math.floor(ctx.clock.now() / 1000) * 1000;
}

export function md5Etag(md5: Buffer): string {
  return `"${md5.toString('hex')}"`;
}

/** ETag list comparison for If-Match / If-None-Match ("*", several, weak or quoted). */
export function etagMatches(header: string, etag: string): boolean {
  const bare = etag.replace(/^"|"$/g, '');
  for (let item of header.split(',')) {
    item = item.trim();
    if (item === '*') return true;
    if (item.startsWith('W/')) item = item.slice(2);
    if (item.replace(/^"|"$/g, '') === bare) return true;
  }
  return false;
}

export function header(ctx: Ctx, name: string): string | undefined {
  const v = ctx.http.headers[name];
  return Array.isArray(v) ? v.join(',') : v;
}

/** Parses the x-amz-tagging header / query-encoded tag set (k1=v1&k2=v2). */
export function parseTaggingHeader(text: string): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(text)) {
    if (Object.hasOwn(tags, k)) throw new ServiceError('InvalidTag', 'Cannot provide multiple Tags with the same key', { status: 400, fields: { TagKey: k } });
    tags[k] = v;
  }
  validateObjectTags(tags);
  return tags;
}

/** S3's refusals of a tag's key, value and prefix (objects and buckets word them alike). */
function invalidTag(p: TagProblem, reserved: (key: string) => ServiceError): ServiceError {
  switch (p.kind) {
    case 'key': return new ServiceError('InvalidTag', 'The TagKey you have provided is invalid', { status: 400, fields: { TagKey: p.key } });
    case 'value': return new ServiceError('InvalidTag', 'The TagValue you have provided is invalid', { status: 400, fields: { TagKey: p.key, TagValue: p.value } });
    default: return reserved(p.kind === 'count' ? '' : p.key);
  }
}

/** Object tag limits: 10 tags, keys up to 128 and values up to 256 characters, no `aws:` keys. */
export const OBJECT_TAGS: TagRules = {
  max: 10,
  countFirst: true,
  error: (p) => p.kind === 'count' ? new ServiceError('BadRequest', 'Object tags cannot be greater than 10', 400) : invalidTag(p, (k) => new ServiceError('InvalidTag', 'Your TagKey cannot be prefixed with aws:', { status: 400, fields: { TagKey: k } })),
};

/** Bucket tag limits: 50 tags; `aws:` in any case is a system tag. */
export const BUCKET_TAGS: TagRules = {
  countFirst: true,
  reservedIgnoresCase: true,
  error: (p) => p.kind === 'count' ? new ServiceError('InvalidTag', 'Bucket tag count cannot be greater than 50', 400) : invalidTag(p, () => new ServiceError('InvalidTag', 'System tags cannot be added/updated by requester', 400)),
};

export function validateObjectTags(tags: Record<string, string>): void {
  validateTags(tags, OBJECT_TAGS);
}

export function tagSet(tags: Record<string, string> | undefined): Array<{ Key: string; Value: string }> {
  return Object.entries(tags ?? {}).map(([Key, Value]) => ({ Key, Value }));
}

export function tagsFromSet(set: Array<{ Key?: string; Value?: string }> | undefined): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const t of set ?? []) {
    const k = t.Key ?? '';
    if (Object.hasOwn(tags, k)) throw new ServiceError('InvalidTag', 'Cannot provide multiple Tags with the same key', { status: 400, fields: { TagKey: k } });
    tags[k] = t.Value ?? '';
  }
  return tags;
}

export const STORAGE_CLASSES = new Set([
  'STANDARD', 'REDUCED_REDUNDANCY', 'STANDARD_IA', 'ONEZONE_IA', 'INTELLIGENT_TIERING', 'GLACIER', 'DEEP_ARCHIVE',
  'OUTPOSTS', 'GLACIER_IR', 'SNOW', 'EXPRESS_ONEZONE', 'FSX_OPENZFS', 'FSX_ONTAP',
]);

export function checkStorageClass(sc: string | undefined): string {
  if (sc === undefined || sc === '') return 'STANDARD';
  if (!STORAGE_CLASSES.has(sc) || sc === 'OUTPOSTS' || sc === 'SNOW' || sc === 'EXPRESS_ONEZONE' || sc.startsWith('FSX'))
    throw new ServiceError('InvalidStorageClass', 'The storage class you specified is not valid', { status: 400, fields: { StorageClassRequested: sc } });
  return sc;
}

/** Archived classes need a restore before GetObject. */
export function isArchived(storageClass: string): boolean {
  return storageClass === 'GLACIER' || storageClass === 'DEEP_ARCHIVE';
}

/** A version id a client sent: "null" or one of ours. */
export function checkVersionId(versionId: string): void {
  if (versionId !== 'null' && !/^[A-Za-z0-9._-]{1,1024}$/.test(versionId)) throw S3Errors.invalidArgument('Invalid version id specified', 'versionId', versionId);
}

/** Header values must be Latin-1 on the wire; S3 sends other text RFC 2047-encoded. */
export function headerSafe(v: string): string {
  // eslint-disable-next-line no-control-regex
  return /^[\t\x20-\x7e\x80-\xff]*$/.test(v) ? v : `=?UTF-8?B?${Buffer.from(v, 'utf8').toString('base64')}?=`;
}
