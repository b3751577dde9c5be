// Schedule groups (the default one exists everywhere) and tags on them.
import type {
  CreateScheduleGroupInput, CreateScheduleGroupOutput, DeleteScheduleGroupInput, DeleteScheduleGroupOutput, GetScheduleGroupInput,
  GetScheduleGroupOutput, ListScheduleGroupsInput, ListScheduleGroupsOutput, ListTagsForResourceInput, ListTagsForResourceOutput,
  TagResourceInput, TagResourceOutput, UntagResourceInput, UntagResourceOutput,
} from '../generated/types.ts';
import type { Ctx } from '../state.ts';
import type { GroupRow } from '../store.ts';
import { conflict, NAME_RE, notFound, paginate, validation } from './common.ts';
import { applyTags, removeTags, tagList, tagMap, type TagMap, type TagRules } from '../../../../core/resources/tags.ts';
import { formatArn } from '../../../../core/resources/arn.ts';

async function requireGroup(ctx: Ctx, name: string): Promise<GroupRow> {
  const g = await ctx.state.store.group(ctx.account, ctx.region, name);
  if (!g) throw notFound(`Schedule group ${name} does not exist.`);
  return g;
}

export async function createScheduleGroup(input: CreateScheduleGroupInput, ctx: Ctx): Promise<CreateScheduleGroupOutput> {
  if (!NAME_RE.test(input.Name)) throw validation(`1 validation error detected: Value '${input.Name}' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[0-9a-zA-Z-_.]+$`);
  const { store } = ctx.state;
  const now = ctx.clock.now();
  const arn = formatArn({ service: 'scheduler', region: ctx.region, account: ctx.account, resource: `schedule-group/${input.Name}` });
  // The name check and the insert are one unit: of concurrent creates, one wins, the rest conflict.
  await store.atomically(async () => {
    if (await store.group(ctx.account, ctx.region, input.Name)) throw conflict(`Schedule group ${input.Name} already exists.`);
    await store.createGroup({ account: ctx.account, region: ctx.region, name: input.Name, arn, tags: JSON.stringify(tagMap(input.Tags)), now });
  });
  return { ScheduleGroupArn: arn };
}

export async function getScheduleGroup(input: GetScheduleGroupInput, ctx: Ctx): Promise<GetScheduleGroupOutput> {
  const g = await requireGroup(ctx, input.Name);
  return { Arn: g.arn, CreationDate: new Date(g.created), LastModificationDate: new Date(g.modified), Name: g.name, State: g.state };
}

export async function deleteScheduleGroup(input: DeleteScheduleGroupInput, ctx: Ctx): Promise<DeleteScheduleGroupOutput> {
  if (input.Name === 'default') throw validation('The default schedule group cannot be deleted.');
  const { store, engine } = ctx.state;
  // Its schedules go with it, in the same unit (a schedule created in the group meanwhile too);
  // their timers stop once the unit has resolved.
  const gone = await store.atomically(async () => {
    const g = await requireGroup(ctx, input.Name);
    const arns = await store.scheduleArnsInGroup(g.account, g.region, g.name);
    for (const arn of arns) await store.deleteSchedule(arn);
    await store.deleteGroup(g.arn);
    return arns.map((arn) => ({ arn, ticket: engine.ticket() }));
  });
  for (const { arn, ticket } of gone) engine.disarm(arn, ticket);
  return {};
}

export async function listScheduleGroups(input: ListScheduleGroupsInput, ctx: Ctx): Promise<ListScheduleGroupsOutput> {
  await ctx.state.store.ensureDefault(ctx.account, ctx.region);
  let rows = await ctx.state.store.groups(ctx.account, ctx.region);
  if (input.NamePrefix) rows = rows.filter((r) => r.name.startsWith(input.NamePrefix!));
  const p = await paginate(ctx, rows, input.MaxResults, input.NextToken, (r) => r.name);
  return { ScheduleGroups: p.items.map((g) => ({ Arn: g.arn, CreationDate: new Date(g.created), LastModificationDate: new Date(g.modified), Name: g.name, State: g.state })), NextToken: p.next };
}

/**
 * Scheduler's tag rules: up to 200 tags per group (key and value lengths are checked by the model's
 * constraints before a handler runs; the `aws:` prefix is not refused by this service today).
 */
const SCHEDULER_TAGS: TagRules = { max: 200, reserved: false, error: () => validation('A resource can have at most 200 tags.') };

async function taggable(ctx: Ctx, arn: string): Promise<GroupRow> {
  const m = /^arn:aws:scheduler:([^:]+):(\d{12}):schedule-group\/(.+)$/.exec(arn);
  if (!m) throw validation(`Invalid ResourceArn ${arn}: only schedule groups can be tagged.`);
  const g = await ctx.state.store.group(m[2], m[1], m[3]);
  if (!g) throw notFound(`Schedule group ${m[3]} does not exist.`);
  return g;
}

/** Tag merges read and write the group's tags in one unit: concurrent TagResource calls lose no tag. */
export async function tagResource(input: TagResourceInput, ctx: Ctx): Promise<TagResourceOutput> {
  await ctx.state.store.atomically(async () => {
    const g = await taggable(ctx, input.ResourceArn);
    const tags = applyTags(JSON.parse(g.tags) as TagMap, input.Tags, SCHEDULER_TAGS);
    await ctx.state.store.setGroupTags(g.arn, JSON.stringify(tags));
  });
  return {};
}

export async function untagResource(input: UntagResourceInput, ctx: Ctx): Promise<UntagResourceOutput> {
  await ctx.state.store.atomically(async () => {
    const g = await taggable(ctx, input.ResourceArn);
    const tags = removeTags(JSON.parse(g.tags) as TagMap, input.TagKeys);
    await ctx.state.store.setGroupTags(g.arn, JSON.stringify(tags));
  });
  return {};
}

export async function listTagsForResource(input: ListTagsForResourceInput, ctx: Ctx): Promise<ListTagsForResourceOutput> {
  const g = await taggable(ctx, input.ResourceArn);
  return { Tags: tagList(JSON.parse(g.tags) as TagMap) };
}
