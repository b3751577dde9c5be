// A compiled filter: the tree that matching walks. Built once per filter (when the policy, rule or
// mapping is set), never per message.
import type { CidrBlock } from '../cidr.ts';
import type { Dialect } from './dialect.ts';
import type { NumericCheck } from './numeric.ts';
import type { Wildcard } from '../wildcard.ts';

/** A value a condition looks at. */
export type Leaf = string | number | boolean | null;

export type Condition =
  | { kind: 'equals'; value: Leaf }
  | { kind: 'prefix'; value: string; ignoreCase: boolean }
  | { kind: 'suffix'; value: string; ignoreCase: boolean }
  | { kind: 'equals-ignore-case'; value: string }
  | { kind: 'wildcard'; wildcard: Wildcard; source: string }
  | { kind: 'anything-but'; strings: ReadonlySet<string>; numbers: readonly number[]; prefix?: string; suffix?: string; ignoreCase?: ReadonlySet<string>; wildcards?: readonly Wildcard[]; sources?: readonly string[] }
  | { kind: 'numeric'; checks: readonly NumericCheck[] }
  | { kind: 'exists'; value: boolean }
  | { kind: 'cidr'; block: CidrBlock };

export interface Field {
  key: string;
  /** A leaf field: any one condition holding lets it pass. */
  conditions?: readonly Condition[];
  /** The same conditions indexed for matching (set when `conditions` is). */
  index?: FieldIndex;
  /** A nested field: the object(s) under the key must match this clause. */
  nested?: Clause;
}

/**
 * A field's exact values in sets, so a field listing thousands of values costs one lookup per value
 * in the subject rather than one comparison per pair; the other operators are tried one by one.
 */
export interface FieldIndex {
  /** Strings, booleans, null, and numbers outside the dialect's range (equal only to themselves). */
  exact: ReadonlySet<Leaf>;
  /** Numbers in the dialect's range, in units of its precision. */
  numbers: ReadonlySet<number>;
  /** `exists: true` and `exists: false` both listed make the field pass whatever it holds. */
  exists?: boolean | 'either';
  /** The operators tested value by value. */
  rest: readonly Condition[];
}

export interface Clause {
  /** ANDed. */
  fields: readonly Field[];
  /** Each `$or` in this object: at least one of its alternatives must match as well. */
  alternatives: ReadonlyArray<readonly Clause[]>;
}

export interface ContentFilter {
  root: Clause;
  dialect: Dialect;
}
