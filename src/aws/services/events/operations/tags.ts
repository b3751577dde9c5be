// Tags on buses and rules (and the other resources), by ARN.
import type { ListTagsForResourceRequest, ListTagsForResourceResponse, TagResourceRequest, TagResourceResponse, UntagResourceRequest, UntagResourceResponse } from '../generated/types.ts';
import type { Ctx } from '../state.ts';
import { notFound, validation } from './common.ts';

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
  for (const t of input.Tags) {
    if (!t.Key || t.Key.length > 128 || t.Value.length > 256) throw validation('Tag keys must be 1–128 and values 0–256 characters.');
  }
  const tags = { ...r.tags, ...Object.fromEntries(input.Tags.map((t) => [t.Key, t.Value])) };
  if (Object.keys(tags).length > 50) throw validation('The number of tags exceeds the limit of 50.');
  ctx.state.store.put({ ...r, tags });
  return {};
}

export function untagResource(input: UntagResourceRequest, ctx: Ctx): UntagResourceResponse {
  const r = resource(ctx, input.ResourceARN);
  const tags = { ...r.tags };
  for (const k of input.TagKeys) delete tags[k];
  ctx.state.store.put({ ...r, tags });
  return {};
}

export function listTagsForResource(input: ListTagsForResourceRequest, ctx: Ctx): ListTagsForResourceResponse {
  const r = resource(ctx, input.ResourceARN);
  return { Tags: Object.entries(r.tags).map(([Key, Value]) => ({ Key, Value })) };
}
