// Lifecycle configuration: S3's validation of rules, and their execution on the clock. Like S3,
// rules run once a day at midnight UTC and an object's due time is its creation (or, for noncurrent
// versions, the time it became noncurrent) plus the rule's days, rounded up to the next midnight.
// Tests move the virtual clock and see every effect at once.
import type * as T from './generated/types.ts';
import type { Environment } from '../../../core/environment.ts';
import type { TimerHandle } from '../../../core/clock.ts';
import { ServiceError } from '../../../core/errors.ts';
import type { Bucket, ListedVersion, S3Store } from './store.ts';
import { S3Errors } from './errors.ts';
import { STORAGE_CLASSES } from './common.ts';
import { encodeKey, keyAfter, prefixEnd } from './keys.ts';
import { assertRemovable, deleteObject } from './versions.ts';
import { notify } from './events.ts';

export const DAY = 86_400_000;

export type LifecycleRule = T.LifecycleRule;

function hasTags(f: T.LifecycleRuleFilter | undefined): boolean {
  return !!f && (f.Tag !== undefined || !!f.And?.Tags?.length);
}

/** Validates a lifecycle configuration as S3 does; throws its errors. */
export function validateLifecycle(rules: LifecycleRule[] | undefined): void {
  if (!rules?.length || rules.length > 1000) throw S3Errors.malformedXml();
  const ids = new Set<string>();
  for (const r of rules) {
    if (r.ID !== undefined) {
      if (r.ID.length > 255) throw S3Errors.invalidArgument('ID length should not exceed allowed limit of 255', 'ID', r.ID);
      if (ids.has(r.ID)) throw S3Errors.invalidArgument('Rule ID must be unique. Found same ID for more than one rule', 'ID', r.ID);
      ids.add(r.ID);
    }
    if (r.Status !== 'Enabled' && r.Status !== 'Disabled') throw S3Errors.malformedXml();
    if (r.Filter !== undefined && r.Prefix !== undefined) throw S3Errors.malformedXml();
    if (r.Filter) {
      const set = ['Prefix', 'Tag', 'ObjectSizeGreaterThan', 'ObjectSizeLessThan', 'And'].filter((k) => (r.Filter as Record<string, unknown>)[k] !== undefined);
      if (set.length > 1) throw S3Errors.malformedXml();
    }
    const actions = [r.Expiration, r.NoncurrentVersionExpiration, r.AbortIncompleteMultipartUpload, r.Transitions?.length ? r.Transitions : undefined,
      r.NoncurrentVersionTransitions?.length ? r.NoncurrentVersionTransitions : undefined].filter((a) => a !== undefined);
    if (!actions.length) throw S3Errors.invalidRequest('At least one action needs to be specified in a rule');
    const e = r.Expiration;
    if (e) {
      const given = [e.Days, e.Date, e.ExpiredObjectDeleteMarker].filter((x) => x !== undefined).length;
      if (given !== 1) throw S3Errors.malformedXml();
      if (e.Days !== undefined && e.Days <= 0) throw S3Errors.invalidArgument("'Days' for Expiration action must be a positive integer", 'Days', String(e.Days));
      if (e.Date !== undefined && e.Date.getTime() % DAY !== 0) throw S3Errors.invalidArgument("'Date' must be at midnight GMT", 'Date', e.Date.toISOString());
      if (e.ExpiredObjectDeleteMarker !== undefined && hasTags(r.Filter)) {
        throw S3Errors.invalidRequest('ExpiredObjectDeleteMarker cannot be specified with a Tag-based filter.');
      }
    }
    const n = r.NoncurrentVersionExpiration;
    if (n) {
      if (n.NoncurrentDays === undefined || n.NoncurrentDays <= 0) {
        throw S3Errors.invalidArgument("'NoncurrentDays' for NoncurrentVersionExpiration action must be a positive integer", 'NoncurrentDays', String(n.NoncurrentDays));
      }
      if (n.NewerNoncurrentVersions !== undefined && (n.NewerNoncurrentVersions < 1 || n.NewerNoncurrentVersions > 100)) {
        throw S3Errors.invalidArgument("'NewerNoncurrentVersions' must be between 1 and 100", 'NewerNoncurrentVersions', String(n.NewerNoncurrentVersions));
      }
    }
    const a = r.AbortIncompleteMultipartUpload;
    if (a) {
      if (a.DaysAfterInitiation === undefined || a.DaysAfterInitiation <= 0) {
        throw S3Errors.invalidArgument("'DaysAfterInitiation' for AbortIncompleteMultipartUpload action must be a positive integer", 'DaysAfterInitiation', String(a.DaysAfterInitiation));
      }
      if (hasTags(r.Filter)) throw S3Errors.invalidRequest('AbortIncompleteMultipartUpload cannot be specified with Tags.');
    }
    for (const t of [...(r.Transitions ?? []), ...(r.NoncurrentVersionTransitions ?? [])]) {
      const sc = (t as { StorageClass?: string }).StorageClass;
      if (!sc || !STORAGE_CLASSES.has(sc) || sc === 'STANDARD') throw S3Errors.malformedXml();
    }
    for (const t of r.Transitions ?? []) {
      if ((t.Days === undefined) === (t.Date === undefined)) throw S3Errors.malformedXml();
      if (t.Days !== undefined && t.Days < 30 && (t.StorageClass === 'STANDARD_IA' || t.StorageClass === 'ONEZONE_IA')) {
        throw S3Errors.invalidArgument(`'Days' in Transition action must be greater than or equal to 30 for storageClass '${t.StorageClass}'`, 'Days', String(t.Days));
      }
    }
  }
}

