// Reading request bodies and writing responses, for every HTTP path of the server.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Http2ServerRequest, Http2ServerResponse } from 'node:http2';
import { pipeline } from 'node:stream/promises';
import type { HttpResponse } from '../core/http.ts';
import { ServiceError } from '../core/errors.ts';
import { released } from '../core/memory.ts';

// A plain builtin, not an ESM import: see listener.ts (importing node:http compiles undici).
const { validateHeaderName, validateHeaderValue } = process.getBuiltinModule('node:http');

export type Req = IncomingMessage | Http2ServerRequest;
export type Res = ServerResponse | Http2ServerResponse;

/** Largest body read into memory for non-streaming operations (Lambda's 50 MB zip, base64-encoded). */
export const MAX_BUFFERED_BODY = 100 * 1024 * 1024;

export const EMPTY = Buffer.alloc(0);

/**
 * Reads a whole body into memory, refusing one over `limit` (413). A client that goes silent mid-body
 * gets RequestTimeout once the listener's idle timeout passes (watchBodyIdle); one that goes away
 * gets a ClientDisconnected, which is no fault of Fogbank's and is not logged as one.
 */
export function readBody(req: Req, limit = MAX_BUFFERED_BODY): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (declared > limit) return reject(tooLarge(limit));
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = (err: Error) => {
      idleReaders.delete(req);
      req.removeListener('data', onData);
      req.removeListener('end', onEnd);
      req.removeListener('error', onError);
      req.removeListener('aborted', onAborted);
      // Whatever else arrives is drained, not kept.
      req.on('error', () => {});
      req.resume();
      reject(err);
    };
    const onData = (c: Buffer) => {
      size += c.length;
      if (size > limit) stop(tooLarge(limit));
      else chunks.push(c);
    };
    const onEnd = () => {
      idleReaders.delete(req);
      resolve(chunks.length === 0 ? EMPTY : chunks.length === 1 ? chunks[0] : Buffer.concat(chunks));
    };
    const onError = (err: Error) => stop(new ClientDisconnected(err));
    const onAborted = () => stop(new ClientDisconnected());
    idleReaders.set(req, () => stop(requestTimeout()));
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('aborted', onAborted);
  });
}

function tooLarge(limit: number): ServiceError {
  return new ServiceError('RequestEntityTooLarge', `Request body exceeds ${limit} bytes`, 413);
}

/** S3's words for a client that stopped sending its body; the other services have no error of their own for it. */
export function requestTimeout(): ServiceError {
  return new ServiceError(
    'RequestTimeout',
    'Your socket connection to the server was not read from or written to within the timeout period. Idle connections will be closed.',
    400,
  );
}

/**
 * The client closed the connection (or reset the stream) before its request was read: nobody is left
 * to answer, and nothing went wrong in Fogbank. Logged at debug level, without a stack.
 */
export class ClientDisconnected extends Error {
  readonly code = 'ClientDisconnected';
  constructor(cause?: unknown) {
    super('the client closed the connection before sending the whole request', cause === undefined ? undefined : { cause });
    this.name = 'ClientDisconnected';
  }
}

/**
 * Errors that only say the client went away: ClientDisconnected, or node's own error for an aborted
 * request ('aborted', ECONNRESET). Resets of Fogbank's own outbound connections are not among them.
 */
export function isClientDisconnect(err: unknown): boolean {
  if (err instanceof ClientDisconnected) return true;
  return err instanceof Error && err.message === 'aborted' && (err as NodeJS.ErrnoException).code === 'ECONNRESET';
}

// ── Idle bodies ──────────────────────────────────────────────────────────────────────────────────

/** Readers of whole bodies (readBody), told when their client has gone silent so they answer in the service's protocol. */
const idleReaders = new WeakMap<Req, () => void>();

/**
 * Watches a request body for silence: `idleMs` without a byte arriving while Fogbank is waiting for
 * one ends the request. A body of any length that keeps flowing is never cut, and time that Fogbank
 * itself spends not reading (backpressure, a handler still busy) does not count. A body read by
 * readBody is answered RequestTimeout in the service's protocol; any other (a streamed upload) gets
 * S3's RequestTimeout document if nothing was answered yet. Either way the connection (HTTP/2: the
 * stream) is closed afterwards, since the rest of the body will not be read.
 */
