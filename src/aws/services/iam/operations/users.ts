// IAM users: create, read, list, rename/move, delete.
import type {
  CreateUserRequest, CreateUserResponse, GetUserRequest, GetUserResponse, ListUsersRequest, ListUsersResponse,
  UpdateUserRequest, DeleteUserRequest,
} from '../generated/types.ts';
import { iamUniqueId } from '../../../../core/resources/ids.ts';
import { accountRootArn } from '../../../../core/resources/arn.ts';
import { entityExists, userNameRequired } from '../errors.ts';
import { requireAttachable, requireEntity } from '../lookup.ts';
import { userNameOfCaller } from '../names.ts';
import { entityArn, userShape } from '../shapes.ts';
import { byName, page } from '../paging.ts';
import { checkTagRequest } from '../tagging.ts';
import { checkDeletable } from '../conflicts.ts';
import type { Ctx, EntityRow } from '../store.ts';

export async function createUser(input: CreateUserRequest, ctx: Ctx): Promise<CreateUserResponse> {
  checkTagRequest(input.Tags);
  if (input.PermissionsBoundary !== undefined) await requireAttachable(ctx, input.PermissionsBoundary);
  const row: EntityRow = {
    account: ctx.account, kind: 'user', name: input.UserName, path: input.Path ?? '/', id: iamUniqueId('AIDA'),
    created: ctx.clock.now(), description: null, trust_policy: null, max_session: null,
    boundary: input.PermissionsBoundary ?? null, tags: JSON.stringify(input.Tags ?? []),
  };
  if (!(await ctx.state.insertEntity(row))) throw entityExists('user', input.UserName);
  return { User: userShape(row) };
}

export async function getUser(input: GetUserRequest, ctx: Ctx): Promise<GetUserResponse> {
  if (input.UserName !== undefined) return { User: userShape(await requireEntity(ctx, 'user', input.UserName)) };
  // Without a name, GetUser answers the caller: an IAM user, or the account's root user.
  const own = userNameOfCaller(ctx.caller.arn);
  if (own !== undefined) return { User: userShape(await requireEntity(ctx, 'user', own)) };
  if (ctx.caller.arn === accountRootArn(ctx.account)) {
    return { User: { UserId: ctx.account, Arn: ctx.caller.arn, CreateDate: new Date(ctx.env.startedAt) } as GetUserResponse['User'] };
  }
  throw userNameRequired();
}

export async function listUsers(input: ListUsersRequest, ctx: Ctx): Promise<ListUsersResponse> {
  const p = await page(ctx, await ctx.state.entities(ctx.account, 'user', input.PathPrefix), (r) => byName(r.name), input);
  return { Users: p.items.map((r) => userShape(r, false)), IsTruncated: p.IsTruncated, Marker: p.Marker };
}

export async function updateUser(input: UpdateUserRequest, ctx: Ctx): Promise<void> {
  const renamed = await ctx.state.unit(async () => {
    const user = await requireEntity(ctx, 'user', input.UserName);
    const name = input.NewUserName ?? user.name;
    if (input.NewUserName !== undefined && input.NewUserName.toLowerCase() !== user.name.toLowerCase() && (await ctx.state.entity(ctx.account, 'user', name))) {
      throw entityExists('user', name);
    }
    const next = { ...user, name, path: input.NewPath ?? user.path };
    await ctx.state.updateEntity(user.id, { name: next.name, path: next.path });
    return next;
  });
  // Requests signed with the user's keys now name the user's new ARN.
  await ctx.env.accounts.renamePrincipal(renamed.id, entityArn(renamed));
}

export async function deleteUser(input: DeleteUserRequest, ctx: Ctx): Promise<void> {
  await ctx.state.unit(async () => {
    const user = await requireEntity(ctx, 'user', input.UserName);
    await checkDeletable(ctx, user);
    await ctx.state.deleteEntity(user.id);
  });
}
