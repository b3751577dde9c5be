// Tags on buses and rules (and the other resources), by ARN.
import type { ListTagsForResourceRequest, ListTagsForResourceResponse, TagResourceRequest, TagResourceResponse, UntagResourceRequest, UntagResourceResponse } from '../generated/types.ts';
import type { Ctx } from '../state.ts';
import { ensureDefaultBus, notFound, validation } from './common.ts';
import { applyTags, removeTags, tagList, type TagRules } from '../../../../core/resources/tags.ts';

/** EventBridge's tag rules and words: each added tag's key and value, then the merged count. */
const EVENTS_TAGS: TagRules = {
  reserved: false,
  error: (p) => p.kind === 'count' ? validation('The number of tags exceeds the limit of 50.') : validation('Tag keys must be 1–128 and values 0–256 characters.'),
};

async function resource(ctx: Ctx, arn: string) {
  if (arn.endsWith(':event-bus/default')) {
    const [, , , region, account] = arn.split(':');
    if (account === ctx.account && region === ctx.region) await ensureDefaultBus(ctx, account, region);
  }
  const r = await ctx.state.store.byArn(arn);
  if (!r) throw notFound(`Resource ${arn.split(':').pop()} does not exist.`);
  return r;
}

/** Tags are read, merged and written in one unit: concurrent TagResource calls lose no tag. */
export async function tagResource(input: TagResourceRequest, ctx: Ctx): Promise<TagResourceResponse> {
  await ctx.state.store.atomically(async () => {
    const r = await resource(ctx, input.ResourceARN);
    await ctx.state.store.put({ ...r, tags: applyTags(r.tags, input.Tags, EVENTS_TAGS, true) });
  });
  return {};
}

export async function untagResource(input: UntagResourceRequest, ctx: Ctx): Promise<UntagResourceResponse> {
  await ctx.state.store.atomically(async () => {
    const r = await resource(ctx, input.ResourceARN);
    await ctx.state.store.put({ ...r, tags: removeTags(r.tags, input.TagKeys) });
  });
  return {};
}

export async function listTagsForResource(input: ListTagsForResourceRequest, ctx: Ctx): Promise<ListTagsForResourceResponse> {
  const r = await resource(ctx, input.ResourceARN);
  return { Tags: tagList(r.tags) };
}
