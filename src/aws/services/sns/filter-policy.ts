// SNS subscription filter policies: the content-filter engine (src/core/content-filter) under SNS's
// dialect. Checked once (when the policy is set), then matched against each message's attributes
// (FilterPolicyScope MessageAttributes: flat, DataType decides how a value compares) or its JSON body
// (MessageBody: nested objects allowed). SNS's limits (Filter policy constraints, SNS developer
// guide): five keys, 150 combinations, 256 KB, numbers within ±1e9 at five decimals; no wildcards.
import { compileFilter, jsonSubject, matchesFilter, type ContentFilter, type Dialect, type Leaf, type Subject } from '../../../core/content-filter/index.ts';
import type { MessageAttributeValue } from '../../../core/delivery.ts';

export type FilterScope = 'MessageAttributes' | 'MessageBody';

export interface FilterPolicy {
  scope: FilterScope;
  filter: ContentFilter;
}

export class FilterPolicyError extends Error {}

function dialect(scope: FilterScope): Dialect {
  const attributes = scope === 'MessageAttributes';
  return {
    operators: new Set(['prefix', 'suffix', 'equals-ignore-case', 'anything-but', 'numeric', 'exists', 'cidr']),
    anythingBut: new Set(['prefix', 'suffix', 'equals-ignore-case']),
    numbers: { limit: 1e9, inclusive: false, decimals: 5 },
    literalsInRange: true,
    maxLength: { limit: 256 * 1024, unit: 'bytes' },
    // Five levels below the policy itself; `$or` adds none.
    maxDepth: 6,
    orIsNesting: false,
    nesting: !attributes,
    nullValues: !attributes,
    booleansAsStrings: true,
    numbersMatchNumericStrings: false,
    maxKeys: 5,
    maxCombinations: 150,
    wording: {
      'too-long': () => 'Filter policy is too long',
      json: () => 'failed to parse JSON.',
      'not-object': () => 'Filter policy must be a JSON object',
      'too-deep': () => 'Filter policy has more than 5 levels of nesting',
      // SNS names the wrong operator in this message; it is what SNS answers.
      'cidr-operand': () => 'prefix match pattern must be a string',
      'number-range': () => 'Numeric values must be within the range -1.0E9 and 1.0E9',
      'too-many-keys': () => 'Filter policy can not have more than 5 keys',
      'too-complex': () => 'Filter policy is too complex',
    },
    refuse: (reason) => new FilterPolicyError(reason),
  };
}

const DIALECTS: Record<FilterScope, Dialect> = { MessageAttributes: dialect('MessageAttributes'), MessageBody: dialect('MessageBody') };

/** Parses and checks a policy; throws FilterPolicyError with SNS's wording on anything invalid. */
export function parseFilterPolicy(text: string, scope: FilterScope): FilterPolicy {
  return { scope, filter: compileFilter(text, DIALECTS[scope]) };
}

export function matchesAttributes(policy: FilterPolicy, attributes: Record<string, MessageAttributeValue> | undefined): boolean {
  return matchesFilter(policy.filter, attributeSubject(attributes ?? {}));
}

export function matchesBody(policy: FilterPolicy, body: string): boolean {
  let doc: unknown;
  try {
    doc = JSON.parse(body);
  } catch {
    return false;
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return false;
  return matchesFilter(policy.filter, jsonSubject(doc as Record<string, unknown>, { booleansAsStrings: true }));
}

/** Message attributes as a flat subject: any attribute exists; its DataType decides its values. */
function attributeSubject(attributes: Record<string, MessageAttributeValue>): Subject {
  return {
    leaves: (key) => (Object.hasOwn(attributes, key) ? attributeValues(attributes[key]) : undefined),
    has: (key) => Object.hasOwn(attributes, key),
    children: () => [],
  };
}

function attributeValues(a: MessageAttributeValue): Leaf[] {
  const type = a.DataType.split('.')[0];
  if (type === 'String') {
    if (!a.DataType.startsWith('String.Array')) return [a.StringValue ?? ''];
    try {
      const arr: unknown = JSON.parse(a.StringValue ?? '');
      if (!Array.isArray(arr)) return [];
      return arr.filter((x) => typeof x === 'string' || typeof x === 'number' || x === null || typeof x === 'boolean').map((x) => (typeof x === 'boolean' ? String(x) : x));
    } catch {
      return [];
    }
  }
  if (type === 'Number') {
    const n = Number(a.StringValue);
    return Number.isFinite(n) ? [n] : [];
  }
  // Binary attributes take part in no match (but they do exist).
  return [];
}
