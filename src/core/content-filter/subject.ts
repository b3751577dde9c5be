// What a filter is matched against. Each service hands the engine a Subject: SNS its message
// attributes (with their DataType semantics) or its JSON body, EventBridge the event, Lambda the
// record with its body or data parsed. The JSON subject is event-ruler's view of a document: an array
// stands for its elements, and only leaves (strings, numbers, booleans, null) are values.
import type { Leaf } from './model.ts';

export interface Subject {
  /** The leaf values under `key`; undefined when there are none to compare (absent, or an object). */
  leaves(key: string): readonly Leaf[] | undefined;
  /** Whether `key` is present for `exists` (event-ruler: it holds at least one leaf). */
  has(key: string): boolean;
  /** The objects under `key` (itself, or an array's objects), for a nested clause. */
  children(key: string): Subject[];
}

export interface JsonSubjectOptions {
  /** Booleans read as "true"/"false" (SNS's filter policies compare them as strings). */
  booleansAsStrings?: boolean;
}

export function jsonSubject(doc: Record<string, unknown>, options: JsonSubjectOptions = {}): Subject {
  const at = (key: string): unknown => (Object.hasOwn(doc, key) ? doc[key] : undefined);
  const leaf = (x: unknown): x is Leaf => x === null || typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean';
  const read = (x: Leaf): Leaf => (options.booleansAsStrings && typeof x === 'boolean' ? String(x) : x);
  const subject: Subject = {
    leaves(key) {
      const v = at(key);
      if (Array.isArray(v)) {
        const out = v.filter(leaf).map(read);
        return out.length || v.length === 0 ? out : undefined;
      }
      return leaf(v) ? [read(v)] : undefined;
    },
    has(key) {
      return (subject.leaves(key)?.length ?? 0) > 0;
    },
    children(key) {
      const v = at(key);
      const objects = Array.isArray(v) ? v.filter(isObject) : isObject(v) ? [v] : [];
      return objects.map((o) => jsonSubject(o, options));
    },
  };
  return subject;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
