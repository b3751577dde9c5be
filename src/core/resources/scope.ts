// Where a resource lives. AWS resources are regional (an account and a region) or account-global
// (IAM roles, S3 bucket names in the account's list, CloudFront); Google Cloud's live in a project and
// a location. Every scoped query filters on the same columns, so the fragment is written once here.
import type { SqlValue } from '../store.ts';

/** An account and a region: SQS queues, Lambda functions, DynamoDB tables. */
export interface RegionalScope {
  account: string;
  region: string;
}

/** Account-wide resources (IAM, Organizations): the region column holds '' for them. */
export interface GlobalScope {
  account: string;
  region?: undefined;
}

/** A Google Cloud project and location ('global' for global resources). */
export interface ProjectScope {
  project: string;
  location: string;
}

export type Scope = RegionalScope | GlobalScope | ProjectScope;

export type ScopeKind = 'regional' | 'global' | 'project';

/** The scope an operation runs in, narrowed to what a resource of `kind` is keyed by. */
export function scopeOf(kind: ScopeKind, ctx: { account: string; region: string }): Scope {
  if (kind === 'global') return { account: ctx.account };
  if (kind === 'project') return { project: ctx.account, location: ctx.region };
  return { account: ctx.account, region: ctx.region };
}

/** The two values stored for a scope: owner (account or project) and place (region, location or ''). */
export function scopeKey(scope: Scope): [owner: string, place: string] {
  if ('project' in scope) return [scope.project, scope.location];
  return [scope.account, scope.region ?? ''];
}

/**
 * `account = ? AND region = ?` and its parameters, with the table's own column names (and alias).
 * Usage: `const s = scoped(scope); db.all(\`SELECT … WHERE ${s.sql} AND name > ?\`, ...s.params, after)`.
 */
export function scoped(
  scope: Scope,
  columns: { owner?: string; place?: string; alias?: string } = {},
): { sql: string; params: SqlValue[] } {
  const prefix = columns.alias ? `${columns.alias}.` : '';
  const owner = prefix + (columns.owner ?? ('project' in scope ? 'project' : 'account'));
  const place = prefix + (columns.place ?? ('project' in scope ? 'location' : 'region'));
  const [o, p] = scopeKey(scope);
  return { sql: `${owner} = ? AND ${place} = ?`, params: [o, p] };
}

/** The fragment alone, for SQL kept as a constant: `account = ? AND region = ?` (or its columns). */
export function scopeSql(kind: ScopeKind = 'regional', columns: { owner?: string; place?: string; alias?: string } = {}): string {
  const prefix = columns.alias ? `${columns.alias}.` : '';
  const owner = prefix + (columns.owner ?? (kind === 'project' ? 'project' : 'account'));
  const place = prefix + (columns.place ?? (kind === 'project' ? 'location' : 'region'));
  return `${owner} = ? AND ${place} = ?`;
}

/** The values for scopeSql's two placeholders, in order. */
export function scopeParams(scope: Scope): [string, string] {
  return scopeKey(scope);
}

/** Whether a stored row's owner and place belong to `scope`. */
export function inScope(scope: Scope, row: { account?: string; region?: string; project?: string; location?: string }): boolean {
  const [o, p] = scopeKey(scope);
  return 'project' in scope ? row.project === o && row.location === p : row.account === o && (row.region ?? '') === p;
}
