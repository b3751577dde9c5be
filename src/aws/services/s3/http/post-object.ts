// Browser POST uploads (POST /<bucket> with multipart/form-data): the form's policy is checked
// (expiry, every condition, no unlisted field), the file streams to a blob, and the answer is what
// the form asked for: 204 by default, 200, 201 with a PostResponse document, or a 303 redirect.
import { Readable } from 'node:stream';
import type { HttpRequest, HttpResponse } from '../../../../core/http.ts';
import { ServiceError } from '../../../../core/errors.ts';
import { checkStorageClass, md5Etag, nowSeconds, requireBucket, tagsFromSet, type Ctx } from '../common.ts';
import { S3Errors } from '../errors.ts';
import { discardBlobs, receiveBody, storedBody } from '../bodies.ts';
import { metaFromInput } from '../object-meta.ts';
import { checkGrantsAllowed, grantsFromInput } from '../acl.ts';
import { commitObject } from '../versions.ts';
import { emit } from '../events.ts';
import { checkKey } from '../operations/put-object.ts';
import { boundaryOf, readForm } from './form-data.ts';
import { parseXml, XmlWriter, XML_DECLARATION } from '../../../protocol/xml.ts';
import type { Bucket } from '../store.ts';

type Condition = Record<string, unknown> | unknown[];

interface Policy {
  expiration?: string;
  conditions?: Condition[];
}

/** Fields S3 never asks a policy to list. */
const EXEMPT = new Set(['file', 'policy', 'x-amz-signature', 'signature', 'awsaccesskeyid', 'x-amz-security-token']);

function denied(why: string): ServiceError {
  return new ServiceError('AccessDenied', `Invalid according to Policy: ${why}`, 403);
}

function parsePolicy(encoded: string): Policy {
  try {
    const p = JSON.parse(Buffer.from(encoded, 'base64').toString('utf8'));
    if (!p || typeof p !== 'object') throw new Error('not an object');
    return p as Policy;
  } catch {
    throw S3Errors.invalidArgument('Invalid Policy: Invalid JSON.', 'policy', encoded);
  }
}

/** Checks the policy's conditions except content-length-range (known only after the file). */
function checkPolicy(policy: Policy, fields: Map<string, string>, bucket: string, now: number): { min?: number; max?: number } {
  if (!policy.expiration) throw S3Errors.invalidArgument('Invalid Policy: Policy missing expiration.', 'policy', '');
  const exp = Date.parse(policy.expiration);
  if (Number.isNaN(exp)) throw S3Errors.invalidArgument('Invalid Policy: Invalid \'expiration\' value.', 'policy', policy.expiration);
  if (exp < now) throw denied('Policy expired.');
  if (!Array.isArray(policy.conditions)) throw S3Errors.invalidArgument('Invalid Policy: Policy missing conditions.', 'policy', '');
  const value = (name: string) => (name === 'bucket' ? bucket : fields.get(name));
  const listed = new Set<string>(['bucket']);
  let range: { min?: number; max?: number } = {};
  for (const c of policy.conditions) {
    if (Array.isArray(c)) {
      const op = String(c[0]).toLowerCase();
      if (op === 'content-length-range') {
        range = { min: Number(c[1]), max: Number(c[2]) };
        continue;
      }
      const field = String(c[1]).replace(/^\$/, '').toLowerCase();
      listed.add(field);
      const got = value(field) ?? '';
      const ok = op === 'eq' ? got === String(c[2]) : op === 'starts-with' ? got.startsWith(String(c[2])) : false;
      if (!ok) throw denied(`Policy Condition failed: ${JSON.stringify(c)}`);
    } else if (c && typeof c === 'object') {
      for (const [k, v] of Object.entries(c)) {
        const field = k.toLowerCase();
        listed.add(field);
        if ((value(field) ?? '') !== String(v)) throw denied(`Policy Condition failed: ${JSON.stringify(['eq', `$${k}`, v])}`);
      }
    }
  }
  for (const name of fields.keys()) {
    if (EXEMPT.has(name) || name.startsWith('x-ignore-') || listed.has(name)) continue;
    throw denied(`Extra input fields: ${name}`);
  }
  return range;
}

function postTags(xml: string): Record<string, string> {
  try {
    const root = parseXml(Buffer.from(xml));
    const set = root.children?.find((c) => c.name === 'TagSet');
    const tags = (set?.children ?? []).filter((t) => t.name === 'Tag').map((t) => ({
      Key: t.children?.find((c) => c.name === 'Key')?.text ?? '',
      Value: t.children?.find((c) => c.name === 'Value')?.text ?? '',
    }));
    return tagsFromSet(tags);
  } catch (err) {
    if (err instanceof ServiceError) throw err;
    throw S3Errors.malformedXml();
  }
}

function objectUrl(ctx: Ctx, http: HttpRequest, bucket: string, key: string): string {
  const host = http.headers.host ?? new URL(ctx.env.endpoint).host;
  const path = key.split('/').map(encodeURIComponent).join('/');
  const virtual = http.hostname?.startsWith(`${bucket}.`);
  return virtual ? `http://${host}/${path}` : `http://${host}/${bucket}/${path}`;
}

/** Whether a request is a browser POST upload to a bucket. */
export function isPostObject(http: HttpRequest): boolean {
  if (http.method !== 'POST' || !boundaryOf(http.headers['content-type'] as string | undefined)) return false;
  const segments = http.path.split('/').filter(Boolean);
  return segments.length === 1 && http.query === '';
}

