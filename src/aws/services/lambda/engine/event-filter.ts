// Event filtering of event source mappings (FilterCriteria): EventBridge-style patterns — exact
// values, prefix, suffix, anything-but, numeric ranges, exists, equals-ignore-case, wildcard — where
// any one filter matching lets the record through.
import { invalidParameter } from '../names.ts';
import { compileWildcard } from '../../../../core/wildcard.ts';

type Pattern = Record<string, unknown>;

export function compileFilters(filters: Array<{ Pattern?: string }> | undefined): ((record: unknown) => boolean) | undefined {
  if (!filters?.length) return undefined;
  const patterns = filters.map((f) => parsePattern(f.Pattern ?? '{}'));
  return (record) => patterns.some((p) => matches(p, record));
}

export function parsePattern(text: string): Pattern {
  let p: unknown;
  try {
    p = JSON.parse(text);
  } catch {
    throw invalidParameter(`Invalid filter pattern definition: ${text}`);
  }
  if (!p || typeof p !== 'object' || Array.isArray(p)) throw invalidParameter(`Invalid filter pattern definition: ${text}`);
  check(p as Pattern, text);
  return p as Pattern;
}

function check(p: Pattern, text: string): void {
  for (const v of Object.values(p)) {
    if (Array.isArray(v)) continue;
    if (v && typeof v === 'object') check(v as Pattern, text);
    else throw invalidParameter(`Invalid filter pattern definition: ${text}. Values in a pattern must be arrays or objects.`);
  }
}

export function matches(pattern: Pattern, value: unknown): boolean {
  for (const [key, cond] of Object.entries(pattern)) {
    const obj = value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
    const v = obj && Object.hasOwn(obj, key) ? obj[key] : undefined;
    if (Array.isArray(cond)) {
      if (!leaf(cond, v, obj !== undefined && Object.hasOwn(obj, key))) return false;
    } else if (!matches(cond as Pattern, v)) return false;
  }
  return true;
}

function leaf(conds: unknown[], v: unknown, present: boolean): boolean {
  const values = Array.isArray(v) ? v : [v];
  return conds.some((c) => {
    if (c && typeof c === 'object' && !Array.isArray(c)) {
      const op = c as Record<string, unknown>;
      if ('exists' in op) return op.exists === present;
      return present && values.some((x) => operator(op, x));
    }
    return present && values.some((x) => equal(c, x));
  });
}

function equal(c: unknown, x: unknown): boolean {
  if (typeof c === 'number' && typeof x === 'number') return c === x;
  if (typeof c === 'number' && typeof x === 'string' && x.trim() !== '') return Number(x) === c;
  return c === x;
}

function operator(op: Record<string, unknown>, x: unknown): boolean {
  if ('prefix' in op) {
    const p = op.prefix;
    if (p && typeof p === 'object') return typeof x === 'string' && x.toLowerCase().startsWith(String((p as { 'equals-ignore-case'?: string })['equals-ignore-case'] ?? '').toLowerCase());
    return typeof x === 'string' && x.startsWith(String(p));
  }
  if ('suffix' in op) {
    const s = op.suffix;
    if (s && typeof s === 'object') return typeof x === 'string' && x.toLowerCase().endsWith(String((s as { 'equals-ignore-case'?: string })['equals-ignore-case'] ?? '').toLowerCase());
    return typeof x === 'string' && x.endsWith(String(s));
  }
  if ('equals-ignore-case' in op) return typeof x === 'string' && x.toLowerCase() === String(op['equals-ignore-case']).toLowerCase();
  if ('wildcard' in op) {
    // Linear, never a regex: `a*a*a*…` backtracks exponentially in one (see core/wildcard.ts).
    return typeof x === 'string' && compileWildcard(String(op.wildcard)).test(x);
  }
  if ('anything-but' in op) {
    const a = op['anything-but'];
    if (Array.isArray(a)) return !a.some((c) => equal(c, x));
    if (a && typeof a === 'object') {
      const o = a as Record<string, unknown>;
      if ('prefix' in o) return !(typeof x === 'string' && x.startsWith(String(o.prefix)));
      if ('suffix' in o) return !(typeof x === 'string' && x.endsWith(String(o.suffix)));
      if ('equals-ignore-case' in o) {
        const list = Array.isArray(o['equals-ignore-case']) ? o['equals-ignore-case'] : [o['equals-ignore-case']];
        return !(typeof x === 'string' && list.some((c) => String(c).toLowerCase() === x.toLowerCase()));
      }
      return true;
    }
    return !equal(a, x);
  }
  if ('numeric' in op) {
    const n = typeof x === 'number' ? x : typeof x === 'string' && x.trim() !== '' ? Number(x) : NaN;
    if (Number.isNaN(n)) return false;
    const spec = op.numeric as unknown[];
    for (let i = 0; i + 1 < spec.length; i += 2) {
      const b = Number(spec[i + 1]);
      switch (spec[i]) {
        case '=': if (!(n === b)) return false; break;
        case '<': if (!(n < b)) return false; break;
        case '<=': if (!(n <= b)) return false; break;
        case '>': if (!(n > b)) return false; break;
        case '>=': if (!(n >= b)) return false; break;
        default: return false;
      }
    }
    return true;
  }
  return false;
}
