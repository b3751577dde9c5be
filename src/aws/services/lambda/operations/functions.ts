// Functions: create (from an inline zip, Fogbank's S3, or an image when Docker is there), get (with a
// working code download link), update code and configuration (Pending/InProgress then Active/
// Successful), delete (the function or one version), list (with pagination and FunctionVersion=ALL).
import type * as T from '../generated/types.ts';
import type { Ctx } from '../state.ts';
import type { FunctionRow, VersionRow } from '../store.ts';
import { applyConfig, defaultConfig, describeVersion, layerFinder, parseConfig, type StoredConfig } from '../config.ts';
import { fetchFromS3, type StoredCode } from '../code.ts';
import { conflict, functionArn, functionNotFound, invalidParameter, newRevision, parseFunctionName, validation } from '../names.ts';
import { dockerProblem } from '../engine/docker.ts';
import { checkNotUpdating, checkRevision, latest, makeMarker, qualified, readFunctionMarker, scope, settleSoon, unqualified } from './common.ts';
import { publish } from './versions.ts';
import { checkTags } from './tags.ts';

/** The code of a CreateFunction / UpdateFunctionCode request, stored and unpacked. */
async function storeCode(ctx: Ctx, code: { ZipFile?: Buffer; S3Bucket?: string; S3Key?: string; S3ObjectVersion?: string }): Promise<StoredCode> {
  if (code.ZipFile !== undefined) {
    if (code.S3Bucket !== undefined || code.S3Key !== undefined) {
      throw invalidParameter('Please do not provide other FunctionCode parameters when providing a ZipFile.');
    }
    return ctx.state.code.store(code.ZipFile, 'function');
  }
  if (code.S3Bucket !== undefined && code.S3Key !== undefined) {
    const zip = await fetchFromS3(ctx.env, scope(ctx), code.S3Bucket, code.S3Key, code.S3ObjectVersion, ctx.requestId);
    return ctx.state.code.store(zip, 'function');
  }
  if (code.S3Bucket !== undefined || code.S3Key !== undefined) {
    throw invalidParameter('Please provide both S3Bucket and S3Key when providing code from S3.');
  }
  throw invalidParameter('Please provide a source for function code.');
}

async function checkImageSupport(uri: string | undefined): Promise<void> {
  if (!uri) throw invalidParameter('ImageUri must be specified for functions with PackageType Image.');
  const problem = await dockerProblem();
  if (problem) {
    throw invalidParameter(
      `Fogbank runs container image functions (PackageType Image) in Docker, and ${problem}. Start a Docker engine (or set DOCKER_HOST) to use image functions, or deploy the function as a .zip package.`,
    );
  }
}

