// A streaming multipart/form-data reader for browser POST uploads: fields before the file are
// collected (bounded, as S3 bounds them), the file streams through without being buffered, and
// whatever follows the file is ignored as S3 ignores it.
import { ServiceError } from '../../../../core/errors.ts';

const CRLF = Buffer.from('\r\n');
const HEADER_END = Buffer.from('\r\n\r\n');
const MAX_FIELDS_BYTES = 20 * 1024;
const MAX_HEADER_BYTES = 8 * 1024;

export interface FilePart {
  /** The client's file name (Content-Disposition filename), for ${filename} in the key. */
  filename: string;
  contentType?: string;
  /** The file's bytes; must be consumed before the form reader goes on. */
  body: AsyncIterable<Buffer>;
}

export function boundaryOf(contentType: string | undefined): string | undefined {
  if (!contentType || !/^multipart\/form-data/i.test(contentType)) return undefined;
  const m = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
  return (m?.[1] ?? m?.[2])?.trim();
}

function malformed(): ServiceError {
  return new ServiceError('MalformedPOSTRequest', 'The body of your POST request is not well-formed multipart/form-data.', 400);
}

class Reader {
  buf: Buffer = Buffer.alloc(0);
  ended = false;
  readonly #it: AsyncIterator<Buffer>;

  constructor(source: AsyncIterable<Buffer>) {
    this.#it = source[Symbol.asyncIterator]();
  }

  async more(): Promise<boolean> {
    if (this.ended) return false;
    const r = await this.#it.next();
    if (r.done) {
      this.ended = true;
      return false;
    }
    this.buf = this.buf.length ? Buffer.concat([this.buf, r.value]) : r.value;
    return true;
  }

  /** Reads up to `marker`, returning what precedes it and consuming the marker. */
  async until(marker: Buffer, limit: number): Promise<Buffer> {
    for (;;) {
      const i = this.buf.indexOf(marker);
      if (i >= 0) {
        const out = this.buf.subarray(0, i);
        this.buf = this.buf.subarray(i + marker.length);
        return out;
      }
      if (this.buf.length > limit) throw new ServiceError('MaxPostPreDataLengthExceeded', 'Your POST request fields preceeding the upload file was too large.', 400);
      if (!(await this.more())) throw malformed();
    }
  }

  async need(n: number): Promise<void> {
    while (this.buf.length < n) if (!(await this.more())) throw malformed();
  }

  /** Streams bytes up to `marker` (consumed), holding back a tail that could begin the marker. */
  async *streamUntil(marker: Buffer): AsyncGenerator<Buffer> {
    for (;;) {
      const i = this.buf.indexOf(marker);
      if (i >= 0) {
        if (i > 0) yield this.buf.subarray(0, i);
        this.buf = this.buf.subarray(i + marker.length);
        return;
      }
      const keep = Math.min(this.buf.length, marker.length - 1);
      const emit = this.buf.length - keep;
      if (emit > 0) {
        const out = this.buf.subarray(0, emit);
        this.buf = this.buf.subarray(emit);
        yield out;
      }
      if (!(await this.more())) throw malformed();
    }
  }
}

function parseDisposition(headers: string): { name?: string; filename?: string; contentType?: string } {
  const out: { name?: string; filename?: string; contentType?: string } = {};
  for (const line of headers.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === 'content-disposition') {
      const n = /\bname="([^"]*)"/i.exec(value) ?? /\bname=([^;]+)/i.exec(value);
      const f = /\bfilename="([^"]*)"/i.exec(value) ?? /\bfilename=([^;]+)/i.exec(value);
      if (n) out.name = n[1];
      if (f) out.filename = f[1];
    } else if (name === 'content-type') out.contentType = value;
  }
  return out;
}

/**
 * Reads the form: calls `onFile` with the file part (which it must consume) and returns the fields
 * that preceded it (names lower-cased, values as sent). Returns without calling `onFile` when the
 * form has no file.
 */
export async function readForm(
  source: AsyncIterable<Buffer>,
  boundary: string,
  onFile: (fields: Map<string, string>, file: FilePart) => Promise<void>,
): Promise<{ fields: Map<string, string>; hadFile: boolean }> {
  const reader = new Reader(source);
  const dash = Buffer.from(`--${boundary}`);
  const delimiter = Buffer.from(`\r\n--${boundary}`);
  const fields = new Map<string, string>();
  let fieldBytes = 0;
  await reader.until(dash, MAX_HEADER_BYTES);
  for (;;) {
    await reader.need(2);
    if (reader.buf[0] === 0x2d && reader.buf[1] === 0x2d) return { fields, hadFile: false };
    if (reader.buf.subarray(0, 2).equals(CRLF)) reader.buf = reader.buf.subarray(2);
    const head = (await reader.until(HEADER_END, MAX_HEADER_BYTES)).toString('utf8');
    const d = parseDisposition(head);
    if (!d.name) throw malformed();
    const name = d.name.toLowerCase();
    if (name === 'file') {
      await onFile(fields, { filename: d.filename ?? '', contentType: d.contentType, body: reader.streamUntil(delimiter) });
      return { fields, hadFile: true };
    }
    const value = await reader.until(delimiter, MAX_FIELDS_BYTES - fieldBytes);
    fieldBytes += value.length;
    if (fieldBytes > MAX_FIELDS_BYTES) throw new ServiceError('MaxPostPreDataLengthExceeded', 'Your POST request fields preceeding the upload file was too large.', 400);
    // Latin-1 keeps every byte as sent: values end up in headers (x-amz-meta-*), which are Latin-1.
    fields.set(name, name === 'key' || name === 'tagging' || name === 'policy' ? value.toString('utf8') : value.toString('latin1'));
  }
}
