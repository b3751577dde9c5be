// Login profiles: a user's console password. Only a salted scrypt hash is kept; the password must meet
// the account's password policy (or IAM's default one when the account has none).
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import type {
  CreateLoginProfileRequest, CreateLoginProfileResponse, GetLoginProfileRequest, GetLoginProfileResponse,
  UpdateLoginProfileRequest, DeleteLoginProfileRequest,
} from '../generated/types.ts';
import { entityAlreadyExists, noSuchEntity, passwordPolicyViolation } from '../errors.ts';
import { targetUser } from '../lookup.ts';
import { readPasswordPolicy, type PasswordPolicy } from './account.ts';
import type { Ctx } from '../store.ts';

const scryptAsync = promisify(scrypt) as (password: string, salt: Buffer, keylen: number) => Promise<Buffer>;

export async function hash(password: string): Promise<string> {
  const salt = randomBytes(16);
  return `scrypt:${salt.toString('base64')}:${(await scryptAsync(password, salt, 32)).toString('base64')}`;
}

/**
 * Whether `password` meets the policy. With no policy set, IAM's default applies: at least 8
 * characters and three of upper case, lower case, numbers and symbols.
 */
function meets(password: string, policy: PasswordPolicy | undefined): boolean {
  const classes = [/[A-Z]/, /[a-z]/, /[0-9]/, /[^A-Za-z0-9]/].map((re) => re.test(password));
  if (!policy) return password.length >= 8 && classes.filter(Boolean).length >= 3;
  return password.length >= policy.MinimumPasswordLength
    && (!policy.RequireUppercaseCharacters || classes[0]) && (!policy.RequireLowercaseCharacters || classes[1])
    && (!policy.RequireNumbers || classes[2]) && (!policy.RequireSymbols || classes[3]);
}

export async function checkPassword(ctx: Ctx, password: string): Promise<void> {
  if (!meets(password, await readPasswordPolicy(ctx))) throw passwordPolicyViolation('Password does not conform to the account password policy.');
}

/** Whether `password` is the one `stored` (a hash from `hash`) was made from. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, salt, digest] = stored.split(':');
  if (scheme !== 'scrypt') return false;
  const expected = Buffer.from(digest, 'base64');
  return timingSafeEqual(await scryptAsync(password, Buffer.from(salt, 'base64'), expected.length), expected);
}

const notFound = (user: string) => noSuchEntity(`Login Profile for User ${user} cannot be found.`);

export async function createLoginProfile(input: CreateLoginProfileRequest, ctx: Ctx): Promise<CreateLoginProfileResponse> {
  await checkPassword(ctx, input.Password);
  // The hash is worked out before the unit: a unit awaits nothing but the store.
  const passwordHash = await hash(input.Password);
  return await ctx.state.unit(async () => {
    const user = await targetUser(ctx, input.UserName);
    const created = ctx.clock.now();
    const reset = input.PasswordResetRequired ?? false;
    if (!(await ctx.state.insertLogin({ user_id: user.id, password_hash: passwordHash, reset_required: reset ? 1 : 0, created }))) {
      throw entityAlreadyExists(`Login Profile for user ${user.name} already exists.`);
    }
    return { LoginProfile: { UserName: user.name, CreateDate: new Date(created), PasswordResetRequired: reset } };
  });
}

export async function getLoginProfile(input: GetLoginProfileRequest, ctx: Ctx): Promise<GetLoginProfileResponse> {
  const user = await targetUser(ctx, input.UserName);
  const login = await ctx.state.login(user.id);
  if (!login) throw notFound(user.name);
  return { LoginProfile: { UserName: user.name, CreateDate: new Date(login.created), PasswordResetRequired: login.reset_required === 1 } };
}

export async function updateLoginProfile(input: UpdateLoginProfileRequest, ctx: Ctx): Promise<void> {
  if (input.Password !== undefined) await checkPassword(ctx, input.Password);
  const passwordHash = input.Password === undefined ? undefined : await hash(input.Password);
  await ctx.state.unit(async () => {
    const user = await targetUser(ctx, input.UserName);
    if (!(await ctx.state.login(user.id))) throw notFound(user.name);
    await ctx.state.updateLogin(user.id, {
      password_hash: passwordHash,
      reset_required: input.PasswordResetRequired === undefined ? undefined : input.PasswordResetRequired ? 1 : 0,
    });
  });
}

export async function deleteLoginProfile(input: DeleteLoginProfileRequest, ctx: Ctx): Promise<void> {
  await ctx.state.unit(async () => {
    const user = await targetUser(ctx, input.UserName);
    if (!(await ctx.state.deleteLogin(user.id))) throw notFound(user.name);
  });
}
