// The `numeric` operator's arithmetic. Both engines behind SNS and EventBridge compare numbers in a
// fixed range at a fixed precision (SNS: ±1e9, five decimals; EventBridge: ±5e9, six decimals), so
// 1.0000001 and 1.0000002 are the same number to EventBridge. A value is compared as an integer count
// of the precision's units (5e9 × 1e6 < 2^53: exact in a double), and a value outside the range takes
// part in no numeric comparison at all.

export type NumericOperator = '=' | '<' | '<=' | '>' | '>=';

export interface NumericCheck {
  op: NumericOperator;
  v: number;
}

/** What numbers a dialect can compare. */
export interface NumericRange {
  /** The largest magnitude compared. */
  limit: number;
  /** Whether ±limit itself is allowed. */
  inclusive: boolean;
  /** Digits kept to the right of the decimal point. */
  decimals: number;
}

export const NUMERIC_OPERATORS: ReadonlySet<string> = new Set(['=', '<', '<=', '>', '>=']);

export function inRange(range: NumericRange, n: number): boolean {
  return Number.isFinite(n) && (range.inclusive ? Math.abs(n) <= range.limit : Math.abs(n) < range.limit);
}

/** `n` in units of the range's precision; undefined when it is outside the range. */
export function quantize(range: NumericRange, n: number): number | undefined {
  return inRange(range, n) ? Math.round(n * 10 ** range.decimals) : undefined;
}

/** Two numbers equal at the range's precision (outside the range: only when identical). */
export function sameNumber(range: NumericRange, a: number, b: number): boolean {
  if (a === b) return true;
  const qa = quantize(range, a);
  return qa !== undefined && qa === quantize(range, b);
}

/** Whether `value` satisfies every check of a numeric range; the checks' bounds are already quantized. */
export function numericHolds(range: NumericRange, checks: readonly NumericCheck[], value: unknown): boolean {
  if (typeof value !== 'number') return false;
  const q = quantize(range, value);
  if (q === undefined) return false;
  return checks.every(({ op, v }) => (op === '=' ? q === v : op === '<' ? q < v : op === '<=' ? q <= v : op === '>' ? q > v : q >= v));
}
