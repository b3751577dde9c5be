// aws-chunked request bodies (Content-Encoding: aws-chunked): what SDKs send for streaming uploads
// with STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER] and STREAMING-UNSIGNED-PAYLOAD-TRAILER.
//   <hex size>[;chunk-signature=<sig>]\r\n<bytes>\r\n ... 0[;chunk-signature=<sig>]\r\n
//   [<trailer name>:<value>\r\n ...]\r\n
// The decoder yields the payload bytes without copying them and collects the trailers (checksums).
// Signatures are not verified (Fogbank reads signatures for account and region only).
import { ServiceError } from '../../../core/errors.ts';

const CR = 13;
const LF = 10;
const MAX_LINE = 8192;

export interface ChunkedResult {
  trailers: Record<string, string>;
}

function incomplete(): ServiceError {
  return new ServiceError('IncompleteBody', 'The request body terminated unexpectedly', 400);
}

function malformed(detail: string): ServiceError {
  return new ServiceError('InvalidRequest', `Malformed aws-chunked body: ${detail}`, 400);
}

/** Decodes an aws-chunked stream; `result.trailers` is filled once the generator is done. */
export async function* decodeAwsChunked(source: AsyncIterable<Buffer>, result: ChunkedResult): AsyncGenerator<Buffer> {
  // 'size': reading a chunk header line; 'data': `remaining` payload bytes; 'crlf': the CRLF after
  // data; 'trailer': trailer lines after the last chunk; 'done'.
  let state: 'size' | 'data' | 'crlf' | 'trailer' | 'done' = 'size';
  let remaining = 0;
  let crlfSeen = 0;
  let line: Buffer[] = [];
  let lineLength = 0;

  const takeLine = (chunk: Buffer, from: number): { text: string; next: number } | { next: number; text?: undefined } => {
    const lf = chunk.indexOf(LF, from);
    if (lf < 0) {
      line.push(chunk.subarray(from));
      lineLength += chunk.length - from;
      if (lineLength > MAX_LINE) throw malformed('header line too long');
      return { next: chunk.length };
    }
    line.push(chunk.subarray(from, lf));
    let full = line.length === 1 ? line[0] : Buffer.concat(line);
    if (full.length && full[full.length - 1] === CR) full = full.subarray(0, full.length - 1);
    line = [];
    lineLength = 0;
    return { text: full.toString('latin1'), next: lf + 1 };
  };

  for await (const chunk of source) {
    let i = 0;
    while (i < chunk.length) {
      switch (state) {
        case 'size': {
          const r = takeLine(chunk, i);
          i = r.next;
          if (r.text === undefined) break;
          const semi = r.text.indexOf(';');
          const hex = (semi < 0 ? r.text : r.text.slice(0, semi)).trim();
          if (!/^[0-9a-fA-F]{1,16}$/.test(hex)) throw malformed(`bad chunk size '${hex.slice(0, 20)}'`);
          remaining = parseInt(hex, 16);
          state = remaining === 0 ? 'trailer' : 'data';
          break;
        }
        case 'data': {
          const n = Math.min(remaining, chunk.length - i);
          yield chunk.subarray(i, i + n);
          remaining -= n;
          i += n;
          if (remaining === 0) {
            state = 'crlf';
            crlfSeen = 0;
          }
          break;
        }
        case 'crlf': {
          const expected = crlfSeen === 0 ? CR : LF;
          if (chunk[i] !== expected) throw malformed('missing CRLF after chunk data');
          i++;
          if (++crlfSeen === 2) state = 'size';
          break;
        }
        case 'trailer': {
          const r = takeLine(chunk, i);
          i = r.next;
          if (r.text === undefined) break;
          if (r.text === '') {
            state = 'done';
            break;
          }
          const colon = r.text.indexOf(':');
          if (colon > 0) result.trailers[r.text.slice(0, colon).trim().toLowerCase()] = r.text.slice(colon + 1).trim();
          break;
        }
        case 'done':
          // Anything after the final empty line is ignored, as S3 does.
          i = chunk.length;
          break;
      }
    }
  }
  if (state === 'trailer' && lineLength > 0) {
    // A last trailer line without its CRLF.
    const text = Buffer.concat(line).toString('latin1');
    const colon = text.indexOf(':');
    if (colon > 0) result.trailers[text.slice(0, colon).trim().toLowerCase()] = text.slice(colon + 1).trim();
    state = 'done';
  }
  if (state !== 'done' && state !== 'trailer') throw incomplete();
}
