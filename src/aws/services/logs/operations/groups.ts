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

export function createLogGroup(input: T.CreateLogGroupRequest, ctx: Ctx): void {
  constraints()
    .length('logGroupName', input.logGroupName, 1, 512)
    .pattern('logGroupName', input.logGroupName, GROUP_NAME, '[\\.\\-_/#A-Za-z0-9]+')
    .check('InvalidParameterException');
  const cls = input.logGroupClass ?? 'STANDARD';
  if (!['STANDARD', 'INFREQUENT_ACCESS', 'DELIVERY'].includes(cls)) {
    throw invalidParameter(`1 validation error detected: Value '${cls}' at 'logGroupClass' failed to satisfy constraint: Member must satisfy enum value set: [STANDARD, INFREQUENT_ACCESS, DELIVERY]`);
  }
  if (input.tags) checkTags(input.tags);
  if (ctx.state.group(ctx.account, ctx.region, input.logGroupName)) {
    throw new ServiceError('ResourceAlreadyExistsException', 'The specified log group already exists', 400);
  }
  ctx.state.createGroup({
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
}

export function deleteLogGroup(input: T.DeleteLogGroupRequest, ctx: Ctx): void {
  const g = requireGroup(ctx, input.logGroupName);
  if (g.deletion_protection) {
    throw new ServiceError('OperationAbortedException', `Log group ${g.name} has deletion protection enabled; disable it before deleting the log group.`, 400);
  }
  ctx.state.deleteGroup(g.id);
}

export function putLogGroupDeletionProtection(input: { logGroupIdentifier: string; deletionProtectionEnabled: boolean }, ctx: Ctx): void {
  const { account, region, name } = groupIdentity(ctx, input.logGroupIdentifier);
  const g = ctx.state.group(account, region, name);
  if (!g) throw groupNotFound();
  ctx.state.updateGroup(g.id, 'deletion_protection', input.deletionProtectionEnabled ? 1 : 0);
}

export function describeGroup(ctx: Ctx, g: GroupRow): T.LogGroup {
  const arn = groupArn(g);
  return {
    logGroupName: g.name,
    creationTime: g.created_at,
    retentionInDays: g.retention_days ?? undefined,
    metricFilterCount: ctx.state.metricFilterCount(g.id),
    arn: `${arn}:*`,
    storedBytes: ctx.state.groupBytes(g.id),
    kmsKeyId: g.kms_key_id ?? undefined,
    logGroupClass: g.log_group_class,
    logGroupArn: arn,
    deletionProtectionEnabled: g.deletion_protection === 1,
  };
}

export function describeLogGroups(input: T.DescribeLogGroupsRequest, ctx: Ctx): T.DescribeLogGroupsResponse {
  constraints().range('limit', input.limit, 1, 50).check('InvalidParameterException');
  if (input.logGroupNamePrefix !== undefined && input.logGroupNamePattern !== undefined) {
    throw invalidParameter('LogGroup name prefix and LogGroup name pattern are mutually exclusive parameters.');
  }
  const limit = input.limit ?? 50;
  const after = decodeToken<{ after: string }>(ctx, input.nextToken)?.after ?? '';
  let rows: GroupRow[];
  if (input.logGroupIdentifiers?.length) {
    const names = new Set(input.logGroupIdentifiers.map((id) => groupIdentity(ctx, id).name));
    rows = ctx.state.allGroups(ctx.account, ctx.region).filter((g) => names.has(g.name) && g.name > after).slice(0, limit + 1);
  } else if (input.logGroupNamePattern !== undefined) {
    const needle = input.logGroupNamePattern.toLowerCase();
    rows = ctx.state
      .allGroups(ctx.account, ctx.region)
      .filter((g) => g.name > after && g.name.toLowerCase().includes(needle))
      .slice(0, limit + 1);
  } else {
    rows = ctx.state.listGroups(ctx.account, ctx.region, input.logGroupNamePrefix ?? '', after, limit + 1);
  }
  if (input.logGroupClass) rows = rows.filter((g) => g.log_group_class === input.logGroupClass);
  const more = rows.length > limit;
  const page = rows.slice(0, limit);
  return {
    logGroups: page.map((g) => describeGroup(ctx, g)),
    nextToken: more ? encodeToken(ctx, { after: page[page.length - 1].name }) : undefined,
  };
}

export function putRetentionPolicy(input: T.PutRetentionPolicyRequest, ctx: Ctx): void {
  if (!RETENTION_DAYS.includes(input.retentionInDays)) {
    throw invalidParameter(
      `1 validation error detected: Value '${input.retentionInDays}' at 'retentionInDays' failed to satisfy constraint: Member must satisfy enum value set: [${RETENTION_DAYS.join(', ')}]`,
    );
  }
  const g = requireGroup(ctx, input.logGroupName);
  ctx.state.updateGroup(g.id, 'retention_days', input.retentionInDays);
}

export function deleteRetentionPolicy(input: T.DeleteRetentionPolicyRequest, ctx: Ctx): void {
  const g = requireGroup(ctx, input.logGroupName);
  ctx.state.updateGroup(g.id, 'retention_days', null);
}

export function associateKmsKey(input: T.AssociateKmsKeyRequest, ctx: Ctx): void {
  if (!input.logGroupName) throw invalidParameter('logGroupName is required.');
  if (!/^arn:[^:]+:kms:/.test(input.kmsKeyId)) throw invalidParameter(`Specified KMS key ${input.kmsKeyId} is not a valid KMS key ARN.`);
  const g = requireGroup(ctx, input.logGroupName);
  ctx.state.updateGroup(g.id, 'kms_key_id', input.kmsKeyId);
}

export function disassociateKmsKey(input: T.DisassociateKmsKeyRequest, ctx: Ctx): void {
  if (!input.logGroupName) throw invalidParameter('logGroupName is required.');
  const g = requireGroup(ctx, input.logGroupName);
  ctx.state.updateGroup(g.id, 'kms_key_id', null);
}

function setTags(ctx: Ctx, g: GroupRow, tags: TagMap): void {
  ctx.state.updateGroup(g.id, 'tags', JSON.stringify(tags));
}

export function tagLogGroup(input: T.TagLogGroupRequest, ctx: Ctx): void {
  const g = requireGroup(ctx, input.logGroupName);
  setTags(ctx, g, applyTags(parseTags(g.tags), input.tags, LOGS_TAGS));
}

export function untagLogGroup(input: T.UntagLogGroupRequest, ctx: Ctx): void {
  const g = requireGroup(ctx, input.logGroupName);
  setTags(ctx, g, removeTags(parseTags(g.tags), input.tags));
}

export function listTagsLogGroup(input: T.ListTagsLogGroupRequest, ctx: Ctx): T.ListTagsLogGroupResponse {
  return { tags: parseTags(requireGroup(ctx, input.logGroupName).tags) };
}

function groupOfArn(ctx: Ctx, arn: string): GroupRow {
  const m = /^arn:[^:]+:logs:([^:]*):(\d{12}):log-group:([^:]+)(:\*)?$/.exec(arn);
  if (!m) throw invalidParameter(`Invalid resource ARN: ${arn}`);
  const g = ctx.state.group(m[2], m[1] || ctx.region, m[3]);
  if (!g) throw groupNotFound();
  return g;
}

export function tagResource(input: T.TagResourceRequest, ctx: Ctx): void {
  const g = groupOfArn(ctx, input.resourceArn);
  setTags(ctx, g, applyTags(parseTags(g.tags), input.tags, LOGS_TAGS));
}

export function untagResource(input: T.UntagResourceRequest, ctx: Ctx): void {
  const g = groupOfArn(ctx, input.resourceArn);
  setTags(ctx, g, removeTags(parseTags(g.tags), input.tagKeys));
}

export function listTagsForResource(input: T.ListTagsForResourceRequest, ctx: Ctx): T.ListTagsForResourceResponse {
  return { tags: parseTags(groupOfArn(ctx, input.resourceArn).tags) };
}
