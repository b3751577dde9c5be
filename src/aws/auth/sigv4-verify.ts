// Checking an AWS Signature Version 4 (Authorization header or presigned query) against the secret
// of the key that made it. The canonical request is rebuilt from the request as received, the way the
// SDKs build it before sending: S3 signs its path as sent (encoded once), every other service signs
// the normalised path encoded a second time; the query is decoded, re-encoded (RFC 3986) and sorted;
// the signed headers are trimmed and their inner spaces collapsed.
// Reference: "Create a signed AWS API request" and "Authenticating Requests: Using Query Parameters"
// in the IAM and S3 user guides.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { HttpRequest } from '../../core/http.ts';
import { header } from '../../core/http.ts';

/** Clients and AWS may disagree on the time by this much (15 minutes). */
export const MAX_SKEW_MS = 15 * 60_000;
/** A presigned URL lasts at most seven days. */
export const MAX_PRESIGNED_SECONDS = 604_800;

export interface V4Signature {
  accessKeyId: string;
  /** yyyymmdd of the credential scope. */
  scopeDate: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
  /** yyyymmddThhmmssZ: X-Amz-Date, or the Date header in that form. */
  amzDate: string;
  presigned: boolean;
  /** Presigned: X-Amz-Expires, in seconds. */
  expires?: number;
}

export type V4Problem =
  /** The Authorization header or query parameters lack a part or have a bad one. */
  | { kind: 'malformed'; message: string }
  /** The credential scope's date is not the request's date. */
  | { kind: 'scope'; message: string }
  /** Header signatures: more than 15 minutes between the request's time and now. */
  | { kind: 'skewed'; message: string; requestTime: string }
  /** Presigned: past its X-Amz-Date + X-Amz-Expires. */
  | { kind: 'expired'; message: string }
  /** Presigned: X-Amz-Date is in the future. */
  | { kind: 'not-yet-valid'; message: string }
  /** The signature does not match what the secret gives: the parts S3 shows back. */
  | { kind: 'signature'; message: string; stringToSign: string; canonicalRequest: string };

const ALGORITHM = 'AWS4-HMAC-SHA256';
const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/** Reads the parts of a V4 signature; undefined when the request carries none. */
export function readV4(req: HttpRequest, query: URLSearchParams): V4Signature | V4Problem | undefined {
  const auth = header(req, 'authorization');
  if (auth !== undefined) {
    if (!auth.startsWith(`${ALGORITHM} `)) return undefined;
    const fields = new Map<string, string>();
    for (const part of auth.slice(ALGORITHM.length + 1).split(',')) {
      const eq = part.indexOf('=');
      if (eq > 0) fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
    }
    for (const name of ['Credential', 'SignedHeaders', 'Signature']) {
      if (!fields.get(name)) return { kind: 'malformed', message: `Authorization header requires '${name}' parameter. Authorization=${auth}` };
    }
    const amzDate = header(req, 'x-amz-date') ?? isoOfHttpDate(header(req, 'date'));
    if (!amzDate) return { kind: 'malformed', message: "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header." };
    return signatureOf(fields.get('Credential')!, fields.get('SignedHeaders')!, fields.get('Signature')!, amzDate, false);
  }
  const credential = query.get('X-Amz-Credential');
  if (credential === null || query.get('X-Amz-Algorithm') === null) return undefined;
  if (query.get('X-Amz-Algorithm') !== ALGORITHM) return { kind: 'malformed', message: 'X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"' };
  for (const name of ['X-Amz-Date', 'X-Amz-SignedHeaders', 'X-Amz-Signature']) {
    if (!query.get(name)) return { kind: 'malformed', message: `Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.` };
  }
  const signature = signatureOf(credential, query.get('X-Amz-SignedHeaders')!, query.get('X-Amz-Signature')!, query.get('X-Amz-Date')!, true);
  if ('kind' in signature) return signature;
  const expires = query.get('X-Amz-Expires');
  if (expires !== null) {
    const n = Number(expires);
    if (!/^\d+$/.test(expires)) return { kind: 'malformed', message: 'X-Amz-Expires should be a number' };
    if (n > MAX_PRESIGNED_SECONDS) return { kind: 'malformed', message: 'X-Amz-Expires must be less than a week (in seconds) that is 604800' };
    signature.expires = n;
  }
  return signature;
}

