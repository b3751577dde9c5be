// The configurations a bucket holds several of, each named by an id: analytics, inventory, metrics
// and Intelligent-Tiering. Stored and listed (100 per page, as S3 pages them); S3's reports and
// tiering themselves are not produced.
import type { Ctx } from '../common.ts';
import { requireBucket } from '../common.ts';
import { ServiceError } from '../../../../core/errors.ts';
import { S3Errors } from '../errors.ts';

const PAGE = 100;

interface IdInput {
  Bucket: string;
  Id: string;
  ExpectedBucketOwner?: string;
}

const noSuch = () => new ServiceError('NoSuchConfiguration', 'The specified configuration does not exist.', 404);

/** Get/Put/Delete/List handlers for one kind; `member` is the configuration's member name. */
export function idConfigHandlers(kind: string, member: string, listMember: string) {
  return {
    async get(input: IdInput, ctx: Ctx): Promise<Record<string, unknown>> {
      const b = await requireBucket(ctx, input.Bucket, input.ExpectedBucketOwner);
      const c = await ctx.state.config(b.name, kind, input.Id);
      if (c === undefined) throw noSuch();
      return { [member]: c };
    },
    async put(input: IdInput, ctx: Ctx): Promise<void> {
      const b = await requireBucket(ctx, input.Bucket, input.ExpectedBucketOwner);
      const c = (input as unknown as Record<string, unknown>)[member] as { Id?: string } | undefined;
      if (!c || c.Id === undefined) throw S3Errors.malformedXml();
      if (c.Id !== input.Id) throw S3Errors.invalidArgument('Configuration Id in the request body does not match the id parameter', 'id', input.Id);
      if (!/^[A-Za-z0-9._-]{1,64}$/.test(input.Id)) throw S3Errors.invalidArgument('The configuration ID is not valid', 'id', input.Id);
      await ctx.state.putConfig(b.name, kind, c, input.Id);
    },
    async delete(input: IdInput, ctx: Ctx): Promise<void> {
      const b = await requireBucket(ctx, input.Bucket, input.ExpectedBucketOwner);
      if (!(await ctx.state.deleteConfig(b.name, kind, input.Id))) throw noSuch();
    },
    async list(input: { Bucket: string; ContinuationToken?: string; ExpectedBucketOwner?: string }, ctx: Ctx): Promise<Record<string, unknown>> {
      const b = await requireBucket(ctx, input.Bucket, input.ExpectedBucketOwner);
      const after = input.ContinuationToken ? Buffer.from(input.ContinuationToken, 'base64').toString('utf8') : '';
      const rows = await ctx.state.configs(b.name, kind, after, PAGE + 1);
      const page = rows.slice(0, PAGE);
      const out: Record<string, unknown> = { IsTruncated: rows.length > PAGE };
      if (page.length) out[listMember] = page.map((r) => r.value);
      if (input.ContinuationToken) out.ContinuationToken = input.ContinuationToken;
      if (rows.length > PAGE) out.NextContinuationToken = Buffer.from(page[page.length - 1].id).toString('base64');
      return out;
    },
  };
}

export const analytics = idConfigHandlers('analytics', 'AnalyticsConfiguration', 'AnalyticsConfigurationList');
export const inventory = idConfigHandlers('inventory', 'InventoryConfiguration', 'InventoryConfigurationList');
export const metrics = idConfigHandlers('metrics', 'MetricsConfiguration', 'MetricsConfigurationList');
export const tiering = idConfigHandlers('intelligentTiering', 'IntelligentTieringConfiguration', 'IntelligentTieringConfigurationList');
