// Finding what an operation names, with IAM's NoSuchEntity when it is not there.
import { entityNotFound, noSuchEntity, userNameRequired, type EntityKind } from './errors.ts';
import { parsePolicyArn, userNameOfCaller } from './names.ts';
import { isAwsManagedPolicy } from './aws-managed.ts';
import type { Ctx, EntityRow, PolicyRow } from './store.ts';

export async function requireEntity(ctx: Ctx, kind: EntityKind, name: string): Promise<EntityRow> {
  const row = await ctx.state.entity(ctx.account, kind, name);
  if (!row) throw entityNotFound(kind, name);
  return row;
}

/**
 * The user an operation acts on: the one named, else the caller when it is an IAM user (IAM lets a
 * user manage its own keys and profile without naming itself).
 */
export async function targetUser(ctx: Ctx, userName: string | undefined): Promise<EntityRow> {
  const name = userName ?? userNameOfCaller(ctx.caller.arn);
  if (name === undefined) throw userNameRequired();
  return await requireEntity(ctx, 'user', name);
}

/** A customer managed policy of this account; "Policy X was not found." otherwise. */
export async function requirePolicy(ctx: Ctx, arn: string): Promise<PolicyRow> {
  parsePolicyArn(arn);
  const row = await ctx.state.policy(arn);
  if (!row || row.account !== ctx.account) throw noSuchEntity(`Policy ${arn} was not found.`);
  return row;
}

/**
 * A policy that may be attached (or set as a boundary) in this account: one of its own, or an AWS
 * managed one. "Policy X does not exist or is not attachable." otherwise.
 */
export async function requireAttachable(ctx: Ctx, arn: string): Promise<void> {
  const parts = parsePolicyArn(arn);
  if (parts.account === 'aws' ? isAwsManagedPolicy(arn) : (await ctx.state.policy(arn))?.account === ctx.account) return;
  throw noSuchEntity(`Policy ${arn} does not exist or is not attachable.`);
}
