// IAM groups and their members.
import type {
  CreateGroupRequest, CreateGroupResponse, GetGroupRequest, GetGroupResponse, ListGroupsRequest, ListGroupsResponse,
  UpdateGroupRequest, DeleteGroupRequest, AddUserToGroupRequest, RemoveUserFromGroupRequest,
  ListGroupsForUserRequest, ListGroupsForUserResponse,
} from '../generated/types.ts';
import { iamUniqueId } from '../../../../core/resources/ids.ts';
import { entityExists, limitExceeded, noSuchEntity } from '../errors.ts';
import { requireEntity } from '../lookup.ts';
import { groupShape, userShape } from '../shapes.ts';
import { byName, page } from '../paging.ts';
import { checkDeletable } from '../conflicts.ts';
import type { Ctx, EntityRow } from '../store.ts';

/** IAM's default quota of groups one user may belong to. */
const GROUPS_PER_USER = 10;

export async function createGroup(input: CreateGroupRequest, ctx: Ctx): Promise<CreateGroupResponse> {
  const row: EntityRow = {
    account: ctx.account, kind: 'group', name: input.GroupName, path: input.Path ?? '/', id: iamUniqueId('AGPA'),
    created: ctx.clock.now(), description: null, trust_policy: null, max_session: null, boundary: null, tags: '[]',
  };
  if (!(await ctx.state.insertEntity(row))) throw entityExists('group', input.GroupName);
  return { Group: groupShape(row) };
}

export async function getGroup(input: GetGroupRequest, ctx: Ctx): Promise<GetGroupResponse> {
  const group = await requireEntity(ctx, 'group', input.GroupName);
  const users = await ctx.state.entitiesByIds(await ctx.state.members(group.id));
  const p = await page(ctx, users, (r) => byName(r.name), input, group.id);
  return { Group: groupShape(group), Users: p.items.map((r) => userShape(r, false)), IsTruncated: p.IsTruncated, Marker: p.Marker };
}

export async function listGroups(input: ListGroupsRequest, ctx: Ctx): Promise<ListGroupsResponse> {
  const p = await page(ctx, await ctx.state.entities(ctx.account, 'group', input.PathPrefix), (r) => byName(r.name), input);
  return { Groups: p.items.map(groupShape), IsTruncated: p.IsTruncated, Marker: p.Marker };
}

export async function listGroupsForUser(input: ListGroupsForUserRequest, ctx: Ctx): Promise<ListGroupsForUserResponse> {
  const user = await requireEntity(ctx, 'user', input.UserName);
  const groups = await ctx.state.entitiesByIds(await ctx.state.containers(user.id));
  const p = await page(ctx, groups, (r) => byName(r.name), input, user.id);
  return { Groups: p.items.map(groupShape), IsTruncated: p.IsTruncated, Marker: p.Marker };
}

export async function updateGroup(input: UpdateGroupRequest, ctx: Ctx): Promise<void> {
  await ctx.state.unit(async () => {
    const group = await requireEntity(ctx, 'group', input.GroupName);
    const name = input.NewGroupName ?? group.name;
    if (input.NewGroupName !== undefined && name.toLowerCase() !== group.name.toLowerCase() && (await ctx.state.entity(ctx.account, 'group', name))) {
      throw entityExists('group', name);
    }
    await ctx.state.updateEntity(group.id, { name, path: input.NewPath ?? group.path });
  });
}

export async function deleteGroup(input: DeleteGroupRequest, ctx: Ctx): Promise<void> {
  await ctx.state.unit(async () => {
    const group = await requireEntity(ctx, 'group', input.GroupName);
    await checkDeletable(ctx, group);
    await ctx.state.deleteEntity(group.id);
  });
}

export async function addUserToGroup(input: AddUserToGroupRequest, ctx: Ctx): Promise<void> {
  await ctx.state.unit(async () => {
    const group = await requireEntity(ctx, 'group', input.GroupName);
    const user = await requireEntity(ctx, 'user', input.UserName);
    const groups = await ctx.state.containers(user.id);
    if (groups.includes(group.id)) return;
    if (groups.length >= GROUPS_PER_USER) throw limitExceeded(`Cannot exceed quota for GroupsPerUser: ${GROUPS_PER_USER}`);
    await ctx.state.addMember(group.id, user.id, ctx.clock.now());
  });
}

export async function removeUserFromGroup(input: RemoveUserFromGroupRequest, ctx: Ctx): Promise<void> {
  await ctx.state.unit(async () => {
    const group = await requireEntity(ctx, 'group', input.GroupName);
    const user = await requireEntity(ctx, 'user', input.UserName);
    if (!(await ctx.state.removeMember(group.id, user.id))) throw noSuchEntity(`User ${user.name} is not in group ${group.name}.`);
  });
}
