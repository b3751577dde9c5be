// ExportTableToPointInTime / DescribeExport / ListExports and ImportTable / DescribeImport /
// ListImports, through the S3 service's own operations (PutObject, ListObjectsV2, GetObject) called
// in-process. Exports write DynamoDB JSON in AWS's layout (data files of {"Item": ...} lines, gzipped,
// and the two manifests); imports read DynamoDB JSON or CSV, gzip, zstd or uncompressed.
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { gunzipSync, gzipSync, zstdDecompressSync } from 'node:zlib';
import type { DynamodbHandlers } from '../generated/types.ts';
import type { DynamoStore, JobRow } from '../store.ts';
import type { TableSpec } from '../engine/schema.ts';
import { checkIndexKeys, itemKey, keyDefOf } from '../engine/schema.ts';
import { tableNameOf, type Ctx } from '../engine/tables.ts';
import { restoreTable } from '../engine/restore.ts';
import { writeItem } from '../engine/write.ts';
import type { IndexInput } from '../engine/indexes.ts';
import { ServiceError } from '../../../../core/errors.ts';
import { resourceInUse, validation } from '../errors.ts';
import { checkItem, decodeItem, itemFromWire, itemSize, itemToWire, type Item } from '../values/attribute.ts';
import { normalizeNumber } from '../values/number.ts';
import { checks } from './validate.ts';
import { setOwn } from '../../../../core/records.ts';
import { indexTokens } from '../page-tokens.ts';
import { formatArn } from '../../../../core/resources/arn.ts';

type H = DynamodbHandlers;

async function saveJob(store: DynamoStore, arn: string, kind: string, account: string, region: string, at: number, spec: Record<string, unknown>): Promise<void> {
  await store.saveJob({ arn, kind, account, region, created_at: at, spec: JSON.stringify(spec) });
}

async function job(store: DynamoStore, arn: string): Promise<JobRow | undefined> {
  return await store.job(arn);
}

async function jobs(store: DynamoStore, kind: string, account: string, region: string): Promise<JobRow[]> {
  return await store.jobs(kind, account, region);
}

/** The job of `kind` that a ClientToken already started, if any (its description). */
async function jobOfToken(store: DynamoStore, kind: string, account: string, region: string, token: string | undefined): Promise<Record<string, unknown> | undefined> {
  if (!token) return undefined;
  for (const j of await jobs(store, kind, account, region)) {
    const d = JSON.parse(j.spec) as Record<string, unknown>;
    if (d.ClientToken === token) return d;
  }
  return undefined;
}

/** Stored descriptions keep times as epoch ms; the API shows Dates. */
function withDates(d: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  const out = { ...d };
  for (const k of keys) if (typeof out[k] === 'number') out[k] = new Date(out[k] as number);
  return out;
}

/** Merges `patch` into a job's description (read and written in the caller's unit, or one of its own). */
async function update(store: DynamoStore, arn: string, patch: Record<string, unknown>): Promise<void> {
  await store.atomically(async () => {
    const row = await job(store, arn);
    if (!row) return;
    const spec = { ...JSON.parse(row.spec), ...patch };
    await saveJob(store, arn, row.kind, row.account, row.region, row.created_at, spec);
  });
}

function s3Failure(e: unknown): { FailureCode: string; FailureMessage: string } {
  if (e instanceof ServiceError) return { FailureCode: e.code === 'NoSuchBucket' ? 'S3NoSuchBucket' : e.code, FailureMessage: e.message };
  return { FailureCode: 'UnknownError', FailureMessage: String((e as Error)?.message ?? e) };
}

async function bodyOf(out: { Body?: unknown }): Promise<Buffer> {
  const b = out.Body;
  if (Buffer.isBuffer(b)) return b;
  if (typeof b === 'string') return Buffer.from(b);
  const chunks: Buffer[] = [];
  for await (const c of b as AsyncIterable<Buffer>) chunks.push(Buffer.from(c));
  return Buffer.concat(chunks);
}

// ---------------------------------------------------------------------------------------------
// Export

const EXPORT_DATES = ['StartTime', 'EndTime', 'ExportTime'];

