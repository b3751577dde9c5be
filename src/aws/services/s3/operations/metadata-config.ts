// Configurations stored and answered back without an engine behind them: attribute-based access
// control (ABAC) status, and S3 Metadata (journal / inventory / annotation tables in an S3 Tables
// bucket). Fogbank keeps them so infrastructure code round-trips; it writes no metadata tables.
import type * as T from '../generated/types.ts';
import { ServiceError } from '../../../../core/errors.ts';
import { requireBucket, type Ctx } from '../common.ts';
import { noSuchConfiguration, S3Errors } from '../errors.ts';
import { formatArn } from '../../../../core/resources/arn.ts';

export async function getBucketAbac(input: T.GetBucketAbacRequest, ctx: Ctx): Promise<T.GetBucketAbacOutput> {
  const b = await requireBucket(ctx, input.Bucket, input.ExpectedBucketOwner);
  return { AbacStatus: { Status: await ctx.state.config<string>(b.name, 'abac') ?? 'Disabled' } };
}

export async function putBucketAbac(input: T.PutBucketAbacRequest, ctx: Ctx): Promise<void> {
  const b = await requireBucket(ctx, input.Bucket, input.ExpectedBucketOwner);
  const status = input.AbacStatus?.Status;
  if (status !== 'Enabled' && status !== 'Disabled') throw S3Errors.malformedXml();
  await ctx.state.putConfig(b.name, 'abac', status);
}

const TABLE_BUCKET = /^arn:aws[a-z-]*:s3tables:([a-z0-9-]+):(\d{12}):bucket\/([a-z0-9-]{3,63})$/;

function tableArn(tableBucketArn: string, name: string): string {
  return `${tableBucketArn}/table/${name}`;
}

const missing = (b: string) => noSuchConfiguration('MetadataTableConfigurationNotFound', 'The specified metadata table configuration does not exist.', b);
const exists = () => new ServiceError('MetadataTableAlreadyExists', 'A metadata table configuration already exists for this bucket.', 409);

// ── S3 Metadata, first version: one journal table in a table bucket of the caller's ─────────────

export async function createBucketMetadataTableConfiguration(input: T.CreateBucketMetadataTableConfigurationRequest, ctx: Ctx): Promise<void> {
  const b = await requireBucket(ctx, input.Bucket, input.ExpectedBucketOwner);
  const d = input.MetadataTableConfiguration?.S3TablesDestination;
  if (!d?.TableBucketArn || !d.TableName) throw S3Errors.malformedXml();
  if (!TABLE_BUCKET.test(d.TableBucketArn)) throw S3Errors.invalidArgument('The table bucket ARN is not valid.', 'TableBucketArn', d.TableBucketArn);
  if (!/^[a-z0-9_]{1,255}$/.test(d.TableName)) throw S3Errors.invalidArgument('The table name is not valid.', 'TableName', d.TableName);
  if (await ctx.state.config(b.name, 'metadataTable')) throw exists();
  const result: T.GetBucketMetadataTableConfigurationResult = {
    MetadataTableConfigurationResult: {
      S3TablesDestinationResult: { TableBucketArn: d.TableBucketArn, TableName: d.TableName, TableArn: tableArn(d.TableBucketArn, d.TableName), TableNamespace: 'aws_s3_metadata' },
    },
    Status: 'ACTIVE',
  };
  await ctx.state.putConfig(b.name, 'metadataTable', result);
}

export async function getBucketMetadataTableConfiguration(input: T.GetBucketMetadataTableConfigurationRequest, ctx: Ctx): Promise<T.GetBucketMetadataTableConfigurationOutput> {
  const b = await requireBucket(ctx, input.Bucket, input.ExpectedBucketOwner);
  const c = await ctx.state.config<T.GetBucketMetadataTableConfigurationResult>(b.name, 'metadataTable');
  if (!c) throw missing(b.name);
  return { GetBucketMetadataTableConfigurationResult: c };
}

export async function deleteBucketMetadataTableConfiguration(input: T.DeleteBucketMetadataTableConfigurationRequest, ctx: Ctx): Promise<void> {
  const b = await requireBucket(ctx, input.Bucket, input.ExpectedBucketOwner);
  if (!await ctx.state.deleteConfig(b.name, 'metadataTable')) throw missing(b.name);
}

// ── S3 Metadata: journal, inventory and annotation tables in the AWS managed table bucket ────────

function managedBucketArn(ctx: Ctx, account: string): string {
  return formatArn({ service: 's3tables', region: ctx.region, account, resource: 'bucket/aws-s3' });
}

function tableResult(ctx: Ctx, bucket: string, account: string, kind: 'journal' | 'inventory' | 'annotation'): { TableName: string; TableArn: string } {
  const name = `${bucket.replace(/[.-]/g, '_')}_${kind}`;
  return { TableName: name, TableArn: tableArn(managedBucketArn(ctx, account), name) };
}