/** Due time: base + days, rounded up to the next midnight UTC. */
export function dueAt(base: number, days: number): number {
  return Math.ceil((base + days * DAY) / DAY) * DAY;
}

function rulePrefix(r: LifecycleRule): string {
  return r.Filter?.Prefix ?? r.Filter?.And?.Prefix ?? r.Prefix ?? '';
}

function matches(r: LifecycleRule, key: string, size: number, tags: Record<string, string> | undefined): boolean {
  if (!key.startsWith(rulePrefix(r))) return false;
  const f = r.Filter;
  if (!f) return true;
  const wanted = f.Tag ? [f.Tag] : (f.And?.Tags ?? []);
  for (const t of wanted) if (tags?.[t.Key ?? ''] !== t.Value) return false;
  const gt = f.ObjectSizeGreaterThan ?? f.And?.ObjectSizeGreaterThan;
  const lt = f.ObjectSizeLessThan ?? f.And?.ObjectSizeLessThan;
  if (gt !== undefined && !(size > gt)) return false;
  if (lt !== undefined && !(size < lt)) return false;
  return true;
}

type Action =
  | { kind: 'expire-current'; key: string }
  | { kind: 'expire-version'; key: string; versionId: string }
  | { kind: 'remove-marker'; key: string; versionId: string }
  | { kind: 'transition'; key: string; versionId: string; storageClass: string };

/** One daily run over one bucket: decides on every version first, then applies the decisions. */
export async function runBucket(env: Environment, store: S3Store, bucket: Bucket, now: number): Promise<void> {
  const config = await store.config<{ Rules?: LifecycleRule[] }>(bucket.name, 'lifecycle');
  const rules = (config?.Rules ?? []).filter((r) => r.Status === 'Enabled');
  if (!rules.length) return;
  const actions: Action[] = [];
  for (const rule of rules) {
    const needsVersions = rule.Expiration || rule.NoncurrentVersionExpiration || rule.Transitions?.length || rule.NoncurrentVersionTransitions?.length;
    if (needsVersions) await collect(store, bucket, rule, now, actions);
  }
  const discarded: string[] = [];
  const events: Array<{ event: string; key: string; versionId?: string; size?: number; etag?: string }> = [];
  const done = new Set<string>();
  // The decisions are applied in one unit, each checked again against the version as it is now.
  await store.atomically(async () => {
    const current = await store.bucket(bucket.name);
    if (!current) return;
    for (const a of actions) {
      const id = `${a.kind === 'expire-current' ? 'cur' : a.versionId}\0${a.key}`;
      if (done.has(id)) continue;
      done.add(id);
      try {
        if (a.kind === 'transition') {
          const v = await store.version(bucket.name, a.key, a.versionId);
          if (v && v.storageClass !== a.storageClass) await store.updateVersion(v.seq, { storageClass: a.storageClass });
        } else if (a.kind === 'expire-current') {
          const cur = await store.latest(bucket.name, a.key);
          if (!cur || cur.deleteMarker) continue;
          if (current.versioning === '') assertRemovable(cur, now, false);
          const r = await deleteObject(store, current, a.key, { now, owner: bucket.account });
          discarded.push(...r.discarded);
          events.push({ event: r.markerCreated ? 'LifecycleExpiration:DeleteMarkerCreated' : 'LifecycleExpiration:Delete', key: a.key, versionId: r.versionId });
        } else {
          const r = await deleteObject(store, current, a.key, { versionId: a.versionId, now, owner: bucket.account });
          if (!r.changed) continue;
          discarded.push(...r.discarded);
          events.push({ event: 'LifecycleExpiration:Delete', key: a.key, versionId: a.versionId });
        }
      } catch (err) {
        // Object Lock protects the version: lifecycle leaves it, as S3 does.
        if (!(err instanceof ServiceError)) throw err;
      }
    }
  });
  store.discard(discarded);
  for (const e of events) {
    await notify(env, store, bucket.name, bucket.account, e.event, { key: e.key, versionId: e.versionId }, {
      account: bucket.account, region: bucket.region, principal: 's3.amazonaws.com',
    });
  }
  const abort = rules.filter((r) => r.AbortIncompleteMultipartUpload?.DaysAfterInitiation !== undefined);
  if (abort.length) await abortUploads(store, bucket, abort, now);
}

