// Customer managed policies and their versions: at most five versions, one of them the default, which
// cannot be deleted; a policy is deleted only once detached and down to its default version. AWS managed
// policies (aws-managed.ts) are read and listed alongside, each with its one default version, and are
// AWS's: deleting or versioning them is denied.
import type {
  CreatePolicyRequest, CreatePolicyResponse, GetPolicyRequest, GetPolicyResponse, ListPoliciesRequest, ListPoliciesResponse,
  DeletePolicyRequest, CreatePolicyVersionRequest, CreatePolicyVersionResponse, GetPolicyVersionRequest, GetPolicyVersionResponse,
  ListPolicyVersionsRequest, ListPolicyVersionsResponse, DeletePolicyVersionRequest, SetDefaultPolicyVersionRequest,
} from '../generated/types.ts';
import { iamUniqueId } from '../../../../core/resources/ids.ts';
import { deleteConflict, entityAlreadyExists, limitExceeded, noSuchEntity } from '../errors.ts';
import { requirePolicy } from '../lookup.ts';
import { iamArn, parsePolicyArn } from '../names.ts';
import { awsManagedCatalogue, awsManagedPolicies, awsManagedPolicy, awsPolicyReadOnly, type AwsManagedPolicy } from '../aws-managed.ts';
import { policyShape, versionShape, type PolicyUsage } from '../shapes.ts';
import { byName, page } from '../paging.ts';
import { checkTagRequest } from '../tagging.ts';
import { checkManagedPolicy } from '../policy-documents.ts';
import type { Ctx, PolicyRow } from '../store.ts';

/** IAM keeps at most this many versions of a managed policy. */
const MAX_VERSIONS = 5;

/** How many of this account's identities use the policy: AWS managed ones count per account. */
export async function usageOf(ctx: Ctx, arn: string): Promise<PolicyUsage> {
  return { attachments: await ctx.state.attachmentCount(arn, ctx.account), boundaries: await ctx.state.boundaryUsage(arn, ctx.account) };
}

/** The AWS managed policy an ARN in AWS's account names ("Policy X was not found." when none); undefined for a customer ARN. */
async function awsPolicyNamed(arn: string): Promise<AwsManagedPolicy | undefined> {
  if (parsePolicyArn(arn).account !== 'aws') return undefined;
  await awsManagedCatalogue();
  const policy = awsManagedPolicy(arn);
  if (!policy) throw noSuchEntity(`Policy ${arn} was not found.`);
  return policy;
}

/** A write to a policy: AWS managed policies are AWS's, and refused. */
function refuseAwsPolicy(ctx: Ctx, action: string, arn: string): void {
  if (parsePolicyArn(arn).account === 'aws') throw awsPolicyReadOnly(ctx, action, arn);
}

export async function createPolicy(input: CreatePolicyRequest, ctx: Ctx): Promise<CreatePolicyResponse> {
  checkManagedPolicy(input.PolicyDocument);
  checkTagRequest(input.Tags);
  const path = input.Path ?? '/';
  const now = ctx.clock.now();
  const row: PolicyRow = {
    account: ctx.account, arn: iamArn(ctx.account, 'policy', path, input.PolicyName), name: input.PolicyName, path,
    id: iamUniqueId('ANPA'), description: input.Description ?? null, default_version: 'v1', next_version: 2,
    created: now, updated: now, tags: JSON.stringify(input.Tags ?? []),
  };
  const inserted = await ctx.state.unit(() => ctx.state.insertPolicy(row, input.PolicyDocument));
  if (!inserted) throw entityAlreadyExists(`A policy called ${input.PolicyName} already exists. Duplicate names are not allowed.`);
  return { Policy: policyShape(row, { attachments: 0, boundaries: 0 }) };
}

export async function getPolicy(input: GetPolicyRequest, ctx: Ctx): Promise<GetPolicyResponse> {
  const row = (await awsPolicyNamed(input.PolicyArn))?.row ?? await requirePolicy(ctx, input.PolicyArn);
  return { Policy: policyShape(row, await usageOf(ctx, row.arn)) };
}

export async function listPolicies(input: ListPoliciesRequest, ctx: Ctx): Promise<ListPoliciesResponse> {
  // Scope: All (the default) lists AWS managed policies and the account's own, Local only its own.
  const scope = input.Scope ?? 'All';
  if (scope !== 'Local') await awsManagedCatalogue();
  const rows = [
    ...(scope === 'AWS' ? [] : await ctx.state.policies(ctx.account, input.PathPrefix)),
    ...(scope === 'Local' ? [] : awsManagedPolicies(input.PathPrefix).map((p) => p.row)),
  ];
  const usages = await ctx.state.policyUsage(ctx.account);
  const listed: Array<{ row: PolicyRow; usage: PolicyUsage }> = [];
  for (const row of rows) {
    const usage = usages.get(row.arn) ?? { attachments: 0, boundaries: 0 };
    if (input.OnlyAttached) {
      const used = input.PolicyUsageFilter === 'PermissionsPolicy' ? usage.attachments > 0
        : input.PolicyUsageFilter === 'PermissionsBoundary' ? usage.boundaries > 0
        : usage.attachments + usage.boundaries > 0;
      if (!used) continue;
    }
    listed.push({ row, usage });
  }
  // An account's policy may share its name with an AWS managed one: the ARN keeps the key unique.
  const p = await page(ctx, listed, (e) => `${byName(e.row.name)} ${e.row.arn}`, input);
  return { Policies: p.items.map((e) => policyShape(e.row, e.usage, false)), IsTruncated: p.IsTruncated, Marker: p.Marker };
}

