// Zip archives, as Lambda takes code and layers: a reader that walks the central directory (stored and
// deflated entries, ZIP64, Unix modes and symlinks) and unpacks into a directory without letting any
// entry escape it (zip-slip), and a small writer that the tests and the bench use to build archives.
import { inflateRawSync, deflateRawSync, crc32 } from 'node:zlib';
import { mkdirSync, writeFileSync, symlinkSync, chmodSync, realpathSync, readdirSync, unlinkSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';

export interface ZipEntry {
  /** Path inside the archive, '/'-separated; directories end with '/'. */
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  /** Offset of the local file header. */
  offset: number;
  /** Unix mode when the archive carries one (made on Unix), else undefined. */
  mode?: number;
  isDirectory: boolean;
  isSymlink: boolean;
}

export class ZipError extends Error {}

const EOCD = 0x06054b50;
const ZIP64_EOCD = 0x06064b50;
const ZIP64_LOCATOR = 0x07064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

/** Lists the entries of an archive from its central directory; throws ZipError when it is not one. */
export function readZipEntries(zip: Buffer): ZipEntry[] {
  const eocd = findEndOfCentralDirectory(zip);
  let count = zip.readUInt16LE(eocd + 10);
  let cdSize = zip.readUInt32LE(eocd + 12);
  let cdOffset = zip.readUInt32LE(eocd + 16);
  if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    const locator = eocd - 20;
    if (locator < 0 || zip.readUInt32LE(locator) !== ZIP64_LOCATOR) throw new ZipError('ZIP64 locator missing');
    const z64 = Number(zip.readBigUInt64LE(locator + 8));
    if (z64 < 0 || z64 + 56 > zip.length || zip.readUInt32LE(z64) !== ZIP64_EOCD) throw new ZipError('ZIP64 end record missing');
    count = Number(zip.readBigUInt64LE(z64 + 32));
    cdSize = Number(zip.readBigUInt64LE(z64 + 40));
    cdOffset = Number(zip.readBigUInt64LE(z64 + 48));
  }
  if (cdOffset + cdSize > zip.length) throw new ZipError('central directory out of bounds');
  const entries: ZipEntry[] = [];
  let p = cdOffset;
  for (let i = 0; i < count; i++) {
    if (p + 46 > zip.length || zip.readUInt32LE(p) !== CENTRAL) throw new ZipError('bad central directory entry');
    const madeBy = zip.readUInt16LE(p + 4) >> 8;
    const flags = zip.readUInt16LE(p + 8);
    const method = zip.readUInt16LE(p + 10);
    let compressedSize = zip.readUInt32LE(p + 20);
    let size = zip.readUInt32LE(p + 24);
    const nameLen = zip.readUInt16LE(p + 28);
    const extraLen = zip.readUInt16LE(p + 30);
    const commentLen = zip.readUInt16LE(p + 32);
    const external = zip.readUInt32LE(p + 38);
    let offset = zip.readUInt32LE(p + 42);
    if (p + 46 + nameLen + extraLen > zip.length) throw new ZipError('bad central directory entry');
    const name = zip.toString(flags & 0x800 ? 'utf8' : 'latin1', p + 46, p + 46 + nameLen);
    // ZIP64 extra field: the 0xffffffff fields, in order, as 64-bit values.
    let x = p + 46 + nameLen;
    const xEnd = x + extraLen;
    while (x + 4 <= xEnd) {
      const id = zip.readUInt16LE(x);
      const len = zip.readUInt16LE(x + 2);
      if (id === 0x0001) {
        let q = x + 4;
        if (size === 0xffffffff) (size = Number(zip.readBigUInt64LE(q))), (q += 8);
        if (compressedSize === 0xffffffff) (compressedSize = Number(zip.readBigUInt64LE(q))), (q += 8);
        if (offset === 0xffffffff) offset = Number(zip.readBigUInt64LE(q));
      }
      x += 4 + len;
    }
    const mode = madeBy === 3 ? external >>> 16 : undefined;
    const isSymlink = mode !== undefined && (mode & 0o170000) === 0o120000;
    const isDirectory = name.endsWith('/') || (mode !== undefined && (mode & 0o170000) === 0o040000) || (madeBy === 0 && (external & 0x10) !== 0);
    entries.push({ name, method, compressedSize, size, offset, mode, isDirectory, isSymlink });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return entries;
}

function findEndOfCentralDirectory(zip: Buffer): number {
  const min = Math.max(0, zip.length - 22 - 0xffff);
  for (let i = zip.length - 22; i >= min; i--) {
    if (zip.readUInt32LE(i) === EOCD) return i;
  }
  throw new ZipError('not a zip archive (no end of central directory)');
}

/** The uncompressed bytes of one entry. */
export function readZipEntry(zip: Buffer, entry: ZipEntry): Buffer {
  const p = entry.offset;
  if (p + 30 > zip.length || zip.readUInt32LE(p) !== LOCAL) throw new ZipError(`bad local header for ${entry.name}`);
  const start = p + 30 + zip.readUInt16LE(p + 26) + zip.readUInt16LE(p + 28);
  if (start + entry.compressedSize > zip.length) throw new ZipError(`${entry.name} runs past the end of the archive`);
  const raw = zip.subarray(start, start + entry.compressedSize);
  let data: Buffer;
  if (entry.method === 0) data = raw;
  else if (entry.method === 8) {
    try {
      data = inflateRawSync(raw, { maxOutputLength: Math.max(entry.size, 1) });
    } catch (err) {
      throw new ZipError(`cannot inflate ${entry.name}: ${(err as Error).message}`);
    }
  } else throw new ZipError(`${entry.name} uses compression method ${entry.method}, which is not supported`);
  if (data.length !== entry.size) throw new ZipError(`${entry.name} is ${data.length} bytes, its header says ${entry.size}`);
  return data;
}

/**
 * Checks that a name stays inside the target directory: no absolute paths, drive letters or `..`
 * segments. Returns the relative path segments (empty for the root itself).
 */
export function safeSegments(name: string): string[] {
  if (name.startsWith('/') || name.startsWith('\\') || /^[A-Za-z]:/.test(name) || name.includes('\0')) {
    throw new ZipError(`entry ${JSON.stringify(name)} has an absolute path`);
  }
  const segments = name.split(/[\\/]+/).filter((s) => s !== '' && s !== '.');
  if (segments.some((s) => s === '..')) throw new ZipError(`entry ${JSON.stringify(name)} leaves the archive's directory`);
  return segments;
}

export interface UnzipLimits {
  /** Largest total uncompressed size accepted. */
  maxSize: number;
}

/** Total uncompressed size the central directory declares, after checking every name. */
export function inspectZip(zip: Buffer): { entries: ZipEntry[]; size: number } {
  const entries = readZipEntries(zip);
  let size = 0;
  for (const e of entries) {
    safeSegments(e.name);
    size += e.size;
  }
  return { entries, size };
}

/** Links followed while resolving one path before it counts as a loop (Linux's MAXSYMLINKS). */
const MAX_LINK_HOPS = 40;

/**
 * Resolves `segments` (relative to the archive's root) the way the kernel will once every symlink of
 * the archive exists: component by component, replacing each link by its target. Lexical checks
 * are not enough — with `a -> .`, `a/a/a/../../..` is lexically the root but really three levels
 * above it. Throws when the path leaves the root or loops; a path to nothing is fine (a dangling
 * link harms no one).
 */
export function resolveInArchive(segments: string[], links: ReadonlyMap<string, string>, what: string): string[] {
  const pending = [...segments].reverse();
  const resolved: string[] = [];
  let hops = 0;
  while (pending.length) {
    const c = pending.pop()!;
    if (c === '' || c === '.') continue;
    if (c === '..') {
      if (resolved.length === 0) throw new ZipError(`${what} points outside the archive`);
      resolved.pop();
      continue;
    }
    resolved.push(c);
    const target = links.get(resolved.join('/'));
    if (target === undefined) continue;
    if (++hops > MAX_LINK_HOPS) throw new ZipError(`${what} is a symlink loop`);
    if (target.startsWith('/') || target.includes('\0')) throw new ZipError(`${what} points outside the archive`);
    resolved.pop();
    for (const t of target.split('/').reverse()) pending.push(t);
  }
  return resolved;
}

/**
 * Unpacks into `dir` (which must exist and be empty). Symlinks are created last, and only when their
 * target resolves inside `dir` through every other link of the archive (then checked again with
 * realpath once all exist), so that no entry can be written or read through one. Any filesystem
 * refusal (an entry that is both a file and a link, say) is a ZipError, never an internal error.
 */
export function unzipTo(zip: Buffer, dir: string, limits: UnzipLimits): { files: number; size: number } {
  try {
    return unpack(zip, dir, limits);
  } catch (err) {
    if (err instanceof ZipError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (typeof code === 'string') throw new ZipError(`cannot unpack the archive (${code})`);
    throw err;
  }
}

function unpack(zip: Buffer, dir: string, limits: UnzipLimits): { files: number; size: number } {
  const { entries, size: declared } = inspectZip(zip);
  if (declared > limits.maxSize) throw new ZipError(`unzipped size ${declared} exceeds ${limits.maxSize} bytes`);
  const root = resolve(dir);
  const links = new Map<string, string>();
  let files = 0;
  let size = 0;
  for (const e of entries) {
    const segments = safeSegments(e.name);
    if (segments.length === 0) continue;
    const path = join(root, ...segments);
    if (e.isDirectory) {
      mkdirSync(path, { recursive: true });
      continue;
    }
    const data = readZipEntry(zip, e);
    size += data.length;
    if (size > limits.maxSize) throw new ZipError(`unzipped size exceeds ${limits.maxSize} bytes`);
    if (e.isSymlink) {
      const target = data.toString('utf8');
      if (target.startsWith('/') || target.includes('\0')) throw new ZipError(`symlink ${segments.join('/')} points outside the archive`);
      links.set(segments.join('/'), target);
      continue;
    }
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, data);
    // Keep the archive's permission bits (a custom runtime's bootstrap must stay executable).
    const perm = e.mode !== undefined && e.mode & 0o777 ? (e.mode & 0o777) | 0o400 : 0o644;
    chmodSync(path, perm);
    files++;
  }
  // Every link, its directory and its target must resolve inside the root with all links in place.
  for (const [name, target] of links) {
    const segments = name.split('/');
    resolveInArchive(segments.slice(0, -1), links, `symlink ${name}`);
    resolveInArchive([...segments.slice(0, -1), ...target.split('/')], links, `symlink ${name}`);
  }
  for (const [name, target] of links) {
    const path = join(root, ...name.split('/'));
    mkdirSync(dirname(path), { recursive: true });
    symlinkSync(target, path);
  }
  // The same question asked of the kernel itself (realpath(3): Node's JS realpath resolves `..`
  // lexically, the very mistake this guards against), now that everything exists.
  const realRoot = realpathSync.native(root);
  for (const name of links.keys()) {
    let real: string;
    try {
      real = realpathSync.native(join(root, ...name.split('/')));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') continue;
      if (code === 'ELOOP') throw new ZipError(`symlink ${name} is a symlink loop`);
      throw err;
    }
    if (real !== realRoot && !real.startsWith(realRoot + sep)) throw new ZipError(`symlink ${name} points outside the archive`);
  }
  return { files, size };
}

/**
 * Removes the symlinks under `dir` that loop or resolve outside it, and returns their paths relative
 * to `dir`. For directories merged from several checked archives (a function's layers in one /opt):
 * each layer's links stay inside that layer, but a link in one layer can walk through a link of
 * another once they share a directory. Walks without following links and without recursion.
 */
export function removeEscapingLinks(dir: string): string[] {
  const root = realpathSync.native(dir); // native: realpath(3), not Node's lexical `..` handling
  const removed: string[] = [];
  const pending = [''];
  while (pending.length) {
    const rel = pending.pop()!;
    for (const d of readdirSync(join(root, rel), { withFileTypes: true })) {
      const child = rel ? `${rel}/${d.name}` : d.name;
      if (d.isDirectory()) pending.push(child);
      if (!d.isSymbolicLink()) continue;
      const path = join(root, child);
      let inside = true;
      try {
        const real = realpathSync.native(path);
        inside = real === root || real.startsWith(root + sep);
      } catch (err) {
        inside = (err as NodeJS.ErrnoException).code !== 'ELOOP';
      }
      if (!inside) {
        unlinkSync(path);
        removed.push(child);
      }
    }
  }
  return removed;
}

export interface ZipInput {
  name: string;
  /** The file's bytes, or a symlink's target. */
  data: string | Buffer;
  /** Unix permission bits (default 0o644; 0o755 for an executable). */
  mode?: number;
  /** Stores the entry as a symlink to `data` (Unix mode 0o120777), as `zip --symlinks` does. */
  symlink?: boolean;
}

/** Builds a deflated zip archive (tests, bench and examples; Fogbank itself never needs to write one). */
export function buildZip(files: ZipInput[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const f of files) {
    const data = Buffer.isBuffer(f.data) ? f.data : Buffer.from(f.data);
    const name = Buffer.from(f.name, 'utf8');
    const deflated = deflateRawSync(data);
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(LOCAL, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x800, 6);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(0x21, 10); // 1980-01-01 00:00
    local.writeUInt32LE(crc >>> 0, 14);
    local.writeUInt32LE(deflated.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(name.length, 26);
    locals.push(local, name, deflated);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(CENTRAL, 0);
    central.writeUInt16LE((3 << 8) | 20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x800, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(0x21, 12);
    central.writeUInt32LE(crc >>> 0, 16);
    central.writeUInt32LE(deflated.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(name.length, 28);
    const type = f.symlink ? 0o120000 : 0o100000;
    central.writeUInt32LE(((type | (f.mode ?? (f.symlink ? 0o777 : 0o644))) << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);
    offset += 30 + name.length + deflated.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(EOCD, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}