export const exportTableToPointInTime: H['ExportTableToPointInTime'] = async (input, ctx) => {
  checks().length('s3Bucket', input.S3Bucket, 0, 255).done();
  const store: DynamoStore = ctx.state;
  const m = /^arn:aws[\w-]*:dynamodb:([^:]+):(\d{12}):table\/([^/]+)$/.exec(input.TableArn);
  if (!m) throw validation(`Invalid TableArn: ${input.TableArn}`);
  const spec = m[1] === ctx.region && m[2] === ctx.account ? await store.table(m[2], m[1], m[3]) : undefined;
  if (!spec) throw new ServiceError('TableNotFoundException', `Table not found: ${m[3]}`, 400);
  if (!spec.pitr.enabled) throw new ServiceError('PointInTimeRecoveryUnavailableException', `Point in time recovery is not enabled for table '${spec.name}'`, 400);
  const format = input.ExportFormat ?? 'DYNAMODB_JSON';
  if (format !== 'DYNAMODB_JSON') throw validation(`Fogbank exports only DYNAMODB_JSON, not ${format}`);
  const now = ctx.clock.now();
  const exportTime = input.ExportTime?.getTime() ?? now;
  if (exportTime > now || exportTime < (spec.pitr.since ?? now) - 1000) {
    throw new ServiceError('InvalidExportTimeException', 'Export time is outside the point in time recovery window', 400);
  }
  const exportId = `${String(now).padStart(14, '0')}-${randomBytes(4).toString('hex')}`;
  const arn = `${spec.arn}/export/${exportId}`;
  const prefix = input.S3Prefix ? `${input.S3Prefix.replace(/\/$/, '')}/` : '';
  const base = `${prefix}AWSDynamoDB/${exportId}`;
  const description: Record<string, unknown> = {
    ExportArn: arn,
    ExportStatus: 'IN_PROGRESS',
    StartTime: now,
    TableArn: spec.arn,
    TableId: spec.tableId,
    ExportTime: exportTime,
    ClientToken: input.ClientToken,
    S3Bucket: input.S3Bucket,
    S3BucketOwner: input.S3BucketOwner,
    S3Prefix: input.S3Prefix,
    S3SseAlgorithm: input.S3SseAlgorithm ?? 'AES256',
    S3SseKmsKeyId: input.S3SseKmsKeyId,
    ExportFormat: format,
    ExportType: input.ExportType ?? 'FULL_EXPORT',
    ExportManifest: `${base}/manifest-summary.json`,
  };
  // The token is looked up in the unit that records the job, so one token starts one export; the
  // snapshot is taken in it too (no write lands halfway through). Writing it to S3 goes on after the
  // response, outside any unit.
  const lines: string[] = [];
  let bytes = 0;
  const prior = await store.atomically(async () => {
    const prior = await jobOfToken(store, 'export', ctx.account, ctx.region, input.ClientToken);
    if (prior) return prior;
    await saveJob(store, arn, 'export', ctx.account, ctx.region, now, description);
    for await (const rows of store.allItems(spec.id)) {
      for (const row of rows) {
        lines.push(JSON.stringify({ Item: itemToWire(decodeItem(row.item)) }));
        bytes += row.size;
      }
    }
    return undefined;
  });
  if (prior) return { ExportDescription: withDates(prior, EXPORT_DATES) as never };
  writeExport(ctx, arn, base, lines, bytes, description).catch((err: unknown) => ctx.env.log.error('dynamodb: recording an export failed', err));
  return { ExportDescription: withDates(description, EXPORT_DATES) as never };
};

