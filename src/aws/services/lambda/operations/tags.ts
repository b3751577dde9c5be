// Tags on functions (by unqualified ARN), event source mappings and code signing configs.
import type * as T from '../generated/types.ts';
import type { Ctx } from '../state.ts';
import { invalidParameter, notFound, parseUnqualified } from '../names.ts';
import { ServiceError } from '../../../../core/errors.ts';
import { applyTags, removeTags, validateTags, type TagRules } from '../../../../core/resources/tags.ts';

/** Lambda's tag rules and words: the count first, then each tag's key, prefix and value. */
const LAMBDA_TAGS: TagRules = {
  countFirst: true,
  reservedIgnoresCase: true,
  order: ['key', 'reserved', 'value'],
  error: (p) => {
    switch (p.kind) {
      case 'count': return invalidParameter('Number of tags exceeds resource tag limit.');
      case 'key': return invalidParameter(`Tag key ${p.key} must be 1 to 128 characters long.`);
      case 'reserved': return invalidParameter(`Tag keys starting with 'aws:' are reserved for AWS use.`);
      default: return invalidParameter(`Tag value of ${p.key} must be at most 256 characters long.`);
    }
  },
};

export function checkTags(tags: Record<string, string>): void {
  validateTags(tags, LAMBDA_TAGS);
}

interface Tagged {
  get(): Record<string, string>;
  set(tags: Record<string, string>): Promise<void>;
}

async function resource(ctx: Ctx, arn: string): Promise<Tagged> {
  const t = ctx.state.tables;
  if (/^arn:[^:]+:lambda:[^:]+:\d{12}:event-source-mapping:/.test(arn)) {
    const uuid = arn.slice(arn.lastIndexOf(':') + 1);
    const m = await t.mapping(uuid);
    if (!m) throw notFound(`The resource you requested does not exist. (Service: Lambda, Status Code: 404, Request ID: ${ctx.requestId})`);
    return {
      get: () => (JSON.parse(m.config) as { Tags?: Record<string, string> }).Tags ?? {},
      set: (tags) => t.putMapping({ ...m, config: JSON.stringify({ ...JSON.parse(m.config), Tags: tags }) }),
    };
  }
  if (/^arn:[^:]+:lambda:[^:]+:\d{12}:code-signing-config:/.test(arn)) {
    const m = /^arn:[^:]+:lambda:([^:]+):(\d{12}):code-signing-config:(.+)$/.exec(arn)!;
    const c = await t.codeSigningConfig(m[2], m[1], m[3]);
    if (!c) throw notFound(`The resource you requested does not exist.`);
    return {
      get: () => (JSON.parse(c.config) as { Tags?: Record<string, string> }).Tags ?? {},
      set: (tags) => t.putCodeSigningConfig(m[2], m[1], m[3], JSON.stringify({ ...JSON.parse(c.config), Tags: tags }), c.modified_at),
    };
  }
  if (!/^arn:[^:]+:lambda:/.test(arn)) throw new ServiceError('ValidationException', `1 validation error detected: Value '${arn}' at 'resource' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:(aws[a-zA-Z-]*):lambda:[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{1}:\\d{12}:(function:[a-zA-Z0-9-_]+(:(\\$LATEST|[a-zA-Z0-9-_]+))?|code-signing-config:csc-[a-z0-9]{17}|event-source-mapping:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})`, 400);
  if (/:function:[^:]+:[^:]+$/.test(arn)) throw invalidParameter('Tags on function aliases and versions are not supported. Please specify a function ARN.');
  const ref = parseUnqualified(arn, { account: ctx.account, region: ctx.region }, 'resource');
  const fn = await t.fn(ref.account, ref.region, ref.name);
  if (!fn) throw notFound(`Function not found: ${arn}`);
  return {
    get: () => JSON.parse(fn.tags) as Record<string, string>,
    set: (tags) => t.setFunction(fn.id, 'tags', JSON.stringify(tags)),
  };
}

// Tagging reads the tags and writes them merged, in one unit: concurrent TagResource calls lose no tag.

export async function tagResource(input: T.TagResourceRequest, ctx: Ctx): Promise<void> {
  await ctx.state.tables.atomically(async () => {
    const r = await resource(ctx, input.Resource);
    await r.set(applyTags(r.get(), input.Tags, LAMBDA_TAGS));
  });
}

export async function untagResource(input: T.UntagResourceRequest, ctx: Ctx): Promise<void> {
  await ctx.state.tables.atomically(async () => {
    const r = await resource(ctx, input.Resource);
    await r.set(removeTags(r.get(), input.TagKeys));
  });
}

export async function listTags(input: T.ListTagsRequest, ctx: Ctx): Promise<T.ListTagsResponse> {
  return { Tags: (await resource(ctx, input.Resource)).get() };
}
