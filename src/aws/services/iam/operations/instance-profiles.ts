// Instance profiles: the container EC2 passes a role to an instance in; one role each.
import type {
  CreateInstanceProfileRequest, CreateInstanceProfileResponse, GetInstanceProfileRequest, GetInstanceProfileResponse,
  ListInstanceProfilesRequest, ListInstanceProfilesResponse, ListInstanceProfilesForRoleRequest, ListInstanceProfilesForRoleResponse,
  AddRoleToInstanceProfileRequest, RemoveRoleFromInstanceProfileRequest, DeleteInstanceProfileRequest,
} from '../generated/types.ts';
import { iamUniqueId } from '../../../../core/resources/ids.ts';
import { entityExists, entityNotFound, limitExceeded } from '../errors.ts';
import { requireEntity } from '../lookup.ts';
import { instanceProfileShape } from '../shapes.ts';
import { byName, page } from '../paging.ts';
import { checkTagRequest } from '../tagging.ts';
import { checkDeletable } from '../conflicts.ts';
import type { Ctx, EntityRow } from '../store.ts';

/** IAM's quota: an instance profile holds one role (not adjustable). */
const ROLES_PER_PROFILE = 1;

async function shapeOf(ctx: Ctx, profile: EntityRow) {
  return instanceProfileShape(profile, await ctx.state.entitiesByIds(await ctx.state.members(profile.id)));
}

export async function createInstanceProfile(input: CreateInstanceProfileRequest, ctx: Ctx): Promise<CreateInstanceProfileResponse> {
  checkTagRequest(input.Tags);
  const row: EntityRow = {
    account: ctx.account, kind: 'instance-profile', name: input.InstanceProfileName, path: input.Path ?? '/', id: iamUniqueId('AIPA'),
    created: ctx.clock.now(), description: null, trust_policy: null, max_session: null, boundary: null, tags: JSON.stringify(input.Tags ?? []),
  };
  if (!(await ctx.state.insertEntity(row))) throw entityExists('instance-profile', input.InstanceProfileName);
  return { InstanceProfile: instanceProfileShape(row, []) };
}

export async function getInstanceProfile(input: GetInstanceProfileRequest, ctx: Ctx): Promise<GetInstanceProfileResponse> {
  return { InstanceProfile: await shapeOf(ctx, await requireEntity(ctx, 'instance-profile', input.InstanceProfileName)) };
}

export async function listInstanceProfiles(input: ListInstanceProfilesRequest, ctx: Ctx): Promise<ListInstanceProfilesResponse> {
  const p = await page(ctx, await ctx.state.entities(ctx.account, 'instance-profile', input.PathPrefix), (r) => byName(r.name), input);
  const profiles = [];
  for (const row of p.items) profiles.push(await shapeOf(ctx, row));
  return { InstanceProfiles: profiles, IsTruncated: p.IsTruncated, Marker: p.Marker };
}

export async function listInstanceProfilesForRole(input: ListInstanceProfilesForRoleRequest, ctx: Ctx): Promise<ListInstanceProfilesForRoleResponse> {
  const role = await requireEntity(ctx, 'role', input.RoleName);
  const p = await page(ctx, await ctx.state.entitiesByIds(await ctx.state.containers(role.id)), (r) => byName(r.name), input, role.id);
  const profiles = [];
  for (const row of p.items) profiles.push(await shapeOf(ctx, row));
  return { InstanceProfiles: profiles, IsTruncated: p.IsTruncated, Marker: p.Marker };
}

export async function addRoleToInstanceProfile(input: AddRoleToInstanceProfileRequest, ctx: Ctx): Promise<void> {
  await ctx.state.unit(async () => {
    const profile = await requireEntity(ctx, 'instance-profile', input.InstanceProfileName);
    const role = await requireEntity(ctx, 'role', input.RoleName);
    if ((await ctx.state.members(profile.id)).length >= ROLES_PER_PROFILE) {
      throw limitExceeded(`Cannot exceed quota for InstanceSessionsPerInstanceProfile: ${ROLES_PER_PROFILE}`);
    }
    await ctx.state.addMember(profile.id, role.id, ctx.clock.now());
  });
}

export async function removeRoleFromInstanceProfile(input: RemoveRoleFromInstanceProfileRequest, ctx: Ctx): Promise<void> {
  await ctx.state.unit(async () => {
    const profile = await requireEntity(ctx, 'instance-profile', input.InstanceProfileName);
    const role = await requireEntity(ctx, 'role', input.RoleName);
    if (!(await ctx.state.removeMember(profile.id, role.id))) throw entityNotFound('role', input.RoleName);
  });
}

export async function deleteInstanceProfile(input: DeleteInstanceProfileRequest, ctx: Ctx): Promise<void> {
  await ctx.state.unit(async () => {
    const profile = await requireEntity(ctx, 'instance-profile', input.InstanceProfileName);
    await checkDeletable(ctx, profile);
    await ctx.state.deleteEntity(profile.id);
  });
}
