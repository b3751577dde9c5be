// A bucket's sub-resources that are stored configurations: versioning, tagging, CORS, default
// encryption, public access block, ownership controls, ACL, request payment, transfer acceleration,
// logging, replication, Object Lock and website. Each is validated the way S3 validates it and
// answered back as stored; CORS and website are enforced by http/.
import type * as T from '../generated/types.ts';
import { ServiceError } from '../../../../core/errors.ts';
import { BUCKET_TAGS, requireBucket, tagSet, tagsFromSet, type Ctx } from '../common.ts';
import { validateTags } from '../../../../core/resources/tags.ts';
import type { Bucket } from '../store.ts';
import { noSuchConfiguration, S3Errors } from '../errors.ts';
import { aclOutput, checkGrantsAllowed, grantsToPut } from '../acl.ts';
import type { ObjectLockConfiguration } from '../lock.ts';
import { isHeaderValue } from '../http/header-values.ts';

async function configOr<T>(ctx: Ctx, bucket: Bucket, kind: string, missing: () => ServiceError): Promise<T> {
  const c = await ctx.state.config<T>(bucket.name, kind);
  if (c === undefined) throw missing();
  return c;
}

// ── Versioning ───────────────────────────────────────────────────────────────────────────────────

export async function getBucketVersioning(input: T.GetBucketVersioningRequest, ctx: Ctx): Promise<T.GetBucketVersioningOutput> {
  const b = await requireBucket(ctx, input.Bucket, input.ExpectedBucketOwner);
  const out: T.GetBucketVersioningOutput = {};
  if (b.versioning) out.Status = b.versioning;
  if (b.mfaDelete) out.MFADelete = b.mfaDelete;
  return out;
}

export async function putBucketVersioning(input: T.PutBucketVersioningRequest, ctx: Ctx): Promise<void> {
  const b = await requireBucket(ctx, input.Bucket, input.ExpectedBucketOwner);
  const status = input.VersioningConfiguration?.Status;
  const mfa = input.VersioningConfiguration?.MFADelete;
  if (status !== undefined && status !== 'Enabled' && status !== 'Suspended') throw S3Errors.malformedXml();
  if (mfa !== undefined && mfa !== 'Enabled' && mfa !== 'Disabled') throw S3Errors.malformedXml();
  if (mfa === 'Enabled' && input.MFA === undefined) {
    throw S3Errors.invalidRequest('DevPay and Mfa are mutually exclusive authorization methods.');
  }
  if (b.objectLock && status === 'Suspended') {
    throw new ServiceError('InvalidBucketState', 'An Object Lock configuration is present on this bucket, so the versioning state cannot be changed.', 409);
  }
  if (status === undefined && b.versioning === '') return;
  await ctx.state.updateBucket(b.name, { versioning: status ?? b.versioning, ...(mfa !== undefined ? { mfaDelete: mfa } : {}) });
}

// ── Tagging ──────────────────────────────────────────────────────────────────────────────────────

export async function getBucketTagging(input: T.GetBucketTaggingRequest, ctx: Ctx): Promise<T.GetBucketTaggingOutput> {
  const b = await requireBucket(ctx, input.Bucket, input.ExpectedBucketOwner);
  const tags = await configOr<Record<string, string>>(ctx, b, 'tagging', () => noSuchConfiguration('NoSuchTagSet', 'The TagSet does not exist', b.name));
  return { TagSet: tagSet(tags) };
}

export async function putBucketTagging(input: T.PutBucketTaggingRequest, ctx: Ctx): Promise<void> {
  const b = await requireBucket(ctx, input.Bucket, input.ExpectedBucketOwner);
  const tags = tagsFromSet(input.Tagging?.TagSet);
  validateTags(tags, BUCKET_TAGS);
  await ctx.state.putConfig(b.name, 'tagging', tags);
}

export async function deleteBucketTagging(input: T.DeleteBucketTaggingRequest, ctx: Ctx): Promise<void> {
  const b = await requireBucket(ctx, input.Bucket, input.ExpectedBucketOwner);
  await ctx.state.deleteConfig(b.name, 'tagging');
}

// ── CORS ─────────────────────────────────────────────────────────────────────────────────────────

const CORS_METHODS = new Set(['GET', 'PUT', 'HEAD', 'POST', 'DELETE']);

export async function getBucketCors(input: T.GetBucketCorsRequest, ctx: Ctx): Promise<T.GetBucketCorsOutput> {
  const b = await requireBucket(ctx, input.Bucket, input.ExpectedBucketOwner);
  return await configOr<T.GetBucketCorsOutput>(ctx, b, 'cors', () => noSuchConfiguration('NoSuchCORSConfiguration', 'The CORS configuration does not exist', b.name));
}

