// Event filtering of event source mappings (FilterCriteria): the content-filter engine
// (src/core/content-filter) with EventBridge's grammar — Lambda filters with the same event-ruler —
// where any one of the mapping's filters matching lets the record through. What a filter sees is the
// record with its payload opened: an SQS `body` and a Kinesis `data` (base64) are parsed when they
// hold JSON, so `{"body": {"kind": ["keep"]}}` and `{"data": {...}}` reach inside them.
import { invalidParameter } from '../names.ts';
import { compileFilter, jsonSubject, matchesFilter, MAX_WILDCARD_COMPLEXITY, type ContentFilter, type Dialect } from '../../../../core/content-filter/index.ts';

const BASE: Omit<Dialect, 'refuse'> = {
  operators: new Set(['prefix', 'suffix', 'equals-ignore-case', 'wildcard', 'anything-but', 'numeric', 'exists', 'cidr']),
  anythingBut: new Set(['prefix', 'suffix', 'equals-ignore-case', 'wildcard']),
  numbers: { limit: 5e9, inclusive: true, decimals: 6 },
  literalsInRange: false,
  // Filter.Pattern: "Length Constraints: Minimum length of 0. Maximum length of 4096" (Lambda API reference).
  maxLength: { limit: 4096, unit: 'characters' },
  maxDepth: 100,
  orIsNesting: true,
  nesting: true,
  nullValues: true,
  booleansAsStrings: false,
  // DynamoDB stream records carry numbers as strings ({"N": "5"}); a numeric filter still compares them.
  numbersMatchNumericStrings: true,
  maxWildcardComplexity: MAX_WILDCARD_COMPLEXITY,
};

export function compileFilters(filters: Array<{ Pattern?: string }> | undefined): ((record: unknown) => boolean) | undefined {
  if (!filters?.length) return undefined;
  // Checked when the mapping was saved; one stored before a stricter check lets nothing through
  // rather than stopping the poller (an unknown operator always matched nothing).
  const patterns = filters.flatMap((f) => {
    try {
      return [parsePattern(f.Pattern ?? '{}')];
    } catch {
      return [];
    }
  });
  return (record) => {
    const view = filterView(record);
    return view !== undefined && patterns.some((p) => matchesFilter(p, jsonSubject(view)));
  };
}

/** Compiles one filter pattern; InvalidParameterValueException naming the pattern when it is not valid. */
export function parsePattern(text: string): ContentFilter {
  return compileFilter(text, { ...BASE, refuse: (reason) => invalidParameter(`Invalid filter pattern definition: ${text}. Reason: ${reason}`) });
}

/** The record as filters see it: a JSON SQS body or Kinesis data parsed, other records as they are. */
function filterView(record: unknown): Record<string, unknown> | undefined {
  if (!isObject(record)) return undefined;
  if (typeof record.body === 'string') return { ...record, body: parsed(record.body) };
  const kinesis = record.kinesis;
  if (isObject(kinesis) && typeof kinesis.data === 'string') return { ...record, data: parsed(Buffer.from(kinesis.data, 'base64').toString('utf8')) };
  return record;
}

/** A JSON object or array as itself; anything else stays the plain string it was. */
function parsed(text: string): unknown {
  try {
    const v: unknown = JSON.parse(text);
    if (v !== null && typeof v === 'object') return v;
  } catch {}
  return text;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
