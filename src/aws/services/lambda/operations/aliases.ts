// Aliases: names for a version, optionally routing a share of invocations to a second version.
import type * as T from '../generated/types.ts';
import type { Ctx } from '../state.ts';
import type { AliasRow, FunctionRow } from '../store.ts';
import { conflict, functionArn, invalidParameter, isVersionNumber, newRevision, notFound, validation } from '../names.ts';
import { checkRevision, makeMarker, readIndexMarker, unqualified } from './common.ts';

const ALIAS_RE = /^(?!^[0-9]+$)([a-zA-Z0-9-_]+)$/;

function describeAlias(fn: FunctionRow, a: AliasRow): T.AliasConfiguration {
  return {
    AliasArn: functionArn(fn.account, fn.region, fn.name, a.name),
    Name: a.name,
    FunctionVersion: a.version,
    Description: a.description,
    RoutingConfig: a.routing ? (JSON.parse(a.routing) as T.AliasRoutingConfiguration) : undefined,
    RevisionId: a.revision_id,
  };
}

function checkName(name: string): void {
  if (name.length > 128 || !ALIAS_RE.test(name)) {
    throw validation('name', name, 'Member must satisfy regular expression pattern: (?!^[0-9]+$)([a-zA-Z0-9-_]+)');
  }
}

async function checkVersion(ctx: Ctx, fn: FunctionRow, version: string): Promise<void> {
  if (version !== '$LATEST' && !isVersionNumber(version)) {
    throw validation('functionVersion', version, 'Member must satisfy regular expression pattern: (\\$LATEST|[0-9]+)');
  }
  if (!(await ctx.state.tables.version(fn.id, version))) {
    throw notFound(`Function not found: ${functionArn(fn.account, fn.region, fn.name, version)}`);
  }
}

async function checkRouting(ctx: Ctx, fn: FunctionRow, version: string, routing: T.AliasRoutingConfiguration | undefined): Promise<string | null> {
  const weights = routing?.AdditionalVersionWeights;
  if (!weights || Object.keys(weights).length === 0) return null;
  if (Object.keys(weights).length > 1) throw invalidParameter('Number of items in AdditionalVersionWeights cannot be greater than 1');
  for (const [v, w] of Object.entries(weights)) {
    if (!isVersionNumber(v)) throw validation('routingConfig.additionalVersionWeights', v, 'Member must satisfy regular expression pattern: [0-9]+');
    if (!(w >= 0 && w <= 1)) throw validation('routingConfig.additionalVersionWeights', String(w), 'Member must have value between 0.0 and 1.0');
    if (v === version) throw invalidParameter(`Invalid function version ${v}. Function version ${v} is already included in primary version of the alias.`);
    if (version === '$LATEST') throw invalidParameter('$LATEST is not supported for an alias pointing to more than 1 version');
    await checkVersion(ctx, fn, v);
  }
  return JSON.stringify({ AdditionalVersionWeights: weights });
}

export async function createAlias(input: T.CreateAliasRequest, ctx: Ctx): Promise<T.AliasConfiguration> {
  const tables = ctx.state.tables;
  // The function, the versions and the name's freedom are checked in the unit that writes the alias:
  // of two creates of one name one wins, and no version is deleted from under a new alias.
  return await tables.atomically(async () => {
    const { fn } = await unqualified(ctx, input.FunctionName);
    checkName(input.Name);
    await checkVersion(ctx, fn, input.FunctionVersion);
    const routing = await checkRouting(ctx, fn, input.FunctionVersion, input.RoutingConfig);
    if (await tables.alias(fn.id, input.Name)) throw conflict(`Alias already exists: ${functionArn(fn.account, fn.region, fn.name, input.Name)}`);
    const row: AliasRow = { function_id: fn.id, name: input.Name, version: input.FunctionVersion, description: input.Description ?? '', routing, revision_id: newRevision() };
    await tables.putAlias(row);
    return describeAlias(fn, row);
  });
}

async function findAlias(ctx: Ctx, fn: FunctionRow, name: string): Promise<AliasRow> {
  const a = await ctx.state.tables.alias(fn.id, name);
  if (!a) throw notFound(`Cannot find alias arn: ${functionArn(fn.account, fn.region, fn.name, name)}`);
  return a;
}

export async function getAlias(input: T.GetAliasRequest, ctx: Ctx): Promise<T.AliasConfiguration> {
  const { fn } = await unqualified(ctx, input.FunctionName);
  return describeAlias(fn, await findAlias(ctx, fn, input.Name));
}

export async function updateAlias(input: T.UpdateAliasRequest, ctx: Ctx): Promise<T.AliasConfiguration> {
  // Read, revision check and write in one unit: of two updates given one RevisionId, one wins.
  return await ctx.state.tables.atomically(async () => {
    const { fn } = await unqualified(ctx, input.FunctionName);
    const a = await findAlias(ctx, fn, input.Name);
    checkRevision(input.RevisionId, a.revision_id);
    const version = input.FunctionVersion ?? a.version;
    if (input.FunctionVersion !== undefined) await checkVersion(ctx, fn, version);
    const routing = input.RoutingConfig !== undefined ? await checkRouting(ctx, fn, version, input.RoutingConfig) : a.routing;
    const row: AliasRow = { ...a, version, description: input.Description ?? a.description, routing, revision_id: newRevision() };
    await ctx.state.tables.putAlias(row);
    return describeAlias(fn, row);
  });
}

export async function deleteAlias(input: T.DeleteAliasRequest, ctx: Ctx): Promise<void> {
  const { fn } = await unqualified(ctx, input.FunctionName);
  await ctx.state.tables.deleteAlias(fn.id, input.Name);
}

export async function listAliases(input: T.ListAliasesRequest, ctx: Ctx): Promise<T.ListAliasesResponse> {
  const { fn } = await unqualified(ctx, input.FunctionName);
  const max = input.MaxItems ?? 50;
  if (max < 1 || max > 10000) throw validation('maxItems', String(max), 'Member must have value between 1 and 10000');
  const all = (await ctx.state.tables.aliases(fn.id)).filter((a) => input.FunctionVersion === undefined || a.version === input.FunctionVersion);
  const start = await readIndexMarker(ctx, input.Marker);
  return {
    Aliases: all.slice(start, start + max).map((a) => describeAlias(fn, a)),
    NextMarker: start + max < all.length ? await makeMarker(ctx, start + max) : undefined,
  };
}
