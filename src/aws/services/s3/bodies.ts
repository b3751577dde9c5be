// Object bodies on the blob store: writing what a request sends (aws-chunked decoding, MD5 for the
// ETag, the additional checksums, every digest validated) and reading stored segments back, ranged.
// A body being read is never deleted under its reader: deletions wait for the last reader.
import { Readable } from 'node:stream';
import { createHash } from 'node:crypto';
import type { Environment } from '../../../core/environment.ts';
import { ServiceError } from '../../../core/errors.ts';
import { decodeAwsChunked, type ChunkedResult } from './chunked.ts';
import {
  ALGORITHMS, checksumHeader, createDigester, isAlgorithm, wellFormed, type ChecksumAlgorithm, type Digester,
} from './checksums.ts';
import { S3Errors } from './errors.ts';

/** One stored piece of a body: a blob id and its size. */
export type Segment = [blobId: string, size: number];

export const MAX_PUT_SIZE = 5 * 1024 ** 3;
const LARGE_READ = 1024 * 1024;

// ── Readers and deletion ─────────────────────────────────────────────────────────────────────────

const readers = new Map<string, number>();
const doomed = new Set<string>();

function retain(ids: string[]): void {
  for (const id of ids) readers.set(id, (readers.get(id) ?? 0) + 1);
}

function release(env: Environment, ids: string[]): void {
  for (const id of ids) {
    const n = (readers.get(id) ?? 1) - 1;
    if (n > 0) readers.set(id, n);
    else {
      readers.delete(id);
      if (doomed.delete(id)) remove(env, id);
    }
  }
}

function remove(env: Environment, id: string): void {
  env.blobs.delete(id).catch((err) => env.log.warn(`s3: could not delete blob ${id}`, err));
}

/** Deletes bodies nothing refers to any more, once no request is reading them. */
export function discardBlobs(env: Environment, ids: Iterable<string>): void {
  const list = [...ids];
  if (!list.length) return;
  // Decided on the next turn, not now: a GET that read the row naming these blobs just before the
  // change that dropped them committed is still between its store awaits (microtasks) and has not
  // retained them yet. setImmediate, not the clock: this must run even when a test freezes it.
  setImmediate(() => {
    for (const id of list) {
      if (readers.has(id)) doomed.add(id);
      else remove(env, id);
    }
  });
}

/** Streams the bytes [start, end] (inclusive) of a body made of `segments`. */
export function readSegments(env: Environment, segments: Segment[], start: number, end: number): Readable {
  if (end < start || segments.length === 0) return Readable.from([]);
  const pieces: Array<{ id: string; start: number; end: number }> = [];
  let offset = 0;
  for (const [id, size] of segments) {
    const s = Math.max(start, offset);
    const e = Math.min(end, offset + size - 1);
    if (s <= e) pieces.push({ id, start: s - offset, end: e - offset });
    offset += size;
    if (offset > end) break;
  }
  const ids = pieces.map((p) => p.id);
  retain(ids);
  let released = false;
  const done = () => {
    if (!released) {
      released = true;
      release(env, ids);
    }
  };
  // Large bodies are read in 1 MiB steps: fewer trips through the thread pool per byte.
  const highWaterMark = end - start + 1 > LARGE_READ ? LARGE_READ : undefined;
  let stream: Readable;
  if (pieces.length === 1) {
    stream = env.blobs.read(pieces[0].id, { start: pieces[0].start, end: pieces[0].end }, { highWaterMark });
  } else {
    stream = Readable.from(
      (async function* () {
        for (const p of pieces) yield* env.blobs.read(p.id, { start: p.start, end: p.end }, { highWaterMark });
      })(),
      { objectMode: false },
    );
  }
  stream.once('close', done);
  stream.once('end', done);
  stream.once('error', done);
  return stream;
}

// ── Receiving ────────────────────────────────────────────────────────────────────────────────────

export interface ReceivedBody {
  /** Undefined for an empty or inline body. */
  blob?: string;
  /** A small body kept in memory, to be stored in its object's row (see INLINE_MAX). */
  inline?: Buffer;
  size: number;
  md5: Buffer;
  /** Every additional checksum computed, base64, by algorithm. */
  checksums: Partial<Record<ChecksumAlgorithm, string>>;
  /** The algorithm the client used (header, trailer or x-amz-sdk-checksum-algorithm), if any. */
  algorithm?: ChecksumAlgorithm;
}