export async function postObject(http: HttpRequest, ctx: Ctx): Promise<HttpResponse> {
  ctx.operation = 'PostObject';
  const name = decodeURIComponent(http.path.split('/').filter(Boolean)[0]);
  const bucket: Bucket = await requireBucket(ctx, name);
  const boundary = boundaryOf(http.headers['content-type'] as string)!;
  const source = http.source ?? Readable.from([]);
  let result: HttpResponse | undefined;
  try {
    const form = await readForm(source as AsyncIterable<Buffer>, boundary, async (fields, file) => {
      result = await store(ctx, http, bucket, fields, file.filename, file.body);
    });
    if (!form.hadFile) {
      if (!form.fields.has('key')) {
        throw S3Errors.invalidArgument("Bucket POST must contain a field named 'key'.  If it is specified, please check the order of the fields.", 'key', '');
      }
      throw S3Errors.invalidArgument('POST requires exactly one file upload per request.', 'file', '0');
    }
  } finally {
    if (!source.readableEnded) source.resume();
  }
  return result!;
}

async function store(ctx: Ctx, http: HttpRequest, bucket: Bucket, fields: Map<string, string>, filename: string, body: AsyncIterable<Buffer>): Promise<HttpResponse> {
  const keyTemplate = fields.get('key');
  if (keyTemplate === undefined) {
    throw S3Errors.invalidArgument("Bucket POST must contain a field named 'key'.  If it is specified, please check the order of the fields.", 'key', '');
  }
  const key = keyTemplate.replaceAll('${filename}', filename);
  checkKey(key);
  let range: { min?: number; max?: number } = {};
  const policyText = fields.get('policy');
  if (policyText !== undefined) range = checkPolicy(parsePolicy(policyText), fields, bucket.name, ctx.clock.now());
  const storageClass = checkStorageClass(fields.get('x-amz-storage-class'));
  const acl = fields.get('acl');
  const grants = acl !== undefined ? grantsFromInput({ ACL: acl }, ctx.account, bucket.account) : undefined;
  if (grants) await checkGrantsAllowed(ctx, bucket, grants, acl);
  const metadata: Record<string, string> = {};
  for (const [k, v] of fields) if (k.startsWith('x-amz-meta-')) metadata[k.slice('x-amz-meta-'.length)] = v;
  const meta = await metaFromInput(ctx, bucket, {
    ContentType: fields.get('content-type'),
    CacheControl: fields.get('cache-control'),
    ContentDisposition: fields.get('content-disposition'),
    ContentEncoding: fields.get('content-encoding'),
    Metadata: Object.keys(metadata).length ? metadata : undefined,
    WebsiteRedirectLocation: fields.get('x-amz-website-redirect-location'),
    ServerSideEncryption: fields.get('x-amz-server-side-encryption'),
  }, fields.get('expires'));
  const tagging = fields.get('tagging');
  const tags = tagging !== undefined ? postTags(tagging) : undefined;
  // Checksum fields in the form are validated like the headers of a PUT.
  const digestHeaders: Record<string, string> = {};
  for (const [k, v] of fields) if (k === 'content-md5' || k.startsWith('x-amz-checksum-')) digestHeaders[k] = v;
  const received = await receiveBody(ctx.env, digestHeaders, Readable.from(body, { objectMode: false }));
  try {
    if (range.max !== undefined && received.size > range.max) {
      throw new ServiceError('EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size', { status: 400, fields: { ProposedSize: received.size, MaxSizeAllowed: range.max } });
    }
    if (range.min !== undefined && received.size < range.min) {
      throw new ServiceError('EntityTooSmall', 'Your proposed upload is smaller than the minimum allowed size', { status: 400, fields: { ProposedSize: received.size, MinSizeAllowed: range.min } });
    }
  } catch (err) {
    if (received.blob) discardBlobs(ctx.env, [received.blob]);
    throw err;
  }
  const etag = md5Etag(received.md5);
  const checksum = received.algorithm ? { algorithm: received.algorithm, value: received.checksums[received.algorithm]!, type: 'FULL_OBJECT' as const } : undefined;
  let committed;
  try {
    committed = await ctx.state.atomically(() =>
      commitObject(ctx.state, bucket, {
        key, size: received.size, etag, lastModified: nowSeconds(ctx), storageClass,
        owner: bucket.ownership === 'ObjectWriter' ? ctx.account : bucket.account,
        ...storedBody(received), meta, checksum, tags, acl: grants, legalHold: false,
      }));
  } catch (err) {
    // Nothing records the body: it goes.
    if (received.blob) discardBlobs(ctx.env, [received.blob]);
    throw err;
  }
  ctx.state.discard(committed.discarded);
  await emit(ctx, bucket, 'ObjectCreated:Post', { key, size: received.size, etag, versionId: committed.versionId });

  const location = objectUrl(ctx, http, bucket.name, key);
  const headers: Record<string, string> = { ETag: etag, Location: location };
  if (committed.bucket.versioning !== '') headers['x-amz-version-id'] = committed.versionId;
  const redirect = fields.get('success_action_redirect') ?? fields.get('redirect');
  if (redirect) {
    try {
      const url = new URL(redirect);
      url.searchParams.set('bucket', bucket.name);
      url.searchParams.set('key', key);
      url.searchParams.set('etag', etag);
      return { status: 303, headers: { ...headers, Location: url.toString() } };
    } catch {
      // An unusable redirect falls back to the status answer, as S3 does.
    }
  }
  const status = Number(fields.get('success_action_status') ?? 204);
  if (status === 201) {
    const w = new XmlWriter();
    w.out = XML_DECLARATION;
    w.open('PostResponse');
    w.leaf('Location', location);
    w.leaf('Bucket', bucket.name);
    w.leaf('Key', key);
    w.leaf('ETag', etag);
    w.close('PostResponse');
    return { status: 201, headers: { ...headers, 'content-type': 'application/xml' }, body: w.out };
  }
  return { status: status === 200 ? 200 : 204, headers };
}
