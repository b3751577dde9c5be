// Access control lists: canned ACLs and grant headers turned into grants, stored and returned.
// S3's current defaults apply: new buckets enforce bucket-owner object ownership (ACLs disabled) and
// block public ACLs, so granting anything beyond the owner fails there as it does in AWS.
import { ServiceError } from '../../../core/errors.ts';
import type { Bucket, Grant } from './store.ts';
import { canonicalId, type Ctx } from './common.ts';
import { S3Errors } from './errors.ts';

export const ALL_USERS = 'http://acs.amazonaws.com/groups/global/AllUsers';
export const AUTHENTICATED_USERS = 'http://acs.amazonaws.com/groups/global/AuthenticatedUsers';
export const LOG_DELIVERY = 'http://acs.amazonaws.com/groups/s3/LogDelivery';

const CANNED = new Set([
  'private', 'public-read', 'public-read-write', 'authenticated-read', 'aws-exec-read', 'bucket-owner-read',
  'bucket-owner-full-control', 'log-delivery-write',
]);

const PERMISSIONS = new Set(['FULL_CONTROL', 'WRITE', 'WRITE_ACP', 'READ', 'READ_ACP']);

const user = (account: string, permission: string): Grant => ({ Grantee: { Type: 'CanonicalUser', ID: canonicalId(account) }, Permission: permission });
const group = (uri: string, permission: string): Grant => ({ Grantee: { Type: 'Group', URI: uri }, Permission: permission });

/** The grants of a canned ACL for an owner (and, for bucket-owner-*, the bucket's owner). */
export function cannedGrants(acl: string, owner: string, bucketOwner = owner): Grant[] {
  const grants = [user(owner, 'FULL_CONTROL')];
  switch (acl) {
    case 'public-read': grants.push(group(ALL_USERS, 'READ')); break;
    case 'public-read-write': grants.push(group(ALL_USERS, 'READ'), group(ALL_USERS, 'WRITE')); break;
    case 'authenticated-read': grants.push(group(AUTHENTICATED_USERS, 'READ')); break;
    case 'bucket-owner-read': if (bucketOwner !== owner) grants.push(user(bucketOwner, 'READ')); break;
    case 'bucket-owner-full-control': if (bucketOwner !== owner) grants.push(user(bucketOwner, 'FULL_CONTROL')); break;
    case 'log-delivery-write': grants.push(group(LOG_DELIVERY, 'WRITE'), group(LOG_DELIVERY, 'READ_ACP')); break;
  }
  return grants;
}

interface AclInput {
  ACL?: string;
  GrantFullControl?: string;
  GrantRead?: string;
  GrantReadACP?: string;
  GrantWrite?: string;
  GrantWriteACP?: string;
}

const GRANT_HEADERS: Array<[keyof AclInput, string]> = [
  ['GrantFullControl', 'FULL_CONTROL'], ['GrantRead', 'READ'], ['GrantReadACP', 'READ_ACP'], ['GrantWrite', 'WRITE'], ['GrantWriteACP', 'WRITE_ACP'],
];

/** Parses `id="…", uri="…", emailAddress="…"` grant header values. */
function grantees(value: string, permission: string): Grant[] {
  const out: Grant[] = [];
  for (const item of value.split(',')) {
    const m = /^\s*(id|uri|emailAddress)\s*=\s*"?([^"]*)"?\s*$/i.exec(item);
    if (!m) throw S3Errors.invalidArgument('Invalid grant header value', 'x-amz-grant', value);
    const kind = m[1].toLowerCase();
    if (kind === 'id') out.push({ Grantee: { Type: 'CanonicalUser', ID: m[2] }, Permission: permission });
    else if (kind === 'uri') out.push({ Grantee: { Type: 'Group', URI: m[2] }, Permission: permission });
    else out.push({ Grantee: { Type: 'AmazonCustomerByEmail', EmailAddress: m[2] }, Permission: permission });
  }
  return out;
}

