// IAM's output structures built from rows. Policy documents go out URL-encoded, as IAM sends them
// (botocore and the AWS CLI decode them; SDK v3 users call decodeURIComponent).
import type { Tag } from '../../../core/resources/tags.ts';
import { iamArn } from './names.ts';
import { parseTags, type EntityRow, type PolicyRow, type VersionRow } from './store.ts';

export function encodeDocument(document: string): string {
  return encodeURIComponent(document);
}

function tagsOf(row: { tags: string }): Tag[] | undefined {
  const tags = parseTags(row.tags);
  return tags.length ? tags : undefined;
}

function boundaryOf(row: EntityRow) {
  return row.boundary ? { PermissionsBoundaryType: 'PermissionsBoundaryPolicy' as const, PermissionsBoundaryArn: row.boundary } : undefined;
}

export function entityArn(row: EntityRow): string {
  return iamArn(row.account, row.kind, row.path, row.name);
}

/** A User; `full` adds what only GetUser/CreateUser return (boundary, tags). */
export function userShape(row: EntityRow, full = true) {
  return {
    Path: row.path,
    UserName: row.name,
    UserId: row.id,
    Arn: entityArn(row),
    CreateDate: new Date(row.created),
    ...(full ? { PermissionsBoundary: boundaryOf(row), Tags: tagsOf(row) } : {}),
  };
}

export function groupShape(row: EntityRow) {
  return { Path: row.path, GroupName: row.name, GroupId: row.id, Arn: entityArn(row), CreateDate: new Date(row.created) };
}

/** A Role; `full` adds what ListRoles leaves out (boundary, tags, last used). */
export function roleShape(row: EntityRow, full = true) {
  return {
    Path: row.path,
    RoleName: row.name,
    RoleId: row.id,
    Arn: entityArn(row),
    CreateDate: new Date(row.created),
    AssumeRolePolicyDocument: row.trust_policy === null ? undefined : encodeDocument(row.trust_policy),
    Description: row.description ?? undefined,
    MaxSessionDuration: row.max_session ?? undefined,
    ...(full ? { PermissionsBoundary: boundaryOf(row), Tags: tagsOf(row), RoleLastUsed: {} } : {}),
  };
}

export function instanceProfileShape(row: EntityRow, roles: EntityRow[]) {
  return {
    Path: row.path,
    InstanceProfileName: row.name,
    InstanceProfileId: row.id,
    Arn: entityArn(row),
    CreateDate: new Date(row.created),
    Roles: roles.map((r) => roleShape(r, false)),
    Tags: tagsOf(row),
  };
}

export interface PolicyUsage {
  attachments: number;
  boundaries: number;
}

/** A Policy; `full` adds what ListPolicies leaves out (description, tags). */
export function policyShape(row: PolicyRow, usage: PolicyUsage, full = true) {
  return {
    PolicyName: row.name,
    PolicyId: row.id,
    Arn: row.arn,
    Path: row.path,
    DefaultVersionId: row.default_version,
    AttachmentCount: usage.attachments,
    PermissionsBoundaryUsageCount: usage.boundaries,
    IsAttachable: true,
    CreateDate: new Date(row.created),
    UpdateDate: new Date(row.updated),
    ...(full ? { Description: row.description ?? undefined, Tags: tagsOf(row) } : {}),
  };
}

export function versionShape(row: VersionRow, defaultVersion: string, withDocument: boolean) {
  return {
    Document: withDocument ? encodeDocument(row.document) : undefined,
    VersionId: row.version,
    IsDefaultVersion: row.version === defaultVersion,
    CreateDate: new Date(row.created),
  };
}
