// EC2-style filters: `Filter.N.Name` / `Filter.N.Value.M` on the wire, `Filters: [{Name, Values}]`
// once parsed. Filters combine with AND, the values of one filter with OR; values may use `*` (any
// run) and `?` (one character) wildcards; `tag:<key>` matches a tag's value, `tag-key` a key and
// `tag-value` any value (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/Using_Filtering.html).
import { compileWildcard, type Wildcard } from '../wildcard.ts';
import type { TagMap } from './tags.ts';

export interface Filter {
  Name?: string;
  Values?: string[];
}

type FieldValue = string | number | boolean | null | undefined;

/** The filter names a resource answers to and where each reads its value(s). */
export type FilterFields<R> = Record<string, (resource: R) => FieldValue | FieldValue[]>;

export interface FilterOptions<R> {
  /** The resource's tags, for `tag:<key>`, `tag-key` and `tag-value`. */
  tags?: (resource: R) => TagMap;
  /** The service's error for a filter name it does not know (EC2: InvalidParameterValue). */
  unknown: (name: string) => Error;
}

/** The resources that pass every filter. */
export function applyFilters<R>(resources: R[], filters: Filter[] | undefined, fields: FilterFields<R>, options: FilterOptions<R>): R[] {
  if (!filters?.length) return resources;
  const tests = filters.map((f) => compileFilter(f, fields, options));
  return resources.filter((r) => tests.every((t) => t(r)));
}

function compileFilter<R>(f: Filter, fields: FilterFields<R>, options: FilterOptions<R>): (r: R) => boolean {
  const name = f.Name ?? '';
  const patterns = (f.Values ?? []).map((v) => compileWildcard(v, { anyChar: true }));
  const any = (values: FieldValue[]) => values.some((v) => v !== undefined && v !== null && matchesAny(patterns, String(v)));
  if (name.startsWith('tag:') && options.tags) {
    const key = name.slice(4);
    return (r) => {
      const tags = options.tags!(r);
      return Object.hasOwn(tags, key) && any([tags[key]]);
    };
  }
  if (name === 'tag-key' && options.tags) return (r) => any(Object.keys(options.tags!(r)));
  if (name === 'tag-value' && options.tags) return (r) => any(Object.values(options.tags!(r)));
  const field = Object.hasOwn(fields, name) ? fields[name] : undefined;
  if (!field) throw options.unknown(name);
  return (r) => {
    const v = field(r);
    return any(Array.isArray(v) ? v : [v]);
  };
}

function matchesAny(patterns: Wildcard[], value: string): boolean {
  return patterns.some((p) => p.test(value));
}