export async function putBucketCors(input: T.PutBucketCorsRequest, ctx: Ctx): Promise<void> {
  const b = await requireBucket(ctx, input.Bucket, input.ExpectedBucketOwner);
  const rules = input.CORSConfiguration?.CORSRules ?? [];
  if (!rules.length || rules.length > 100) throw S3Errors.malformedXml();
  for (const r of rules) {
    if (!r.AllowedMethods?.length || !r.AllowedOrigins?.length) throw S3Errors.malformedXml();
    for (const m of r.AllowedMethods) {
      if (!CORS_METHODS.has(m)) throw S3Errors.invalidRequest(`Found unsupported HTTP method in CORS config. Unsupported method is ${m}`);
    }
    for (const o of r.AllowedOrigins) {
      if ((o.match(/\*/g) ?? []).length > 1) throw S3Errors.invalidRequest(`AllowedOrigin "${o}" can not have more than one wildcard.`);
    }
    for (const h of r.AllowedHeaders ?? []) {
      if ((h.match(/\*/g) ?? []).length > 1) throw S3Errors.invalidRequest(`AllowedHeader "${h}" can not have more than one wildcard.`);
    }
    // Origins, headers and exposed headers are echoed in Access-Control-* response headers.
    for (const v of [...r.AllowedOrigins, ...(r.AllowedHeaders ?? []), ...(r.ExposeHeaders ?? [])]) {
      if (!isHeaderValue(v)) throw S3Errors.malformedXml();
    }
  }
  await ctx.state.putConfig(b.name, 'cors', { CORSRules: rules });
}

export async function deleteBucketCors(input: T.DeleteBucketCorsRequest, ctx: Ctx): Promise<void> {
  const b = await requireBucket(ctx, input.Bucket, input.ExpectedBucketOwner);
  await ctx.state.deleteConfig(b.name, 'cors');
}

// ── Default encryption ───────────────────────────────────────────────────────────────────────────

