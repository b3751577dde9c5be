// One content-filter engine for SNS filter policies, EventBridge event patterns and Lambda event
// source mapping filters: compile a filter text under a service's dialect, then match subjects.
export { compileFilter } from './compile.ts';
export { matchesFilter } from './match.ts';
export { jsonSubject, type Subject, type JsonSubjectOptions } from './subject.ts';
export { DEFAULT_WORDING, type AnythingButForm, type Dialect, type Operator, type Reason } from './dialect.ts';
export type { Clause, Condition, ContentFilter, Field, Leaf } from './model.ts';
export type { NumericRange } from './numeric.ts';
export { MAX_WILDCARD_COMPLEXITY } from './wildcard-complexity.ts';
