// Object bodies live as files. A body is written to a temporary file, fsynced and renamed into place,
// so a crash never leaves half a body visible. Files are named by random ids that Fogbank chooses:
// no name, key or path a client sends ever reaches the file system.
import { createReadStream, createWriteStream, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { open, rename, rm, stat, readFile } from 'node:fs/promises';
import { randomBytes, createHash, type Hash } from 'node:crypto';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export interface BlobWriteResult {
  id: string;
  size: number;
  /** Digests asked for in `hashes`, as raw bytes. */
  digests: Record<string, Buffer>;
}

export interface BlobWriteOptions {
  /** node:crypto hash names computed while writing (e.g. 'md5', 'sha256'). */
  hashes?: string[];
  /** Called with every chunk as it passes, for checksums the platform has no hash for (CRC32...). */
  onChunk?: (chunk: Buffer) => void;
}

export class BlobStore {
  readonly dir: string;
  readonly #durable: boolean;

  /** `durable` false skips fsync (ephemeral stores whose files die with the process anyway). */
  constructor(dir: string, durable = true) {
    this.dir = dir;
    this.#durable = durable;
    mkdirSync(join(dir, 'tmp'), { recursive: true });
    // Leftovers of writes interrupted by a crash were never acknowledged: drop them.
    for (const f of readdirSync(join(dir, 'tmp'))) rmSync(join(dir, 'tmp', f), { force: true });
  }

  /** Stores a body and returns its id. The source stream is consumed whole. */
  async write(source: Readable | Buffer | Uint8Array | string, options: BlobWriteOptions = {}): Promise<BlobWriteResult> {
    const id = randomBytes(16).toString('hex');
    const tmp = join(this.dir, 'tmp', id);
    const hashes: Array<[string, Hash]> = (options.hashes ?? []).map((h) => [h, createHash(h)]);
    let size = 0;
    const input = typeof source === 'string' || source instanceof Uint8Array ? Readable.from([Buffer.from(source)]) : source;
    const observe = async function* (chunks: AsyncIterable<Buffer | string>) {
      for await (const c of chunks) {
        const chunk = typeof c === 'string' ? Buffer.from(c) : c;
        size += chunk.length;
        for (const [, h] of hashes) h.update(chunk);
        options.onChunk?.(chunk);
        yield chunk;
      }
    };
    try {
      await pipeline(input, observe, createWriteStream(tmp));
      if (this.#durable) {
        const fh = await open(tmp, 'r');
        try {
          await fh.sync();
        } finally {
          await fh.close();
        }
      }
      const final = this.#path(id);
      mkdirSync(join(this.dir, id.slice(0, 2)), { recursive: true });
      await rename(tmp, final);
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
    return { id, size, digests: Object.fromEntries(hashes.map(([n, h]) => [n, h.digest()])) };
  }

  /** Streams a body, or the inclusive byte range [start, end] of it. */
  read(id: string, range?: { start: number; end: number }): Readable {
    return createReadStream(this.#path(id), range);
  }

  async readAll(id: string): Promise<Buffer> {
    return readFile(this.#path(id));
  }

  async size(id: string): Promise<number> {
    return (await stat(this.#path(id))).size;
  }

  async delete(id: string): Promise<void> {
    await rm(this.#path(id), { force: true });
  }

  /** Removes every body (reset between tests). */
  clear(): void {
    for (const e of readdirSync(this.dir)) if (e !== 'tmp') rmSync(join(this.dir, e), { recursive: true, force: true });
  }

  #path(id: string): string {
    if (!/^[0-9a-f]{32}$/.test(id)) throw new Error(`not a blob id: ${id}`);
    return join(this.dir, id.slice(0, 2), id);
  }
}
