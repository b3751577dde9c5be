// IAM users' access keys, issued through the core's accounts (src/core/accounts.ts): a request signed
// with one acts as its user, in its user's account, until the key is deactivated or deleted.
import type {
  CreateAccessKeyRequest, CreateAccessKeyResponse, ListAccessKeysRequest, ListAccessKeysResponse, UpdateAccessKeyRequest,
  DeleteAccessKeyRequest, GetAccessKeyLastUsedRequest, GetAccessKeyLastUsedResponse,
} from '../generated/types.ts';
import type { AccessKeyStatus } from '../../../../core/accounts.ts';
import { limitExceeded, noSuchEntity } from '../errors.ts';
import { targetUser } from '../lookup.ts';
import { entityArn } from '../shapes.ts';
import { page } from '../paging.ts';
import type { Ctx, EntityRow, KeyRow } from '../store.ts';

/** IAM's quota of access keys per user (not adjustable). */
const KEYS_PER_USER = 2;

const keyNotFound = (id: string) => noSuchEntity(`The Access Key with id ${id} cannot be found.`);

export async function createAccessKey(input: CreateAccessKeyRequest, ctx: Ctx): Promise<CreateAccessKeyResponse> {
  return await ctx.state.unit(async () => {
    const user = await targetUser(ctx, input.UserName);
    if ((await ctx.state.keys(user.id)).length >= KEYS_PER_USER) throw limitExceeded(`Cannot exceed quota for AccessKeysPerUser: ${KEYS_PER_USER}`);
    const issued = await ctx.env.accounts.issue({ account: ctx.account, arn: entityArn(user), userId: user.id });
    const created = ctx.clock.now();
    await ctx.state.insertKey({ user_id: user.id, access_key_id: issued.accessKeyId, created });
    return {
      AccessKey: {
        UserName: user.name, AccessKeyId: issued.accessKeyId, Status: 'Active', SecretAccessKey: issued.secretAccessKey, CreateDate: new Date(created),
      },
    };
  });
}

export async function listAccessKeys(input: ListAccessKeysRequest, ctx: Ctx): Promise<ListAccessKeysResponse> {
  const user = await targetUser(ctx, input.UserName);
  const p = await page(ctx, await ctx.state.keys(user.id), (k) => String(k.created).padStart(15, '0') + k.access_key_id, input, user.id);
  const metadata = [];
  for (const k of p.items) {
    metadata.push({ UserName: user.name, AccessKeyId: k.access_key_id, Status: (await ctx.env.accounts.statusOf(k.access_key_id)) ?? 'Inactive', CreateDate: new Date(k.created) });
  }
  return { AccessKeyMetadata: metadata, IsTruncated: p.IsTruncated, Marker: p.Marker };
}

/** The user's key with that id; NoSuchEntity when it is not this user's. */
async function usersKey(ctx: Ctx, userName: string | undefined, accessKeyId: string): Promise<{ user: EntityRow; key: KeyRow }> {
  const user = await targetUser(ctx, userName);
  const key = await ctx.state.key(accessKeyId);
  if (!key || key.user_id !== user.id) throw keyNotFound(accessKeyId);
  return { user, key };
}

export async function updateAccessKey(input: UpdateAccessKeyRequest, ctx: Ctx): Promise<void> {
  await ctx.state.unit(async () => {
    await usersKey(ctx, input.UserName, input.AccessKeyId);
    await ctx.env.accounts.setStatus(input.AccessKeyId, input.Status as AccessKeyStatus);
  });
}

export async function deleteAccessKey(input: DeleteAccessKeyRequest, ctx: Ctx): Promise<void> {
  await ctx.state.unit(async () => {
    await usersKey(ctx, input.UserName, input.AccessKeyId);
    await ctx.state.deleteKey(input.AccessKeyId);
    await ctx.env.accounts.revoke(input.AccessKeyId);
  });
}

export async function getAccessKeyLastUsed(input: GetAccessKeyLastUsedRequest, ctx: Ctx): Promise<GetAccessKeyLastUsedResponse> {
  const key = await ctx.state.key(input.AccessKeyId);
  const user = key && (await ctx.state.entityById(key.user_id));
  if (!user || user.account !== ctx.account) throw keyNotFound(input.AccessKeyId);
  // Fogbank does not record each key's last use yet: IAM's answer for a key never used.
  return { UserName: user.name, AccessKeyLastUsed: { ServiceName: 'N/A', Region: 'N/A' } as GetAccessKeyLastUsedResponse['AccessKeyLastUsed'] };
}
