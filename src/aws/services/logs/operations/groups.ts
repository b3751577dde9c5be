// Log groups: create, delete, describe, retention, KMS key, tags (the log-group and the ARN flavours).
import type * as T from '../generated/types.ts';
import { constraints } from '../../../protocol/constraints.ts';
import { ServiceError } from '../../../../core/errors.ts';
import type { GroupRow } from '../store.ts';
import {
  type Ctx, RETENTION_DAYS, checkTags, decodeToken, encodeToken, groupArn, groupIdentity, groupNotFound, invalidParameter,
  LOGS_TAGS, parseTags, requireGroup,
} from '../common.ts';
import { applyTags, removeTags, type TagMap } from '../../../../core/resources/tags.ts';

const GROUP_NAME = /^[.\-_/#A-Za-z0-9]+$/;

export async function createLogGroup(input: T.CreateLogGroupRequest, ctx: Ctx): Promise<void> {
  constraints()
    .length('logGroupName', input.logGroupName, 1, 512)
    .pattern('logGroupName', input.logGroupName, GROUP_NAME, '[\\.\\-_/#A-Za-z0-9]+')
    .check('InvalidParameterException');
  const cls = input.logGroupClass ?? 'STANDARD';
  if (!['STANDARD', 'INFREQUENT_ACCESS', 'DELIVERY'].includes(cls)) {
    throw invalidParameter(`1 validation error detected: Value '${cls}' at 'logGroupClass' failed to satisfy constraint: Member must satisfy enum value set: [STANDARD, INFREQUENT_ACCESS, DELIVERY]`);
  }
  if (input.tags) checkTags(input.tags);
  return ctx.state.atomically(async () => {
    if (await ctx.state.group(ctx.account, ctx.region, input.logGroupName)) {
      throw new ServiceError('ResourceAlreadyExistsException', 'The specified log group already exists', 400);
    }
    await ctx.state.createGroup({
      account: ctx.account,
      region: ctx.region,
      name: input.logGroupName,
      created_at: ctx.clock.now(),
      // DELIVERY groups keep their events for a day, as in AWS.
      retention_days: cls === 'DELIVERY' ? 1 : null,
      kms_key_id: input.kmsKeyId ?? null,
      log_group_class: cls,
      deletion_protection: input.deletionProtectionEnabled ? 1 : 0,
      tags: JSON.stringify(input.tags ?? {}),
    });
  });
}

export async function deleteLogGroup(input: T.DeleteLogGroupRequest, ctx: Ctx): Promise<void> {
  const g = await requireGroup(ctx, input.logGroupName);
  if (g.deletion_protection) {
    throw new ServiceError('OperationAbortedException', `Log group ${g.name} has deletion protection enabled; disable it before deleting the log group.`, 400);
  }
  await ctx.state.deleteGroup(g.id);
}

export async function putLogGroupDeletionProtection(input: { logGroupIdentifier: string; deletionProtectionEnabled: boolean }, ctx: Ctx): Promise<void> {
  const { account, region, name } = groupIdentity(ctx, input.logGroupIdentifier);
  const g = await ctx.state.group(account, region, name);
  if (!g) throw groupNotFound();
  await ctx.state.updateGroup(g.id, 'deletion_protection', input.deletionProtectionEnabled ? 1 : 0);
}

export async function describeGroup(ctx: Ctx, g: GroupRow): Promise<T.LogGroup> {
  const arn = groupArn(g);
  return {
    logGroupName: g.name,
    creationTime: g.created_at,
    retentionInDays: g.retention_days ?? undefined,
    metricFilterCount: await ctx.state.metricFilterCount(g.id),
    arn: `${arn}:*`,
    storedBytes: await ctx.state.groupBytes(g.id),
    kmsKeyId: g.kms_key_id ?? undefined,
    logGroupClass: g.log_group_class,
    logGroupArn: arn,
    deletionProtectionEnabled: g.deletion_protection === 1,
  };
}

export async function describeLogGroups(input: T.DescribeLogGroupsRequest, ctx: Ctx): Promise<T.DescribeLogGroupsResponse> {
  constraints().range('limit', input.limit, 1, 50).check('InvalidParameterException');
  if (input.logGroupNamePrefix !== undefined && input.logGroupNamePattern !== undefined) {
    throw invalidParameter('LogGroup name prefix and LogGroup name pattern are mutually exclusive parameters.');
  }
  const limit = input.limit ?? 50;
  const after = (await decodeToken<{ after: string }>(ctx, input.nextToken))?.after ?? '';
  let rows: GroupRow[];
  if (input.logGroupIdentifiers?.length) {
    const names = new Set(input.logGroupIdentifiers.map((id) => groupIdentity(ctx, id).name));
    rows = (await ctx.state.allGroups(ctx.account, ctx.region)).filter((g) => names.has(g.name) && g.name > after).slice(0, limit + 1);
  } else if (input.logGroupNamePattern !== undefined) {
    const needle = input.logGroupNamePattern.toLowerCase();
    rows = (await ctx.state.allGroups(ctx.account, ctx.region))
      .filter((g) => g.name > after && g.name.toLowerCase().includes(needle))
      .slice(0, limit + 1);
  } else {
    rows = await ctx.state.listGroups(ctx.account, ctx.region, input.logGroupNamePrefix ?? '', after, limit + 1);
  }
  if (input.logGroupClass) rows = rows.filter((g) => g.log_group_class === input.logGroupClass);
  const more = rows.length > limit;
  const page = rows.slice(0, limit);
  return {
    logGroups: await Promise.all(page.map((g) => describeGroup(ctx, g))),
    nextToken: more ? await encodeToken(ctx, { after: page[page.length - 1].name }) : undefined,
  };
}

export async function putRetentionPolicy(input: T.PutRetentionPolicyRequest, ctx: Ctx): Promise<void> {
  if (!RETENTION_DAYS.includes(input.retentionInDays)) {
    throw invalidParameter(
      `1 validation error detected: Value '${input.retentionInDays}' at 'retentionInDays' failed to satisfy constraint: Member must satisfy enum value set: [${RETENTION_DAYS.join(', ')}]`,
    );
  }
  const g = await requireGroup(ctx, input.logGroupName);
  await ctx.state.updateGroup(g.id, 'retention_days', input.retentionInDays);
}

export async function deleteRetentionPolicy(input: T.DeleteRetentionPolicyRequest, ctx: Ctx): Promise<void> {
  const g = await requireGroup(ctx, input.logGroupName);
  await ctx.state.updateGroup(g.id, 'retention_days', null);
}

export async function associateKmsKey(input: T.AssociateKmsKeyRequest, ctx: Ctx): Promise<void> {
  if (!input.logGroupName) throw invalidParameter('logGroupName is required.');
  if (!/^arn:[^:]+:kms:/.test(input.kmsKeyId)) throw invalidParameter(`Specified KMS key ${input.kmsKeyId} is not a valid KMS key ARN.`);
  const g = await requireGroup(ctx, input.logGroupName);
  await ctx.state.updateGroup(g.id, 'kms_key_id', input.kmsKeyId);
}

export async function disassociateKmsKey(input: T.DisassociateKmsKeyRequest, ctx: Ctx): Promise<void> {
  if (!input.logGroupName) throw invalidParameter('logGroupName is required.');
  const g = await requireGroup(ctx, input.logGroupName);
  await ctx.state.updateGroup(g.id, 'kms_key_id', null);
}

async function setTags(ctx: Ctx, g: GroupRow, tags: TagMap): Promise<void> {
  await ctx.state.updateGroup(g.id, 'tags', JSON.stringify(tags));
}

export async function tagLogGroup(input: T.TagLogGroupRequest, ctx: Ctx): Promise<void> {
  return ctx.state.atomically(async () => {
    const g = await requireGroup(ctx, input.logGroupName);
    await setTags(ctx, g, applyTags(parseTags(g.tags), input.tags, LOGS_TAGS));
  });
}

export async function untagLogGroup(input: T.UntagLogGroupRequest, ctx: Ctx): Promise<void> {
  return ctx.state.atomically(async () => {
    const g = await requireGroup(ctx, input.logGroupName);
    await setTags(ctx, g, removeTags(parseTags(g.tags), input.tags));
  });
}

export async function listTagsLogGroup(input: T.ListTagsLogGroupRequest, ctx: Ctx): Promise<T.ListTagsLogGroupResponse> {
  return { tags: parseTags((await requireGroup(ctx, input.logGroupName)).tags) };
}

async function groupOfArn(ctx: Ctx, arn: string): Promise<GroupRow> {
  const m = /^arn:[^:]+:logs:([^:]*):(\d{12}):log-group:([^:]+)(:\*)?$/.exec(arn);
  if (!m) throw invalidParameter(`Invalid resource ARN: ${arn}`);
  const g = await ctx.state.group(m[2], m[1] || ctx.region, m[3]);
  if (!g) throw groupNotFound();
  return g;
}

export async function tagResource(input: T.TagResourceRequest, ctx: Ctx): Promise<void> {
  return ctx.state.atomically(async () => {
    const g = await groupOfArn(ctx, input.resourceArn);
    await setTags(ctx, g, applyTags(parseTags(g.tags), input.tags, LOGS_TAGS));
  });
}

export async function untagResource(input: T.UntagResourceRequest, ctx: Ctx): Promise<void> {
  return ctx.state.atomically(async () => {
    const g = await groupOfArn(ctx, input.resourceArn);
    await setTags(ctx, g, removeTags(parseTags(g.tags), input.tagKeys));
  });
}

export async function listTagsForResource(input: T.ListTagsForResourceRequest, ctx: Ctx): Promise<T.ListTagsForResourceResponse> {
  return { tags: parseTags((await groupOfArn(ctx, input.resourceArn)).tags) };
}