export async function createFunction(input: T.CreateFunctionRequest, ctx: Ctx): Promise<T.FunctionConfiguration> {
  const ref = parseFunctionName(input.FunctionName, scope(ctx));
  if (ref.qualifier !== undefined) throw validation('functionName', input.FunctionName, 'Member must not include a qualifier');
  const tables = ctx.state.tables;
  if (await tables.fn(ref.account, ref.region, ref.name)) throw conflict(`Function already exist: ${ref.name}`);
  const packageType = input.PackageType ?? 'Zip';
  if (packageType !== 'Zip' && packageType !== 'Image') throw validation('packageType', packageType, 'Member must satisfy enum value set: [Zip, Image]');
  if (input.Tags) checkTags(input.Tags);
  const csc = input.CodeSigningConfigArn;
  const cscMissing = async () => !!csc && !(await tables.codeSigningConfig(ref.account, ref.region, csc.split(':').pop() ?? ''));
  if (await cscMissing()) throw invalidParameter(`Code signing config ${csc} does not exist.`);
  const config = await applyConfig(ref.name, defaultConfig(ref.name, packageType, input.Role), { ...input, FunctionName: ref.name } as never, layerFinder(tables));
  let code: StoredCode | undefined;
  if (packageType === 'Image') {
    if (input.Runtime || input.Handler) throw invalidParameter('Runtime and Handler are not supported for functions created with container images.');
    await checkImageSupport(input.Code.ImageUri);
    config.ImageUri = input.Code.ImageUri;
  } else {
    if (input.Code.ImageUri) throw invalidParameter('Please provide a .zip package for functions with PackageType Zip, not an ImageUri.');
    code = await storeCode(ctx, input.Code);
  }
  const now = ctx.clock.now();
  // One unit from the name check to the published version: another request may have created the
  // function (or deleted the config or a layer it names) while the code was being read.
  const { fn, v, published } = await tables.atomically(async () => {
    if (await tables.fn(ref.account, ref.region, ref.name)) throw conflict(`Function already exist: ${ref.name}`);
    if (await cscMissing()) throw invalidParameter(`Code signing config ${csc} does not exist.`);
    if (config.Layers.length) await applyConfig(ref.name, config, { Layers: config.Layers.map((l) => l.Arn) }, layerFinder(tables));
    const v: VersionRow = await tables.createFunction(
    { account: ref.account, region: ref.region, name: ref.name, now, tags: JSON.stringify(input.Tags ?? {}), codeSigningConfigArn: input.CodeSigningConfigArn },
    {
      version: '$LATEST',
      config: JSON.stringify(config),
      code_sha256: code?.sha256 ?? imageSha(config.ImageUri ?? ''),
      code_size: code?.size ?? 0,
      code_blob: code?.blob ?? null,
      state: 'Pending',
      state_reason: 'The function is being created.',
      state_reason_code: 'Creating',
      last_update_status: 'Successful',
      last_modified: now,
      revision_id: newRevision(),
    },
    );
    const fn = (await tables.fnById(v.function_id))!;
    return { fn, v, published: input.Publish ? await publish(ctx, fn, v, undefined) : undefined };
  });
  if (published) {
    settleSoon(ctx, fn.id, ['$LATEST', published.version]);
    return describeVersion(fn, published);
  }
  settleSoon(ctx, fn.id, ['$LATEST']);
  return describeVersion(fn, v);
}

function imageSha(uri: string): string {
  return Buffer.from(uri.padEnd(32, '0').slice(0, 32)).toString('base64');
}

export async function getFunctionConfiguration(input: T.GetFunctionConfigurationRequest, ctx: Ctx): Promise<T.FunctionConfiguration> {
  const { fn, version } = await qualified(ctx, input.FunctionName, input.Qualifier);
  return describeVersion(fn, version);
}

export async function getFunction(input: T.GetFunctionRequest, ctx: Ctx): Promise<T.GetFunctionResponse> {
  const { fn, version } = await qualified(ctx, input.FunctionName, input.Qualifier);
  const config = parseConfig(version);
  const out: T.GetFunctionResponse = {
    Configuration: describeVersion(fn, version),
    Code: config.PackageType === 'Image'
      ? { RepositoryType: 'ECR', ImageUri: config.ImageUri, ResolvedImageUri: config.ImageUri }
      : { RepositoryType: 'S3', Location: codeLocation(ctx, version.code_blob) },
    Tags: JSON.parse(fn.tags) as Record<string, string>,
  };
  if (fn.reserved_concurrency !== null) out.Concurrency = { ReservedConcurrentExecutions: fn.reserved_concurrency };
  return out;
}

/** A URL that downloads the deployment package from Fogbank (GetFunction's Code.Location). */
export function codeLocation(ctx: Ctx, blob: string | null): string | undefined {
  return blob ? `${ctx.env.endpoint}/2015-03-31/fogbank-code/${blob}.zip` : undefined;
}

