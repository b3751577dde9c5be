// Account-wide IAM settings and views: the account alias (unique across accounts), the password
// policy, GetAccountSummary's counts and quotas, and GetAccountAuthorizationDetails' full picture.
import type {
  CreateAccountAliasRequest, DeleteAccountAliasRequest, ListAccountAliasesRequest, ListAccountAliasesResponse,
  UpdateAccountPasswordPolicyRequest, GetAccountPasswordPolicyResponse, GetAccountSummaryResponse,
  GetAccountAuthorizationDetailsRequest, GetAccountAuthorizationDetailsResponse,
} from '../generated/types.ts';
import { constraints } from '../../../protocol/constraints.ts';
import { entityAlreadyExists, noSuchEntity } from '../errors.ts';
import { parsePolicyArn } from '../names.ts';
import { encodeDocument, groupShape, instanceProfileShape, policyShape, roleShape, userShape, versionShape } from '../shapes.ts';
import { page } from '../paging.ts';
import { INLINE_POLICY_SIZE } from '../policy-documents.ts';
import { usageOf } from './policies.ts';
import { awsManagedCatalogue, awsManagedPolicy } from '../aws-managed.ts';
import { globalEndpointTokenVersion } from './sts-preferences.ts';
import type { Ctx, EntityRow, PolicyRow } from '../store.ts';

// Account alias

/** The model's pattern has a lookahead the generic validator does not run, so it is checked here. */
const ALIAS = /^[a-z0-9](([a-z0-9]|-(?!-))*[a-z0-9])?$/;

export async function createAccountAlias(input: CreateAccountAliasRequest, ctx: Ctx): Promise<void> {
  constraints().pattern('accountAlias', input.AccountAlias, ALIAS, '^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$').check('ValidationError');
  await ctx.state.unit(async () => {
    const owner = await ctx.state.settingOwner('alias', input.AccountAlias);
    if (owner !== undefined && owner !== ctx.account) throw entityAlreadyExists(`The account alias ${input.AccountAlias} already exists.`);
    // An account has one alias: a new one replaces it.
    await ctx.state.putSetting(ctx.account, 'alias', input.AccountAlias);
  });
}

export async function listAccountAliases(_input: ListAccountAliasesRequest, ctx: Ctx): Promise<ListAccountAliasesResponse> {
  const alias = await ctx.state.setting(ctx.account, 'alias');
  return { AccountAliases: alias === undefined ? [] : [alias], IsTruncated: false };
}

export async function deleteAccountAlias(input: DeleteAccountAliasRequest, ctx: Ctx): Promise<void> {
  await ctx.state.unit(async () => {
    if ((await ctx.state.setting(ctx.account, 'alias')) !== input.AccountAlias) {
      throw noSuchEntity(`The account alias ${input.AccountAlias} cannot be found.`);
    }
    await ctx.state.deleteSetting(ctx.account, 'alias');
  });
}

// Password policy

export interface PasswordPolicy {
  MinimumPasswordLength: number;
  RequireSymbols: boolean;
  RequireNumbers: boolean;
  RequireUppercaseCharacters: boolean;
  RequireLowercaseCharacters: boolean;
  AllowUsersToChangePassword: boolean;
  ExpirePasswords: boolean;
  MaxPasswordAge?: number;
  PasswordReusePrevention?: number;
  HardExpiry?: boolean;
}

export async function readPasswordPolicy(ctx: Ctx): Promise<PasswordPolicy | undefined> {
  const json = await ctx.state.setting(ctx.account, 'password-policy');
  return json === undefined ? undefined : (JSON.parse(json) as PasswordPolicy);
}

const noPolicy = (account: string) => noSuchEntity(`The Password Policy with domain name ${account} cannot be found.`);

/** Every member left out takes IAM's default (minimum length 6, nothing required, no expiry). */
export async function updateAccountPasswordPolicy(input: UpdateAccountPasswordPolicyRequest, ctx: Ctx): Promise<void> {
  const maxAge = input.MaxPasswordAge ?? 0;
  const policy: PasswordPolicy = {
    MinimumPasswordLength: input.MinimumPasswordLength ?? 6,
    RequireSymbols: input.RequireSymbols ?? false,
    RequireNumbers: input.RequireNumbers ?? false,
    RequireUppercaseCharacters: input.RequireUppercaseCharacters ?? false,
    RequireLowercaseCharacters: input.RequireLowercaseCharacters ?? false,
    AllowUsersToChangePassword: input.AllowUsersToChangePassword ?? false,
    ExpirePasswords: maxAge > 0,
    MaxPasswordAge: maxAge > 0 ? maxAge : undefined,
    PasswordReusePrevention: input.PasswordReusePrevention || undefined,
    HardExpiry: input.HardExpiry ?? false,
  };
  await ctx.state.putSetting(ctx.account, 'password-policy', JSON.stringify(policy));
}

export async function getAccountPasswordPolicy(_input: unknown, ctx: Ctx): Promise<GetAccountPasswordPolicyResponse> {
  const policy = await readPasswordPolicy(ctx);
  if (!policy) throw noPolicy(ctx.account);
  return { PasswordPolicy: policy };
}

export async function deleteAccountPasswordPolicy(_input: unknown, ctx: Ctx): Promise<void> {
  if (!(await ctx.state.deleteSetting(ctx.account, 'password-policy'))) throw noPolicy(ctx.account);
}

// Summary

