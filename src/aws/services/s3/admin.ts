// /_fogbank/s3/...: buckets and objects of every account, paged, for the admin UI and tests.
import type { AdminRoute } from '../../../core/service.ts';
import { ServiceError } from '../../../core/errors.ts';
import type { S3Store } from './store.ts';
import { encodeKey, keyAfter, prefixEnd } from './keys.ts';

function limitOf(q: URLSearchParams): number {
  const n = Number(q.get('limit') ?? 100);
  if (!Number.isInteger(n) || n < 1 || n > 1000) throw new ServiceError('InvalidParameter', 'limit must be an integer from 1 to 1000', 400);
  return n;
}

async function requireBucket(store: S3Store, name: string) {
  const b = await store.bucket(name);
  if (!b) throw new ServiceError('NoSuchBucket', `No bucket ${name}`, 404);
  return b;
}

const KINDS = [
  'cors', 'policy', 'lifecycle', 'website', 'tagging', 'notification', 'encryption', 'publicAccessBlock', 'objectLock', 'logging',
  'replication', 'requestPayment', 'accelerate',
];

export const adminRoutes: AdminRoute<S3Store>[] = [
  {
    method: 'GET',
    path: /^\/_fogbank\/s3\/buckets\/?$/,
    async handle(req, store) {
      const limit = limitOf(req.query);
      const rows = await store.allBuckets(req.query.get('after') ?? '', limit + 1, req.query.get('account') ?? undefined);
      const page = rows.slice(0, limit);
      return {
        buckets: page.map((b) => ({
          name: b.name, account: b.account, region: b.region, createdAt: new Date(b.createdAt).toISOString(),
          versioning: b.versioning || 'Disabled', objectLock: b.objectLock,
        })),
        next: rows.length > limit ? page[page.length - 1].name : undefined,
      };
    },
  },
  {
    method: 'GET',
    path: /^\/_fogbank\/s3\/buckets\/(?<bucket>[^/]+)$/,
    async handle(req, store) {
      const b = await requireBucket(store, decodeURIComponent(req.params.bucket));
      const configurations: Record<string, unknown> = {};
      for (const k of KINDS) {
        const c = await store.config(b.name, k);
        if (c !== undefined) configurations[k] = c;
      }
      return {
        name: b.name, account: b.account, region: b.region, createdAt: new Date(b.createdAt).toISOString(),
        versioning: b.versioning || 'Disabled', objectLock: b.objectLock, ownership: b.ownership || undefined, configurations,
        uploads: (await store.uploadsOf(b.name)).map((u) => ({ uploadId: u.uploadId, key: u.key, initiated: new Date(u.initiated).toISOString() })),
      };
    },
  },
  {
    method: 'GET',
    path: /^\/_fogbank\/s3\/buckets\/(?<bucket>[^/]+)\/objects$/,
    async handle(req, store) {
      const b = await requireBucket(store, decodeURIComponent(req.params.bucket));
      const limit = limitOf(req.query);
      const prefix = req.query.get('prefix') ?? '';
      const after = req.query.get('after');
      const versions = req.query.get('versions') === '1';
      let from = encodeKey(prefix);
      if (after !== null) {
        const a = keyAfter(after);
        if (Buffer.compare(a, from) > 0) from = a;
      }
      const rows = versions ? await store.listVersions(b.name, from, prefixEnd(prefix), limit + 1) : await store.listCurrent(b.name, from, prefixEnd(prefix), limit + 1);
      const page = rows.slice(0, limit);
      return {
        objects: page.map((v) => ({
          key: v.key, size: v.size, etag: v.etag, lastModified: new Date(v.lastModified).toISOString(), storageClass: v.storageClass,
          versionId: v.versionId, isLatest: v.isLatest, deleteMarker: v.deleteMarker,
        })),
        next: rows.length > limit ? page[page.length - 1].key : undefined,
      };
    },
  },
  {
    method: 'GET',
    path: /^\/_fogbank\/s3\/buckets\/(?<bucket>[^/]+)\/objects\/(?<key>.+)$/,
    async handle(req, store) {
      const b = await requireBucket(store, decodeURIComponent(req.params.bucket));
      const key = decodeURIComponent(req.params.key);
      const versions = await store.versionsOf(b.name, key);
      if (!versions.length) throw new ServiceError('NoSuchKey', `No object ${key} in ${b.name}`, 404);
      return {
        key,
        versions: versions.map((v) => ({
          versionId: v.versionId, isLatest: v.isLatest, deleteMarker: v.deleteMarker, size: v.size, etag: v.etag,
          lastModified: new Date(v.lastModified).toISOString(), storageClass: v.storageClass, metadata: v.meta, tags: v.tags ?? {},
          checksum: v.checksum, parts: v.parts?.length, legalHold: v.legalHold, retention: v.lockMode ? { mode: v.lockMode, until: new Date(v.lockUntil!).toISOString() } : undefined,
        })),
      };
    },
  },
];