export async function updateFunctionCode(input: T.UpdateFunctionCodeRequest, ctx: Ctx): Promise<T.FunctionConfiguration> {
  const { ref, fn } = await unqualified(ctx, input.FunctionName);
  const tables = ctx.state.tables;
  const first = await latest(ctx, fn);
  checkRevision(input.RevisionId, first.revision_id);
  checkNotUpdating(fn, first);
  const packageType = parseConfig(first).PackageType;
  let code: StoredCode | undefined;
  if (packageType === 'Image') {
    if (input.ZipFile || input.S3Bucket || input.S3Key) throw invalidParameter('Please provide an ImageUri for a function with PackageType Image.');
    await checkImageSupport(input.ImageUri);
  } else {
    if (input.ImageUri) throw invalidParameter('Please provide a .zip package for a function with PackageType Zip.');
    code = await storeCode(ctx, input);
  }
  // The checks again, with the write, in one unit: another update may have begun while the code was stored.
  const result = await tables.atomically(async () => {
    const v = await latest(ctx, fn);
    checkRevision(input.RevisionId, v.revision_id);
    checkNotUpdating(fn, v);
    const config = parseConfig(v);
    if (packageType === 'Image') config.ImageUri = input.ImageUri;
    if (input.Architectures) Object.assign(config, await applyConfig(ref.name, config, { Architectures: input.Architectures }, layerFinder(tables)));
    const updated: VersionRow = {
      ...v,
      config: JSON.stringify(config),
      code_sha256: code?.sha256 ?? imageSha(config.ImageUri ?? ''),
      code_size: code?.size ?? 0,
      code_blob: code?.blob ?? null,
      last_modified: ctx.clock.now(),
      revision_id: newRevision(),
    };
    if (input.DryRun) return { v, updated, published: undefined };
    updated.last_update_status = 'InProgress';
    await tables.putVersion(updated);
    if (!input.Publish) return { v, updated, published: undefined };
    await tables.settleVersions(fn.id, ['$LATEST']);
    return { v, updated, published: await publish(ctx, fn, (await tables.version(fn.id, '$LATEST'))!, undefined) };
  });
  const { v, updated, published } = result;
  if (input.DryRun) {
    // Nothing was recorded: the package just stored is nobody's.
    await releaseBlob(ctx, code?.blob ?? null);
    return describeVersion(fn, updated);
  }
  await releaseBlob(ctx, v.code_blob);
  ctx.state.executor.evict({ account: fn.account, region: fn.region, name: fn.name, version: '$LATEST' });
  if (published) {
    settleSoon(ctx, fn.id, [published.version]);
    return describeVersion(fn, published);
  }
  settleSoon(ctx, fn.id, ['$LATEST']);
  return { ...describeVersion(fn, updated), LastUpdateStatusReason: 'The function is being created.', LastUpdateStatusReasonCode: 'Creating' };
}

export async function updateFunctionConfiguration(input: T.UpdateFunctionConfigurationRequest, ctx: Ctx): Promise<T.FunctionConfiguration> {
  const { ref, fn } = await unqualified(ctx, input.FunctionName);
  const tables = ctx.state.tables;
  // Read, check and write in one unit: of two updates given one RevisionId, or begun together, one wins.
  const updated = await tables.atomically(async () => {
    const v = await latest(ctx, fn);
    checkRevision(input.RevisionId, v.revision_id);
    checkNotUpdating(fn, v);
    const config: StoredConfig = await applyConfig(ref.name, parseConfig(v), input as never, layerFinder(tables));
    const updated: VersionRow = {
      ...v,
      config: JSON.stringify(config),
      last_modified: ctx.clock.now(),
      revision_id: newRevision(),
      last_update_status: 'InProgress',
    };
    await tables.putVersion(updated);
    return updated;
  });
  ctx.state.executor.evict({ account: fn.account, region: fn.region, name: fn.name, version: '$LATEST' });
  settleSoon(ctx, fn.id, ['$LATEST']);
  return { ...describeVersion(fn, updated), LastUpdateStatusReason: 'The function is being updated.', LastUpdateStatusReasonCode: 'Updating' } as T.FunctionConfiguration;
}

