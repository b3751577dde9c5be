// Tag, Untag and ListTags for users, roles, instance profiles and managed policies: one pattern, the
// resource found by name (or ARN) and its tag set rewritten in a unit of work.
import type { Tag } from '../../../../core/resources/tags.ts';
import { requireEntity, requirePolicy } from '../lookup.ts';
import { byName, page, type PageInput } from '../paging.ts';
import { addTags, removeTagKeys } from '../tagging.ts';
import { parseTags, type Ctx } from '../store.ts';
import type { EntityKind } from '../errors.ts';

type Taggable = Exclude<EntityKind, 'group'>;

/** The quota IAM names when a resource would pass 50 tags. */
const QUOTA: Record<Taggable | 'policy', string> = {
  user: 'TagsPerUser',
  role: 'TagsPerRole',
  'instance-profile': 'TagsPerInstanceProfile',
  policy: 'TagsPerPolicy',
};

async function rewriteEntityTags(ctx: Ctx, kind: Taggable, name: string, change: (tags: Tag[]) => Tag[]): Promise<void> {
  await ctx.state.unit(async () => {
    const row = await requireEntity(ctx, kind, name);
    await ctx.state.updateEntity(row.id, { tags: JSON.stringify(change(parseTags(row.tags))) });
  });
}

async function rewritePolicyTags(ctx: Ctx, arn: string, change: (tags: Tag[]) => Tag[]): Promise<void> {
  await ctx.state.unit(async () => {
    const row = await requirePolicy(ctx, arn);
    await ctx.state.updatePolicy(row.arn, { tags: JSON.stringify(change(parseTags(row.tags))) });
  });
}

async function tagPage(ctx: Ctx, tags: Tag[], input: PageInput, bind: string) {
  const p = await page(ctx, tags.map((t, i) => ({ t, i })), (e) => String(e.i).padStart(4, '0') + byName(e.t.Key), input, bind);
  return { Tags: p.items.map((e) => e.t), IsTruncated: p.IsTruncated, Marker: p.Marker };
}

function entityTagging(kind: Taggable, nameOf: (input: Record<string, string>) => string) {
  return {
    tag: async (input: { Tags: Tag[] }, ctx: Ctx): Promise<void> =>
      rewriteEntityTags(ctx, kind, nameOf(input as never), (tags) => addTags(tags, input.Tags, QUOTA[kind])),
    untag: async (input: { TagKeys: string[] }, ctx: Ctx): Promise<void> =>
      rewriteEntityTags(ctx, kind, nameOf(input as never), (tags) => removeTagKeys(tags, input.TagKeys)),
    list: async (input: PageInput, ctx: Ctx) => {
      const row = await requireEntity(ctx, kind, nameOf(input as never));
      return await tagPage(ctx, parseTags(row.tags), input, row.id);
    },
  };
}

const users = entityTagging('user', (i) => i.UserName);
const roles = entityTagging('role', (i) => i.RoleName);
const profiles = entityTagging('instance-profile', (i) => i.InstanceProfileName);

export const tagUser = users.tag;
export const untagUser = users.untag;
export const listUserTags = users.list;
export const tagRole = roles.tag;
export const untagRole = roles.untag;
export const listRoleTags = roles.list;
export const tagInstanceProfile = profiles.tag;
export const untagInstanceProfile = profiles.untag;
export const listInstanceProfileTags = profiles.list;

export async function tagPolicy(input: { PolicyArn: string; Tags: Tag[] }, ctx: Ctx): Promise<void> {
  await rewritePolicyTags(ctx, input.PolicyArn, (tags) => addTags(tags, input.Tags, QUOTA.policy));
}

export async function untagPolicy(input: { PolicyArn: string; TagKeys: string[] }, ctx: Ctx): Promise<void> {
  await rewritePolicyTags(ctx, input.PolicyArn, (tags) => removeTagKeys(tags, input.TagKeys));
}

export async function listPolicyTags(input: { PolicyArn: string } & PageInput, ctx: Ctx) {
  const row = await requirePolicy(ctx, input.PolicyArn);
  return await tagPage(ctx, parseTags(row.tags), input, row.arn);
}