export async function deletePolicy(input: DeletePolicyRequest, ctx: Ctx): Promise<void> {
  refuseAwsPolicy(ctx, 'DeletePolicy', input.PolicyArn);
  await ctx.state.unit(async () => {
    const row = await requirePolicy(ctx, input.PolicyArn);
    const usage = await usageOf(ctx, row.arn);
    if (usage.attachments + usage.boundaries > 0) throw deleteConflict('Cannot delete a policy attached to entities.');
    if ((await ctx.state.versions(row.arn)).length > 1) {
      throw deleteConflict("This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.");
    }
    await ctx.state.deletePolicy(row.arn);
  });
}

function versionNotFound(arn: string, version: string) {
  return noSuchEntity(`Policy ${arn} version ${version} does not exist or is not attachable.`);
}

export async function createPolicyVersion(input: CreatePolicyVersionRequest, ctx: Ctx): Promise<CreatePolicyVersionResponse> {
  refuseAwsPolicy(ctx, 'CreatePolicyVersion', input.PolicyArn);
  checkManagedPolicy(input.PolicyDocument);
  return await ctx.state.unit(async () => {
    const row = await requirePolicy(ctx, input.PolicyArn);
    if ((await ctx.state.versions(row.arn)).length >= MAX_VERSIONS) {
      throw limitExceeded(`A managed policy can have up to ${MAX_VERSIONS} versions. Before you create a new version, you must delete an existing version.`);
    }
    const now = ctx.clock.now();
    const version = { arn: row.arn, version: `v${row.next_version}`, document: input.PolicyDocument, created: now };
    await ctx.state.insertVersion(version);
    const defaultVersion = input.SetAsDefault ? version.version : row.default_version;
    await ctx.state.updatePolicy(row.arn, { next_version: row.next_version + 1, default_version: defaultVersion, updated: now });
    return { PolicyVersion: versionShape(version, defaultVersion, false) };
  });
}

export async function getPolicyVersion(input: GetPolicyVersionRequest, ctx: Ctx): Promise<GetPolicyVersionResponse> {
  const aws = await awsPolicyNamed(input.PolicyArn);
  const row = aws?.row ?? await requirePolicy(ctx, input.PolicyArn);
  const version = aws ? (aws.version.version === input.VersionId ? aws.version : undefined) : await ctx.state.version(row.arn, input.VersionId);
  if (!version) throw versionNotFound(row.arn, input.VersionId);
  return { PolicyVersion: versionShape(version, row.default_version, true) };
}

export async function listPolicyVersions(input: ListPolicyVersionsRequest, ctx: Ctx): Promise<ListPolicyVersionsResponse> {
  const aws = await awsPolicyNamed(input.PolicyArn);
  const row = aws?.row ?? await requirePolicy(ctx, input.PolicyArn);
  // Fogbank keeps only an AWS managed policy's default version (scripts/managed-policies.ts).
  const versions = aws ? [aws.version] : await ctx.state.versions(row.arn);
  const p = await page(ctx, versions, (v) => String(v.created).padStart(15, '0') + v.version.padStart(8, '0'), input, row.arn);
  return { Versions: p.items.map((v) => versionShape(v, row.default_version, false)), IsTruncated: p.IsTruncated, Marker: p.Marker };
}

export async function deletePolicyVersion(input: DeletePolicyVersionRequest, ctx: Ctx): Promise<void> {
  refuseAwsPolicy(ctx, 'DeletePolicyVersion', input.PolicyArn);
  await ctx.state.unit(async () => {
    const row = await requirePolicy(ctx, input.PolicyArn);
    if (!(await ctx.state.version(row.arn, input.VersionId))) throw versionNotFound(row.arn, input.VersionId);
    if (row.default_version === input.VersionId) throw deleteConflict('Cannot delete the default version of a policy.');
    await ctx.state.deleteVersion(row.arn, input.VersionId);
  });
}

export async function setDefaultPolicyVersion(input: SetDefaultPolicyVersionRequest, ctx: Ctx): Promise<void> {
  refuseAwsPolicy(ctx, 'SetDefaultPolicyVersion', input.PolicyArn);
  await ctx.state.unit(async () => {
    const row = await requirePolicy(ctx, input.PolicyArn);
    if (!(await ctx.state.version(row.arn, input.VersionId))) throw versionNotFound(row.arn, input.VersionId);
    await ctx.state.updatePolicy(row.arn, { default_version: input.VersionId, updated: ctx.clock.now() });
  });
}
