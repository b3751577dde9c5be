// Tags on buses and rules (and the other resources), by ARN.
import type { ListTagsForResourceRequest, ListTagsForResourceResponse, TagResourceRequest, TagResourceResponse, UntagResourceRequest, UntagResourceResponse } from '../generated/types.ts';
import type { Ctx } from '../state.ts';
import { notFound, validation } from './common.ts';
import { applyTags, removeTags, tagList, type TagRules } from '../../../../core/resources/tags.ts';

/** EventBridge's tag rules and words: each added tag's key and value, then the merged count. */
const EVENTS_TAGS: TagRules = {
  reserved: false,
  error: (p) => p.kind === 'count' ? validation('The number of tags exceeds the limit of 50.') : validation('Tag keys must be 1–128 and values 0–256 characters.'),
};

function resource(ctx: Ctx, arn: string) {
  if (arn.endsWith(':event-bus/default')) {
    const [, , , region, account] = arn.split(':');
    if (account === ctx.account && region === ctx.region) {
      const now = ctx.clock.now();
      if (!ctx.state.store.byArn(arn)) ctx.state.store.put({ kind: 'bus', account, region, name: 'default', arn, data: { Name: 'default' }, tags: {}, created: now, modified: now });
    }
  }
  const r = ctx.state.store.byArn(arn);
  if (!r) throw notFound(`Resource ${arn.split(':').pop()} does not exist.`);
  return r;
}

export function tagResource(input: TagResourceRequest, ctx: Ctx): TagResourceResponse {
  const r = resource(ctx, input.ResourceARN);
  ctx.state.store.put({ ...r, tags: applyTags(r.tags, input.Tags, EVENTS_TAGS, true) });
  return {};
}

export function untagResource(input: UntagResourceRequest, ctx: Ctx): UntagResourceResponse {
  const r = resource(ctx, input.ResourceARN);
  ctx.state.store.put({ ...r, tags: removeTags(r.tags, input.TagKeys) });
  return {};
}

export function listTagsForResource(input: ListTagsForResourceRequest, ctx: Ctx): ListTagsForResourceResponse {
  const r = resource(ctx, input.ResourceARN);
  return { Tags: tagList(r.tags) };
}
