// Object bodies live as files. A body is written to a temporary file, fsynced and renamed into place,
// so a crash never leaves half a body visible. Files are named by random ids that Fogbank chooses:
// no name, key or path a client sends ever reaches the file system.
import { createReadStream, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { open, rename, rm, stat, readFile, mkdir, type FileHandle } from 'node:fs/promises';
import { randomBytes, createHash, type Hash } from 'node:crypto';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { released } from '../core/memory.ts';

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
  /** When this store was opened: files older than this were written by an earlier process. */
  readonly openedAt = Date.now();
  readonly #durable: boolean;
  /** Fan-out directories known to exist. */
  #dirs = new Set<string>();
  /** While a snapshot links the bodies its rows name, deletions wait (see hold). */
  #holds = 0;
  #deferred: string[] = [];

  /** `durable` false skips fsync (ephemeral stores whose files die with the process anyway). */
  constructor(dir: string, durable = true) {
    this.dir = dir;
    this.#durable = durable;
    mkdirSync(join(dir, 'tmp'), { recursive: true });
    // Leftovers of writes interrupted by a crash were never acknowledged: drop them. (Files renamed
    // into place whose rows never committed are for the orphan sweep, blob-sweep.ts.)
    for (const f of readdirSync(join(dir, 'tmp'))) rmSync(join(dir, 'tmp', f), { force: true });
  }

  /** Stores a body and returns its id. The source stream is consumed whole. */
  async write(source: Readable | Buffer | Uint8Array | string, options: BlobWriteOptions = {}): Promise<BlobWriteResult> {
    const id = randomBytes(16).toString('hex');
    const tmp = join(this.dir, 'tmp', id);
    const hashes: Array<[string, Hash]> = (options.hashes ?? []).map((h) => [h, createHash(h)]);
    let size = 0;
    const observe = (chunk: Buffer) => {
      size += chunk.length;
      for (const [, h] of hashes) h.update(chunk);
      options.onChunk?.(chunk);
    };
    // One file handle from open to fsync: each step is a trip through libuv's thread pool, and small
    // bodies are dominated by them.
    const fh = await open(tmp, 'w');
    try {
      if (typeof source === 'string' || source instanceof Uint8Array) {
        const buf = Buffer.from(source);
        observe(buf);
        await fh.writeFile(buf);
      } else {
        await writeStream(fh, source, observe, this.#durable);
      }
      if (this.#durable) await fh.sync();
      await fh.close();
    } catch (err) {
      await fh.close().catch(() => {});
      await rm(tmp, { force: true });
      throw err;
    }
    try {
      const sub = id.slice(0, 2);
      if (!this.#dirs.has(sub)) {
        await mkdir(join(this.dir, sub), { recursive: true });
        this.#dirs.add(sub);
      }
      await rename(tmp, this.#path(id));
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
    return { id, size, digests: Object.fromEntries(hashes.map(([n, h]) => [n, h.digest()])) };
  }

  /** Streams a body, or the inclusive byte range [start, end] of it (larger reads for big bodies). */
  read(id: string, range?: { start: number; end: number }, options: { highWaterMark?: number } = {}): Readable {
    return createReadStream(this.#path(id), { ...range, highWaterMark: options.highWaterMark });
  }

  async readAll(id: string): Promise<Buffer> {
    return readFile(this.#path(id));
  }

  async size(id: string): Promise<number> {
    return (await stat(this.#path(id))).size;
  }

  async delete(id: string): Promise<void> {
    const path = this.#path(id);
    if (this.#holds > 0) {
      this.#deferred.push(path);
      return;
    }
    await rm(path, { force: true });
  }

  /**
   * Defers deletions until the returned release is called: a snapshot copies the database at one
   * instant, then links the files its rows name; a body deleted in between must still be there.
   */
  hold(): () => void {
    this.#holds++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (--this.#holds > 0) return;
      for (const path of this.#deferred.splice(0)) rm(path, { force: true }).catch(() => {});
    };
  }

  /** The file of a body (snapshots link it; nothing else may write to it). */
  pathOf(id: string): string {
    return this.#path(id);
  }

  /**
   * Swaps in the bodies of `staged` (a directory laid out like this store's, built by a snapshot
   * restore): synchronous renames, so no request sees half of each. The old bodies move to the
   * returned directory for the caller to remove.
   */
  replaceWith(staged: string): string {
    const old = `${this.dir}.old-${randomBytes(4).toString('hex')}`;
    renameSync(this.dir, old);
    renameSync(staged, this.dir);
    mkdirSync(join(this.dir, 'tmp'), { recursive: true });
    this.#dirs.clear();
    this.#deferred.length = 0;
    return old;
  }

  /** Removes every body (reset between tests). */
  clear(): void {
    for (const e of readdirSync(this.dir)) if (e !== 'tmp') rmSync(join(this.dir, e), { recursive: true, force: true });
    this.#dirs.clear();
  }

  #path(id: string): string {
    if (!/^[0-9a-f]{32}$/.test(id)) throw new Error(`not a blob id: ${id}`);
    return join(this.dir, id.slice(0, 2), id);
  }
}

const BATCH = 1024 * 1024;
const SYNC_EVERY = 64 * 1024 * 1024;

/**
 * Writes a stream to a file, reading ahead by up to one batch while the previous batch is written,
 * so the network and the disk work at the same time with bounded memory.
 */
async function writeStream(fh: FileHandle, source: Readable, observe: (chunk: Buffer) => void, durable: boolean): Promise<void> {
  let writing: Promise<void> = Promise.resolve();
  let batch: Buffer[] = [];
  let batched = 0;
  // Durable writes of large bodies flush as they go: the disk works while the body is still
  // arriving, and the final fsync has little left to do.
  let syncing: Promise<void> = Promise.resolve();
  let unsynced = 0;
  const flush = async (buffers: Buffer[]) => {
    await writeAll(fh, buffers);
    const written = buffers.reduce((n, b) => n + b.length, 0);
    released(written);
    unsynced += written;
    if (durable && unsynced >= SYNC_EVERY) {
      unsynced = 0;
      await syncing;
      syncing = fh.datasync();
      syncing.catch(() => {});
    }
  };
  for await (const c of source as AsyncIterable<Buffer | string>) {
    const chunk = typeof c === 'string' ? Buffer.from(c) : c;
    if (chunk.length === 0) continue;
    observe(chunk);
    batch.push(chunk);
    batched += chunk.length;
    if (batched >= BATCH) {
      await writing;
      const full = batch;
      batch = [];
      batched = 0;
      writing = flush(full);
      // A failed write must not go unobserved while the next batch is read.
      writing.catch(() => {});
    }
  }
  await writing;
  if (batch.length) await flush(batch);
  await syncing;
}

async function writeAll(fh: FileHandle, buffers: Buffer[]): Promise<void> {
  const total = buffers.reduce((n, b) => n + b.length, 0);
  const { bytesWritten } = await fh.writev(buffers);
  if (bytesWritten === total) return;
  // A short write (rare on files): write the rest one buffer at a time.
  let skip = bytesWritten;
  for (const b of buffers) {
    if (skip >= b.length) {
      skip -= b.length;
      continue;
    }
    let rest = b.subarray(skip);
    skip = 0;
    while (rest.length) {
      const { bytesWritten: n } = await fh.write(rest);
      rest = rest.subarray(n);
    }
  }
}
