// Request bodies a client compressed (Content-Encoding), inflated for every codec that reads a body as
// a document (awsJson, restJson1, awsQuery/ec2 forms). S3's rest-xml bodies are never inflated here:
// S3 stores the Content-Encoding as object metadata.
//
// Untrusted input: a 1 MiB gzip body can expand to 1 GiB. zlib's maxOutputLength makes it stop (with
// a RangeError) as soon as the output passes the cap, so a bomb costs at most the cap in memory and a
// few milliseconds, and the compressed body itself is refused before inflating when it alone is over.
import { ServiceError } from '../../core/errors.ts';
import type { HttpRequest } from '../../core/http.ts';
import { header } from '../../core/http.ts';
import type { ServiceModel } from './model.ts';

/**
 * Largest inflated body for services without a limit of their own (CodecHooks.maxRequestBytes). The
 * SDKs compress only small operations (CloudWatch's 1 MB PutMetricData); Lambda's 70 MB CreateFunction
 * bodies are never compressed.
 */
export const MAX_DECODED_BODY = 20 * 1024 * 1024;

/** The codings SDKs send (gzip; DynamoDB also takes deflate), and HTTP's aliases for them. */
type Coding = 'gzip' | 'deflate' | 'identity';
const CODINGS: Record<string, Coding> = { gzip: 'gzip', 'x-gzip': 'gzip', deflate: 'deflate', identity: 'identity' };

/** The codings of a request, in the order they were applied; throws for one Fogbank cannot undo. */
function codingsOf(req: Pick<HttpRequest, 'headers'>): Coding[] {
  const value = header(req, 'content-encoding');
  if (value === undefined) return [];
  const out: Coding[] = [];
  for (const raw of value.split(',')) {
    const name = raw.trim().toLowerCase();
    if (name === '') continue;
    const coding = Object.hasOwn(CODINGS, name) ? CODINGS[name] : undefined;
    if (!coding) throw unsupportedEncoding(raw.trim());
    if (coding !== 'identity') out.push(coding);
  }
  return out;
}

/** Whether the body arrives compressed, so that its raw size is bounded by the inflated limit too. */
export function isEncoded(req: Pick<HttpRequest, 'headers'>): boolean {
  const value = header(req, 'content-encoding');
  return value !== undefined && value.split(',').some((c) => { const n = c.trim().toLowerCase(); return n !== '' && n !== 'identity'; });
}

/** The limit a request's body is read with: the service's own, else (compressed) the inflated cap, else the reader's default. */
export function rawBodyLimit(req: Pick<HttpRequest, 'headers' | 'maxBodyBytes'>): number | undefined {
  return req.maxBodyBytes ?? (isEncoded(req) ? MAX_DECODED_BODY : undefined);
}

/**
 * The request body with its Content-Encoding undone, never larger than the service's limit (or
 * MAX_DECODED_BODY). `malformed` builds the protocol's error for a body that does not inflate.
 */
export function decodedBody(req: HttpRequest, model: ServiceModel | undefined, malformed: (message: string) => ServiceError): Buffer {
  const codings = codingsOf(req);
  if (codings.length === 0 || req.body.length === 0) return req.body;
  const limit = req.maxBodyBytes ?? MAX_DECODED_BODY;
  if (req.body.length > limit) throw requestTooLarge(model, limit);
  let body = req.body;
  // Undo the codings last-applied first.
  for (let i = codings.length - 1; i >= 0; i--) body = inflate(body, codings[i], limit, model, malformed);
  return body;
}

/** How much of a gzip body is inflated to show it is gzip data before its size trailer is trusted. */
const PROBE = 64 * 1024;

function inflate(body: Buffer, coding: Coding, limit: number, model: ServiceModel | undefined, malformed: (message: string) => ServiceError): Buffer {
  // One byte over the limit tells "exactly at the limit" from "over it"; larger output chunks than
  // zlib's 16 KiB mean fewer round trips for big bodies.
  const options = { maxOutputLength: limit + 1, chunkSize: 256 * 1024 };
  try {
    // A gzip member ends with its inflated size mod 2^32 (ISIZE, RFC 1952). The whole body inflates to
    // at least the last member's size, so once the start of the body has shown itself to be gzip data
    // (64 KiB of output, or all of it), an ISIZE over the limit is refused without inflating the rest;
    // a forged, smaller ISIZE only gets as far as the capped inflation below.
    if (coding === 'gzip' && limit > PROBE && body.length >= 18 && body.readUInt32LE(body.length - 4) > limit) {
      // Over the probe: a RangeError, answered as too large below; not gzip: malformed, as always.
      return zlib().gunzipSync(body, { maxOutputLength: PROBE });
    }
    let out: Buffer;
    if (coding === 'gzip') out = zlib().gunzipSync(body, options);
    else {
      // HTTP's deflate is the zlib format, but some clients send raw deflate data: accept both.
      try {
        out = zlib().inflateSync(body, options);
      } catch (err) {
        if (err instanceof RangeError) throw err;
        out = zlib().inflateRawSync(body, options);
      }
    }
    if (out.length > limit) throw new RangeError('over the limit');
    return out;
  } catch (err) {
    if (err instanceof RangeError) throw requestTooLarge(model, limit);
    throw malformed(`The request body is not valid ${coding} data`);
  }
}

const tooLargeShapes = new WeakMap<ServiceModel, string | null>();

/**
 * The error for a body over the limit: the service's own 413 error when its model has one (Lambda's
 * RequestTooLargeException), else the HTTP front end's RequestEntityTooLarge.
 */
export function requestTooLarge(model: ServiceModel | undefined, limit: number): ServiceError {
  let shape: string | null | undefined = null;
  if (model) {
    shape = tooLargeShapes.get(model);
    if (shape === undefined) {
      shape = Object.entries(model.shapes).find(([, s]) => s.error?.httpStatusCode === 413)?.[0] ?? null;
      tooLargeShapes.set(model, shape);
    }
  }
  return new ServiceError(shape ?? 'RequestEntityTooLarge', `Request must be smaller than ${limit} bytes`, 413);
}

/** Content-Encoding names a coding the service does not take (AWS takes gzip, and DynamoDB deflate). */
export function unsupportedEncoding(coding: string): ServiceError {
  const shown = coding.length > 40 ? coding.slice(0, 40) + '…' : coding;
  return new ServiceError('UnsupportedContentEncoding', `Content-Encoding ${JSON.stringify(shown)} is not supported: send gzip, deflate or identity`, 415);
}

/** node:zlib, loaded by the first compressed request rather than with Fogbank. */
function zlib(): typeof import('node:zlib') {
  return process.getBuiltinModule('node:zlib');
}