async function writeExport(ctx: Ctx, arn: string, base: string, lines: string[], bytes: number, d: Record<string, unknown>): Promise<void> {
  const store: DynamoStore = ctx.state;
  const scope = { account: ctx.account, region: ctx.region };
  const put = (Key: string, data: Buffer | string) => {
    const body = Buffer.from(data);
    return ctx.env.invoke('s3', 'PutObject', { Bucket: d.S3Bucket, Key, Body: Readable.from([body]), ContentLength: body.length }, scope, ctx.requestId);
  };
  try {
    await put(`${base}/_started`, '');
    const files: Array<Record<string, unknown>> = [];
    const PER_FILE = 10000;
    for (let i = 0; i < lines.length || (i === 0 && files.length === 0); i += PER_FILE) {
      const chunk = lines.slice(i, i + PER_FILE);
      const data = gzipSync(chunk.length ? chunk.join('\n') + '\n' : '');
      const key = `${base}/data/${randomBytes(13).toString('base64url').toLowerCase().replace(/[^a-z0-9]/g, 'a')}.json.gz`;
      const out = await put(key, data);
      files.push({ itemCount: chunk.length, md5Checksum: createHash('md5').update(data).digest('base64'), etag: (out as { ETag?: string }).ETag?.replace(/"/g, ''), dataFileS3Key: key });
      if (!lines.length) break;
    }
    const manifestFiles = files.map((f) => JSON.stringify(f)).join('\n') + '\n';
    await put(`${base}/manifest-files.json`, manifestFiles);
    await put(`${base}/manifest-files.md5`, createHash('md5').update(manifestFiles).digest('base64'));
    const end = ctx.clock.now();
    const summary = JSON.stringify({
      version: '2020-06-30',
      exportArn: arn,
      startTime: new Date(d.StartTime as number).toISOString(),
      endTime: new Date(end).toISOString(),
      tableId: d.TableId,
      tableArn: d.TableArn,
      exportTime: new Date(d.ExportTime as number).toISOString(),
      s3Bucket: d.S3Bucket,
      s3Prefix: d.S3Prefix ?? null,
      s3SseAlgorithm: d.S3SseAlgorithm,
      s3SseKmsKeyId: d.S3SseKmsKeyId ?? null,
      manifestFilesS3Key: `${base}/manifest-files.json`,
      billedSizeBytes: bytes,
      itemCount: lines.length,
      outputFormat: 'DYNAMODB_JSON',
      exportType: d.ExportType,
    });
    await put(`${base}/manifest-summary.json`, summary);
    await put(`${base}/manifest-summary.md5`, createHash('md5').update(summary).digest('base64'));
    await update(store, arn, { ExportStatus: 'COMPLETED', EndTime: end, BilledSizeBytes: bytes, ItemCount: lines.length });
  } catch (e) {
    await update(store, arn, { ExportStatus: 'FAILED', EndTime: ctx.clock.now(), ...s3Failure(e) });
  }
}

export const describeExport: H['DescribeExport'] = async (input, ctx) => {
  const row = await job(ctx.state, input.ExportArn);
  if (!row || row.kind !== 'export' || row.account !== ctx.account) throw new ServiceError('ExportNotFoundException', `Export not found: ${input.ExportArn}`, 400);
  return { ExportDescription: withDates(JSON.parse(row.spec), EXPORT_DATES) as never };
};

export const listExports: H['ListExports'] = async (input, ctx) => {
  let rows = (await jobs(ctx.state, 'export', ctx.account, ctx.region)).map((r) => JSON.parse(r.spec) as Record<string, unknown>);
  if (input.TableArn) rows = rows.filter((r) => r.TableArn === input.TableArn);
  const start = (await indexTokens.read(ctx, input.NextToken)) ?? 0;
  const size = input.MaxResults ?? 25;
  return {
    ExportSummaries: rows.slice(start, start + size).map((r) => ({ ExportArn: r.ExportArn as string, ExportStatus: r.ExportStatus as string, ExportType: r.ExportType as string })),
    NextToken: start + size < rows.length ? await indexTokens.issue(ctx, start + size) : undefined,
  };
};

// ---------------------------------------------------------------------------------------------
// Import

const IMPORT_DATES = ['StartTime', 'EndTime'];

export const importTable: H['ImportTable'] = async (input, ctx) => {
  const store: DynamoStore = ctx.state;
  const p = input.TableCreationParameters;
  checks().tableName('tableCreationParameters.tableName', p.TableName, false).done();
  const format = input.InputFormat;
  if (!['DYNAMODB_JSON', 'CSV'].includes(format)) throw validation(`Fogbank imports DYNAMODB_JSON and CSV, not ${format}`);
  const now = ctx.clock.now();
  const attributeDefinitions = p.AttributeDefinitions.map((d) => ({ AttributeName: d.AttributeName, AttributeType: d.AttributeType }));
  const template: TableSpec = {
    id: 0, account: ctx.account, region: ctx.region, name: p.TableName, tableId: '', arn: '', createdAt: now, status: 'CREATING',
    keySchema: p.KeySchema.map((k) => ({ AttributeName: k.AttributeName, KeyType: k.KeyType })),
    attributeDefinitions, key: keyDefOf(p.KeySchema, attributeDefinitions),
    billingMode: p.BillingMode === 'PROVISIONED' ? 'PROVISIONED' : 'PAY_PER_REQUEST', billingModeSet: p.BillingMode !== undefined,
    throughput: { read: p.ProvisionedThroughput?.ReadCapacityUnits ?? 0, write: p.ProvisionedThroughput?.WriteCapacityUnits ?? 0 },
    gsis: [], lsis: [], stream: { enabled: false }, deletionProtection: false, ttl: { status: 'DISABLED' }, pitr: { enabled: false }, tags: [],
  };
  // The token, the name and the new table and job are checked and written in one unit: one token
  // starts one import, and of concurrent imports into one name one creates it. The table stays
  // CREATING until the import is done.
  type Started = { prior: Record<string, unknown> } | { spec: TableSpec; arn: string; description: Record<string, unknown> };
  const started = await store.atomically(async (): Promise<Started> => {
    const prior = await jobOfToken(store, 'import', ctx.account, ctx.region, input.ClientToken);
    if (prior) return { prior };
    const spec = await restoreTable(store, template, [], {
      account: ctx.account, region: ctx.region, name: p.TableName, now,
      billingMode: template.billingMode,
      throughput: p.ProvisionedThroughput,
      gsis: (p.GlobalSecondaryIndexes ?? []) as IndexInput[],
      lsis: [],
      sse: p.SSESpecification,
    }, () => resourceInUse(`Table already exists: ${p.TableName}`));
    const arn = `${spec.arn}/import/${String(now).padStart(14, '0')}-${randomBytes(4).toString('hex')}`;
    const description: Record<string, unknown> = {
      ImportArn: arn,
      ImportStatus: 'IN_PROGRESS',
      TableArn: spec.arn,
      TableId: spec.tableId,
      ClientToken: input.ClientToken,
      S3BucketSource: input.S3BucketSource,
      ErrorCount: 0,
      CloudWatchLogGroupArn: formatArn({ service: 'logs', region: ctx.region, account: ctx.account, resource: 'log-group:/aws-dynamodb/imports:*' }),
      InputFormat: format,
      InputFormatOptions: input.InputFormatOptions,
      InputCompressionType: input.InputCompressionType ?? 'NONE',
      TableCreationParameters: p,
      StartTime: now,
      ProcessedSizeBytes: 0,
      ProcessedItemCount: 0,
      ImportedItemCount: 0,
    };
    await saveJob(store, arn, 'import', ctx.account, ctx.region, now, description);
    return { spec, arn, description };
  });
  if ('prior' in started) return { ImportTableDescription: withDates(started.prior, IMPORT_DATES) as never };
  const { spec, arn, description } = started;
  runImport(ctx, arn, spec.id, description).catch((err: unknown) => ctx.env.log.error('dynamodb: recording an import failed', err));
  return { ImportTableDescription: withDates(description, IMPORT_DATES) as never };
};

function parseCsvLine(line: string, delimiter: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"') quoted = true;
    else if (c === delimiter) {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}

async function runImport(ctx: Ctx, arn: string, tableId: number, d: Record<string, unknown>): Promise<void> {
  const store: DynamoStore = ctx.state;
  const scope = { account: ctx.account, region: ctx.region };
  const src = d.S3BucketSource as { S3Bucket: string; S3KeyPrefix?: string };
  let processed = 0;
  let imported = 0;
  let errors = 0;
  let bytes = 0;
  try {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await ctx.env.invoke<{ Contents?: Array<{ Key: string }>; NextContinuationToken?: string }>('s3', 'ListObjectsV2', { Bucket: src.S3Bucket, Prefix: src.S3KeyPrefix, ContinuationToken: token }, scope, ctx.requestId);
      for (const o of page.Contents ?? []) if (!o.Key.endsWith('/')) keys.push(o.Key);
      token = page.NextContinuationToken;
    } while (token);
    const csv = (d.InputFormatOptions as { Csv?: { Delimiter?: string; HeaderList?: string[] } } | undefined)?.Csv;
    for (const key of keys) {
      let data = await bodyOf(await ctx.env.invoke('s3', 'GetObject', { Bucket: src.S3Bucket, Key: key }, scope, ctx.requestId));
      bytes += data.length;
      if (d.InputCompressionType === 'GZIP') data = gunzipSync(data);
      else if (d.InputCompressionType === 'ZSTD') data = zstdDecompressSync(data);
      const lines = data.toString('utf8').split(/\r?\n/).filter((l) => l.trim() !== '');
      let header = csv?.HeaderList;
      // One unit per file: its items land together, after the file was read (no S3 I/O in a unit).
      const gone = await store.atomically(async () => {
        const spec = await store.tableById(tableId);
        if (!spec) return true;
        for (const line of lines) {
          let item: Item;
          try {
            if (d.InputFormat === 'CSV') {
              const cells = parseCsvLine(line, csv?.Delimiter ?? ',');
              if (!header) {
                header = cells;
                continue;
              }
              processed++;
              item = {};
              header.forEach((name, i) => {
                const text = cells[i];
                if (text === undefined || text === '') return;
                const def = spec.attributeDefinitions.find((a) => a.AttributeName === name);
                setOwn(item, name, def?.AttributeType === 'N' ? { N: normalizeNumber(text) } : def?.AttributeType === 'B' ? { B: Buffer.from(text, 'base64') } : { S: text });
              });
            } else {
              processed++;
              const parsed = JSON.parse(line) as { Item?: Record<string, unknown> };
              if (!parsed.Item) throw new Error('no Item');
              item = itemFromWire(parsed.Item);
            }
            checkItem(item);
            const k = itemKey(spec.key, item);
            // Checked before anything is written, so a refused item leaves no half-written entry.
            checkIndexKeys(spec, item);
            const old = await store.getRow(spec.id, k.seg, k.hk, k.rk);
            await writeItem(store, spec, k, old ? { item: decodeItem(old.item), size: old.size } : undefined, item, itemSize(item), { now: ctx.clock.now() });
            imported++;
          } catch {
            errors++;
          }
        }
        return false;
      });
      if (gone) return;
    }
    await store.atomically(async () => {
      const spec = await store.tableById(tableId);
      if (spec) {
        spec.status = 'ACTIVE';
        await store.saveTable(spec);
      }
      await update(store, arn, { ImportStatus: 'COMPLETED', EndTime: ctx.clock.now(), ProcessedItemCount: processed, ImportedItemCount: imported, ErrorCount: errors, ProcessedSizeBytes: bytes });
    });
  } catch (e) {
    const spec = await store.tableById(tableId);
    if (spec) await store.dropTable(spec);
    await update(store, arn, { ImportStatus: 'FAILED', EndTime: ctx.clock.now(), ProcessedItemCount: processed, ImportedItemCount: imported, ErrorCount: errors, ...s3Failure(e) });
  }
}

export const describeImport: H['DescribeImport'] = async (input, ctx) => {
  const row = await job(ctx.state, input.ImportArn);
  if (!row || row.kind !== 'import' || row.account !== ctx.account) throw new ServiceError('ImportNotFoundException', `Import not found: ${input.ImportArn}`, 400);
  return { ImportTableDescription: withDates(JSON.parse(row.spec), IMPORT_DATES) as never };
};

export const listImports: H['ListImports'] = async (input, ctx) => {
  let rows = (await jobs(ctx.state, 'import', ctx.account, ctx.region)).map((r) => JSON.parse(r.spec) as Record<string, unknown>);
  if (input.TableArn) rows = rows.filter((r) => r.TableArn === input.TableArn);
  const start = (await indexTokens.read(ctx, input.NextToken)) ?? 0;
  const size = input.PageSize ?? 25;
  return {
    ImportSummaryList: rows.slice(start, start + size).map((r) => withDates({
      ImportArn: r.ImportArn, ImportStatus: r.ImportStatus, TableArn: r.TableArn, S3BucketSource: r.S3BucketSource,
      CloudWatchLogGroupArn: r.CloudWatchLogGroupArn, InputFormat: r.InputFormat, StartTime: r.StartTime, EndTime: r.EndTime,
    }, IMPORT_DATES)) as never,
    NextToken: start + size < rows.length ? await indexTokens.issue(ctx, start + size) : undefined,
  };
};

export { tableNameOf };
