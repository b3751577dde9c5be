// Lookups and checks shared by Lambda's operations.
import type { Ctx } from '../state.ts';
import type { FunctionRow, VersionRow } from '../store.ts';
import { conflict, functionArn, invalidParameter, functionNotFound, isVersionNumber, notFound, parseFunctionName, parseUnqualified, preconditionFailed, type FunctionRef } from '../names.ts';
import { pageTokens, type TokenContext } from '../../../../core/resources/page-token.ts';

export function scope(ctx: Ctx): { account: string; region: string } {
  return { account: ctx.account, region: ctx.region };
}

export async function findFunction(ctx: Ctx, ref: FunctionRef): Promise<FunctionRow> {
  const fn = await ctx.state.tables.fn(ref.account, ref.region, ref.name);
  if (!fn) throw functionNotFound({ ...ref, qualifier: undefined });
  return fn;
}

/** A function named without a qualifier. */
export async function unqualified(ctx: Ctx, name: string): Promise<{ ref: FunctionRef; fn: FunctionRow }> {
  const ref = parseUnqualified(name, scope(ctx));
  return { ref, fn: await findFunction(ctx, ref) };
}

/** A function and the version a qualifier (version number, alias or $LATEST) selects. */
export async function qualified(ctx: Ctx, name: string, qualifier?: string): Promise<{ ref: FunctionRef; fn: FunctionRow; version: VersionRow }> {
  const ref = parseFunctionName(name, scope(ctx), qualifier);
  const fn = await findFunction(ctx, ref);
  const q = ref.qualifier ?? '$LATEST';
  let versionName = q;
  if (q !== '$LATEST' && !isVersionNumber(q)) {
    const alias = await ctx.state.tables.alias(fn.id, q);
    if (!alias) throw functionNotFound(ref, q);
    versionName = alias.version;
  }
  const version = await ctx.state.tables.version(fn.id, versionName);
  if (!version) throw functionNotFound(ref, q);
  return { ref, fn, version };
}

export async function latest(ctx: Ctx, fn: FunctionRow): Promise<VersionRow> {
  const v = await ctx.state.tables.version(fn.id, '$LATEST');
  if (!v) throw notFound(`Function not found: ${functionArn(fn.account, fn.region, fn.name)}`);
  return v;
}

export function checkRevision(given: string | undefined, current: string): void {
  if (given !== undefined && given !== current) {
    throw preconditionFailed('The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id');
  }
}

/** Refuses a change while the previous one is still being applied, as Lambda does. */
export function checkNotUpdating(fn: FunctionRow, v: VersionRow): void {
  if (v.last_update_status === 'InProgress' || v.state === 'Pending') {
    throw conflict(`The operation cannot be performed at this time. An update is in progress for resource: ${functionArn(fn.account, fn.region, fn.name)}`);
  }
}

/**
 * Completes a creation or update: Lambda answers while the function is Pending / InProgress and it
 * becomes Active / Successful a moment later (here, as soon as the answer has gone). Wall-clock on
 * purpose: a test that holds the virtual clock still must not see its functions stay Pending.
 */
export function settleSoon(ctx: Ctx, fnId: number, versions: string[]): void {
  setImmediate(() => {
    ctx.state.tables.settleVersions(fnId, versions).catch((err) => ctx.env.log.error(`lambda: settling function ${fnId} failed`, err));
  });
}

/**
 * Markers of the List* operations: the engine's signed page tokens around a position (an index into
 * the listing, or ListFunctions' function name and version index). One Fogbank did not issue for this
 * operation is refused, as Lambda refuses markers it did not issue, rather than read as page one.
 */
const markers = pageTokens<number | [string, number]>({
  invalid: () => invalidParameter('Invalid Marker: it was not returned by a previous call of this operation'),
  parse: (p) => {
    if (Number.isInteger(p) && (p as number) >= 0 && (p as number) < 1e9) return p as number;
    if (Array.isArray(p) && p.length === 2 && typeof p[0] === 'string' && Number.isInteger(p[1])) return p as [string, number];
    return undefined;
  },
});

/** The index a Marker stands for (0 without one). */
export async function readIndexMarker(ctx: TokenContext, marker: string | undefined): Promise<number> {
  const p = await markers.read(ctx, marker);
  if (p === undefined) return 0;
  if (typeof p !== 'number') throw invalidParameter('Invalid Marker: it was not returned by a previous call of this operation');
  return p;
}

/** ListFunctions' marker: the function name and version index a page ended at. */
export async function readFunctionMarker(ctx: TokenContext, marker: string | undefined): Promise<[string, number]> {
  const p = await markers.read(ctx, marker);
  if (p === undefined) return ['', -1];
  if (typeof p === 'number') throw invalidParameter('Invalid Marker: it was not returned by a previous call of this operation');
  return p;
}

export function makeMarker(ctx: TokenContext, position: number | [string, number]): Promise<string> {
  return markers.issue(ctx, position);
}