export interface ReceiveOptions {
  /** Whether a small body may stay in memory for inline storage (objects yes, multipart parts no). */
  inline?: boolean;
  /** Further algorithms to compute whatever the client sends (a multipart upload's). */
  compute?: ChecksumAlgorithm[];
  maxSize?: number;
}

type Headers = Record<string, string | string[] | undefined>;

function h(headers: Headers, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v.join(',') : v;
}

/** Whether a request's body is aws-chunked. */
export function isAwsChunked(headers: Headers): boolean {
  const sha = h(headers, 'x-amz-content-sha256');
  if (sha?.startsWith('STREAMING-')) return true;
  return (h(headers, 'content-encoding') ?? '').split(',').some((e) => e.trim().toLowerCase() === 'aws-chunked');
}

/** Content-Encoding as stored: without aws-chunked, which only describes the transfer. */
export function storedContentEncoding(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const rest = value.split(',').map((e) => e.trim()).filter((e) => e && e.toLowerCase() !== 'aws-chunked');
  return rest.length ? rest.join(',') : undefined;
}

/** The checksum the client declares in headers (x-amz-checksum-<alg>), validated for form. */
function headerChecksum(headers: Headers): { algorithm: ChecksumAlgorithm; value: string } | undefined {
  let found: { algorithm: ChecksumAlgorithm; value: string } | undefined;
  for (const a of ALGORITHMS) {
    const v = h(headers, checksumHeader(a));
    if (v === undefined) continue;
    if (found) throw S3Errors.invalidRequest('Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.');
    found = { algorithm: a, value: v };
  }
  if (found && !wellFormed(found.algorithm, found.value)) {
    throw S3Errors.invalidRequest(`Value for ${checksumHeader(found.algorithm)} header is invalid.`);
  }
  return found;
}

/** The algorithm a trailer will carry (x-amz-trailer: x-amz-checksum-crc32). */
function trailerAlgorithm(headers: Headers): ChecksumAlgorithm | undefined {
  const t = h(headers, 'x-amz-trailer');
  if (!t) return undefined;
  const m = /^x-amz-checksum-([a-z0-9]+)$/i.exec(t.trim());
  const a = m?.[1].toUpperCase();
  if (!isAlgorithm(a)) throw S3Errors.invalidRequest(`The value specified in the x-amz-trailer header is not supported`);
  return a;
}

