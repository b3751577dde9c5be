// Topic tags: at most 50 per topic, keys 1–128 and values 0–256 characters, no `aws:` keys (the
// resource engine's rules, src/core/resources/tags.ts, in SNS's words).
import { ServiceError } from '../../../../core/errors.ts';
import { applyTags, removeTags, tagList, validateTags, type TagMap, type TagRules } from '../../../../core/resources/tags.ts';
import type { ListTagsForResourceRequest, ListTagsForResourceResponse, Tag, TagResourceRequest, TagResourceResponse, UntagResourceRequest, UntagResourceResponse } from '../generated/types.ts';
import type { Ctx } from '../state.ts';
import type { TopicRow } from '../store.ts';
import { checkArn, invalidParameter } from './common.ts';

const tooMany = () => new ServiceError('TagLimitExceeded', 'Could not complete request: tag quota of per resource exceeded', 400);

/** SNS's tag rules and words (each tag is checked, then the count). */
const SNS_TAGS: TagRules = {
  reservedIgnoresCase: true,
  error: (p) => {
    switch (p.kind) {
      case 'key': return invalidParameter('Tags Reason: Tag key must be between 1 and 128 characters');
      case 'value': return invalidParameter('Tags Reason: Tag value must be at most 256 characters');
      case 'reserved': return invalidParameter('Tags Reason: Keys can not start with "aws:"');
      default: return tooMany();
    }
  },
};

export function checkTags(tags: Tag[]): void {
  validateTags(tags, SNS_TAGS);
}

async function taggedTopic(ctx: Ctx, arn: string): Promise<TopicRow> {
  checkArn(arn, 'ResourceArn');
  const row = await ctx.state.store.topicRow(arn);
  if (!row) throw new ServiceError('ResourceNotFound', 'Resource does not exist', 404);
  return row;
}

/** Tags are read, merged and written in one unit: concurrent TagResource calls lose no tag. */
export async function tagResource(input: TagResourceRequest, ctx: Ctx): Promise<TagResourceResponse> {
  await ctx.state.store.atomically(async () => {
    const row = await taggedTopic(ctx, input.ResourceArn);
    checkTags(input.Tags);
    const tags = applyTags(JSON.parse(row.tags) as TagMap, input.Tags, SNS_TAGS);
    await ctx.state.store.updateTopic(row.arn, { tags: JSON.stringify(tags) });
  });
  return {};
}

export async function untagResource(input: UntagResourceRequest, ctx: Ctx): Promise<UntagResourceResponse> {
  await ctx.state.store.atomically(async () => {
    const row = await taggedTopic(ctx, input.ResourceArn);
    const tags = removeTags(JSON.parse(row.tags) as TagMap, input.TagKeys);
    await ctx.state.store.updateTopic(row.arn, { tags: JSON.stringify(tags) });
  });
  return {};
}

export async function listTagsForResource(input: ListTagsForResourceRequest, ctx: Ctx): Promise<ListTagsForResourceResponse> {
  const row = await taggedTopic(ctx, input.ResourceArn);
  return { Tags: tagList(JSON.parse(row.tags) as TagMap) };
}
