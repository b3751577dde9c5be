// Function URL configs. The URLs themselves are served by Fogbank (engine/function-url.ts) at
// http://<url-id>.lambda-url.<region>.localhost:<port>/ on Fogbank's own port.
import { randomBytes } from 'node:crypto';
import type * as T from '../generated/types.ts';
import type { Ctx } from '../state.ts';
import type { FunctionRow, UrlRow } from '../store.ts';
import { conflict, functionArn, isVersionNumber, lambdaTime, notFound, parseFunctionName, validation } from '../names.ts';
import { findFunction, makeMarker, readIndexMarker, scope, unqualified } from './common.ts';

export interface UrlConfig {
  AuthType: string;
  Cors?: T.Cors;
  InvokeMode: string;
}

export function functionUrl(ctx: { env: { endpoint: string } }, urlId: string, region: string): string {
  const port = new URL(ctx.env.endpoint).port;
  return `http://${urlId}.lambda-url.${region}.localhost${port ? `:${port}` : ''}/`;
}

async function target(ctx: Ctx, name: string, qualifier: string | undefined): Promise<{ fn: FunctionRow; q: string }> {
  const ref = parseFunctionName(name, scope(ctx), qualifier);
  const fn = await findFunction(ctx, ref);
  const q = ref.qualifier ?? '';
  if (q && q !== '$LATEST') {
    if (isVersionNumber(q)) throw validation('qualifier', q, 'Member must satisfy regular expression pattern: ((?!^\\d+$)^[0-9a-zA-Z-_]+$)');
    if (!(await ctx.state.tables.alias(fn.id, q))) throw notFound(`Function not found: ${functionArn(fn.account, fn.region, fn.name, q)}`);
  }
  return { fn, q };
}

function check(c: UrlConfig): void {
  if (c.AuthType !== 'NONE' && c.AuthType !== 'AWS_IAM') throw validation('authType', c.AuthType, 'Member must satisfy enum value set: [NONE, AWS_IAM]');
  if (c.InvokeMode !== 'BUFFERED' && c.InvokeMode !== 'RESPONSE_STREAM') throw validation('invokeMode', c.InvokeMode, 'Member must satisfy enum value set: [BUFFERED, RESPONSE_STREAM]');
  if (c.Cors?.MaxAge !== undefined && (c.Cors.MaxAge < 0 || c.Cors.MaxAge > 86400)) throw validation('cors.maxAge', String(c.Cors.MaxAge), 'Member must have value between 0 and 86400');
}

function describe(ctx: Ctx, fn: FunctionRow, row: UrlRow): T.FunctionUrlConfig {
  const c = JSON.parse(row.config) as UrlConfig;
  return {
    FunctionUrl: functionUrl(ctx, row.url_id, fn.region),
    FunctionArn: functionArn(fn.account, fn.region, fn.name, row.qualifier || undefined),
    AuthType: c.AuthType,
    Cors: c.Cors,
    CreationTime: lambdaTime(row.created_at),
    LastModifiedTime: lambdaTime(row.modified_at),
    InvokeMode: c.InvokeMode,
  };
}

export async function createFunctionUrlConfig(input: T.CreateFunctionUrlConfigRequest, ctx: Ctx): Promise<T.CreateFunctionUrlConfigResponse> {
  const t = ctx.state.tables;
  // Checked and written in one unit: of two creates for one qualifier, one gets the URL and the other a conflict.
  const { fn, row } = await t.atomically(async () => {
    const { fn, q } = await target(ctx, input.FunctionName, input.Qualifier);
    const c: UrlConfig = { AuthType: input.AuthType, Cors: input.Cors, InvokeMode: input.InvokeMode ?? 'BUFFERED' };
    check(c);
    if (await t.url(fn.id, q)) {
      throw conflict(`Failed to create function url config for [functionArn = ${functionArn(fn.account, fn.region, fn.name, q || undefined)}]. Error message:  FunctionUrlConfig exists for this Lambda function`);
    }
    const now = ctx.clock.now();
    const row: UrlRow = { function_id: fn.id, qualifier: q, url_id: urlId(), config: JSON.stringify(c), created_at: now, modified_at: now };
    await t.putUrl(row);
    return { fn, row };
  });
  const d = describe(ctx, fn, row);
  return { FunctionUrl: d.FunctionUrl, FunctionArn: d.FunctionArn, AuthType: d.AuthType, Cors: d.Cors, CreationTime: d.CreationTime, InvokeMode: d.InvokeMode };
}

function urlId(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  const bytes = randomBytes(32);
  let s = '';
  for (const b of bytes) s += alphabet[b % alphabet.length];
  return s;
}

async function find(ctx: Ctx, name: string, qualifier: string | undefined): Promise<{ fn: FunctionRow; row: UrlRow }> {
  const { fn, q } = await target(ctx, name, qualifier);
  const row = await ctx.state.tables.url(fn.id, q);
  if (!row) throw notFound('The resource you requested does not exist.');
  return { fn, row };
}

export async function getFunctionUrlConfig(input: T.GetFunctionUrlConfigRequest, ctx: Ctx): Promise<T.GetFunctionUrlConfigResponse> {
  const { fn, row } = await find(ctx, input.FunctionName, input.Qualifier);
  return describe(ctx, fn, row);
}

export async function updateFunctionUrlConfig(input: T.UpdateFunctionUrlConfigRequest, ctx: Ctx): Promise<T.UpdateFunctionUrlConfigResponse> {
  // Read, merge and write in one unit: concurrent updates of different members lose neither, and a
  // URL deleted meanwhile is not brought back.
  return await ctx.state.tables.atomically(async () => {
    const { fn, row } = await find(ctx, input.FunctionName, input.Qualifier);
    const old = JSON.parse(row.config) as UrlConfig;
    const c: UrlConfig = { AuthType: input.AuthType ?? old.AuthType, Cors: input.Cors ?? old.Cors, InvokeMode: input.InvokeMode ?? old.InvokeMode };
    check(c);
    const updated = { ...row, config: JSON.stringify(c), modified_at: ctx.clock.now() };
    await ctx.state.tables.putUrl(updated);
    return describe(ctx, fn, updated);
  });
}

export async function deleteFunctionUrlConfig(input: T.DeleteFunctionUrlConfigRequest, ctx: Ctx): Promise<void> {
  const { fn, row } = await find(ctx, input.FunctionName, input.Qualifier);
  await ctx.state.tables.deleteUrl(fn.id, row.qualifier);
}

export async function listFunctionUrlConfigs(input: T.ListFunctionUrlConfigsRequest, ctx: Ctx): Promise<T.ListFunctionUrlConfigsResponse> {
  const { fn } = await unqualified(ctx, input.FunctionName);
  const max = input.MaxItems ?? 50;
  if (max < 1 || max > 50) throw validation('maxItems', String(max), 'Member must have value between 1 and 50');
  const all = await ctx.state.tables.urls(fn.id);
  const start = await readIndexMarker(ctx, input.Marker);
  return {
    FunctionUrlConfigs: all.slice(start, start + max).map((r) => describe(ctx, fn, r)),
    NextMarker: start + max < all.length ? await makeMarker(ctx, start + max) : undefined,
  };
}