function signatureOf(credential: string, signedHeaders: string, signature: string, amzDate: string, presigned: boolean): V4Signature | V4Problem {
  const scope = credential.split('/');
  if (scope.length !== 5 || scope[4] !== 'aws4_request' || !/^\d{8}$/.test(scope[1])) {
    return { kind: 'malformed', message: `Credential should be scoped to a valid region and service, and end in aws4_request. Credential=${credential}` };
  }
  if (!/^\d{8}T\d{6}Z$/.test(amzDate)) return { kind: 'malformed', message: `Invalid date: X-Amz-Date must be in the ISO8601 Long Format "yyyyMMdd'T'HHmmss'Z'"` };
  return {
    accessKeyId: scope[0],
    scopeDate: scope[1],
    region: scope[2],
    service: scope[3],
    signedHeaders: signedHeaders.split(';').map((h) => h.trim().toLowerCase()),
    signature: signature.toLowerCase(),
    amzDate,
    presigned,
  };
}

export interface VerifyOptions {
  secret: string;
  /** Now, epoch ms, for the 15-minute skew of header signatures (the wall clock: clients sign with it). */
  now: number;
  /** Now, epoch ms, for presigned URLs' expiry (the virtual clock, so that a test can let a URL expire). */
  expiryNow?: number;
  /** S3 signs its path as sent; the other services sign the normalised path, encoded again. */
  s3: boolean;
}

/** Checks a V4 signature; undefined when it holds. */
export function verifyV4(req: HttpRequest, sig: V4Signature, options: VerifyOptions): V4Problem | undefined {
  if (sig.scopeDate !== sig.amzDate.slice(0, 8)) {
    return { kind: 'scope', message: `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${sig.scopeDate}' != '${sig.amzDate.slice(0, 8)}', from '${sig.amzDate}'.` };
  }
  const signedAt = msOfAmzDate(sig.amzDate);
  if (sig.presigned) {
    const now = options.expiryNow ?? options.now;
    if (signedAt - now > MAX_SKEW_MS) return { kind: 'not-yet-valid', message: 'Request is not valid yet' };
    if (sig.expires !== undefined && now > signedAt + sig.expires * 1000) return { kind: 'expired', message: 'Request has expired' };
  } else if (Math.abs(options.now - signedAt) > MAX_SKEW_MS) {
    const earlier = signedAt < options.now;
    return {
      kind: 'skewed',
      requestTime: sig.amzDate,
      message: `Signature ${earlier ? 'expired' : 'not yet current'}: ${sig.amzDate} is now ${earlier ? 'earlier' : 'later'} than ${amzDateOf(options.now + (earlier ? -MAX_SKEW_MS : MAX_SKEW_MS))} (${amzDateOf(options.now)} ${earlier ? '-' : '+'} 15 min.)`,
    };
  }
  const canonicalRequest = canonicalRequestOf(req, sig, options.s3);
  const scope = `${sig.scopeDate}/${sig.region}/${sig.service}/aws4_request`;
  const stringToSign = `${ALGORITHM}\n${sig.amzDate}\n${scope}\n${sha256Hex(canonicalRequest)}`;
  const expected = createHmac('sha256', signingKey(options.secret, sig.scopeDate, sig.region, sig.service)).update(stringToSign).digest();
  const given = /^[0-9a-f]{64}$/.test(sig.signature) ? Buffer.from(sig.signature, 'hex') : Buffer.alloc(0);
  if (given.length === expected.length && timingSafeEqual(given, expected)) return undefined;
  return {
    kind: 'signature',
    message: 'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
    stringToSign,
    canonicalRequest,
  };
}

