// Deployment packages: a zip (inline or from Fogbank's S3) is checked, kept as a blob for GetFunction's
// download link, and unpacked once per content hash under <data-dir>/lambda/code/<sha256>/, the
// function's LAMBDA_TASK_ROOT. Layers unpack the same way; a function's layers are merged, in order,
// into one /opt-equivalent directory.
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { Environment } from '../../../core/environment.ts';
import { ServiceError } from '../../../core/errors.ts';
import { invalidParameter } from './names.ts';
import { ZipError, inspectZip, removeEscapingLinks, unzipTo } from './zip.ts';

/** Unzipped size limit of a function with all its layers (AWS: 250 MB). */
export const MAX_UNZIPPED = 262_144_000;
/** Largest zip accepted inline (AWS: 50 MB, about 69905067 bytes once base64-encoded in the request). */
export const MAX_ZIPPED = 52_428_800;

export interface StoredCode {
  blob: string;
  /** Base64 SHA-256 of the zip, as CodeSha256. */
  sha256: string;
  size: number;
  /** Directory the zip is unpacked in. */
  dir: string;
}

export class CodeStore {
  readonly #env: Environment;
  readonly root: string;

  constructor(env: Environment) {
    this.#env = env;
    this.root = join(env.dataDir, 'lambda');
  }

  /** Checks, keeps and unpacks a zip. Bad archives get Lambda's InvalidParameterValueException. */
  async store(zip: Buffer, kind: 'function' | 'layer'): Promise<StoredCode> {
    if (zip.length > MAX_ZIPPED) {
      throw new ServiceError('RequestEntityTooLargeException', `Request must be smaller than ${MAX_ZIPPED} bytes for the ${kind === 'layer' ? 'PublishLayerVersion' : 'CreateFunction'} operation`, 413);
    }
    const digest = createHash('sha256').update(zip).digest();
    let size: number;
    try {
      size = inspectZip(zip).size;
    } catch (err) {
      if (err instanceof ZipError) throw unzipFailure(err);
      throw err;
    }
    if (size > MAX_UNZIPPED) throw invalidParameter(`Unzipped size must be smaller than ${MAX_UNZIPPED} bytes`);
    const dir = this.dirOf(digest.toString('hex'));
    this.#unpack(zip, dir);
    const { id } = await this.#env.blobs.write(zip);
    return { blob: id, sha256: digest.toString('base64'), size: zip.length, dir };
  }

  dirOf(hexSha: string): string {
    return join(this.root, 'code', hexSha);
  }

  /** The unpacked directory of stored code, unpacking it again if it went missing (a restored data dir). */
  async directory(sha256Base64: string, blob: string | null): Promise<string> {
    const dir = this.dirOf(Buffer.from(sha256Base64, 'base64').toString('hex'));
    if (!existsSync(join(dir, '.fogbank-complete')) && blob) {
      this.#unpack(await this.#env.blobs.readAll(blob), dir);
    }
    return dir;
  }

  /** One directory holding the layers' files in order (later layers win), as Lambda's /opt. */
  async optDirectory(layers: Array<{ sha256: string; blob: string }>): Promise<string | undefined> {
    if (layers.length === 0) return undefined;
    const dirs = await Promise.all(layers.map((l) => this.directory(l.sha256, l.blob)));
    if (dirs.length === 1) return dirs[0];
    const key = createHash('sha256').update(layers.map((l) => l.sha256).join(',')).digest('hex');
    const opt = join(this.root, 'opt', key);
    if (existsSync(join(opt, '.fogbank-complete'))) return opt;
    const tmp = `${opt}.tmp-${process.pid}-${Date.now()}`;
    mkdirSync(tmp, { recursive: true });
    for (const d of dirs) cpSync(d, tmp, { recursive: true, force: true, verbatimSymlinks: true, filter: (src) => !src.endsWith('.fogbank-complete') });
    // Each layer was checked alone; merged, one layer's link can walk through another's.
    const removed = removeEscapingLinks(tmp);
    if (removed.length) this.#env.log.warn(`lambda: layers merged into /opt left symlinks that loop or point outside it; removed: ${removed.join(', ')}`);
    writeFileSync(join(tmp, '.fogbank-complete'), '');
    rmSync(opt, { recursive: true, force: true });
    renameSync(tmp, opt);
    return opt;
  }

  /** A per-worker directory for TMPDIR (Lambda's /tmp). */
  scratch(name: string): string {
    const dir = join(this.root, 'tmp', name);
    mkdirSync(dir, { recursive: true });
    return dir;
  }

  dropScratch(name: string): void {
    rmSync(join(this.root, 'tmp', name), { recursive: true, force: true });
  }

  /** Removes every unpacked directory (reset). */
  clear(): void {
    rmSync(this.root, { recursive: true, force: true });
  }

  #unpack(zip: Buffer, dir: string): void {
    if (existsSync(join(dir, '.fogbank-complete'))) return;
    const tmp = `${dir}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
    mkdirSync(tmp, { recursive: true });
    try {
      unzipTo(zip, tmp, { maxSize: MAX_UNZIPPED });
      writeFileSync(join(tmp, '.fogbank-complete'), '');
      rmSync(dir, { recursive: true, force: true });
      renameSync(tmp, dir);
    } catch (err) {
      rmSync(tmp, { recursive: true, force: true });
      if (err instanceof ZipError) throw unzipFailure(err);
      throw err;
    }
  }
}

function unzipFailure(err: ZipError): ServiceError {
  return invalidParameter(`Could not unzip uploaded file. Please check your file, then try to upload again. (${err.message})`);
}

/** Reads a deployment package from Fogbank's S3 (S3Bucket/S3Key/S3ObjectVersion). */
export async function fetchFromS3(
  env: Environment,
  scope: { account: string; region: string },
  bucket: string,
  key: string,
  version: string | undefined,
  causedBy: string,
): Promise<Buffer> {
  let out: { Body?: unknown };
  try {
    out = await env.invoke('s3', 'GetObject', { Bucket: bucket, Key: key, ...(version ? { VersionId: version } : {}) }, scope, causedBy);
  } catch (err) {
    if (err instanceof ServiceError) {
      throw invalidParameter(`Error occurred while GetObject. S3 Error Code: ${err.code}. S3 Error Message: ${err.message}`);
    }
    if (/no service s3/.test(String((err as Error)?.message))) {
      throw invalidParameter('Error occurred while GetObject. S3 Error Code: ServiceUnavailable. S3 Error Message: this Fogbank has no S3 service.');
    }
    throw err;
  }
  return readAll(out.Body);
}

async function readAll(body: unknown): Promise<Buffer> {
  if (body === undefined || body === null) return Buffer.alloc(0);
  if (Buffer.isBuffer(body)) return body;
  if (body instanceof Uint8Array) return Buffer.from(body);
  if (typeof body === 'string') return Buffer.from(body);
  const chunks: Buffer[] = [];
  for await (const c of body as Readable) chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(c as Uint8Array));
  return Buffer.concat(chunks);
}
