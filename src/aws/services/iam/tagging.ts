// Tags on IAM resources. IAM's tag keys ignore case (one "Env" per resource, whatever its case), a
// request may not repeat a key, and a resource carries at most 50 tags. The model already limits one
// request to 50 tags, keys to 1–128 and values to 0–256 characters of IAM's alphabet.
import type { Tag } from '../../../core/resources/tags.ts';
import { invalidInput, limitExceeded } from './errors.ts';

const MAX_TAGS = 50;

/** Refuses a request that names one key twice: InvalidInput, in IAM's words. */
export function checkTagRequest(tags: readonly Tag[] | undefined): void {
  const seen = new Set<string>();
  for (const t of tags ?? []) {
    const k = t.Key.toLowerCase();
    if (seen.has(k)) throw invalidInput('Duplicate tag keys found. Please note that Tag keys are case insensitive.');
    seen.add(k);
  }
}

/** The tag set after TagX: a key already there (in any case) takes the new key and value. */
export function addTags(existing: readonly Tag[], added: readonly Tag[], quota: string): Tag[] {
  checkTagRequest(added);
  const out = existing.filter((t) => !added.some((a) => a.Key.toLowerCase() === t.Key.toLowerCase()));
  out.push(...added.map((t) => ({ Key: t.Key, Value: t.Value ?? '' })));
  if (out.length > MAX_TAGS) throw limitExceeded(`Cannot exceed quota for ${quota}: ${MAX_TAGS}`);
  return out;
}

/** The tag set after UntagX: keys match without case; keys not present are ignored. */
export function removeTagKeys(existing: readonly Tag[], keys: readonly string[]): Tag[] {
  const drop = new Set(keys.map((k) => k.toLowerCase()));
  return existing.filter((t) => !drop.has(t.Key.toLowerCase()));
}
