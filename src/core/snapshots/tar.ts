// The export format of a snapshot: a POSIX ustar archive (optionally gzipped), written and read as a
// stream. Only regular files and directories exist in it; the reader refuses anything else (links,
// devices, pax/GNU extensions) and hands every name to the caller to check before it becomes a path.
import type { FileHandle } from 'node:fs/promises';

const BLOCK = 512;
const ZEROS = Buffer.alloc(BLOCK * 2);

export class TarError extends Error {}

export interface TarFile {
  /** Archive name: forward slashes, relative. */
  name: string;
  size: number;
  mtimeMs?: number;
  /** The body; its length must be `size`. */
  body: () => AsyncIterable<Buffer>;
}

/** One archive entry's 512-byte header (ustar; the name goes into prefix+name when over 100 bytes). */
export function header(name: string, size: number, mtimeMs = Date.now(), type: '0' | '5' = '0'): Buffer {
  const h = Buffer.alloc(BLOCK);
  let prefix = '';
  let base = name;
  if (Buffer.byteLength(name) > 100) {
    const cut = name.lastIndexOf('/', 155);
    if (cut <= 0 || Buffer.byteLength(name.slice(cut + 1)) > 100 || Buffer.byteLength(name.slice(0, cut)) > 155) {
      throw new TarError(`name too long for the archive: ${name}`);
    }
    prefix = name.slice(0, cut);
    base = name.slice(cut + 1);
  }
  h.write(base, 0, 100, 'utf8');
  h.write(type === '5' ? '0000755\0' : '0000644\0', 100, 'ascii');
  h.write('0000000\0', 108, 'ascii');
  h.write('0000000\0', 116, 'ascii');
  if (size < 8 ** 11) h.write(size.toString(8).padStart(11, '0') + '\0', 124, 'ascii');
  else {
    // GNU base-256 for bodies of 8 GiB and more.
    h[124] = 0x80;
    h.writeBigUInt64BE(BigInt(size), 124 + 4);
  }
  h.write(Math.floor(mtimeMs / 1000).toString(8).padStart(11, '0') + '\0', 136, 'ascii');
  h.write('        ', 148, 'ascii');
  h.write(type, 156, 'ascii');
  h.write('ustar\0', 257, 'ascii');
  h.write('00', 263, 'ascii');
  h.write(prefix, 345, 155, 'utf8');
  h.write(checksum(h).toString(8).padStart(6, '0') + '\0 ', 148, 'ascii');
  return h;
}

/** The archive of `files`, as a stream of chunks. */
export async function* writeTar(files: AsyncIterable<TarFile> | Iterable<TarFile>): AsyncGenerator<Buffer> {
  for await (const f of files) {
    yield header(f.name, f.size, f.mtimeMs);
    let written = 0;
    for await (const chunk of f.body()) {
      written += chunk.length;
      if (written > f.size) throw new TarError(`${f.name} grew while it was archived`);
      yield chunk;
    }
    if (written !== f.size) throw new TarError(`${f.name} shrank while it was archived`);
    const pad = (BLOCK - (f.size % BLOCK)) % BLOCK;
    if (pad) yield ZEROS.subarray(0, pad);
  }
  yield ZEROS;
}

export interface TarEntryHeader {
  name: string;
  size: number;
  type: 'file' | 'directory';
}

export interface ReadTarOptions {
  /** Refuses the archive once its bodies pass this many bytes. */
  maxBytes: number;
  maxEntries: number;
  /** Where an entry goes: a file handle to write it to (closed by the reader), or undefined to refuse it. */
  open(entry: TarEntryHeader): Promise<FileHandle | undefined>;
}

