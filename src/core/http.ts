import type { Readable } from 'node:stream';

/** A request as the codecs see it: transport details stripped, nothing decoded yet. */
export interface HttpRequest {
  method: string;
  /** Path as received, still percent-encoded, without the query string. */
  path: string;
  /** Raw query string without the leading '?', still percent-encoded. */
  query: string;
  /** Lower-case header names, as node:http gives them. */
  headers: Record<string, string | string[] | undefined>;
  /** The whole body, for operations whose input is not a streaming payload. */
  body: Buffer;
  /** The unread body, for operations whose payload member is a streaming blob (S3 PutObject, ...). */
  stream?: Readable;
  /**
   * The request body as received, unread, for `intercept` hooks that answer a request themselves
   * (S3 browser POST uploads). Operations read `body` / `stream` instead.
   */
  source?: Readable;
  /** Host without port, lower-case. */
  hostname?: string;
  /**
   * The service's own limit on the request body (CodecHooks.maxRequestBytes), raw and inflated alike;
   * unset, the readers' defaults apply (content-encoding.ts, http-io.ts).
   */
  maxBodyBytes?: number;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[]>;
  body?: string | Buffer | Uint8Array | Readable;
}

/** Returns a header as one string (joining repeats with ',' as HTTP does). */
export function header(req: Pick<HttpRequest, 'headers'>, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v.join(',') : v;
}