export async function getAccountSummary(_input: unknown, ctx: Ctx): Promise<GetAccountSummaryResponse> {
  const counts = await ctx.state.countEntities(ctx.account);
  const policies = await ctx.state.policies(ctx.account);
  let versions = 0;
  for (const p of policies) versions += (await ctx.state.versions(p.arn)).length;
  const mfa = await ctx.state.mfaDevices(ctx.account);
  const providers = (await ctx.state.providers(ctx.account, 'saml')).length + (await ctx.state.providers(ctx.account, 'oidc')).length;
  const serverCertificates = (await ctx.state.serverCerts(ctx.account)).length;
  // Counts of what Fogbank holds, and IAM's default quotas.
  return {
    SummaryMap: {
      Users: counts.user, UsersQuota: 5000,
      Groups: counts.group, GroupsQuota: 300,
      Roles: counts.role, RolesQuota: 1000,
      InstanceProfiles: counts['instance-profile'], InstanceProfilesQuota: 1000,
      Policies: policies.length, PoliciesQuota: 1500,
      PolicyVersionsInUse: versions, PolicyVersionsInUseQuota: 10000, VersionsPerPolicyQuota: 5,
      PolicySizeQuota: 6144, UserPolicySizeQuota: INLINE_POLICY_SIZE.user, GroupPolicySizeQuota: INLINE_POLICY_SIZE.group,
      RolePolicySizeQuota: INLINE_POLICY_SIZE.role, AssumeRolePolicySizeQuota: 2048,
      AttachedPoliciesPerUserQuota: 10, AttachedPoliciesPerGroupQuota: 10, AttachedPoliciesPerRoleQuota: 10,
      GroupsPerUserQuota: 10, AccessKeysPerUserQuota: 2, SigningCertificatesPerUserQuota: 2,
      ServerCertificates: serverCertificates, ServerCertificatesQuota: 20, MFADevices: mfa.length,
      MFADevicesInUse: mfa.filter((d) => d.user_id !== null).length, Providers: providers,
      AccountMFAEnabled: 0, AccountAccessKeysPresent: 0, AccountSigningCertificatesPresent: 0, GlobalEndpointTokenVersion: await globalEndpointTokenVersion(ctx),
    },
  };
}

// Authorization details

const FILTERS = ['User', 'Group', 'Role', 'LocalManagedPolicy', 'AWSManagedPolicy'];

export async function getAccountAuthorizationDetails(input: GetAccountAuthorizationDetailsRequest, ctx: Ctx): Promise<GetAccountAuthorizationDetailsResponse> {
  const wanted = new Set(input.Filter?.length ? input.Filter : FILTERS);
  const s = ctx.state;
  type Item = { key: string; kind: 'user' | 'group' | 'role'; row: EntityRow } | { key: string; kind: 'policy'; row: PolicyRow };
  const items: Item[] = [];
  for (const [kind, filter, order] of [['user', 'User', 0], ['group', 'Group', 1], ['role', 'Role', 2]] as const) {
    if (!wanted.has(filter)) continue;
    for (const row of await s.entities(ctx.account, kind)) items.push({ key: `${order}/${row.name.toLowerCase()}`, kind, row });
  }
  if (wanted.has('LocalManagedPolicy')) for (const row of await s.policies(ctx.account)) items.push({ key: `3/${row.name.toLowerCase()} ${row.arn}`, kind: 'policy', row });
  // AWS managed policies: those the account uses (attached, or a boundary), not all of AWS's.
  if (wanted.has('AWSManagedPolicy')) {
    await awsManagedCatalogue();
    for (const arn of (await s.policyUsage(ctx.account)).keys()) {
      const row = awsManagedPolicy(arn)?.row;
      if (row) items.push({ key: `3/${row.name.toLowerCase()} ${row.arn}`, kind: 'policy', row });
    }
  }
  const p = await page(ctx, items, (i) => i.key, input);

  const inline = async (id: string) => (await s.inlines(id)).map((i) => ({ PolicyName: i.name, PolicyDocument: encodeDocument(i.document) }));
  const attached = async (id: string) => (await s.attached(id)).map((arn) => ({ PolicyName: parsePolicyArn(arn).name, PolicyArn: arn }));
  const names = async (ids: string[]) => (await s.entitiesByIds(ids)).map((e) => e.name);

  const out: GetAccountAuthorizationDetailsResponse = { UserDetailList: [], GroupDetailList: [], RoleDetailList: [], Policies: [] };
  for (const item of p.items) {
    if (item.kind === 'user') {
      out.UserDetailList!.push({ ...userShape(item.row), UserPolicyList: await inline(item.row.id), GroupList: await names(await s.containers(item.row.id)), AttachedManagedPolicies: await attached(item.row.id) });
    } else if (item.kind === 'group') {
      out.GroupDetailList!.push({ ...groupShape(item.row), GroupPolicyList: await inline(item.row.id), AttachedManagedPolicies: await attached(item.row.id) });
    } else if (item.kind === 'role') {
      const profiles = [];
      for (const profile of await s.entitiesByIds(await s.containers(item.row.id))) {
        profiles.push(instanceProfileShape(profile, await s.entitiesByIds(await s.members(profile.id))));
      }
      const { MaxSessionDuration: _, ...role } = roleShape(item.row);
      out.RoleDetailList!.push({ ...role, InstanceProfileList: profiles, RolePolicyList: await inline(item.row.id), AttachedManagedPolicies: await attached(item.row.id) });
    } else if (item.kind === 'policy') {
      const row = item.row;
      const { Tags: _, ...policy } = policyShape(row, await usageOf(ctx, row.arn));
      const aws = row.account === 'aws' ? awsManagedPolicy(row.arn) : undefined;
      const versions = (aws ? [aws.version] : await s.versions(row.arn)).map((v) => versionShape(v, row.default_version, true));
      out.Policies!.push({ ...policy, PolicyVersionList: versions });
    }
  }
  return { ...out, IsTruncated: p.IsTruncated, Marker: p.Marker };
}