/** The canonical request, as the client built it before signing. */
export function canonicalRequestOf(req: HttpRequest, sig: V4Signature, s3: boolean): string {
  const headers = sig.signedHeaders.map((name) => `${name}:${canonicalHeaderValue(req, name)}\n`).join('');
  return [
    req.method.toUpperCase(),
    s3 ? canonicalS3Path(req.path) : canonicalPath(req.path),
    canonicalQuery(req.query, sig.presigned),
    headers,
    sig.signedHeaders.join(';'),
    payloadHash(req, sig, s3),
  ].join('\n');
}

function canonicalHeaderValue(req: HttpRequest, name: string): string {
  // HTTP/2 carries the host as :authority.
  const raw = name === 'host' ? (req.headers.host ?? req.headers[':authority']) : req.headers[name];
  const values = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  return values.map((v) => v.trim().replace(/\s+/g, ' ')).join(',');
}

function payloadHash(req: HttpRequest, sig: V4Signature, s3: boolean): string {
  const declared = header(req, 'x-amz-content-sha256');
  if (declared !== undefined) return declared;
  if (sig.presigned && s3) {
    // The S3 presigner hoists its X-Amz-Content-Sha256 (UNSIGNED-PAYLOAD) into the query.
    return new URLSearchParams(req.query).get('X-Amz-Content-Sha256') ?? 'UNSIGNED-PAYLOAD';
  }
  return req.body.length === 0 ? EMPTY_SHA256 : sha256Hex(req.body);
}

/** S3: the path as the client encoded it, each segment decoded and encoded again the one canonical way. */
function canonicalS3Path(raw: string): string {
  return raw.split('/').map((segment) => uriEncode(decode(segment))).join('/') || '/';
}

/** Other services: dot segments and empty segments removed, then encoded a second time. */
function canonicalPath(raw: string): string {
  const segments: string[] = [];
  for (const segment of raw.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  const path = `/${segments.join('/')}${segments.length > 0 && raw.endsWith('/') ? '/' : ''}`;
  return path.split('/').map(uriEncode).join('/');
}

function canonicalQuery(raw: string, presigned: boolean): string {
  if (!raw) return '';
  const pairs: Array<[string, string]> = [];
  for (const part of raw.split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    const name = uriEncode(decode(eq < 0 ? part : part.slice(0, eq)));
    if (presigned && name === 'X-Amz-Signature') continue;
    pairs.push([name, uriEncode(decode(eq < 0 ? '' : part.slice(eq + 1)))]);
  }
  pairs.sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  return pairs.map(([k, v]) => `${k}=${v}`).join('&');
}

/** RFC 3986 encoding as SigV4 defines it: everything but A-Z a-z 0-9 - _ . ~ is %XX (upper case). */
export function uriEncode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

const keyCache = new Map<string, Buffer>();

/** The day's signing key; kept, since every request of a day and scope derives the same one. */
export function signingKey(secret: string, date: string, region: string, service: string): Buffer {
  const id = `${secret}\n${date}\n${region}\n${service}`;
  let key = keyCache.get(id);
  if (!key) {
    const kDate = createHmac('sha256', `AWS4${secret}`).update(date).digest();
    const kRegion = createHmac('sha256', kDate).update(region).digest();
    const kService = createHmac('sha256', kRegion).update(service).digest();
    key = createHmac('sha256', kService).update('aws4_request').digest();
    if (keyCache.size > 1000) keyCache.clear();
    keyCache.set(id, key);
  }
  return key;
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

function msOfAmzDate(d: string): number {
  return Date.UTC(+d.slice(0, 4), +d.slice(4, 6) - 1, +d.slice(6, 8), +d.slice(9, 11), +d.slice(11, 13), +d.slice(13, 15));
}

export function amzDateOf(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

function isoOfHttpDate(date: string | undefined): string | undefined {
  if (!date) return undefined;
  const ms = Date.parse(date);
  return Number.isNaN(ms) ? undefined : amzDateOf(ms);
}