/** The grants a request asks for (canned ACL or grant headers), or undefined when it names none. */
export function grantsFromInput(input: AclInput, owner: string, bucketOwner: string): Grant[] | undefined {
  const headerGrants = GRANT_HEADERS.filter(([k]) => input[k] !== undefined);
  if (input.ACL !== undefined && headerGrants.length) throw S3Errors.invalidRequest('Specifying both Canned ACLs and Header Grants is not allowed');
  if (input.ACL !== undefined) {
    if (!CANNED.has(input.ACL)) throw S3Errors.invalidArgument('', 'x-amz-acl', input.ACL);
    return cannedGrants(input.ACL, owner, bucketOwner);
  }
  if (!headerGrants.length) return undefined;
  return headerGrants.flatMap(([k, perm]) => grantees(input[k]!, perm));
}

/** Grants from an AccessControlPolicy document. */
/** The grants a PutBucketAcl / PutObjectAcl sets: canned or header grants, or a policy document (not both). */
export function grantsToPut(input: AclInput & { AccessControlPolicy?: unknown }, owner: string, bucketOwner: string): Grant[] {
  let grants = grantsFromInput(input, owner, bucketOwner);
  if (input.AccessControlPolicy) {
    if (grants) throw S3Errors.invalidRequest('Specifying both Canned ACLs and Header Grants is not allowed');
    grants = grantsFromPolicy(input.AccessControlPolicy as { Grants?: [] });
  }
  if (!grants) throw new ServiceError('MissingSecurityHeader', 'Your request was missing a required header', { status: 400, fields: { MissingHeaderName: 'x-amz-acl' } });
  return grants;
}

export function grantsFromPolicy(policy: { Grants?: Grant[] }): Grant[] {
  const out: Grant[] = [];
  for (const g of policy.Grants ?? []) {
    if (!g.Permission || !PERMISSIONS.has(g.Permission)) throw S3Errors.malformedXml();
    const t = g.Grantee?.Type;
    if (t === 'CanonicalUser' && g.Grantee.ID) out.push({ Grantee: { Type: t, ID: g.Grantee.ID }, Permission: g.Permission });
    else if (t === 'Group' && g.Grantee.URI) out.push({ Grantee: { Type: t, URI: g.Grantee.URI }, Permission: g.Permission });
    else if (t === 'AmazonCustomerByEmail' && g.Grantee.EmailAddress) out.push({ Grantee: { Type: t, EmailAddress: g.Grantee.EmailAddress }, Permission: g.Permission });
    else throw S3Errors.malformedXml();
  }
  return out;
}

function isPublic(grants: Grant[]): boolean {
  return grants.some((g) => g.Grantee.URI === ALL_USERS || g.Grantee.URI === AUTHENTICATED_USERS);
}

/** Only the owner's own full control: what a bucket with ACLs disabled accepts. */
function ownerOnly(grants: Grant[], bucket: Bucket): boolean {
  const id = canonicalId(bucket.account);
  return grants.every((g) => g.Grantee.Type === 'CanonicalUser' && g.Grantee.ID === id && g.Permission === 'FULL_CONTROL');
}

interface PublicAccessBlock {
  BlockPublicAcls?: boolean;
  IgnorePublicAcls?: boolean;
  BlockPublicPolicy?: boolean;
  RestrictPublicBuckets?: boolean;
}

export async function publicAccessBlock(ctx: Ctx, bucket: string): Promise<PublicAccessBlock | undefined> {
  return await ctx.state.config<PublicAccessBlock>(bucket, 'publicAccessBlock');
}

/** Refuses grants a bucket does not allow (ACLs disabled, public ACLs blocked). */
export async function checkGrantsAllowed(ctx: Ctx, bucket: Bucket, grants: Grant[], cannedAcl?: string): Promise<void> {
  if (bucket.ownership === 'BucketOwnerEnforced' && !ownerOnly(grants, bucket) && cannedAcl !== 'bucket-owner-full-control') {
    throw new ServiceError('AccessControlListNotSupported', 'The bucket does not allow ACLs', 400);
  }
  if (isPublic(grants) && (await publicAccessBlock(ctx, bucket.name))?.BlockPublicAcls) throw S3Errors.accessDenied();
}

/** An ACL as GetBucketAcl / GetObjectAcl answer it. */
export function aclOutput(ownerAccount: string, grants: Grant[] | undefined): { Owner: { ID: string }; Grants: Grant[] } {
  return { Owner: { ID: canonicalId(ownerAccount) }, Grants: grants && grants.length ? grants : cannedGrants('private', ownerAccount) };
}
