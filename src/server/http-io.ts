// Reading request bodies and writing responses, for every HTTP path of the server.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Http2ServerRequest, Http2ServerResponse } from 'node:http2';
import { pipeline } from 'node:stream/promises';
import type { HttpResponse } from '../aws/protocol/http.ts';
import { ServiceError } from '../aws/protocol/errors.ts';
import { released } from '../core/memory.ts';

export type Req = IncomingMessage | Http2ServerRequest;
export type Res = ServerResponse | Http2ServerResponse;

/** Largest body read into memory for non-streaming operations (Lambda's 50 MB zip, base64-encoded). */
export const MAX_BUFFERED_BODY = 100 * 1024 * 1024;

export const EMPTY = Buffer.alloc(0);

export function readBody(req: Req, limit = MAX_BUFFERED_BODY): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (declared > limit) return reject(tooLarge(limit));
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        reject(tooLarge(limit));
      } else chunks.push(c);
    });
    req.on('end', () => resolve(chunks.length === 0 ? EMPTY : chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function tooLarge(limit: number): ServiceError {
  return new ServiceError('RequestEntityTooLarge', `Request body exceeds ${limit} bytes`, 413);
}

function hasHeader(headers: Record<string, unknown>, name: string): boolean {
  for (const k in headers) if (k.toLowerCase() === name) return true;
  return false;
}

/** Writes a response; a Readable body is streamed, and a client that goes away mid-body is no error. */
export async function send(res: Res, response: HttpResponse, head: boolean): Promise<void> {
  const { body, headers } = response;
  const out = res as ServerResponse;
  if (body === undefined || typeof body === 'string' || body instanceof Uint8Array) {
    if (body !== undefined && !hasHeader(headers, 'content-length')) {
      headers['content-length'] = String(typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength);
    }
    out.writeHead(response.status, headers);
    out.end(head ? undefined : body);
    return;
  }
  out.writeHead(response.status, headers);
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
