// Member constraints (length, range, pattern) checked by handlers, reported in AWS's own words. The
// models' own constraints are enforced generically before handlers run (validate.ts); handlers state
// only the rules the models do not carry (DynamoDB's table-name rules for non-ARN names, ...).
import { ServiceError } from '../../core/errors.ts';
import { validationMessage } from './validate.ts';

export class ConstraintChecker {
  readonly problems: string[] = [];

  length(path: string, value: string | unknown[] | undefined, min: number, max?: number): this {
    if (value === undefined) return this;
    const n = value.length;
    const shown = typeof value === 'string' ? value : `[${value.join(', ')}]`;
    if (n < min) this.problems.push(`Value '${shown}' at '${path}' failed to satisfy constraint: Member must have length greater than or equal to ${min}`);
    else if (max !== undefined && n > max) this.problems.push(`Value '${shown}' at '${path}' failed to satisfy constraint: Member must have length less than or equal to ${max}`);
    return this;
  }

  range(path: string, value: number | undefined, min: number, max?: number): this {
    if (value === undefined) return this;
    if (value < min) this.problems.push(`Value '${value}' at '${path}' failed to satisfy constraint: Member must have value greater than or equal to ${min}`);
    else if (max !== undefined && value > max) this.problems.push(`Value '${value}' at '${path}' failed to satisfy constraint: Member must have value less than or equal to ${max}`);
    return this;
  }

  /** `pattern` is shown as AWS shows it; `re` must match the whole value. */
  pattern(path: string, value: string | undefined, re: RegExp, pattern: string): this {
    if (value === undefined) return this;
    if (!re.test(value)) this.problems.push(`Value '${value}' at '${path}' failed to satisfy constraint: Member must satisfy regular expression pattern: ${pattern}`);
    return this;
  }

  /** Throws the protocol's validation error (`code`) when any constraint failed. */
  check(code: string): void {
    if (this.problems.length) throw new ServiceError(code, validationMessage(this.problems), 400);
  }
}

export function constraints(): ConstraintChecker {
  return new ConstraintChecker();
}
