// Matching a compiled filter against a subject: fields ANDed, a field's conditions ORed, a leaf field
// passing when any of the subject's values there satisfies a condition, `$or` groups each needing one
// alternative. Listed values are looked up in a set; each other operator costs one test per subject
// value (wildcards are linear too, core/wildcard.ts), so no filter and no message can make this slow.
import { cidrContains } from '../cidr.ts';
import type { Dialect } from './dialect.ts';
import type { Clause, Condition, ContentFilter, FieldIndex, Leaf } from './model.ts';
import { numericHolds, quantize, sameNumber } from './numeric.ts';
import type { Subject } from './subject.ts';

export function matchesFilter(filter: ContentFilter, subject: Subject): boolean {
  return matchClause(filter.root, subject, filter.dialect);
}

function matchClause(c: Clause, subject: Subject, d: Dialect): boolean {
  for (const f of c.fields) {
    if (f.nested) {
      if (!subject.children(f.key).some((child) => matchClause(f.nested!, child, d))) return false;
      continue;
    }
    if (!matchField(f.index!, f.key, subject, d)) return false;
  }
  for (const alternatives of c.alternatives) {
    if (!alternatives.some((alt) => matchClause(alt, subject, d))) return false;
  }
  return true;
}

function matchField(index: FieldIndex, key: string, subject: Subject, d: Dialect): boolean {
  if (index.exists === 'either' || (index.exists !== undefined && index.exists === subject.has(key))) return true;
  const leaves = subject.leaves(key);
  if (leaves === undefined) return false;
  const listed = index.exact.size > 0 || index.numbers.size > 0;
  for (const v of leaves) {
    if (listed && isListed(index, v, d)) return true;
    for (const c of index.rest) if (matchLeaf(c, v, d)) return true;
  }
  return false;
}

/** Whether `v` equals one of the field's listed values. */
function isListed(index: FieldIndex, v: Leaf, d: Dialect): boolean {
  if (index.exact.has(v)) return true;
  if (index.numbers.size === 0) return false;
  const n = asNumber(v, d);
  const q = n === undefined ? undefined : quantize(d.numbers, n);
  return q !== undefined && index.numbers.has(q);
}

/** A subject value as a number, where the dialect compares it as one. */
function asNumber(v: Leaf, d: Dialect): number | undefined {
  if (typeof v === 'number') return v;
  if (d.numbersMatchNumericStrings && typeof v === 'string' && v.trim() !== '') {
    const n = Number(v);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

function matchLeaf(c: Condition, v: Leaf, d: Dialect): boolean {
  switch (c.kind) {
    case 'equals': {
      if (typeof c.value !== 'number') return v === c.value;
      const n = asNumber(v, d);
      return n !== undefined && sameNumber(d.numbers, n, c.value);
    }
    case 'prefix':
      return typeof v === 'string' && (c.ignoreCase ? v.toLowerCase() : v).startsWith(c.value);
    case 'suffix':
      return typeof v === 'string' && (c.ignoreCase ? v.toLowerCase() : v).endsWith(c.value);
    case 'equals-ignore-case':
      return typeof v === 'string' && v.toLowerCase() === c.value;
    case 'wildcard':
      return typeof v === 'string' && c.wildcard.test(v);
    case 'anything-but':
      return anythingBut(c, v, d);
    case 'numeric': {
      const n = asNumber(v, d);
      return n !== undefined && numericHolds(d.numbers, c.checks, n);
    }
    case 'cidr':
      return cidrContains(c.block, v);
    case 'exists':
      return false; // decided once per field, not per value (FieldIndex.exists)
  }
}

function anythingBut(c: Extract<Condition, { kind: 'anything-but' }>, v: Leaf, d: Dialect): boolean {
  const form = c.prefix !== undefined || c.suffix !== undefined || c.ignoreCase !== undefined || c.wildcards !== undefined;
  const excludedNumber = (n: number | undefined) => n !== undefined && c.numbers.some((x) => sameNumber(d.numbers, n, x));
  if (typeof v === 'string') {
    if (c.prefix !== undefined) return !v.startsWith(c.prefix);
    if (c.suffix !== undefined) return !v.endsWith(c.suffix);
    if (c.ignoreCase) return !c.ignoreCase.has(v.toLowerCase());
    if (c.wildcards) return !c.wildcards.some((w) => w.test(v));
    return !c.strings.has(v) && !(d.numbersMatchNumericStrings && excludedNumber(asNumber(v, d)));
  }
  if (typeof v === 'number') return !form && !excludedNumber(v);
  return false;
}
