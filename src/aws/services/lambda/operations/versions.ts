// Versions: PublishVersion snapshots $LATEST (code and configuration) as the next number, or returns
// the newest version when nothing changed since; ListVersionsByFunction pages through them.
import type * as T from '../generated/types.ts';
import type { Ctx } from '../state.ts';
import type { FunctionRow, VersionRow } from '../store.ts';
import { describeVersion, parseConfig } from '../config.ts';
import { invalidParameter, newRevision, validation } from '../names.ts';
import { checkRevision, latest, makeMarker, readIndexMarker, settleSoon, unqualified } from './common.ts';

/**
 * Publishes `v` ($LATEST) as a new version unless the newest published one is the same. One unit:
 * two publishes of unchanged code get one version between them.
 */
export async function publish(ctx: Ctx, fn: FunctionRow, v: VersionRow, description: string | undefined): Promise<VersionRow> {
  return await ctx.state.tables.atomically(() => publishIn(ctx, fn, v, description));
}

async function publishIn(ctx: Ctx, fn: FunctionRow, v: VersionRow, description: string | undefined): Promise<VersionRow> {
  const tables = ctx.state.tables;
  const versions = (await tables.versions(fn.id)).filter((x) => x.version !== '$LATEST');
  const newest = versions[versions.length - 1];
  const config = parseConfig(v);
  if (description !== undefined) config.Description = description;
  const configText = JSON.stringify(config);
  if (newest && newest.code_sha256 === v.code_sha256 && (description === undefined ? sameButDescription(newest.config, v.config) : newest.config === configText)) {
    return newest;
  }
  return await tables.publishVersion(fn.id, {
    ...v,
    config: configText,
    state: 'Pending',
    state_reason: 'The function is being created.',
    state_reason_code: 'Creating',
    last_update_status: 'Successful',
    last_modified: ctx.clock.now(),
    revision_id: newRevision(),
  });
}

function sameButDescription(a: string, b: string): boolean {
  const x = JSON.parse(a) as Record<string, unknown>;
  const y = JSON.parse(b) as Record<string, unknown>;
  delete x.Description;
  delete y.Description;
  return JSON.stringify(x) === JSON.stringify(y);
}

export async function publishVersion(input: T.PublishVersionRequest, ctx: Ctx): Promise<T.FunctionConfiguration> {
  const { fn } = await unqualified(ctx, input.FunctionName);
  // $LATEST is read, checked and published in one unit: an update between would publish what was not checked.
  const published = await ctx.state.tables.atomically(async () => {
    const v = await latest(ctx, fn);
    checkRevision(input.RevisionId, v.revision_id);
    if (input.CodeSha256 !== undefined && input.CodeSha256 !== v.code_sha256) {
      throw invalidParameter(`CodeSHA256 (${input.CodeSha256}) is different from current CodeSHA256 in $LATEST (${v.code_sha256}). Please try publishing again with the current CodeSHA256.`);
    }
    return await publishIn(ctx, fn, v, input.Description);
  });
  if (published.state === 'Pending') settleSoon(ctx, fn.id, [published.version]);
  return describeVersion(fn, published);
}

export async function listVersionsByFunction(input: T.ListVersionsByFunctionRequest, ctx: Ctx): Promise<T.ListVersionsByFunctionResponse> {
  const max = input.MaxItems ?? 50;
  if (max < 1 || max > 10000) throw validation('maxItems', String(max), 'Member must have value between 1 and 10000');
  const { fn } = await unqualified(ctx, input.FunctionName);
  const versions = await ctx.state.tables.versions(fn.id);
  const start = await readIndexMarker(ctx, input.Marker);
  const page = versions.slice(start, start + max);
  return {
    Versions: page.map((v) => describeVersion(fn, v)),
    NextMarker: start + max < versions.length ? await makeMarker(ctx, start + max) : undefined,
  };
}
