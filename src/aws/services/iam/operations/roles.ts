// IAM roles: create (trust policy validated), read, list, update, delete.
import type {
  CreateRoleRequest, CreateRoleResponse, GetRoleRequest, GetRoleResponse, ListRolesRequest, ListRolesResponse,
  UpdateRoleRequest, UpdateRoleResponse, UpdateRoleDescriptionRequest, UpdateRoleDescriptionResponse,
  UpdateAssumeRolePolicyRequest, DeleteRoleRequest,
} from '../generated/types.ts';
import { iamUniqueId } from '../../../../core/resources/ids.ts';
import { entityExists, unmodifiableEntity } from '../errors.ts';
import { requireAttachable, requireEntity } from '../lookup.ts';
import { roleShape } from '../shapes.ts';
import { byName, page } from '../paging.ts';
import { checkTagRequest } from '../tagging.ts';
import { checkTrustPolicy } from '../trust.ts';
import { checkDeletable } from '../conflicts.ts';
import type { Ctx, EntityRow } from '../store.ts';

/** Service-linked roles live under this path; only their service may change or delete them. */
export const SERVICE_ROLE_PATH = '/aws-service-role/';

export async function createRole(input: CreateRoleRequest, ctx: Ctx): Promise<CreateRoleResponse> {
  checkTrustPolicy(input.AssumeRolePolicyDocument);
  checkTagRequest(input.Tags);
  if (input.PermissionsBoundary !== undefined) await requireAttachable(ctx, input.PermissionsBoundary);
  const row = await insertRole(ctx, {
    name: input.RoleName, path: input.Path ?? '/', trustPolicy: input.AssumeRolePolicyDocument, description: input.Description,
    maxSession: input.MaxSessionDuration, boundary: input.PermissionsBoundary, tags: input.Tags,
  });
  const { MaxSessionDuration: _, RoleLastUsed: __, ...role } = roleShape(row);
  return { Role: role };
}

export interface NewRole {
  name: string;
  path: string;
  trustPolicy: string;
  description?: string;
  maxSession?: number;
  boundary?: string;
  tags?: Array<{ Key: string; Value: string }>;
}

export async function insertRole(ctx: Ctx, role: NewRole): Promise<EntityRow> {
  const row: EntityRow = {
    account: ctx.account, kind: 'role', name: role.name, path: role.path, id: iamUniqueId('AROA'), created: ctx.clock.now(),
    description: role.description ?? null, trust_policy: role.trustPolicy, max_session: role.maxSession ?? 3600,
    boundary: role.boundary ?? null, tags: JSON.stringify(role.tags ?? []),
  };
  if (!(await ctx.state.insertEntity(row))) throw entityExists('role', role.name);
  return row;
}

export async function getRole(input: GetRoleRequest, ctx: Ctx): Promise<GetRoleResponse> {
  return { Role: roleShape(await requireEntity(ctx, 'role', input.RoleName)) };
}

export async function listRoles(input: ListRolesRequest, ctx: Ctx): Promise<ListRolesResponse> {
  const p = await page(ctx, await ctx.state.entities(ctx.account, 'role', input.PathPrefix), (r) => byName(r.name), input);
  return { Roles: p.items.map((r) => roleShape(r, false)), IsTruncated: p.IsTruncated, Marker: p.Marker };
}

/** The role, unless it is service-linked: those only their service changes (UnmodifiableEntity). */
export async function modifiableRole(ctx: Ctx, name: string): Promise<EntityRow> {
  const role = await requireEntity(ctx, 'role', name);
  if (role.path.startsWith(SERVICE_ROLE_PATH)) {
    throw unmodifiableEntity(`Cannot perform the operation on the protected role '${role.name}' - this role is only modifiable by AWS`);
  }
  return role;
}

export async function updateRole(input: UpdateRoleRequest, ctx: Ctx): Promise<UpdateRoleResponse> {
  await ctx.state.unit(async () => {
    const role = await modifiableRole(ctx, input.RoleName);
    await ctx.state.updateEntity(role.id, { description: input.Description, max_session: input.MaxSessionDuration });
  });
  return {};
}

export async function updateRoleDescription(input: UpdateRoleDescriptionRequest, ctx: Ctx): Promise<UpdateRoleDescriptionResponse> {
  return await ctx.state.unit(async () => {
    const role = await modifiableRole(ctx, input.RoleName);
    await ctx.state.updateEntity(role.id, { description: input.Description });
    return { Role: roleShape({ ...role, description: input.Description }) };
  });
}

export async function updateAssumeRolePolicy(input: UpdateAssumeRolePolicyRequest, ctx: Ctx): Promise<void> {
  checkTrustPolicy(input.PolicyDocument);
  await ctx.state.unit(async () => {
    const role = await modifiableRole(ctx, input.RoleName);
    await ctx.state.updateEntity(role.id, { trust_policy: input.PolicyDocument });
  });
}

export async function deleteRole(input: DeleteRoleRequest, ctx: Ctx): Promise<void> {
  await ctx.state.unit(async () => {
    const role = await modifiableRole(ctx, input.RoleName);
    await checkDeletable(ctx, role);
    await ctx.state.deleteEntity(role.id);
  });
}
