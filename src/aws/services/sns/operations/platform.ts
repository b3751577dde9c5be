// Mobile push: platform applications and their endpoints are stored; messages published to an
// endpoint (or through an `application` subscription) are kept in the outbox, nothing is pushed.
import { randomUUID } from 'node:crypto';
import type {
  CreateEndpointResponse, CreatePlatformApplicationInput, CreatePlatformApplicationResponse, CreatePlatformEndpointInput,
  DeleteEndpointInput, DeletePlatformApplicationInput, GetEndpointAttributesInput, GetEndpointAttributesResponse,
  GetPlatformApplicationAttributesInput, GetPlatformApplicationAttributesResponse, ListEndpointsByPlatformApplicationInput,
  ListEndpointsByPlatformApplicationResponse, ListPlatformApplicationsInput, ListPlatformApplicationsResponse,
  SetEndpointAttributesInput, SetPlatformApplicationAttributesInput,
} from '../generated/types.ts';
import type { Ctx } from '../state.ts';
import { checkArn, decodeToken, encodeToken, invalidParameter, notFound } from './common.ts';
import { formatArn } from '../../../../core/resources/arn.ts';
import { scopeParams, scopeSql } from '../../../../core/resources/scope.ts';

// Rows are scoped to an account and a region: the fragment every scoped query uses.
const IN_SCOPE = scopeSql('regional');

const PLATFORMS = new Set(['ADM', 'APNS', 'APNS_SANDBOX', 'APNS_VOIP', 'APNS_VOIP_SANDBOX', 'BAIDU', 'GCM', 'MACOS', 'MACOS_SANDBOX', 'MPNS', 'WNS']);
const APP_ATTRIBUTES = new Set([
  'PlatformCredential', 'PlatformPrincipal', 'EventEndpointCreated', 'EventEndpointDeleted', 'EventEndpointUpdated',
  'EventDeliveryFailure', 'SuccessFeedbackRoleArn', 'FailureFeedbackRoleArn', 'SuccessFeedbackSampleRate',
  'ApplePlatformTeamID', 'ApplePlatformBundleID', 'AuthenticationMethod', 'Enabled',
]);
const ENDPOINT_ATTRIBUTES = new Set(['CustomUserData', 'Enabled', 'Token']);

interface AppRow { arn: string; account: string; region: string; name: string; platform: string; attributes: string; created: number }
interface EndpointRow { arn: string; application_arn: string; token: string; attributes: string; created: number }

function app(ctx: Ctx, arn: string): AppRow {
  checkArn(arn, 'PlatformApplicationArn');
  const row = ctx.state.store.db.get<AppRow>('SELECT * FROM sns_platform_applications WHERE arn = ?', arn);
  if (!row) throw notFound('PlatformApplication does not exist');
  return row;
}

function endpoint(ctx: Ctx, arn: string): EndpointRow {
  checkArn(arn, 'EndpointArn');
  const row = ctx.state.store.db.get<EndpointRow>('SELECT * FROM sns_platform_endpoints WHERE arn = ?', arn);
  if (!row) throw notFound('Endpoint does not exist');
  return row;
}

function checkAttributes(attrs: Record<string, string>, allowed: Set<string>): void {
  for (const k of Object.keys(attrs)) if (!allowed.has(k)) throw invalidParameter(`Attributes Reason: Invalid attribute name: ${k}`);
  if (attrs.Enabled !== undefined && attrs.Enabled !== 'true' && attrs.Enabled !== 'false') throw invalidParameter('Attributes Reason: Enabled must be true or false');
}

export function createPlatformApplication(input: CreatePlatformApplicationInput, ctx: Ctx): CreatePlatformApplicationResponse {
  if (!/^[A-Za-z0-9_.-]{1,256}$/.test(input.Name)) throw invalidParameter('Invalid parameter: Name');
  if (!PLATFORMS.has(input.Platform)) throw invalidParameter('Platform');
  const attrs = { ...input.Attributes };
  checkAttributes(attrs, APP_ATTRIBUTES);
  if (!attrs.PlatformCredential && input.Platform !== 'MPNS') throw invalidParameter('Attributes Reason: PlatformCredential attribute is required');
  attrs.Enabled ??= 'true';
  const arn = formatArn({ service: 'sns', region: ctx.region, account: ctx.account, resource: `app/${input.Platform}/${input.Name}` });
  ctx.state.store.db.run(
    'INSERT INTO sns_platform_applications (arn, account, region, name, platform, attributes, created) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(arn) DO UPDATE SET attributes = excluded.attributes',
    arn, ctx.account, ctx.region, input.Name, input.Platform, JSON.stringify(attrs), ctx.clock.now(),
  );
  return { PlatformApplicationArn: arn };
}

export function getPlatformApplicationAttributes(input: GetPlatformApplicationAttributesInput, ctx: Ctx): GetPlatformApplicationAttributesResponse {
  const attrs = JSON.parse(app(ctx, input.PlatformApplicationArn).attributes) as Record<string, string>;
  // Credentials are write-only, as on AWS.
  delete attrs.PlatformCredential;
  return { Attributes: attrs };
}

