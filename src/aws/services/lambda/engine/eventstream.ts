// application/vnd.amazon.eventstream framing, for InvokeWithResponseStream's PayloadChunk and
// InvokeComplete events: prelude (total and header lengths, CRC32), string headers, payload, CRC32.
import { crc32 } from 'node:zlib';

export function eventMessage(headers: Record<string, string>, payload: Buffer): Buffer {
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(headers)) {
    const n = Buffer.from(name, 'utf8');
    const v = Buffer.from(value, 'utf8');
    const h = Buffer.alloc(1 + n.length + 1 + 2);
    h.writeUInt8(n.length, 0);
    n.copy(h, 1);
    h.writeUInt8(7, 1 + n.length); // string
    h.writeUInt16BE(v.length, 2 + n.length);
    parts.push(h, v);
  }
  const headerBytes = Buffer.concat(parts);
  const total = 12 + headerBytes.length + payload.length + 4;
  const out = Buffer.alloc(total);
  out.writeUInt32BE(total, 0);
  out.writeUInt32BE(headerBytes.length, 4);
  out.writeUInt32BE(crc32(out.subarray(0, 8)) >>> 0, 8);
  headerBytes.copy(out, 12);
  payload.copy(out, 12 + headerBytes.length);
  out.writeUInt32BE(crc32(out.subarray(0, total - 4)) >>> 0, total - 4);
  return out;
}

export function payloadChunk(payload: Buffer): Buffer {
  return eventMessage({ ':event-type': 'PayloadChunk', ':content-type': 'application/octet-stream', ':message-type': 'event' }, payload);
}

export function invokeComplete(body: { ErrorCode?: string; ErrorDetails?: string; LogResult?: string }): Buffer {
  return eventMessage({ ':event-type': 'InvokeComplete', ':content-type': 'application/json', ':message-type': 'event' }, Buffer.from(JSON.stringify(body)));
}