export function watchBodyIdle(req: Req, res: Res, idleMs: number): void {
  if (!(idleMs > 0) || req.complete || req.readableEnded) return;
  const timer = setTimeout(onIdle, idleMs);
  timer.unref();
  const stop = () => clearTimeout(timer);
  // The clock runs from the moment the consumer asks for data (_read) until the transport hands some
  // over (push): only then is Fogbank waiting on the client.
  let waiting = false;
  const push = req.push;
  req.push = function (this: Req, chunk: unknown, encoding?: BufferEncoding) {
    if (chunk === null) stop();
    else {
      waiting = false;
      timer.refresh();
    }
    return push.call(this, chunk, encoding);
  };
  const read = req._read;
  req._read = function (this: Req, n: number) {
    if (!waiting) {
      waiting = true;
      timer.refresh();
    }
    return read.call(this, n);
  };
  // Not on the response's end: a request answered before its body was read (an error) still holds
  // the connection until the body has arrived, and a client that never sends it must not keep it.
  req.once('close', stop);

  function onIdle() {
    if (req.complete || req.readableEnded || req.destroyed) return;
    // Nobody has asked for more, or data sits unread in our buffer: Fogbank is the slow side.
    if (!waiting || req.readableLength > 0) {
      timer.refresh();
      return;
    }
    closeAfterResponse(req, res);
    const reader = idleReaders.get(req);
    if (reader) {
      reader();
      return;
    }
    if (!res.headersSent && !res.writableEnded) {
      const e = requestTimeout();
      const body = `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${e.code}</Code><Message>${e.message}</Message></Error>`;
      (res as ServerResponse).writeHead(e.status, { 'content-type': 'application/xml', 'content-length': String(Buffer.byteLength(body)) });
      (res as ServerResponse).end(body);
    } else {
      req.destroy();
    }
  }
}

/** After this response, close the connection (HTTP/1.1) or the stream (HTTP/2) that still carries an unread body. */
function closeAfterResponse(req: Req, res: Res): void {
  if ('stream' in req) {
    // HTTP/2: RST_STREAM(NO_ERROR) once the response is out is how a server says "stop sending"; the
    // compatibility response reports 'finish' only when the whole stream closes, so watch the stream.
    const stream = req.stream;
    const done = () => {
      if (!stream.closed && !stream.destroyed) stream.close(process.getBuiltinModule('node:http2').constants.NGHTTP2_NO_ERROR);
    };
    if (stream.writableFinished) done();
    else stream.once('finish', done);
    return;
  }
  (res as ServerResponse).shouldKeepAlive = false;
  const done = () => {
    if (!req.complete && !req.destroyed) req.destroy();
  };
  if (res.writableFinished) done();
  else {
    res.once('finish', done);
    res.once('close', done);
  }
}

function hasHeader(headers: Record<string, unknown>, name: string): boolean {
  for (const k in headers) if (k.toLowerCase() === name) return true;
  return false;
}

/** Writes a response; a Readable body is streamed, and a client that goes away mid-body is no error. */
/**
 * The headers node:http will write. A value it refuses (CR/LF, characters beyond Latin-1 — a function
 * URL's own headers, a stored value echoed back) would make writeHead throw and the client get an
 * empty 500; such a header is left out instead. Services refuse bad values when they are stored
 * (S3 does); this is the last line, for what they did not foresee.
 */
function writableHeaders<H extends Record<string, unknown>>(headers: H): H {
  let out: H | undefined;
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined) continue;
    try {
      validateHeaderName(name);
      for (const v of Array.isArray(value) ? value : [value]) validateHeaderValue(name, v);
    } catch {
      out ??= { ...headers };
      delete out[name];
    }
  }
  return out ?? headers;
}

export async function send(res: Res, response: HttpResponse, head: boolean): Promise<void> {
  const { body, headers } = response;
  const out = res as ServerResponse;
  // Already answered (an idle body timed out) or the client is gone: nothing more can be said.
  if (out.headersSent || out.writableEnded || out.destroyed) {
    if (body !== undefined && typeof body !== 'string' && !(body instanceof Uint8Array)) body.destroy();
    return;
  }
  if (body === undefined || typeof body === 'string' || body instanceof Uint8Array) {
    if (body !== undefined && !hasHeader(headers, 'content-length')) {
      headers['content-length'] = String(typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength);
    }
    out.writeHead(response.status, writableHeaders(headers));
    out.end(head ? undefined : body);
    return;
  }
  out.writeHead(response.status, writableHeaders(headers));
  if (head) {
    body.destroy();
    out.end();
    return;
  }
  try {
    await pipeline(body, countReleased, out);
  } catch {
    // The client went away mid-body; nothing to answer.
  }
}

/** Passes a streamed body on, telling the memory keeper what it is done with (src/core/memory.ts). */
async function* countReleased(source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  for await (const chunk of source) {
    yield chunk;
    released(chunk.length);
  }
}

export function json(res: Res, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  (res as ServerResponse).writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)) });
  (res as ServerResponse).end(text);
}