export function setPlatformApplicationAttributes(input: SetPlatformApplicationAttributesInput, ctx: Ctx): void {
  const row = app(ctx, input.PlatformApplicationArn);
  checkAttributes(input.Attributes, APP_ATTRIBUTES);
  const attrs = { ...(JSON.parse(row.attributes) as Record<string, string>), ...input.Attributes };
  ctx.state.store.db.run('UPDATE sns_platform_applications SET attributes = ? WHERE arn = ?', JSON.stringify(attrs), row.arn);
}

export function deletePlatformApplication(input: DeletePlatformApplicationInput, ctx: Ctx): void {
  checkArn(input.PlatformApplicationArn, 'PlatformApplicationArn');
  ctx.state.store.db.transaction(() => {
    ctx.state.store.db.run('DELETE FROM sns_platform_endpoints WHERE application_arn = ?', input.PlatformApplicationArn);
    ctx.state.store.db.run('DELETE FROM sns_platform_applications WHERE arn = ?', input.PlatformApplicationArn);
  });
}

export function listPlatformApplications(input: ListPlatformApplicationsInput, ctx: Ctx): ListPlatformApplicationsResponse {
  const after = decodeToken(ctx, input.NextToken, '');
  const rows = ctx.state.store.db.all<AppRow>(`SELECT * FROM sns_platform_applications WHERE ${IN_SCOPE} AND arn > ? ORDER BY arn LIMIT 101`, ...scopeParams(ctx), after);
  const page = rows.slice(0, 100);
  return {
    PlatformApplications: page.map((r) => {
      const attrs = JSON.parse(r.attributes) as Record<string, string>;
      delete attrs.PlatformCredential;
      return { PlatformApplicationArn: r.arn, Attributes: attrs };
    }),
    NextToken: rows.length > 100 ? encodeToken(ctx, page.at(-1)!.arn) : undefined,
  };
}

export function createPlatformEndpoint(input: CreatePlatformEndpointInput, ctx: Ctx): CreateEndpointResponse {
  const application = app(ctx, input.PlatformApplicationArn);
  if (!input.Token) throw invalidParameter('Token');
  const attrs: Record<string, string> = { ...input.Attributes };
  checkAttributes(attrs, ENDPOINT_ATTRIBUTES);
  if (input.CustomUserData !== undefined) attrs.CustomUserData = input.CustomUserData;
  attrs.Enabled ??= 'true';
  attrs.Token = input.Token;
  const db = ctx.state.store.db;
  const existing = db.get<EndpointRow>('SELECT * FROM sns_platform_endpoints WHERE application_arn = ? AND token = ?', application.arn, input.Token);
  if (existing) {
    const had = JSON.parse(existing.attributes) as Record<string, string>;
    if (Object.entries(attrs).some(([k, v]) => had[k] !== v)) {
      throw invalidParameter(`Token Reason: Endpoint ${existing.arn} already exists with the same Token, but different attributes.`);
    }
    return { EndpointArn: existing.arn };
  }
  const arn = formatArn({ service: 'sns', region: application.region, account: application.account, resource: `endpoint/${application.platform}/${application.name}/${randomUUID()}` });
  db.run('INSERT INTO sns_platform_endpoints (arn, application_arn, token, attributes, created) VALUES (?, ?, ?, ?, ?)', arn, application.arn, input.Token, JSON.stringify(attrs), ctx.clock.now());
  return { EndpointArn: arn };
}

export function getEndpointAttributes(input: GetEndpointAttributesInput, ctx: Ctx): GetEndpointAttributesResponse {
  return { Attributes: JSON.parse(endpoint(ctx, input.EndpointArn).attributes) as Record<string, string> };
}

export function setEndpointAttributes(input: SetEndpointAttributesInput, ctx: Ctx): void {
  const row = endpoint(ctx, input.EndpointArn);
  checkAttributes(input.Attributes, ENDPOINT_ATTRIBUTES);
  const attrs = { ...(JSON.parse(row.attributes) as Record<string, string>), ...input.Attributes };
  ctx.state.store.db.run('UPDATE sns_platform_endpoints SET attributes = ?, token = ? WHERE arn = ?', JSON.stringify(attrs), attrs.Token ?? row.token, row.arn);
}

export function deleteEndpoint(input: DeleteEndpointInput, ctx: Ctx): void {
  checkArn(input.EndpointArn, 'EndpointArn');
  ctx.state.store.db.run('DELETE FROM sns_platform_endpoints WHERE arn = ?', input.EndpointArn);
}

export function listEndpointsByPlatformApplication(input: ListEndpointsByPlatformApplicationInput, ctx: Ctx): ListEndpointsByPlatformApplicationResponse {
  const application = app(ctx, input.PlatformApplicationArn);
  const after = decodeToken(ctx, input.NextToken, 0);
  const rows = ctx.state.store.db.all<EndpointRow & { rowid: number }>(
    'SELECT rowid, * FROM sns_platform_endpoints WHERE application_arn = ? AND rowid > ? ORDER BY rowid LIMIT 101', application.arn, after,
  );
  const page = rows.slice(0, 100);
  return {
    Endpoints: page.map((r) => ({ EndpointArn: r.arn, Attributes: JSON.parse(r.attributes) as Record<string, string> })),
    NextToken: rows.length > 100 ? encodeToken(ctx, page.at(-1)!.rowid) : undefined,
  };
}