/** Reads an archive from a stream, writing each file to where `open` says. */
export async function readTar(source: AsyncIterable<Buffer>, options: ReadTarOptions): Promise<{ entries: number; bytes: number }> {
  let pending = Buffer.alloc(0);
  let body: { fh: FileHandle; left: number; pad: number } | undefined;
  let skip = 0;
  let entries = 0;
  let bytes = 0;
  let ended = false;
  const finish = async () => {
    await body?.fh.close();
    body = undefined;
  };
  try {
    for await (const c of source) {
      let chunk = Buffer.isBuffer(c) ? c : Buffer.from(c);
      while (chunk.length) {
        if (ended) {
          // Anything after the end-of-archive blocks must be padding.
          if (chunk.some((b) => b !== 0)) throw new TarError('data after the end of the archive');
          chunk = Buffer.alloc(0);
          break;
        }
        if (body) {
          const n = Math.min(body.left, chunk.length);
          if (n) await writeFully(body.fh, chunk.subarray(0, n));
          body.left -= n;
          chunk = chunk.subarray(n);
          if (body.left === 0) {
            skip = body.pad;
            await finish();
          }
          continue;
        }
        if (skip) {
          const n = Math.min(skip, chunk.length);
          skip -= n;
          chunk = chunk.subarray(n);
          continue;
        }
        const need = BLOCK - pending.length;
        pending = Buffer.concat([pending, chunk.subarray(0, need)]);
        chunk = chunk.subarray(need);
        if (pending.length < BLOCK) break;
        const block = pending;
        pending = Buffer.alloc(0);
        if (block.every((b) => b === 0)) {
          ended = true;
          continue;
        }
        const entry = parseHeader(block);
        if (++entries > options.maxEntries) throw new TarError(`the archive has more than ${options.maxEntries} entries`);
        bytes += entry.size;
        if (bytes > options.maxBytes) throw new TarError(`the archive is larger than ${options.maxBytes} bytes`);
        const fh = await options.open(entry);
        if (entry.type === 'directory') {
          await fh?.close();
          continue;
        }
        if (!fh) throw new TarError(`refused entry ${entry.name}`);
        body = { fh, left: entry.size, pad: (BLOCK - (entry.size % BLOCK)) % BLOCK };
        if (entry.size === 0) {
          skip = 0;
          await finish();
        }
      }
    }
    if (body || pending.length || !ended) throw new TarError('the archive is truncated');
    return { entries, bytes };
  } finally {
    await finish().catch(() => {});
  }
}

function parseHeader(h: Buffer): TarEntryHeader {
  const stored = parseInt(text(h, 148, 8).trim() || 'x', 8);
  if (stored !== checksum(h)) throw new TarError('bad header checksum: not a tar archive, or a damaged one');
  const type = String.fromCharCode(h[156]);
  if (type !== '0' && type !== '\0' && type !== '5') {
    throw new TarError(`entry ${text(h, 0, 100)} is not a regular file or directory (type ${JSON.stringify(type)}): links and extensions are refused`);
  }
  const base = text(h, 0, 100);
  const prefix = h.toString('ascii', 257, 262) === 'ustar' ? text(h, 345, 155) : '';
  const name = prefix ? `${prefix}/${base}` : base;
  let size: number;
  if (h[124] & 0x80) {
    const big = h.readBigUInt64BE(124 + 4);
    if (big > BigInt(Number.MAX_SAFE_INTEGER) || h.subarray(125, 128).some((b) => b !== 0)) throw new TarError('entry size out of range');
    size = Number(big);
  } else {
    const digits = text(h, 124, 12).trim();
    if (!/^[0-7]*$/.test(digits)) throw new TarError('bad entry size');
    size = digits ? parseInt(digits, 8) : 0;
  }
  return { name, size: type === '5' ? 0 : size, type: type === '5' ? 'directory' : 'file' };
}

function text(h: Buffer, at: number, len: number): string {
  const field = h.subarray(at, at + len);
  const end = field.indexOf(0);
  return field.toString('utf8', 0, end < 0 ? len : end);
}

function checksum(h: Buffer): number {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : h[i];
  return sum;
}

async function writeFully(fh: FileHandle, buf: Buffer): Promise<void> {
  let off = 0;
  while (off < buf.length) off += (await fh.write(buf, off, buf.length - off)).bytesWritten;
}
