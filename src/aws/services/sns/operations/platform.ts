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
import type { PlatformApplicationRow as AppRow, PlatformEndpointRow as EndpointRow } from '../store.ts';
import { checkArn, decodeToken, encodeToken, invalidParameter, notFound } from './common.ts';
import { formatArn } from '../../../../core/resources/arn.ts';

const PLATFORMS = new Set(['ADM', 'APNS', 'APNS_SANDBOX', 'APNS_VOIP', 'APNS_VOIP_SANDBOX', 'BAIDU', 'GCM', 'MACOS', 'MACOS_SANDBOX', 'MPNS', 'WNS']);
const APP_ATTRIBUTES = new Set([
  'PlatformCredential', 'PlatformPrincipal', 'EventEndpointCreated', 'EventEndpointDeleted', 'EventEndpointUpdated',
  'EventDeliveryFailure', 'SuccessFeedbackRoleArn', 'FailureFeedbackRoleArn', 'SuccessFeedbackSampleRate',
  'ApplePlatformTeamID', 'ApplePlatformBundleID', 'AuthenticationMethod', 'Enabled',
]);
const ENDPOINT_ATTRIBUTES = new Set(['CustomUserData', 'Enabled', 'Token']);


async function app(ctx: Ctx, arn: string): Promise<AppRow> {
  checkArn(arn, 'PlatformApplicationArn');
  const row = await ctx.state.store.platformApplication(arn);
  if (!row) throw notFound('PlatformApplication does not exist');
  return row;
}

async function endpoint(ctx: Ctx, arn: string): Promise<EndpointRow> {
  checkArn(arn, 'EndpointArn');
  const row = await ctx.state.store.platformEndpoint(arn);
  if (!row) throw notFound('Endpoint does not exist');
  return row;
}

function checkAttributes(attrs: Record<string, string>, allowed: Set<string>): void {
  for (const k of Object.keys(attrs)) if (!allowed.has(k)) throw invalidParameter(`Attributes Reason: Invalid attribute name: ${k}`);
  if (attrs.Enabled !== undefined && attrs.Enabled !== 'true' && attrs.Enabled !== 'false') throw invalidParameter('Attributes Reason: Enabled must be true or false');
}

export async function createPlatformApplication(input: CreatePlatformApplicationInput, ctx: Ctx): Promise<CreatePlatformApplicationResponse> {
  if (!/^[A-Za-z0-9_.-]{1,256}$/.test(input.Name)) throw invalidParameter('Invalid parameter: Name');
  if (!PLATFORMS.has(input.Platform)) throw invalidParameter('Platform');
  const attrs = { ...input.Attributes };
  checkAttributes(attrs, APP_ATTRIBUTES);
  if (!attrs.PlatformCredential && input.Platform !== 'MPNS') throw invalidParameter('Attributes Reason: PlatformCredential attribute is required');
  attrs.Enabled ??= 'true';
  const arn = formatArn({ service: 'sns', region: ctx.region, account: ctx.account, resource: `app/${input.Platform}/${input.Name}` });
  // One upsert statement: a second create of the name replaces the attributes, as on AWS.
  await ctx.state.store.putPlatformApplication({
    arn, account: ctx.account, region: ctx.region, name: input.Name, platform: input.Platform, attributes: JSON.stringify(attrs), created: ctx.clock.now(),
  });
  return { PlatformApplicationArn: arn };
}

export async function getPlatformApplicationAttributes(input: GetPlatformApplicationAttributesInput, ctx: Ctx): Promise<GetPlatformApplicationAttributesResponse> {
  const attrs = JSON.parse((await app(ctx, input.PlatformApplicationArn)).attributes) as Record<string, string>;
  // Credentials are write-only, as on AWS.
  delete attrs.PlatformCredential;
  return { Attributes: attrs };
}

/** Attributes are read, merged and written in one unit (here and for endpoints below). */
export async function setPlatformApplicationAttributes(input: SetPlatformApplicationAttributesInput, ctx: Ctx): Promise<void> {
  await ctx.state.store.atomically(async () => {
    const row = await app(ctx, input.PlatformApplicationArn);
    checkAttributes(input.Attributes, APP_ATTRIBUTES);
    const attrs = { ...(JSON.parse(row.attributes) as Record<string, string>), ...input.Attributes };
    await ctx.state.store.setPlatformApplicationAttributes(row.arn, JSON.stringify(attrs));
  });
}

