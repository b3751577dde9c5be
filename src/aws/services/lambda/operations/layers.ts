// Layers: PublishLayerVersion (inline zip or Fogbank's S3), Get/GetByArn (with a download link),
// List/ListVersions (filtered by runtime and architecture), DeleteLayerVersion. Functions that use a
// layer keep its unpacked files after the version is deleted, as in AWS.
import type * as T from '../generated/types.ts';
import type { Ctx } from '../state.ts';
import type { LayerRow } from '../store.ts';
import { fetchFromS3, type StoredCode } from '../code.ts';
import { invalidParameter, lambdaTime, layerArn, notFound, parseLayerName, parseLayerVersionArn, validation } from '../names.ts';
import { RUNTIME_NAMES } from '../runtimes.ts';
import { makeMarker, readIndexMarker, scope } from './common.ts';
import { codeLocation, releaseBlob } from './functions.ts';

interface LayerConfig {
  Description: string;
  CompatibleRuntimes?: string[];
  CompatibleArchitectures?: string[];
  LicenseInfo?: string;
}

function describe(ctx: Ctx, l: LayerRow): T.GetLayerVersionResponse {
  const c = JSON.parse(l.config) as LayerConfig;
  return {
    Content: { Location: codeLocation(ctx, l.code_blob), CodeSha256: l.code_sha256, CodeSize: l.code_size },
    LayerArn: layerArn(l.account, l.region, l.name),
    LayerVersionArn: layerArn(l.account, l.region, l.name, l.version),
    Description: c.Description,
    CreatedDate: lambdaTime(l.created_at),
    Version: l.version,
    CompatibleRuntimes: c.CompatibleRuntimes,
    LicenseInfo: c.LicenseInfo,
    CompatibleArchitectures: c.CompatibleArchitectures,
  };
}

function listItem(l: LayerRow): T.LayerVersionsListItem {
  const c = JSON.parse(l.config) as LayerConfig;
  return {
    LayerVersionArn: layerArn(l.account, l.region, l.name, l.version),
    Version: l.version,
    Description: c.Description,
    CreatedDate: lambdaTime(l.created_at),
    CompatibleRuntimes: c.CompatibleRuntimes,
    LicenseInfo: c.LicenseInfo,
    CompatibleArchitectures: c.CompatibleArchitectures,
  };
}

export async function publishLayerVersion(input: T.PublishLayerVersionRequest, ctx: Ctx): Promise<T.PublishLayerVersionResponse> {
  const { account, region, name } = parseLayerName(input.LayerName, scope(ctx));
  if (account !== ctx.account) throw invalidParameter('Layers can only be published in your own account.');
  if (input.CompatibleRuntimes && input.CompatibleRuntimes.length > 15) throw validation('compatibleRuntimes', String(input.CompatibleRuntimes), 'Member must have length less than or equal to 15');
  for (const r of input.CompatibleRuntimes ?? []) {
    if (!RUNTIME_NAMES.includes(r)) throw validation('compatibleRuntimes', r, `Member must satisfy enum value set: [${RUNTIME_NAMES.join(', ')}]`);
  }
  for (const a of input.CompatibleArchitectures ?? []) {
    if (a !== 'x86_64' && a !== 'arm64') throw validation('compatibleArchitectures', a, 'Member must satisfy enum value set: [x86_64, arm64]');
  }
  if ((input.Description?.length ?? 0) > 256) throw validation('description', input.Description!, 'Member must have length less than or equal to 256');
  const content = input.Content;
  let code: StoredCode;
  if (content.ZipFile !== undefined) code = await ctx.state.code.store(content.ZipFile, 'layer');
  else if (content.S3Bucket !== undefined && content.S3Key !== undefined) {
    code = await ctx.state.code.store(await fetchFromS3(ctx.env, scope(ctx), content.S3Bucket, content.S3Key, content.S3ObjectVersion, ctx.requestId), 'layer');
  } else throw invalidParameter('Please provide a source for the layer content (ZipFile, or S3Bucket and S3Key).');
  // The version number is taken and the layer stored under it in one unit (after the package is stored).
  const row = await ctx.state.tables.publishLayer({
    account, region, name,
    config: JSON.stringify({ Description: input.Description ?? '', CompatibleRuntimes: input.CompatibleRuntimes, CompatibleArchitectures: input.CompatibleArchitectures, LicenseInfo: input.LicenseInfo } satisfies LayerConfig),
    code_sha256: code.sha256,
    code_size: code.size,
    code_blob: code.blob,
    created_at: ctx.clock.now(),
  });
  return describe(ctx, row);
}

