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
  return new JsonSubject(doc, options.booleansAsStrings === true);
}

// A class, not closures: one is made per event per rule (and per nested object), so it stays cheap.
class JsonSubject implements Subject {
  readonly #doc: Record<string, unknown>;
  readonly #booleansAsStrings: boolean;

  constructor(doc: Record<string, unknown>, booleansAsStrings: boolean) {
    this.#doc = doc;
    this.#booleansAsStrings = booleansAsStrings;
  }

  #at(key: string): unknown {
    return Object.hasOwn(this.#doc, key) ? this.#doc[key] : undefined;
  }

  #read(x: Leaf): Leaf {
    return this.#booleansAsStrings && typeof x === 'boolean' ? String(x) : x;
  }

  leaves(key: string): readonly Leaf[] | undefined {
    const v = this.#at(key);
    if (Array.isArray(v)) {
      const out: Leaf[] = [];
      for (const x of v) if (isLeaf(x)) out.push(this.#read(x));
      return out.length || v.length === 0 ? out : undefined;
    }
    return isLeaf(v) ? [this.#read(v)] : undefined;
  }

  has(key: string): boolean {
    const v = this.#at(key);
    return Array.isArray(v) ? v.some(isLeaf) : isLeaf(v);
  }

  children(key: string): Subject[] {
    const v = this.#at(key);
    const objects = Array.isArray(v) ? v.filter(isObject) : isObject(v) ? [v] : [];
    return objects.map((o) => new JsonSubject(o, this.#booleansAsStrings));
  }
}

function isLeaf(x: unknown): x is Leaf {
  return x === null || typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean';
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
