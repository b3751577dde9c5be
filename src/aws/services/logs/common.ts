// What every CloudWatch Logs operation shares: finding a log group by name or ARN, ARNs, the service's
// errors in its own words, and opaque pagination tokens.
import type { RequestContext } from '../../../core/service.ts';
import { ServiceError } from '../../../core/errors.ts';
import { pageTokens as definePageTokens, type TokenContext } from '../../../core/resources/page-token.ts';
import { validateTags, type TagRules } from '../../../core/resources/tags.ts';
import type { GroupRow, LogsStore } from './store.ts';
import { formatArn } from '../../../core/resources/arn.ts';

export type Ctx = RequestContext<LogsStore>;

export const RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

export function invalidParameter(message: string): ServiceError {
  return new ServiceError('InvalidParameterException', message, 400);
}

export function groupNotFound(): ServiceError {
  return new ServiceError('ResourceNotFoundException', 'The specified log group does not exist.', 400);
}

export function streamNotFound(): ServiceError {
  return new ServiceError('ResourceNotFoundException', 'The specified log stream does not exist.', 400);
}

export function groupArn(g: Pick<GroupRow, 'account' | 'region' | 'name'>): string {
  return formatArn({ service: 'logs', region: g.region, account: g.account, resource: `log-group:${g.name}` });
}

export function streamArn(g: Pick<GroupRow, 'account' | 'region' | 'name'>, stream: string): string {
  return `${groupArn(g)}:log-stream:${stream}`;
}

/** The log group named by `logGroupName` or `logGroupIdentifier` (a name or an ARN). */
export async function findGroup(ctx: Ctx, input: { logGroupName?: string; logGroupIdentifier?: string }): Promise<GroupRow> {
  if (input.logGroupName !== undefined && input.logGroupIdentifier !== undefined) {
    throw invalidParameter('LogGroup name and LogGroup ARN are mutually exclusive parameters.');
  }
  const id = input.logGroupName ?? input.logGroupIdentifier;
  if (id === undefined) throw invalidParameter('Either logGroupName or logGroupIdentifier must be specified.');
  const { account, region, name } = groupIdentity(ctx, id);
  const g = await ctx.state.group(account, region, name);
  if (!g) throw groupNotFound();
  return g;
}

/** Account, region and name of a log group given by name or by ARN (`...:log-group:NAME[:*]`). */
export function groupIdentity(ctx: Ctx, id: string): { account: string; region: string; name: string } {
  if (id.startsWith('arn:')) {
    const m = /^arn:[^:]+:logs:([^:]*):(\d{12}):log-group:([^:]+)(:\*)?$/.exec(id);
    if (!m) throw invalidParameter(`Invalid log group ARN: ${id}`);
    return { region: m[1] || ctx.region, account: m[2], name: m[3] };
  }
  return { account: ctx.account, region: ctx.region, name: id };
}

export async function requireGroup(ctx: Ctx, name: string): Promise<GroupRow> {
  const g = await ctx.state.group(ctx.account, ctx.region, name);
  if (!g) throw groupNotFound();
  return g;
}

/** nextToken: the engine's signed page token around a position object ({after}, {offset}, {ts, id}). */
const pageTokens = definePageTokens<Record<string, unknown>>({
  invalid: () => invalidParameter('The specified nextToken is invalid.'),
  parse: (p) => (p !== null && typeof p === 'object' && !Array.isArray(p) ? (p as Record<string, unknown>) : undefined),
  empty: 'invalid',
});

export function encodeToken(ctx: TokenContext, value: Record<string, unknown>): Promise<string> {
  return pageTokens.issue(ctx, value);
}

export async function decodeToken<T>(ctx: TokenContext, token: string | undefined): Promise<T | undefined> {
  return (await pageTokens.read(ctx, token)) as T | undefined;
}

/** Earliest event timestamp a group still keeps under its retention policy (events before are expired). */
export function retentionCutoff(g: GroupRow, now: number): number {
  return g.retention_days === null ? -Infinity : now - g.retention_days * 86_400_000;
}

export function parseTags(json: string): Record<string, string> {
  return JSON.parse(json) as Record<string, string>;
}

/** CloudWatch Logs' tag rules and words: the count first, then each key, its prefix and its value. */
export const LOGS_TAGS: TagRules = {
  countFirst: true,
  order: ['key', 'reserved', 'value'],
  error: (p) => {
    switch (p.kind) {
      case 'count': return new ServiceError('TooManyTagsException', 'A resource can have no more than 50 tags.', 400);
      case 'key': return invalidParameter(`Tag key '${p.key}' must be 1 to 128 characters long.`);
      case 'reserved': return invalidParameter(`Tag keys starting with 'aws:' are reserved.`);
      default: return invalidParameter(`Tag value for '${p.key}' must be at most 256 characters long.`);
    }
  },
};

export function checkTags(tags: Record<string, string>): void {
  validateTags(tags, LOGS_TAGS);
}