/** Every version under a prefix, by key then newest first, read a page at a time. */
async function* versionsUnder(store: S3Store, bucket: string, prefix: string): AsyncGenerator<ListedVersion> {
  const PAGE = 1000;
  const upper = prefixEnd(prefix);
  let lower = encodeKey(prefix);
  for (;;) {
    const rows = await store.listVersions(bucket, lower, upper, PAGE);
    yield* rows;
    if (rows.length < PAGE) return;
    // The page may have ended among one key's versions: the rest of them, then the next key.
    const last = rows[rows.length - 1];
    for (let seq = last.seq; ;) {
      const older = await store.olderVersions(bucket, last.key, seq, PAGE);
      yield* older;
      if (older.length < PAGE) break;
      seq = older[older.length - 1].seq;
    }
    lower = keyAfter(last.key);
  }
}

async function collect(store: S3Store, bucket: Bucket, rule: LifecycleRule, now: number, actions: Action[]): Promise<void> {
  const prefix = rulePrefix(rule);
  let key: string | undefined;
  let newer: ListedVersion | undefined;
  let noncurrentSeen = 0;
  let versionsOfKey = 0;
  const flushMarker = (marker: ListedVersion | undefined, count: number) => {
    // An expired object delete marker: the only version of its key left.
    if (marker && count === 1 && rule.Expiration?.ExpiredObjectDeleteMarker) actions.push({ kind: 'remove-marker', key: marker.key, versionId: marker.versionId });
  };
  let latestMarker: ListedVersion | undefined;
  for await (const v of versionsUnder(store, bucket.name, prefix)) {
    if (v.key !== key) {
      flushMarker(latestMarker, versionsOfKey);
      key = v.key;
      newer = undefined;
      noncurrentSeen = 0;
      versionsOfKey = 0;
      latestMarker = undefined;
    }
    versionsOfKey++;
    if (v.isLatest) {
      if (v.deleteMarker) latestMarker = v;
      else if (await matchesListed(store, bucket, rule, v)) {
        const e = rule.Expiration;
        if (e?.Days !== undefined && dueAt(v.lastModified, e.Days) <= now) actions.push({ kind: 'expire-current', key: v.key });
        else if (e?.Date !== undefined && new Date(e.Date).getTime() <= now) actions.push({ kind: 'expire-current', key: v.key });
        for (const t of rule.Transitions ?? []) {
          const due = t.Days !== undefined ? dueAt(v.lastModified, t.Days) : new Date(t.Date!).getTime();
          if (due <= now && t.StorageClass) actions.push({ kind: 'transition', key: v.key, versionId: v.versionId, storageClass: t.StorageClass });
        }
      }
    } else if (newer) {
      // Noncurrent since its successor was written.
      const since = newer.lastModified;
      if (!v.deleteMarker) noncurrentSeen++;
      const n = rule.NoncurrentVersionExpiration;
      if (n?.NoncurrentDays !== undefined && (await matchesListed(store, bucket, rule, v)) && dueAt(since, n.NoncurrentDays) <= now) {
        const keep = n.NewerNoncurrentVersions ?? 0;
        if (v.deleteMarker || noncurrentSeen > keep) actions.push({ kind: 'expire-version', key: v.key, versionId: v.versionId });
      }
      for (const t of rule.NoncurrentVersionTransitions ?? []) {
        if (t.NoncurrentDays !== undefined && t.StorageClass && !v.deleteMarker && dueAt(since, t.NoncurrentDays) <= now) {
          actions.push({ kind: 'transition', key: v.key, versionId: v.versionId, storageClass: t.StorageClass });
        }
      }
    }
    newer = v;
  }
  flushMarker(latestMarker, versionsOfKey);
}