/** The byte count the client announces for the (decoded) body, if any. */
export function declaredLength(headers: Headers): number | undefined {
  const raw = isAwsChunked(headers) ? h(headers, 'x-amz-decoded-content-length') : h(headers, 'content-length');
  if (raw === undefined) return undefined;
  const n = Number(raw);
  return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

/**
 * Checks what can be checked before reading a body: its announced size, the form of its digests.
 * Separate from `receiveBody` so handlers fail fast (before a 5 GiB upload is read).
 */
export function checkBodyHeaders(headers: Headers, maxSize = MAX_PUT_SIZE): void {
  const chunked = isAwsChunked(headers);
  if (!chunked && h(headers, 'content-length') === undefined && h(headers, 'transfer-encoding') !== undefined) {
    throw new ServiceError('MissingContentLength', 'You must provide the Content-Length HTTP header.', 411);
  }
  const size = declaredLength(headers);
  if (size !== undefined && size > maxSize) {
    throw new ServiceError('EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size', {
      status: 400,
      fields: { ProposedSize: size, MaxSizeAllowed: maxSize },
    });
  }
  const md5 = h(headers, 'content-md5');
  if (md5 !== undefined && !wellFormedMd5(md5)) throw S3Errors.invalidDigest();
  headerChecksum(headers);
  trailerAlgorithm(headers);
  const sdk = h(headers, 'x-amz-sdk-checksum-algorithm');
  if (sdk !== undefined && !isAlgorithm(sdk.toUpperCase())) {
    throw S3Errors.invalidRequest('Checksum algorithm provided is unsupported. Please try again with any of the valid types: [CRC32, CRC32C, CRC64NVME, SHA1, SHA256]');
  }
}

function wellFormedMd5(v: string): boolean {
  return /^[A-Za-z0-9+/]+={0,2}$/.test(v) && Buffer.from(v, 'base64').length === 16;
}

/**
 * Bodies up to this size are kept in the object's row rather than in a file: committed atomically
 * with their metadata in one SQLite transaction, with no file to open, fsync, rename and reopen.
 * Everything larger (and every multipart part) streams to the blob store.
 */
export const INLINE_MAX = 64 * 1024;

/** Reads a request body into a new blob (or, when allowed and small, memory), validating every digest the client sent. */
export async function receiveBody(env: Environment, headers: Headers, stream: Readable | undefined, options: ReceiveOptions = {}): Promise<ReceivedBody> {
  checkBodyHeaders(headers, options.maxSize);
  const chunked = isAwsChunked(headers);
  const declared = declaredLength(headers);
  const sent = headerChecksum(headers);
  const trailer = trailerAlgorithm(headers);
  const sdk = h(headers, 'x-amz-sdk-checksum-algorithm')?.toUpperCase();
  const algorithm = sent?.algorithm ?? trailer ?? (isAlgorithm(sdk) ? sdk : undefined);
  const wanted = new Set<ChecksumAlgorithm>(options.compute ?? []);
  if (algorithm) wanted.add(algorithm);
  const contentSha = h(headers, 'x-amz-content-sha256');
  const checkSha = contentSha !== undefined && /^[0-9a-f]{64}$/i.test(contentSha);

  const digesters = new Map<ChecksumAlgorithm, Digester>();
  for (const a of wanted) digesters.set(a, createDigester(a));
  const sha = checkSha && !wanted.has('SHA256') ? createHash('sha256') : undefined;
  const list = [...digesters.values()];
  const observe = list.length || sha ? (c: Buffer) => {
    for (const d of list) d.update(c);
    sha?.update(c);
  } : undefined;

  const result: ChunkedResult = { trailers: {} };
  let blob: string | undefined;
  let inline: Buffer | undefined;
  let size = 0;
  let md5: Buffer;
  if (!stream || (!chunked && declared === 0)) {
    stream?.resume();
    md5 = createHash('md5').digest();
    inline = options.inline ? Buffer.alloc(0) : undefined;
  } else {
    const source: AsyncIterable<Buffer> = chunked ? decodeAwsChunked(stream, result) : stream;
    try {
      if (options.inline && declared !== undefined && declared <= INLINE_MAX) {
        const chunks: Buffer[] = [];
        for await (const c of source) {
          size += c.length;
          // More than announced: stop buffering, the length check below refuses it.
          if (size > INLINE_MAX) break;
          chunks.push(c);
        }
        inline = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
        observe?.(inline);
        md5 = createHash('md5').update(inline).digest();
      } else {
        const written = await env.blobs.write(Readable.from(source, { objectMode: false }), { hashes: ['md5'], onChunk: observe });
        blob = written.id;
        size = written.size;
        md5 = written.digests.md5;
        if (size === 0) {
          discardBlobs(env, [blob]);
          blob = undefined;
        }
      }
    } catch (err) {
      if (!stream.readableEnded) stream.resume();
      if (err instanceof ServiceError) throw err;
      throw new ServiceError('IncompleteBody', 'The request body terminated unexpectedly', 400);
    }
  }
  const computed: Partial<Record<ChecksumAlgorithm, string>> = {};
  for (const [a, d] of digesters) computed[a] = d.digest().toString('base64');
  try {
    if (declared !== undefined && size !== declared) {
      throw new ServiceError('IncompleteBody', 'You did not provide the number of bytes specified by the Content-Length HTTP header', 400);
    }
    const md5Header = h(headers, 'content-md5');
    if (md5Header !== undefined && Buffer.from(md5Header, 'base64').compare(md5) !== 0) throw S3Errors.badDigest();
    if (checkSha) {
      const got = computed.SHA256 ? Buffer.from(computed.SHA256, 'base64').toString('hex') : sha!.digest('hex');
      if (got !== contentSha!.toLowerCase()) {
        throw new ServiceError('XAmzContentSHA256Mismatch', "The provided 'x-amz-content-sha256' header does not match what was computed.", {
          status: 400,
          fields: { ClientComputedContentSHA256: contentSha, S3ComputedContentSHA256: got },
        });
      }
    }
    if (sent && computed[sent.algorithm] !== sent.value) throw S3Errors.badDigest(`The ${sent.algorithm} you specified did not match the calculated checksum.`);
    if (trailer) {
      const value = result.trailers[checksumHeader(trailer)];
      if (value === undefined) throw S3Errors.invalidRequest(`The trailer header ${checksumHeader(trailer)} was declared but not sent.`);
      if (!wellFormed(trailer, value)) throw S3Errors.invalidRequest(`Value for ${checksumHeader(trailer)} trailing header is invalid.`);
      if (computed[trailer] !== value) throw S3Errors.badDigest(`The ${trailer} you specified did not match the calculated checksum.`);
    }
  } catch (err) {
    if (blob) discardBlobs(env, [blob]);
    throw err;
  }
  return { blob, inline, size, md5, checksums: computed, algorithm };
}

/** How a received or copied body is stored on its object: segments of blobs, or inline bytes. */
export function storedBody(r: ReceivedBody): { body: Segment[]; inline?: Buffer } {
  if (r.inline) return { body: [], inline: r.inline };
  return { body: r.blob ? [[r.blob, r.size]] : [] };
}

/** The bytes [start, end] of an object, wherever they are kept. */
export function readObject(env: Environment, v: { body: Segment[]; inline?: Buffer }, start: number, end: number): Readable {
  if (v.inline) return Readable.from(end < start ? [] : [v.inline.subarray(start, end + 1)], { objectMode: false });
  return readSegments(env, v.body, start, end);
}

/**
 * Copies stored bytes (CopyObject, UploadPartCopy), computing MD5 and checksums: into a new blob,
 * or into memory when `inline` is allowed and the copy is small.
 */
export async function copyBody(
  env: Environment,
  source: { body: Segment[]; inline?: Buffer },
  start: number,
  end: number,
  algorithms: ChecksumAlgorithm[],
  inline = false,
): Promise<ReceivedBody> {
  const digesters = algorithms.map((a) => [a, createDigester(a)] as const);
  const sums = () => Object.fromEntries(digesters.map(([a, d]) => [a, d.digest().toString('base64')]));
  const size = Math.max(0, end - start + 1);
  if (size === 0) {
    for (const [, d] of digesters) d.update(Buffer.alloc(0));
    return { size: 0, md5: createHash('md5').digest(), checksums: sums(), inline: inline ? Buffer.alloc(0) : undefined };
  }
  if (inline && size <= INLINE_MAX) {
    const chunks: Buffer[] = [];
    for await (const c of readObject(env, source, start, end)) chunks.push(c as Buffer);
    const bytes = Buffer.concat(chunks);
    for (const [, d] of digesters) d.update(bytes);
    return { inline: bytes, size: bytes.length, md5: createHash('md5').update(bytes).digest(), checksums: sums() };
  }
  const written = await env.blobs.write(readObject(env, source, start, end), {
    hashes: ['md5'],
    onChunk: digesters.length ? (c) => { for (const [, d] of digesters) d.update(c); } : undefined,
  });
  return { blob: written.id, size: written.size, md5: written.digests.md5, checksums: sums() };
}

/**
 * Content-MD5 and x-amz-checksum-* of a buffered request body (the XML of PutBucketCors,
 * DeleteObjects, ...), checked before the request does anything: S3 refuses a body that does not
 * match what its client computed.
 */
export function checkBufferedDigests(headers: Headers, body: Buffer, checksums = true): void {
  const md5 = h(headers, 'content-md5');
  if (md5 !== undefined) {
    if (!wellFormedMd5(md5)) throw S3Errors.invalidDigest();
    if (!createHash('md5').update(body).digest().equals(Buffer.from(md5, 'base64'))) throw S3Errors.badDigest();
  }
  const sent = checksums ? headerChecksum(headers) : undefined;
  if (sent) {
    const d = createDigester(sent.algorithm);
    d.update(body);
    if (d.digest().toString('base64') !== sent.value) throw S3Errors.badDigest(`The ${sent.algorithm} you specified did not match the calculated checksum.`);
  }
}
