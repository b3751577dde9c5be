// What a service changes in the one content-filter grammar. SNS filter policies, EventBridge event
// patterns and Lambda's event filters are all the same language (AWS's event-ruler): keys ANDed,
// listed values ORed, `$or` alternatives, the same operators. A dialect says only what differs: which
// operators exist, the limits, how numbers are bounded, and how each refusal is worded and thrown.
import type { NumericRange } from './numeric.ts';

export type Operator = 'prefix' | 'suffix' | 'equals-ignore-case' | 'wildcard' | 'anything-but' | 'numeric' | 'exists' | 'cidr';
export type AnythingButForm = 'prefix' | 'suffix' | 'equals-ignore-case' | 'wildcard';

/** Why a filter is refused; `detail` is the offending key, operator or text where the wording names it. */
export type Reason =
  | 'too-long' | 'json' | 'not-object' | 'too-deep' | 'field-shape' | 'nesting' | 'empty-array'
  | 'match-value' | 'one-key' | 'unknown-operator' | 'string-operand' | 'ignore-case-operand' | 'exists-operand'
  | 'numeric-shape' | 'numeric-operator' | 'numeric-operand' | 'numeric-order' | 'numeric-bounds' | 'number-range'
  | 'cidr-operand' | 'cidr-block' | 'anything-but-value' | 'anything-but-form' | 'anything-but-list'
  | 'wildcard-consecutive' | 'wildcard-escape' | 'wildcard-complexity' | 'too-many-keys' | 'too-complex';

/** event-ruler's wording (EventBridge answers with it); a dialect overrides where its service differs. */
export const DEFAULT_WORDING: Record<Reason, (detail: string) => string> = {
  'too-long': () => 'Filter is too long',
  json: (d) => `Filter is not valid JSON: ${d}`,
  'not-object': () => 'Filter is not an object',
  'too-deep': () => 'Filter nesting is too deep',
  'field-shape': (key) => `"${key}" must be an object or an array`,
  nesting: (key) => `"${key}" must be an object or an array`,
  'empty-array': () => 'Empty arrays are not allowed',
  'match-value': () => 'Match value must be String, number, true, false, or null',
  'one-key': () => 'Only one key allowed in match expression',
  'unknown-operator': (op) => `Unrecognized match type ${op}`,
  'string-operand': (op) => `${op} match pattern must be a string`,
  'ignore-case-operand': () => 'equals-ignore-case match pattern must be a string',
  'exists-operand': () => 'exists match pattern must be either true or false.',
  'numeric-shape': () => 'Value of numeric must be an array.',
  'numeric-operator': (op) => `Unrecognized numeric range operator: ${op}`,
  'numeric-operand': (op) => `Value of ${op} must be numeric`,
  'numeric-order': () => 'Bad numeric range operator',
  'numeric-bounds': () => 'Bottom must be less than top',
  'number-range': () => 'Numeric values must be within the range -5.0E9 and 5.0E9',
  'cidr-operand': () => 'cidr match pattern must be a string',
  'cidr-block': (text) => `Nonstandard IP address: ${text}`,
  'anything-but-value': () => 'Inside anything but list, start|null|boolean is not supported.',
  'anything-but-form': (op) => `Unsupported anything-but pattern: ${op}`,
  'anything-but-list': (op) => `Inside anything-but/${op} list, number|start|null|boolean is not supported.`,
  'wildcard-consecutive': (pos) => `Consecutive wildcard characters at pos ${pos}`,
  'wildcard-escape': (pos) => `Invalid escape character at pos ${pos}`,
  'wildcard-complexity': () => 'Rule is too complex - try using fewer wildcard characters or fewer repeating character sequences after a wildcard character',
  'too-many-keys': () => 'Filter has too many keys',
  'too-complex': () => 'Filter is too complex',
};

export interface Dialect {
  /** Operators this service accepts inside a field's list (others: 'unknown-operator'). */
  operators: ReadonlySet<Operator>;
  /** The object forms `anything-but` accepts besides a value or a list of values. */
  anythingBut: ReadonlySet<AnythingButForm>;
  /** Numbers the service compares: range and precision. */
  numbers: NumericRange;
  /** Whether every number in the filter (not only numeric bounds) must lie in the range (SNS). */
  literalsInRange: boolean;
  /** The longest filter text the service takes. */
  maxLength?: { limit: number; unit: 'characters' | 'bytes' };
  /** The deepest object nesting (the document itself is level 1). */
  maxDepth: number;
  /** Whether `$or` alternatives count as a level of nesting (EventBridge) or not (SNS). */
  orIsNesting: boolean;
  /** Whether a field may hold an object (a nested filter); SNS attribute policies may not. */
  nesting: boolean;
  /** Whether `null` is a value one may match (SNS attribute policies: no). */
  nullValues: boolean;
  /** Booleans compare as the strings "true"/"false" (SNS); otherwise as JSON booleans. */
  booleansAsStrings: boolean;
  /** A number in the filter also equals a string holding that number in the subject (Lambda). */
  numbersMatchNumericStrings: boolean;
  /** Top-level keys allowed (a nested object counts once; the largest `$or` alternative's keys add). */
  maxKeys?: number;
  /** The most alternatives the filter may expand to (each listed value and `$or` branch is one). */
  maxCombinations?: number;
  /** event-ruler's limit on the states one wildcard field can keep alive at once. */
  maxWildcardComplexity?: number;
  /** Wording where this service differs from event-ruler's. */
  wording?: Partial<Record<Reason, (detail: string) => string>>;
  /** The error this service throws for a refused filter, given the worded reason. */
  refuse(message: string): Error;
}

/** Throws the dialect's error for `reason`. */
export function refuse(dialect: Dialect, reason: Reason, detail = ''): never {
  const word = dialect.wording?.[reason] ?? DEFAULT_WORDING[reason];
  throw dialect.refuse(word(detail));
}