/** Tag and size filters need the version's tags, read only when the rule has tag filters. */
async function matchesListed(store: S3Store, bucket: Bucket, rule: LifecycleRule, v: ListedVersion): Promise<boolean> {
  if (!hasTags(rule.Filter)) return matches(rule, v.key, v.size, undefined);
  const full = await store.version(bucket.name, v.key, v.versionId);
  return matches(rule, v.key, v.size, full?.tags);
}

async function abortUploads(store: S3Store, bucket: Bucket, rules: LifecycleRule[], now: number): Promise<void> {
  const due = (await store.uploadsOf(bucket.name)).filter((u) =>
    rules.some((r) => u.key.startsWith(rulePrefix(r)) && dueAt(u.initiated, r.AbortIncompleteMultipartUpload!.DaysAfterInitiation!) <= now));
  store.discard(await store.deleteUploads(due.map((u) => u.uploadId)));
}

/**
 * x-amz-expiration for a current version: when the first matching Expiration rule will remove it
 * (expiry-date="Fri, 23 Dec 2012 00:00:00 GMT", rule-id="..."), if any rule will.
 */
export async function expirationOf(store: S3Store, bucket: string, v: { key: string; size: number; lastModified: number; tags?: Record<string, string> }): Promise<string | undefined> {
  const rules = (await store.cachedConfig<{ Rules?: LifecycleRule[] }>(bucket, 'lifecycle'))?.Rules;
  if (!rules) return undefined;
  for (const r of rules) {
    const e = r.Expiration;
    if (r.Status !== 'Enabled' || !e || (e.Days === undefined && e.Date === undefined)) continue;
    if (!matches(r, v.key, v.size, v.tags)) continue;
    const due = e.Days !== undefined ? dueAt(v.lastModified, e.Days) : new Date(e.Date!).getTime();
    return `expiry-date="${new Date(due).toUTCString()}", rule-id="${(r.ID ?? '').replace(/"/g, '')}"`;
  }
  return undefined;
}

/** The abort date an upload gets from the bucket's rules (x-amz-abort-date), if any. */
export async function abortDateOf(store: S3Store, bucket: string, key: string, initiated: number): Promise<{ date: number; ruleId?: string } | undefined> {
  const rules = (await store.cachedConfig<{ Rules?: LifecycleRule[] }>(bucket, 'lifecycle'))?.Rules ?? [];
  let best: { date: number; ruleId?: string } | undefined;
  for (const r of rules) {
    const d = r.AbortIncompleteMultipartUpload?.DaysAfterInitiation;
    if (r.Status !== 'Enabled' || d === undefined || !key.startsWith(rulePrefix(r))) continue;
    const date = dueAt(initiated, d);
    if (!best || date < best.date) best = { date, ruleId: r.ID };
  }
  return best;
}

/** Runs every bucket's rules at each midnight UTC of the clock; returns the stopper. */
export function startLifecycle(env: Environment, store: S3Store): () => void {
  let timer: TimerHandle | undefined;
  const arm = () => {
    env.clock.clearTimeout(timer);
    const now = env.clock.now();
    const next = Math.floor(now / DAY) * DAY + DAY;
    timer = env.clock.setTimeout(tick, next - now);
  };
  const run = async (now: number) => {
    for (const name of await store.bucketsWithConfig('lifecycle')) {
      const b = await store.bucket(name);
      if (b) await runBucket(env, store, b, now);
    }
  };
  // Runs take turns: each day's run sees what the previous one did, as when they ran synchronously
  // (a clock advanced by days fires every midnight's tick at once). A failed run is logged.
  let previous = Promise.resolve();
  const tick = () => {
    const now = env.clock.now();
    previous = previous.then(() => run(now)).catch((err) => env.log.error('s3: lifecycle run failed', err));
    arm();
  };
  arm();
  // After a reset the clock is back to real time: the next run is the next real midnight.
  store.onReset(arm);
  return () => env.clock.clearTimeout(timer);
}