const DEFAULT_ENCRYPTION = { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' }, BucketKeyEnabled: false }] };

export async function getBucketEncryption(input: T.GetBucketEncryptionRequest, ctx: Ctx): Promise<T.GetBucketEncryptionOutput> {
  const b = await requireBucket(ctx, input.Bucket, input.ExpectedBucketOwner);
  // Every bucket encrypts with SSE-S3 unless configured otherwise (S3's default since 2023).
  return { ServerSideEncryptionConfiguration: await ctx.state.config(b.name, 'encryption') ?? DEFAULT_ENCRYPTION };
}

export async function putBucketEncryption(input: T.PutBucketEncryptionRequest, ctx: Ctx): Promise<void> {
  const b = await requireBucket(ctx, input.Bucket, input.ExpectedBucketOwner);
  const rules = input.ServerSideEncryptionConfiguration?.Rules ?? [];
  if (rules.length !== 1) throw S3Errors.malformedXml();
  const d = rules[0].ApplyServerSideEncryptionByDefault;
  if (!d?.SSEAlgorithm || !['AES256', 'aws:kms', 'aws:kms:dsse'].includes(d.SSEAlgorithm)) throw S3Errors.malformedXml();
  if (d.KMSMasterKeyID !== undefined && d.SSEAlgorithm === 'AES256') {
    throw S3Errors.invalidArgument('a KMSMasterKeyID is not applicable if the default sse algorithm is not aws:kms or aws:kms:dsse', 'ApplyServerSideEncryptionByDefault', '');
  }
  await ctx.state.putConfig(b.name, 'encryption', { Rules: [{ ...rules[0], BucketKeyEnabled: rules[0].BucketKeyEnabled ?? false }] });
}

export async function deleteBucketEncryption(input: T.DeleteBucketEncryptionRequest, ctx: Ctx): Promise<void> {
  const b = await requireBucket(ctx, input.Bucket, input.ExpectedBucketOwner);
  await ctx.state.deleteConfig(b.name, 'encryption');
}

// ── Public access block ──────────────────────────────────────────────────────────────────────────

export async function getPublicAccessBlock(input: T.GetPublicAccessBlockRequest, ctx: Ctx): Promise<T.GetPublicAccessBlockOutput> {
  const b = await requireBucket(ctx, input.Bucket, input.ExpectedBucketOwner);
  const c = await configOr<T.PublicAccessBlockConfiguration>(ctx, b, 'publicAccessBlock', () =>
    noSuchConfiguration('NoSuchPublicAccessBlockConfiguration', 'The public access block configuration was not found', b.name));
  return { PublicAccessBlockConfiguration: c };
}

export async function putPublicAccessBlock(input: T.PutPublicAccessBlockRequest, ctx: Ctx): Promise<void> {
  const b = await requireBucket(ctx, input.Bucket, input.ExpectedBucketOwner);
  const c = input.PublicAccessBlockConfiguration ?? {};
  if (!['BlockPublicAcls', 'IgnorePublicAcls', 'BlockPublicPolicy', 'RestrictPublicBuckets'].some((k) => k in c)) {
    throw S3Errors.invalidRequest('Must specify at least one configuration.');
  }
  await ctx.state.putConfig(b.name, 'publicAccessBlock', {
    BlockPublicAcls: c.BlockPublicAcls ?? false,
    IgnorePublicAcls: c.IgnorePublicAcls ?? false,
    BlockPublicPolicy: c.BlockPublicPolicy ?? false,
    RestrictPublicBuckets: c.RestrictPublicBuckets ?? false,
  });
}

export async function deletePublicAccessBlock(input: T.DeletePublicAccessBlockRequest, ctx: Ctx): Promise<void> {
  const b = await requireBucket(ctx, input.Bucket, input.ExpectedBucketOwner);
  await ctx.state.deleteConfig(b.name, 'publicAccessBlock');
}

// ── Ownership controls and ACL ───────────────────────────────────────────────────────────────────

const OWNERSHIP = new Set(['BucketOwnerEnforced', 'BucketOwnerPreferred', 'ObjectWriter']);

export async function getBucketOwnershipControls(input: T.GetBucketOwnershipControlsRequest, ctx: Ctx): Promise<T.GetBucketOwnershipControlsOutput> {
  const b = await requireBucket(ctx, input.Bucket, input.ExpectedBucketOwner);
  if (!b.ownership) throw noSuchConfiguration('OwnershipControlsNotFoundError', 'The bucket ownership controls were not found', b.name);
  return { OwnershipControls: { Rules: [{ ObjectOwnership: b.ownership }] } };
}

export async function putBucketOwnershipControls(input: T.PutBucketOwnershipControlsRequest, ctx: Ctx): Promise<void> {
  const b = await requireBucket(ctx, input.Bucket, input.ExpectedBucketOwner);
  const rules = input.OwnershipControls?.Rules ?? [];
  if (rules.length !== 1 || !OWNERSHIP.has(rules[0].ObjectOwnership ?? '')) throw S3Errors.malformedXml();
  const ownership = rules[0].ObjectOwnership!;
  if (ownership === 'BucketOwnerEnforced' && b.acl.length > 1) {
    throw new ServiceError('InvalidBucketAclWithObjectOwnership', "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting", 400);
  }
  await ctx.state.updateBucket(b.name, { ownership });
}

export async function deleteBucketOwnershipControls(input: T.DeleteBucketOwnershipControlsRequest, ctx: Ctx): Promise<void> {
  const b = await requireBucket(ctx, input.Bucket, input.ExpectedBucketOwner);
  await ctx.state.updateBucket(b.name, { ownership: '' });
}

export async function getBucketAcl(input: T.GetBucketAclRequest, ctx: Ctx): Promise<T.GetBucketAclOutput> {
  const b = await requireBucket(ctx, input.Bucket, input.ExpectedBucketOwner);
  return aclOutput(b.account, b.acl);
}

export async function putBucketAcl(input: T.PutBucketAclRequest, ctx: Ctx): Promise<void> {
  const b = await requireBucket(ctx, input.Bucket, input.ExpectedBucketOwner);
  const grants = grantsToPut(input, b.account, b.account);
  await checkGrantsAllowed(ctx, b, grants, input.ACL);
  await ctx.state.updateBucket(b.name, { acl: grants });
}

// ── Request payment, acceleration, logging ───────────────────────────────────────────────────────

export async function getBucketRequestPayment(input: T.GetBucketRequestPaymentRequest, ctx: Ctx): Promise<T.GetBucketRequestPaymentOutput> {
  const b = await requireBucket(ctx, input.Bucket, input.ExpectedBucketOwner);
  return { Payer: await ctx.state.config<string>(b.name, 'requestPayment') ?? 'BucketOwner' };
}

export async function putBucketRequestPayment(input: T.PutBucketRequestPaymentRequest, ctx: Ctx): Promise<void> {
  const b = await requireBucket(ctx, input.Bucket, input.ExpectedBucketOwner);
  const payer = input.RequestPaymentConfiguration?.Payer;
  if (payer !== 'BucketOwner' && payer !== 'Requester') throw S3Errors.malformedXml();
  await ctx.state.putConfig(b.name, 'requestPayment', payer);
}

export async function getBucketAccelerateConfiguration(input: T.GetBucketAccelerateConfigurationRequest, ctx: Ctx): Promise<T.GetBucketAccelerateConfigurationOutput> {
  const b = await requireBucket(ctx, input.Bucket, input.ExpectedBucketOwner);
  const status = await ctx.state.config<string>(b.name, 'accelerate');
  return status ? { Status: status } : {};
}

export async function putBucketAccelerateConfiguration(input: T.PutBucketAccelerateConfigurationRequest, ctx: Ctx): Promise<void> {
  const b = await requireBucket(ctx, input.Bucket, input.ExpectedBucketOwner);
  const status = input.AccelerateConfiguration?.Status;
  if (status !== 'Enabled' && status !== 'Suspended') throw S3Errors.malformedXml();
  if (b.name.includes('.')) throw S3Errors.invalidRequest('S3 Transfer Acceleration is not supported for buckets with periods (.) in their names');
  await ctx.state.putConfig(b.name, 'accelerate', status);
}

export async function getBucketLogging(input: T.GetBucketLoggingRequest, ctx: Ctx): Promise<T.GetBucketLoggingOutput> {
  const b = await requireBucket(ctx, input.Bucket, input.ExpectedBucketOwner);
  const logging = await ctx.state.config<T.LoggingEnabled>(b.name, 'logging');
  return logging ? { LoggingEnabled: logging } : {};
}

export async function putBucketLogging(input: T.PutBucketLoggingRequest, ctx: Ctx): Promise<void> {
  const b = await requireBucket(ctx, input.Bucket, input.ExpectedBucketOwner);
  const enabled = input.BucketLoggingStatus?.LoggingEnabled;
  if (!enabled) {
    await ctx.state.deleteConfig(b.name, 'logging');
    return;
  }
  if (!enabled.TargetBucket || enabled.TargetPrefix === undefined) throw S3Errors.malformedXml();
  const target = await ctx.state.bucket(enabled.TargetBucket);
  if (!target) {
    throw new ServiceError('InvalidTargetBucketForLogging', 'The target bucket for logging does not exist', { status: 400, fields: { TargetBucket: enabled.TargetBucket } });
  }
  if (target.account !== b.account) {
    throw new ServiceError('InvalidTargetBucketForLogging', 'The owner for the bucket to be logged and the target bucket must be the same.', { status: 400, fields: { TargetBucket: enabled.TargetBucket } });
  }
  if (target.region !== b.region) {
    throw new ServiceError('CrossLocationLoggingProhibitted', 'Cross S3 location logging not allowed. ', {
      status: 403,
      fields: { TargetBucketLocation: target.region, SourceBucketLocation: b.region },
    });
  }
  await ctx.state.putConfig(b.name, 'logging', enabled);
}

// ── Replication ──────────────────────────────────────────────────────────────────────────────────

export async function getBucketReplication(input: T.GetBucketReplicationRequest, ctx: Ctx): Promise<T.GetBucketReplicationOutput> {
  const b = await requireBucket(ctx, input.Bucket, input.ExpectedBucketOwner);
  const c = await configOr<T.ReplicationConfiguration>(ctx, b, 'replication', () =>
    noSuchConfiguration('ReplicationConfigurationNotFoundError', 'The replication configuration was not found', b.name));
  return { ReplicationConfiguration: c };
}

export async function putBucketReplication(input: T.PutBucketReplicationRequest, ctx: Ctx): Promise<void> {
  const b = await requireBucket(ctx, input.Bucket, input.ExpectedBucketOwner);
  const c = input.ReplicationConfiguration;
  if (!c?.Role || !c.Rules?.length) throw S3Errors.malformedXml();
  if (b.versioning !== 'Enabled') throw S3Errors.invalidRequest("Versioning must be 'Enabled' on the bucket to apply a replication configuration");
  for (const r of c.Rules) {
    if (!r.Destination?.Bucket) throw S3Errors.malformedXml();
    const dest = await ctx.state.bucket(r.Destination.Bucket.replace(/^arn:aws:s3:::/, ''));
    if (!dest) throw new ServiceError('InvalidRequest', 'Destination bucket must exist.', 400);
    if (dest.versioning !== 'Enabled') throw S3Errors.invalidRequest('Destination bucket must have versioning enabled.');
  }
  await ctx.state.putConfig(b.name, 'replication', c);
}

export async function deleteBucketReplication(input: T.DeleteBucketReplicationRequest, ctx: Ctx): Promise<void> {
  const b = await requireBucket(ctx, input.Bucket, input.ExpectedBucketOwner);
  await ctx.state.deleteConfig(b.name, 'replication');
}

// ── Object Lock configuration ────────────────────────────────────────────────────────────────────

export async function getObjectLockConfiguration(input: T.GetObjectLockConfigurationRequest, ctx: Ctx): Promise<T.GetObjectLockConfigurationOutput> {
  const b = await requireBucket(ctx, input.Bucket, input.ExpectedBucketOwner);
  const c = b.objectLock ? await ctx.state.config<ObjectLockConfiguration>(b.name, 'objectLock') : undefined;
  if (!c) throw noSuchConfiguration('ObjectLockConfigurationNotFoundError', 'Object Lock configuration does not exist for this bucket', b.name);
  return { ObjectLockConfiguration: c };
}

export async function putObjectLockConfiguration(input: T.PutObjectLockConfigurationRequest, ctx: Ctx): Promise<T.PutObjectLockConfigurationOutput> {
  const b = await requireBucket(ctx, input.Bucket, input.ExpectedBucketOwner);
  const c = input.ObjectLockConfiguration;
  if (c?.ObjectLockEnabled !== 'Enabled') throw S3Errors.malformedXml();
  if (!b.objectLock && b.versioning !== 'Enabled') {
    throw new ServiceError('InvalidBucketState', 'Versioning must be \'Enabled\' on the bucket to apply a Object Lock configuration', 409);
  }
  const d = c.Rule?.DefaultRetention;
  if (c.Rule) {
    if (!d || (d.Mode !== 'GOVERNANCE' && d.Mode !== 'COMPLIANCE')) throw S3Errors.malformedXml();
    if ((d.Days === undefined) === (d.Years === undefined)) throw S3Errors.malformedXml();
    if ((d.Days !== undefined && d.Days <= 0) || (d.Years !== undefined && d.Years <= 0)) {
      throw S3Errors.invalidArgument('Default retention period must be a positive integer value.', 'DefaultRetention', String(d.Days ?? d.Years));
    }
  }
  await ctx.state.enableObjectLock(b.name, c);
  return {};
}

// ── Website ──────────────────────────────────────────────────────────────────────────────────────

export async function getBucketWebsite(input: T.GetBucketWebsiteRequest, ctx: Ctx): Promise<T.GetBucketWebsiteOutput> {
  const b = await requireBucket(ctx, input.Bucket, input.ExpectedBucketOwner);
  return await configOr<T.GetBucketWebsiteOutput>(ctx, b, 'website', () =>
    noSuchConfiguration('NoSuchWebsiteConfiguration', 'The specified bucket does not have a website configuration', b.name));
}

export async function putBucketWebsite(input: T.PutBucketWebsiteRequest, ctx: Ctx): Promise<void> {
  const b = await requireBucket(ctx, input.Bucket, input.ExpectedBucketOwner);
  const c = input.WebsiteConfiguration ?? {};
  if (c.RedirectAllRequestsTo) {
    if (!c.RedirectAllRequestsTo.HostName) throw S3Errors.malformedXml();
    if (c.IndexDocument || c.ErrorDocument || c.RoutingRules) {
      throw S3Errors.invalidArgument('RedirectAllRequestsTo cannot be provided in conjunction with other Routing Rules.', 'RedirectAllRequestsTo', 'not null');
    }
  } else {
    const suffix = c.IndexDocument?.Suffix;
    if (suffix === undefined) throw S3Errors.invalidArgument('A value for IndexDocument Suffix must be provided if RedirectAllRequestsTo is empty', 'IndexDocument', 'null');
    if (suffix === '' || suffix.includes('/')) throw S3Errors.invalidArgument('The IndexDocument Suffix is not well formed', 'IndexDocument', suffix);
  }
  for (const r of c.RoutingRules ?? []) {
    if (!r.Redirect) throw S3Errors.malformedXml();
    if (r.Redirect.ReplaceKeyPrefixWith !== undefined && r.Redirect.ReplaceKeyWith !== undefined) {
      throw S3Errors.invalidRequest('You can only define ReplaceKeyPrefix or ReplaceKey but not both.');
    }
  }
  await ctx.state.putConfig(b.name, 'website', c);
}

export async function deleteBucketWebsite(input: T.DeleteBucketWebsiteRequest, ctx: Ctx): Promise<void> {
  const b = await requireBucket(ctx, input.Bucket, input.ExpectedBucketOwner);
  await ctx.state.deleteConfig(b.name, 'website');
}
