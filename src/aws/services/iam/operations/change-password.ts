// ChangePassword: an IAM user changes its own console password (never the root user's, never another
// user's: that is UpdateLoginProfile). The old password must match; the new one must meet the
// account's password policy; a pending "reset required" is cleared.
import type { ChangePasswordRequest } from '../generated/types.ts';
import { ServiceError } from '../../../../core/errors.ts';
import { noSuchEntity } from '../errors.ts';
import { requireEntity } from '../lookup.ts';
import { userNameOfCaller } from '../names.ts';
import { checkPassword, hash, verifyPassword } from './login-profiles.ts';
import type { Ctx } from '../store.ts';

const invalidUserType = () => new ServiceError('InvalidUserType', 'The request was rejected because the type of user for the transaction was incorrect.', 400);

export async function changePassword(input: ChangePasswordRequest, ctx: Ctx): Promise<void> {
  const name = userNameOfCaller(ctx.caller.arn);
  if (name === undefined) throw invalidUserType();
  const user = await requireEntity(ctx, 'user', name);
  const login = await ctx.state.login(user.id);
  if (!login) throw noSuchEntity(`Login Profile for User ${user.name} cannot be found.`);
  // The hashing is done outside the unit: a unit awaits nothing but the store.
  if (!(await verifyPassword(input.OldPassword, login.password_hash))) {
    throw new ServiceError('AccessDenied', 'The old password is incorrect.', 403);
  }
  await checkPassword(ctx, input.NewPassword);
  const passwordHash = await hash(input.NewPassword);
  await ctx.state.unit(async () => {
    const current = await ctx.state.login(user.id);
    // Changed or deleted meanwhile: the old password no longer proves anything.
    if (!current || current.password_hash !== login.password_hash) throw new ServiceError('EntityTemporarilyUnmodifiable', `Login Profile for User ${user.name} is being changed.`, 409);
    await ctx.state.updateLogin(user.id, { password_hash: passwordHash, reset_required: 0 });
  });
}