export async function createBucketMetadataConfiguration(input: T.CreateBucketMetadataConfigurationRequest, ctx: Ctx): Promise<void> {
  const b = await requireBucket(ctx, input.Bucket, input.ExpectedBucketOwner);
  const c = input.MetadataConfiguration;
  if (!c?.JournalTableConfiguration?.RecordExpiration?.Expiration) throw S3Errors.malformedXml();
  if (await ctx.state.config(b.name, 'metadata')) throw exists();
  const result: T.MetadataConfigurationResult = {
    DestinationResult: { TableBucketType: 'aws', TableBucketArn: managedBucketArn(ctx, b.account), TableNamespace: `b_${b.name.replace(/[.-]/g, '_')}` },
    JournalTableConfigurationResult: { TableStatus: 'ACTIVE', RecordExpiration: c.JournalTableConfiguration.RecordExpiration, ...tableResult(ctx, b.name, b.account, 'journal') },
  };
  if (c.InventoryTableConfiguration) {
    const state = c.InventoryTableConfiguration.ConfigurationState;
    result.InventoryTableConfigurationResult = state === 'ENABLED'
      ? { ConfigurationState: state, TableStatus: 'ACTIVE', ...tableResult(ctx, b.name, b.account, 'inventory') }
      : { ConfigurationState: state };
  }
  if (c.AnnotationTableConfiguration) {
    const state = c.AnnotationTableConfiguration.ConfigurationState;
    result.AnnotationTableConfigurationResult = state === 'ENABLED'
      ? { ConfigurationState: state, TableStatus: 'ACTIVE', Role: c.AnnotationTableConfiguration.Role, ...tableResult(ctx, b.name, b.account, 'annotation') }
      : { ConfigurationState: state };
  }
  await ctx.state.putConfig(b.name, 'metadata', result);
}

async function currentMetadata(ctx: Ctx, bucket: string): Promise<T.MetadataConfigurationResult> {
  const c = await ctx.state.config<T.MetadataConfigurationResult>(bucket, 'metadata');
  if (!c) throw noSuchConfiguration('MetadataConfigurationNotFound', 'The specified metadata configuration does not exist.', bucket);
  return c;
}

export async function getBucketMetadataConfiguration(input: T.GetBucketMetadataConfigurationRequest, ctx: Ctx): Promise<T.GetBucketMetadataConfigurationOutput> {
  const b = await requireBucket(ctx, input.Bucket, input.ExpectedBucketOwner);
  return { GetBucketMetadataConfigurationResult: { MetadataConfigurationResult: await currentMetadata(ctx, b.name) } };
}

export async function deleteBucketMetadataConfiguration(input: T.DeleteBucketMetadataConfigurationRequest, ctx: Ctx): Promise<void> {
  const b = await requireBucket(ctx, input.Bucket, input.ExpectedBucketOwner);
  await currentMetadata(ctx, b.name);
  await ctx.state.deleteConfig(b.name, 'metadata');
}

export async function updateBucketMetadataJournalTableConfiguration(input: T.UpdateBucketMetadataJournalTableConfigurationRequest, ctx: Ctx): Promise<void> {
  const b = await requireBucket(ctx, input.Bucket, input.ExpectedBucketOwner);
  const c = await currentMetadata(ctx, b.name);
  const exp = input.JournalTableConfiguration?.RecordExpiration;
  if (!exp?.Expiration) throw S3Errors.malformedXml();
  if (c.JournalTableConfigurationResult) c.JournalTableConfigurationResult.RecordExpiration = exp;
  await ctx.state.putConfig(b.name, 'metadata', c);
}

export async function updateBucketMetadataInventoryTableConfiguration(input: T.UpdateBucketMetadataInventoryTableConfigurationRequest, ctx: Ctx): Promise<void> {
  const b = await requireBucket(ctx, input.Bucket, input.ExpectedBucketOwner);
  const c = await currentMetadata(ctx, b.name);
  const state = input.InventoryTableConfiguration?.ConfigurationState;
  if (state !== 'ENABLED' && state !== 'DISABLED') throw S3Errors.malformedXml();
  c.InventoryTableConfigurationResult = state === 'ENABLED'
    ? { ConfigurationState: state, TableStatus: 'ACTIVE', ...tableResult(ctx, b.name, b.account, 'inventory') }
    : { ConfigurationState: state };
  await ctx.state.putConfig(b.name, 'metadata', c);
}

export async function updateBucketMetadataAnnotationTableConfiguration(input: T.UpdateBucketMetadataAnnotationTableConfigurationRequest, ctx: Ctx): Promise<void> {
  const b = await requireBucket(ctx, input.Bucket, input.ExpectedBucketOwner);
  const c = await currentMetadata(ctx, b.name);
  const u = input.AnnotationTableConfiguration as { ConfigurationState?: string; Role?: string } | undefined;
  const state = u?.ConfigurationState;
  if (state !== 'ENABLED' && state !== 'DISABLED') throw S3Errors.malformedXml();
  c.AnnotationTableConfigurationResult = state === 'ENABLED'
    ? { ConfigurationState: state, TableStatus: 'ACTIVE', Role: u?.Role, ...tableResult(ctx, b.name, b.account, 'annotation') }
    : { ConfigurationState: state };
  await ctx.state.putConfig(b.name, 'metadata', c);
}
