// Tags, in both of AWS's styles — a list (`Tags: [{Key, Value}]`: SNS, DynamoDB, EventBridge, S3,
// Scheduler) and a map (`Tags: {k: v}` / `tags: {k: v}`: SQS, Lambda, Logs) — with AWS's limits: at
// most 50 per resource, keys 1–128 and values 0–256 characters, keys starting with `aws:` reserved
// (https://docs.aws.amazon.com/tag-editor/latest/userguide/tagging.html). Each service words the same
// refusals differently and checks them in its own order, so a service declares its rules once with
// its own errors and calls validate/merge/remove; no service writes that logic itself.

export type TagMap = Record<string, string>;
export interface Tag {
  Key: string;
  Value: string;
}

export function tagMap(list: ReadonlyArray<{ Key?: string; Value?: string }> | undefined): TagMap {
  const out: TagMap = {};
  for (const t of list ?? []) out[t.Key ?? ''] = t.Value ?? '';
  return out;
}

export function tagList(map: TagMap | undefined): Tag[] {
  return Object.entries(map ?? {}).map(([Key, Value]) => ({ Key, Value }));
}

/** A tag problem a service words in its own error. */
export type TagProblem =
  | { kind: 'count'; count: number; max: number }
  | { kind: 'key'; key: string; value: string }
  | { kind: 'value'; key: string; value: string }
  | { kind: 'reserved'; key: string; value: string }
  | { kind: 'characters'; key: string; value: string };

export interface TagRules {
  /** The service's error for each problem. */
  error: (problem: TagProblem) => Error;
  /** Most tags a resource may carry (AWS: 50; S3 objects: 10). */
  max?: number;
  maxKey?: number;
  maxValue?: number;
  /** Keys with this prefix are refused; false where the service does not check it. */
  reserved?: 'aws:' | false;
  /** Whether `AWS:` counts as `aws:` (SNS, Lambda, S3 buckets say yes). */
  reservedIgnoresCase?: boolean;
  /** Checks the allowed characters (letters, numbers, spaces and `_.:/=+-@`) when set. */
  characters?: boolean;
  /** The order the service checks things in: the count first, or each tag first (default). */
  countFirst?: boolean;
  /** The order of the checks on one tag (default key, value, reserved). */
  order?: ReadonlyArray<'key' | 'value' | 'reserved' | 'characters'>;
}

const ALLOWED = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

/** Throws the service's error for the first problem found in `tags` (a resource's whole tag set). */
export function validateTags(tags: TagMap | ReadonlyArray<Tag>, rules: TagRules): void {
  const entries: Array<[string, string]> = Array.isArray(tags)
    ? (tags as ReadonlyArray<Tag>).map((t) => [t.Key, t.Value])
    : Object.entries(tags as TagMap);
  const max = rules.max ?? 50;
  const countCheck = () => {
    if (entries.length > max) throw rules.error({ kind: 'count', count: entries.length, max });
  };
  if (rules.countFirst) countCheck();
  const order = rules.order ?? ['key', 'value', 'reserved', 'characters'];
  for (const [key, value] of entries) {
    for (const check of order) {
      const problem = checkOne(check, key, value, rules);
      if (problem) throw rules.error(problem);
    }
  }
  if (!rules.countFirst) countCheck();
}

function checkOne(check: 'key' | 'value' | 'reserved' | 'characters', key: string, value: string, rules: TagRules): TagProblem | undefined {
  switch (check) {
    case 'key':
      return key.length < 1 || key.length > (rules.maxKey ?? 128) ? { kind: 'key', key, value } : undefined;
    case 'value':
      return String(value).length > (rules.maxValue ?? 256) ? { kind: 'value', key, value } : undefined;
    case 'reserved': {
      if (rules.reserved === false) return undefined;
      const k = rules.reservedIgnoresCase ? key.toLowerCase() : key;
      return k.startsWith(rules.reserved ?? 'aws:') ? { kind: 'reserved', key, value } : undefined;
    }
    case 'characters':
      return rules.characters && !(ALLOWED.test(key) && ALLOWED.test(value)) ? { kind: 'characters', key, value } : undefined;
  }
}

/** The tag set after TagResource: `added` replaces values of existing keys. */
export function mergeTags(existing: TagMap, added: TagMap | ReadonlyArray<Tag>): TagMap {
  const out = { ...existing };
  if (Array.isArray(added)) for (const t of added as ReadonlyArray<Tag>) out[t.Key] = t.Value;
  else Object.assign(out, added);
  return out;
}

/** The tag set after UntagResource: keys not present are ignored, as AWS ignores them. */
export function removeTags(existing: TagMap, keys: ReadonlyArray<string>): TagMap {
  const out = { ...existing };
  for (const k of keys) delete out[k];
  return out;
}

/**
 * TagResource in one call: the merged set, validated with the service's rules. `checkAdded` validates
 * the tags being added before the merge as well (the services that refuse a bad tag even when the
 * merged set would be fine to count).
 */
export function applyTags(existing: TagMap, added: TagMap | ReadonlyArray<Tag>, rules: TagRules, checkAdded = false): TagMap {
  if (checkAdded) validateTags(added, { ...rules, max: Infinity });
  const merged = mergeTags(existing, added);
  validateTags(merged, rules);
  return merged;
}