export async function deleteFunction(input: T.DeleteFunctionRequest, ctx: Ctx): Promise<T.DeleteFunctionResponse> {
  const ref = parseFunctionName(input.FunctionName, scope(ctx), input.Qualifier);
  const tables = ctx.state.tables;
  const qualifier = ref.qualifier;
  if (qualifier !== undefined) {
    const v = await tables.atomically(async () => {
      const fn = await tables.fn(ref.account, ref.region, ref.name);
      if (!fn) throw functionNotFound(ref);
      if (qualifier === '$LATEST') throw invalidParameter('$LATEST version cannot be deleted without deleting the function.');
      if (!/^[0-9]+$/.test(qualifier)) throw invalidParameter('Deletion of aliases is not supported by DeleteFunction; use DeleteAlias.');
      const v = await tables.version(fn.id, qualifier);
      if (!v) throw functionNotFound(ref);
      // No alias may come to point at the version between this check and the delete.
      const users = (await tables.aliases(fn.id)).filter((a) => a.version === qualifier || (a.routing && qualifier in ((JSON.parse(a.routing) as { AdditionalVersionWeights?: object }).AdditionalVersionWeights ?? {})));
      if (users.length) {
        throw conflict(`Unable to delete version because the following aliases reference it: [${users.map((a) => a.name).join(', ')}]`);
      }
      await tables.deleteVersion(fn.id, qualifier);
      return v;
    });
    await releaseBlob(ctx, v.code_blob);
    ctx.state.executor.evict({ account: ref.account, region: ref.region, name: ref.name, version: qualifier });
    return { StatusCode: 204 };
  }
  // The function, its versions and its mappings go in one unit; pollers, blobs and workers after it.
  const { fn, blobs, mappings } = await tables.atomically(async () => {
    const fn = await tables.fn(ref.account, ref.region, ref.name);
    if (!fn) throw functionNotFound(ref);
    const blobs = (await tables.versions(fn.id)).map((v) => v.code_blob);
    const arn = functionArn(fn.account, fn.region, fn.name);
    const mappings: string[] = [];
    for (const m of await tables.mappings(fn.account, fn.region)) {
      if (m.function_arn === arn || m.function_arn.startsWith(`${arn}:`)) {
        await tables.deleteMapping(m.uuid);
        mappings.push(m.uuid);
      }
    }
    await tables.deleteFunction(fn.id);
    return { fn, blobs, mappings };
  });
  for (const uuid of mappings) ctx.state.mappings.remove(uuid);
  for (const b of blobs) await releaseBlob(ctx, b);
  ctx.state.executor.evict({ account: fn.account, region: fn.region, name: fn.name });
  return { StatusCode: 204 };
}

/**
 * Drops a package's blob once no version or layer uses it. Call it after the unit that stopped
 * using it: a blob nobody references can gain no new user (a version only copies a live row's).
 */
export async function releaseBlob(ctx: Ctx, blob: string | null): Promise<void> {
  if (blob && !(await ctx.state.tables.blobInUse(blob))) void ctx.env.blobs.delete(blob).catch((err) => ctx.env.log.error(`lambda: deleting package ${blob} failed`, err));
}

export async function listFunctions(input: T.ListFunctionsRequest, ctx: Ctx): Promise<T.ListFunctionsResponse> {
  const max = input.MaxItems ?? 50;
  if (max < 1 || max > 50) throw validation('maxItems', String(max), `Member must have value ${max < 1 ? 'greater than or equal to 1' : 'less than or equal to 50'}`);
  if (input.FunctionVersion !== undefined && input.FunctionVersion !== 'ALL') {
    throw validation('functionVersion', input.FunctionVersion, 'Member must satisfy enum value set: [ALL]');
  }
  const tables = ctx.state.tables;
  const all = input.FunctionVersion === 'ALL';
  const [afterName, afterIndex] = await readFunctionMarker(ctx, input.Marker);
  const out: T.FunctionConfiguration[] = [];
  let next: string | undefined;
  // Resume inside the function the last page ended in (listing all versions), then go on by name.
  const fns: FunctionRow[] = [];
  if (afterName) {
    const f = await tables.fn(ctx.account, ctx.region, afterName);
    if (f && all) fns.push(f);
  }
  fns.push(...(await tables.functions(ctx.account, ctx.region, afterName, max + 1)));
  outer: for (const fn of fns) {
    // A function deleted since it was listed has no versions left: it is skipped, not an error.
    const versions = all ? await tables.versions(fn.id) : [await tables.version(fn.id, '$LATEST')].filter((v) => v !== undefined);
    const start = fn.name === afterName ? afterIndex + 1 : 0;
    for (let i = start; i < versions.length; i++) {
      if (out.length === max) {
        next = await makeMarker(ctx, [fn.name, i - 1]);
        break outer;
      }
      out.push(describeVersion(fn, versions[i]));
      if (out.length === max && i === versions.length - 1) {
        // The page ends with this function: there is more only if another function follows.
        const more = (await tables.functions(ctx.account, ctx.region, fn.name, 1)).length > 0;
        if (more) next = await makeMarker(ctx, [fn.name, i]);
        break outer;
      }
    }
  }
  return { Functions: out, NextMarker: next };
}