export async function deletePlatformApplication(input: DeletePlatformApplicationInput, ctx: Ctx): Promise<void> {
  checkArn(input.PlatformApplicationArn, 'PlatformApplicationArn');
  await ctx.state.store.deletePlatformApplication(input.PlatformApplicationArn);
}

export async function listPlatformApplications(input: ListPlatformApplicationsInput, ctx: Ctx): Promise<ListPlatformApplicationsResponse> {
  const after = await decodeToken(ctx, input.NextToken, '');
  const rows = await ctx.state.store.platformApplications(ctx, after);
  const page = rows.slice(0, 100);
  return {
    PlatformApplications: page.map((r) => {
      const attrs = JSON.parse(r.attributes) as Record<string, string>;
      delete attrs.PlatformCredential;
      return { PlatformApplicationArn: r.arn, Attributes: attrs };
    }),
    NextToken: rows.length > 100 ? await encodeToken(ctx, page.at(-1)!.arn) : undefined,
  };
}

export async function createPlatformEndpoint(input: CreatePlatformEndpointInput, ctx: Ctx): Promise<CreateEndpointResponse> {
  const application = await app(ctx, input.PlatformApplicationArn);
  if (!input.Token) throw invalidParameter('Token');
  const attrs: Record<string, string> = { ...input.Attributes };
  checkAttributes(attrs, ENDPOINT_ATTRIBUTES);
  if (input.CustomUserData !== undefined) attrs.CustomUserData = input.CustomUserData;
  attrs.Enabled ??= 'true';
  attrs.Token = input.Token;
  const { store } = ctx.state;
  // "Is this token registered?" and the insert are one unit: concurrent creates of one device token
  // make one endpoint, and all of them answer with it.
  return store.atomically(async () => {
    const existing = await store.platformEndpointByToken(application.arn, input.Token);
    if (existing) {
      const had = JSON.parse(existing.attributes) as Record<string, string>;
      if (Object.entries(attrs).some(([k, v]) => had[k] !== v)) {
        throw invalidParameter(`Token Reason: Endpoint ${existing.arn} already exists with the same Token, but different attributes.`);
      }
      return { EndpointArn: existing.arn };
    }
    const arn = formatArn({ service: 'sns', region: application.region, account: application.account, resource: `endpoint/${application.platform}/${application.name}/${randomUUID()}` });
    await store.insertPlatformEndpoint({ arn, application_arn: application.arn, token: input.Token, attributes: JSON.stringify(attrs), created: ctx.clock.now() });
    return { EndpointArn: arn };
  });
}

export async function getEndpointAttributes(input: GetEndpointAttributesInput, ctx: Ctx): Promise<GetEndpointAttributesResponse> {
  return { Attributes: JSON.parse((await endpoint(ctx, input.EndpointArn)).attributes) as Record<string, string> };
}

export async function setEndpointAttributes(input: SetEndpointAttributesInput, ctx: Ctx): Promise<void> {
  await ctx.state.store.atomically(async () => {
    const row = await endpoint(ctx, input.EndpointArn);
    checkAttributes(input.Attributes, ENDPOINT_ATTRIBUTES);
    const attrs = { ...(JSON.parse(row.attributes) as Record<string, string>), ...input.Attributes };
    await ctx.state.store.setPlatformEndpointAttributes(row.arn, JSON.stringify(attrs), attrs.Token ?? row.token);
  });
}

export async function deleteEndpoint(input: DeleteEndpointInput, ctx: Ctx): Promise<void> {
  checkArn(input.EndpointArn, 'EndpointArn');
  await ctx.state.store.deletePlatformEndpoint(input.EndpointArn);
}

export async function listEndpointsByPlatformApplication(input: ListEndpointsByPlatformApplicationInput, ctx: Ctx): Promise<ListEndpointsByPlatformApplicationResponse> {
  const application = await app(ctx, input.PlatformApplicationArn);
  const after = await decodeToken(ctx, input.NextToken, 0);
  const rows = await ctx.state.store.platformEndpointsOf(application.arn, after);
  const page = rows.slice(0, 100);
  return {
    Endpoints: page.map((r) => ({ EndpointArn: r.arn, Attributes: JSON.parse(r.attributes) as Record<string, string> })),
    NextToken: rows.length > 100 ? await encodeToken(ctx, page.at(-1)!.rowid) : undefined,
  };
}
