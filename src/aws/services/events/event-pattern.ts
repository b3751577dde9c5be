// EventBridge event patterns: the content-filter engine (src/core/content-filter) under EventBridge's
// dialect — every operator, wildcards within event-ruler's complexity limit, numbers within ±5e9 at
// six decimals, refusals as InvalidEventPatternException's "Event pattern is not valid. Reason: …".
// Compiled once (PutRule, TestEventPattern), then matched against each event.
import { compileFilter, jsonSubject, matchesFilter, MAX_WILDCARD_COMPLEXITY, type ContentFilter, type Dialect } from '../../../core/content-filter/index.ts';

export type EventPattern = ContentFilter;

export class EventPatternError extends Error {}

/** EventBridge's "Event pattern size" quota (the default, adjustable up to 4096). */
export const MAX_PATTERN_CHARS = 2048;

export const EVENTBRIDGE_DIALECT: Dialect = {
  operators: new Set(['prefix', 'suffix', 'equals-ignore-case', 'wildcard', 'anything-but', 'numeric', 'exists', 'cidr']),
  anythingBut: new Set(['prefix', 'suffix', 'equals-ignore-case', 'wildcard']),
  // "Numeric matching … is limited to values between -5.0e9 and +5.0e9 inclusive, with 15 digits of
  // precision, or six digits to the right of the decimal point" (EventBridge user guide).
  numbers: { limit: 5e9, inclusive: true, decimals: 6 },
  literalsInRange: false,
  maxLength: { limit: MAX_PATTERN_CHARS, unit: 'characters' },
  maxDepth: 100,
  orIsNesting: true,
  nesting: true,
  nullValues: true,
  booleansAsStrings: false,
  numbersMatchNumericStrings: false,
  maxWildcardComplexity: MAX_WILDCARD_COMPLEXITY,
  wording: { 'too-long': (limit) => `Event pattern size must be at most ${limit} characters` },
  refuse: (reason) => new EventPatternError(`Event pattern is not valid. Reason: ${reason}`),
};

export function parseEventPattern(text: string): EventPattern {
  return compileFilter(text, EVENTBRIDGE_DIALECT);
}

export function matchesPattern(pattern: EventPattern, event: Record<string, unknown>): boolean {
  return matchesFilter(pattern, jsonSubject(event));
}