async function find(ctx: Ctx, layerName: string, version: number): Promise<LayerRow> {
  const { account, region, name } = parseLayerName(layerName, scope(ctx));
  const l = await ctx.state.tables.layer(account, region, name, version);
  if (!l) throw notFound('The resource you requested does not exist.');
  return l;
}

export async function getLayerVersion(input: T.GetLayerVersionRequest, ctx: Ctx): Promise<T.GetLayerVersionResponse> {
  return describe(ctx, await find(ctx, input.LayerName, input.VersionNumber));
}

export async function getLayerVersionByArn(input: T.GetLayerVersionByArnRequest, ctx: Ctx): Promise<T.GetLayerVersionResponse> {
  const p = parseLayerVersionArn(input.Arn);
  if (!p) throw validation('arn', input.Arn, 'Member must satisfy regular expression pattern: arn:[a-zA-Z0-9-]+:lambda:[a-zA-Z0-9-]+:\\d{12}:layer:[a-zA-Z0-9-_]+:[0-9]+');
  const l = await ctx.state.tables.layer(p.account, p.region, p.name, p.version);
  if (!l) throw notFound('The resource you requested does not exist.');
  return describe(ctx, l);
}

export async function deleteLayerVersion(input: T.DeleteLayerVersionRequest, ctx: Ctx): Promise<void> {
  const { account, region, name } = parseLayerName(input.LayerName, scope(ctx));
  const t = ctx.state.tables;
  // Deleted, and its users counted, in one unit: a function created after it cannot name the layer.
  const unused = await t.atomically(async () => {
    const l = await t.layer(account, region, name, input.VersionNumber);
    if (!l) return undefined;
    await t.deleteLayer(account, region, name, input.VersionNumber);
    // Functions still reference the layer's files through their stored configuration.
    return (await t.versionConfigMentions(`"Blob":"${l.code_blob}"`)) ? undefined : l.code_blob;
  });
  if (unused) await releaseBlob(ctx, unused);
}

function matches(l: LayerRow, runtime: string | undefined, arch: string | undefined): boolean {
  const c = JSON.parse(l.config) as LayerConfig;
  if (runtime && !(c.CompatibleRuntimes ?? []).includes(runtime)) return false;
  if (arch && !(c.CompatibleArchitectures ?? []).includes(arch)) return false;
  return true;
}

export async function listLayerVersions(input: T.ListLayerVersionsRequest, ctx: Ctx): Promise<T.ListLayerVersionsResponse> {
  const { account, region, name } = parseLayerName(input.LayerName, scope(ctx));
  const max = input.MaxItems ?? 50;
  if (max < 1 || max > 50) throw validation('maxItems', String(max), 'Member must have value between 1 and 50');
  const all = (await ctx.state.tables.layerVersions(account, region, name)).filter((l) => matches(l, input.CompatibleRuntime, input.CompatibleArchitecture));
  const start = await readIndexMarker(ctx, input.Marker);
  return {
    LayerVersions: all.slice(start, start + max).map(listItem),
    NextMarker: start + max < all.length ? await makeMarker(ctx, start + max) : undefined,
  };
}

export async function listLayers(input: T.ListLayersRequest, ctx: Ctx): Promise<T.ListLayersResponse> {
  const max = input.MaxItems ?? 50;
  if (max < 1 || max > 50) throw validation('maxItems', String(max), 'Member must have value between 1 and 50');
  const items: T.LayersListItem[] = [];
  // Versions come by name, newest first: the first match of each name is its latest matching version.
  for (const l of await ctx.state.tables.allLayerVersions(ctx.account, ctx.region)) {
    if (items[items.length - 1]?.LayerName === l.name || !matches(l, input.CompatibleRuntime, input.CompatibleArchitecture)) continue;
    items.push({ LayerName: l.name, LayerArn: layerArn(ctx.account, ctx.region, l.name), LatestMatchingVersion: listItem(l) });
  }
  const start = await readIndexMarker(ctx, input.Marker);
  return { Layers: items.slice(start, start + max), NextMarker: start + max < items.length ? await makeMarker(ctx, start + max) : undefined };
}
