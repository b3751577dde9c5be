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

function target(ctx: Ctx, name: string, qualifier: string | undefined): { fn: FunctionRow; q: string } {
  const ref = parseFunctionName(name, scope(ctx), qualifier);
  const fn = findFunction(ctx, ref);
  const q = ref.qualifier ?? '';
  if (q && q !== '$LATEST') {
    if (isVersionNumber(q)) throw validation('qualifier', q, 'Member must satisfy regular expression pattern: ((?!^\\d+$)^[0-9a-zA-Z-_]+$)');
    if (!ctx.state.tables.alias(fn.id, q)) throw notFound(`Function not found: ${functionArn(fn.account, fn.region, fn.name, q)}`);
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

export function createFunctionUrlConfig(input: T.CreateFunctionUrlConfigRequest, ctx: Ctx): T.CreateFunctionUrlConfigResponse {
  const { fn, q } = target(ctx, input.FunctionName, input.Qualifier);
  const c: UrlConfig = { AuthType: input.AuthType, Cors: input.Cors, InvokeMode: input.InvokeMode ?? 'BUFFERED' };
  check(c);
  const t = ctx.state.tables;
  if (t.url(fn.id, q)) {
    throw conflict(`Failed to create function url config for [functionArn = ${functionArn(fn.account, fn.region, fn.name, q || undefined)}]. Error message:  FunctionUrlConfig exists for this Lambda function`);
  }
  const now = ctx.clock.now();
  const row: UrlRow = { function_id: fn.id, qualifier: q, url_id: urlId(), config: JSON.stringify(c), created_at: now, modified_at: now };
  t.putUrl(row);
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

function find(ctx: Ctx, name: string, qualifier: string | undefined): { fn: FunctionRow; row: UrlRow } {
  const { fn, q } = target(ctx, name, qualifier);
  const row = ctx.state.tables.url(fn.id, q);
  if (!row) throw notFound('The resource you requested does not exist.');
  return { fn, row };
}

export function getFunctionUrlConfig(input: T.GetFunctionUrlConfigRequest, ctx: Ctx): T.GetFunctionUrlConfigResponse {
  const { fn, row } = find(ctx, input.FunctionName, input.Qualifier);
  return describe(ctx, fn, row);
}

export function updateFunctionUrlConfig(input: T.UpdateFunctionUrlConfigRequest, ctx: Ctx): T.UpdateFunctionUrlConfigResponse {
  const { fn, row } = find(ctx, input.FunctionName, input.Qualifier);
  const old = JSON.parse(row.config) as UrlConfig;
  const c: UrlConfig = { AuthType: input.AuthType ?? old.AuthType, Cors: input.Cors ?? old.Cors, InvokeMode: input.InvokeMode ?? old.InvokeMode };
  check(c);
  const updated = { ...row, config: JSON.stringify(c), modified_at: ctx.clock.now() };
  ctx.state.tables.putUrl(updated);
  return describe(ctx, fn, updated);
}

export function deleteFunctionUrlConfig(input: T.DeleteFunctionUrlConfigRequest, ctx: Ctx): void {
  const { fn, row } = find(ctx, input.FunctionName, input.Qualifier);
  ctx.state.tables.deleteUrl(fn.id, row.qualifier);
}

export function listFunctionUrlConfigs(input: T.ListFunctionUrlConfigsRequest, ctx: Ctx): T.ListFunctionUrlConfigsResponse {
  const { fn } = unqualified(ctx, input.FunctionName);
  const max = input.MaxItems ?? 50;
  if (max < 1 || max > 50) throw validation('maxItems', String(max), 'Member must have value between 1 and 50');
  const all = ctx.state.tables.urls(fn.id);
  const start = readIndexMarker(ctx, input.Marker);
  return {
    FunctionUrlConfigs: all.slice(start, start + max).map((r) => describe(ctx, fn, r)),
    NextMarker: start + max < all.length ? makeMarker(ctx, start + max) : undefined,
  };
}
