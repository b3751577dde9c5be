// Topic tags: at most 50 per topic, keys 1–128 and values 0–256 characters, no `aws:` keys.
import { ServiceError } from '../../../../core/errors.ts';
import type { ListTagsForResourceRequest, ListTagsForResourceResponse, Tag, TagResourceRequest, TagResourceResponse, UntagResourceRequest, UntagResourceResponse } from '../generated/types.ts';
import type { Ctx } from '../state.ts';
import type { TopicRow } from '../store.ts';
import { checkArn, invalidParameter } from './common.ts';

export function checkTags(tags: Tag[]): void {
  for (const t of tags) {
    if (t.Key.length < 1 || t.Key.length > 128) throw invalidParameter('Tags Reason: Tag key must be between 1 and 128 characters');
    if (t.Value.length > 256) throw invalidParameter('Tags Reason: Tag value must be at most 256 characters');
    if (t.Key.toLowerCase().startsWith('aws:')) throw invalidParameter('Tags Reason: Keys can not start with "aws:"');
  }
  if (tags.length > 50) throw new ServiceError('TagLimitExceeded', 'Could not complete request: tag quota of per resource exceeded', 400);
}

function taggedTopic(ctx: Ctx, arn: string): TopicRow {
  checkArn(arn, 'ResourceArn');
  const row = ctx.state.store.topicRow(arn);
  if (!row) throw new ServiceError('ResourceNotFound', 'Resource does not exist', 404);
  return row;
}

export function tagResource(input: TagResourceRequest, ctx: Ctx): TagResourceResponse {
  const row = taggedTopic(ctx, input.ResourceArn);
  checkTags(input.Tags);
  const tags = JSON.parse(row.tags) as Record<string, string>;
  for (const t of input.Tags) tags[t.Key] = t.Value;
  if (Object.keys(tags).length > 50) throw new ServiceError('TagLimitExceeded', 'Could not complete request: tag quota of per resource exceeded', 400);
  ctx.state.store.updateTopic(row.arn, { tags: JSON.stringify(tags) });
  return {};
}

export function untagResource(input: UntagResourceRequest, ctx: Ctx): UntagResourceResponse {
  const row = taggedTopic(ctx, input.ResourceArn);
  const tags = JSON.parse(row.tags) as Record<string, string>;
  for (const k of input.TagKeys) delete tags[k];
  ctx.state.store.updateTopic(row.arn, { tags: JSON.stringify(tags) });
  return {};
}

export function listTagsForResource(input: ListTagsForResourceRequest, ctx: Ctx): ListTagsForResourceResponse {
  const row = taggedTopic(ctx, input.ResourceArn);
  const tags = JSON.parse(row.tags) as Record<string, string>;
  return { Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) };
}
