// Checking S3's older signature (AWS Signature Version 2: `Authorization: AWS key:signature`, or the
// AWSAccessKeyId/Expires/Signature query of a presigned URL), still sent by s3cmd, older SDKs and
// `signature_version='s3'` in botocore. The string to sign is S3's: verb, Content-MD5, Content-Type,
// Date (empty when x-amz-date is sent; Expires for a presigned URL), the x-amz-* headers, and the
// resource with its sub-resources. Reference: "Signing and authenticating REST requests", S3 guide.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { header, type HttpRequest } from '../../core/http.ts';
import { MAX_SKEW_MS, type V4Problem } from './sigv4-verify.ts';

export interface V2Signature {
  accessKeyId: string;
  signature: string;
  /** Presigned: Expires, epoch seconds. */
  expires?: number;
}

/** The query parameters that name a sub-resource, and so are part of the signed resource. */
const SUB_RESOURCES = new Set([
  'acl', 'accelerate', 'analytics', 'cors', 'delete', 'encryption', 'intelligent-tiering', 'inventory', 'legal-hold',
  'lifecycle', 'location', 'logging', 'metrics', 'notification', 'object-lock', 'ownershipControls', 'partNumber',
  'policy', 'policyStatus', 'publicAccessBlock', 'replication', 'requestPayment', 'restore', 'retention', 'select',
  'tagging', 'torrent', 'uploadId', 'uploads', 'versionId', 'versioning', 'versions', 'website',
  'response-cache-control', 'response-content-disposition', 'response-content-encoding', 'response-content-language',
  'response-content-type', 'response-expires',
]);

export function readV2(req: HttpRequest, query: URLSearchParams): V2Signature | undefined {
  const auth = header(req, 'authorization');
  if (auth?.startsWith('AWS ')) {
    const colon = auth.lastIndexOf(':');
    if (colon < 4) return undefined;
    return { accessKeyId: auth.slice(4, colon).trim(), signature: auth.slice(colon + 1).trim() };
  }
  const key = query.get('AWSAccessKeyId');
  const signature = query.get('Signature');
  if (key === null || signature === null) return undefined;
  const expires = query.get('Expires');
  return { accessKeyId: key, signature, ...(expires !== null ? { expires: Number(expires) } : {}) };
}

export interface V2Options {
  secret: string;
  /** Wall clock, for the Date header's skew. */
  now: number;
  /** Fogbank's clock, for presigned expiry. */
  expiryNow: number;
}

export function verifyV2(req: HttpRequest, sig: V2Signature, options: V2Options): V4Problem | undefined {
  const presigned = header(req, 'authorization') === undefined;
  let date: string;
  if (presigned) {
    if (sig.expires === undefined || !Number.isFinite(sig.expires)) return { kind: 'malformed', message: 'Query-string authentication requires the Signature, Expires and AWSAccessKeyId parameters' };
    if (options.expiryNow > sig.expires * 1000) return { kind: 'expired', message: 'Request has expired' };
    date = String(sig.expires);
  } else {
    const amzDate = header(req, 'x-amz-date');
    const sent = amzDate ?? header(req, 'date');
    const at = sent === undefined ? NaN : Date.parse(sent);
    if (Number.isNaN(at)) return { kind: 'malformed', message: 'AWS authentication requires a valid Date or x-amz-date header' };
    if (Math.abs(options.now - at) > MAX_SKEW_MS) return { kind: 'skewed', message: 'The difference between the request time and the current time is too large.', requestTime: sent! };
    date = amzDate !== undefined ? '' : sent!;
  }
  const head = [req.method.toUpperCase(), header(req, 'content-md5') ?? '', header(req, 'content-type') ?? '', date, amzHeaders(req)].join('\n');
  // A bucket's own resource is signed as /bucket/ (virtual-hosted style, and botocore for path
  // style too) or as /bucket (other path-style clients): either is the request as sent.
  const path = req.path;
  const paths = /^\/[^/]+$/.test(path) ? [path, `${path}/`] : [path];
  const given = Buffer.from(sig.signature, 'base64');
  let stringToSign = '';
  for (const p of paths) {
    stringToSign = head + resource(p, req.query);
    const expected = createHmac('sha1', options.secret).update(stringToSign, 'utf8').digest();
    if (given.length === expected.length && timingSafeEqual(given, expected)) return undefined;
  }
  return {
    kind: 'signature',
    message: 'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
    stringToSign,
    canonicalRequest: '',
  };
}

function amzHeaders(req: HttpRequest): string {
  return Object.keys(req.headers)
    .filter((name) => name.startsWith('x-amz-'))
    .sort()
    .map((name) => {
      const v = req.headers[name];
      const values = Array.isArray(v) ? v : [v ?? ''];
      return `${name}:${values.map((x) => x.trim()).join(',')}\n`;
    })
    .join('');
}

/** The path (path style: a Host-named bucket is already in it) and its sub-resources, sorted. */
function resource(path: string, query: string): string {
  const subs: string[] = [];
  for (const part of query.split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    const name = decode(eq < 0 ? part : part.slice(0, eq));
    if (!SUB_RESOURCES.has(name)) continue;
    subs.push(eq < 0 ? name : `${name}=${decode(part.slice(eq + 1))}`);
  }
  subs.sort();
  return subs.length ? `${path}?${subs.join('&')}` : path;
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
