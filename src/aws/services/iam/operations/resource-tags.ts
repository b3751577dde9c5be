// Tag, Untag and ListTags for the resources of migrations/002 (MFA devices, server certificates, OIDC
// and SAML providers): the same rules as users' and roles' tags (tagging.ts), over any row that keeps
// its tags as JSON.
import type { Tag } from '../../../../core/resources/tags.ts';
import { byName, page, type PageInput } from '../paging.ts';
import { addTags, removeTagKeys } from '../tagging.ts';
import { parseTags, type Ctx } from '../store.ts';

export interface TaggedResource<I> {
  /** The resource the input names (throwing IAM's NoSuchEntity), its tags JSON and a key binding markers. */
  find: (ctx: Ctx, input: I) => Promise<{ key: string; tags: string }>;
  save: (ctx: Ctx, key: string, tags: string) => Promise<void>;
  /** The quota IAM names past 50 tags (TagsPerX). */
  quota: string;
}

export function resourceTagging<I>(r: TaggedResource<I>) {
  const rewrite = (ctx: Ctx, input: I, change: (tags: Tag[]) => Tag[]) =>
    ctx.state.unit(async () => {
      const row = await r.find(ctx, input);
      await r.save(ctx, row.key, JSON.stringify(change(parseTags(row.tags))));
    });
  return {
    tag: async (input: I & { Tags: Tag[] }, ctx: Ctx): Promise<void> => rewrite(ctx, input, (tags) => addTags(tags, input.Tags, r.quota)),
    untag: async (input: I & { TagKeys: string[] }, ctx: Ctx): Promise<void> => rewrite(ctx, input, (tags) => removeTagKeys(tags, input.TagKeys)),
    list: async (input: I & PageInput, ctx: Ctx) => {
      const row = await r.find(ctx, input);
      const p = await page(ctx, parseTags(row.tags).map((t, i) => ({ t, i })), (e) => String(e.i).padStart(4, '0') + byName(e.t.Key), input, row.key);
      return { Tags: p.items.map((e) => e.t), IsTruncated: p.IsTruncated, Marker: p.Marker };
    },
  };
}

export function tagsOrUndefined(json: string): Tag[] | undefined {
  const tags = parseTags(json);
  return tags.length ? tags : undefined;
}
