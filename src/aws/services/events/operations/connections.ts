// Connections (how to authorize: Basic, API key, OAuth client credentials) and API destinations
// (an HTTP endpoint and method). Secrets are kept but never shown again, as on AWS.
import { randomUUID } from 'node:crypto';
import type {
  CreateApiDestinationRequest, CreateApiDestinationResponse, CreateConnectionRequest, CreateConnectionResponse, DeauthorizeConnectionRequest,
  DeauthorizeConnectionResponse, DeleteApiDestinationRequest, DeleteApiDestinationResponse, DeleteConnectionRequest, DeleteConnectionResponse,
  DescribeApiDestinationRequest, DescribeApiDestinationResponse, DescribeConnectionRequest, DescribeConnectionResponse, ListApiDestinationsRequest,
  ListApiDestinationsResponse, ListConnectionsRequest, ListConnectionsResponse, UpdateApiDestinationRequest, UpdateApiDestinationResponse,
  UpdateConnectionRequest, UpdateConnectionResponse,
} from '../generated/types.ts';
import type { Ctx } from '../state.ts';
import type { ApiDestinationData, ConnectionData } from '../api-destination.ts';
import { alreadyExists, decodeToken, NAME_RE, notFound, page, validation } from './common.ts';
import { formatArn } from '../../../../core/resources/arn.ts';

type Conn = ConnectionData & { Description?: string; SecretArn: string; LastAuthorizedTime?: number };
type Dest = ApiDestinationData & { Description?: string; InvocationRateLimitPerSecond?: number };

async function requireConnection(ctx: Ctx, name: string) {
  const c = await ctx.state.store.get<Conn>('connection', ctx.account, ctx.region, name);
  if (!c) throw notFound(`Failed to describe the connection(s). Connection '${name}' does not exist.`);
  return c;
}

async function requireDestination(ctx: Ctx, name: string) {
  const d = await ctx.state.store.get<Dest>('api-destination', ctx.account, ctx.region, name);
  if (!d) throw notFound(`Failed to describe the api-destination(s). An api-destination '${name}' does not exist.`);
  return d;
}

function checkAuth(type: string, auth: ConnectionData['AuthParameters']): void {
  const need = type === 'BASIC' ? auth.BasicAuthParameters : type === 'API_KEY' ? auth.ApiKeyAuthParameters : type === 'OAUTH_CLIENT_CREDENTIALS' ? auth.OAuthParameters : undefined;
  if (!['BASIC', 'API_KEY', 'OAUTH_CLIENT_CREDENTIALS'].includes(type)) throw validation(`1 validation error detected: Value '${type}' at 'authorizationType' failed to satisfy constraint: Member must satisfy enum value set: [BASIC, OAUTH_CLIENT_CREDENTIALS, API_KEY]`);
  if (!need) throw validation(`The authorization parameters for ${type} must be specified.`);
}

/** Describe output: auth parameters without their secrets. */
function publicAuth(a: ConnectionData['AuthParameters']) {
  return {
    BasicAuthParameters: a.BasicAuthParameters ? { Username: a.BasicAuthParameters.Username } : undefined,
    ApiKeyAuthParameters: a.ApiKeyAuthParameters ? { ApiKeyName: a.ApiKeyAuthParameters.ApiKeyName } : undefined,
    OAuthParameters: a.OAuthParameters
      ? { AuthorizationEndpoint: a.OAuthParameters.AuthorizationEndpoint, HttpMethod: a.OAuthParameters.HttpMethod, ClientParameters: a.OAuthParameters.ClientParameters ? { ClientID: a.OAuthParameters.ClientParameters.ClientID } : undefined, OAuthHttpParameters: a.OAuthParameters.OAuthHttpParameters }
      : undefined,
    InvocationHttpParameters: a.InvocationHttpParameters,
  };
}

export async function createConnection(input: CreateConnectionRequest, ctx: Ctx): Promise<CreateConnectionResponse> {
  if (!NAME_RE.test(input.Name)) throw validation(`Connection name ${input.Name} is not valid.`);
  return ctx.state.store.atomically(() => createConnectionNow(input, ctx));
}

/** The name check and the write, in one unit: of concurrent creates, one wins. */
async function createConnectionNow(input: CreateConnectionRequest, ctx: Ctx): Promise<CreateConnectionResponse> {
  if (await ctx.state.store.get('connection', ctx.account, ctx.region, input.Name)) throw alreadyExists(`Connection ${input.Name} already exists.`);
  const auth = input.AuthParameters as unknown as ConnectionData['AuthParameters'];
  checkAuth(input.AuthorizationType, auth);
  const now = ctx.clock.now();
  const id = randomUUID();
  const arn = formatArn({ service: 'events', region: ctx.region, account: ctx.account, resource: `connection/${input.Name}/${id}` });
  const state = input.AuthorizationType === 'OAUTH_CLIENT_CREDENTIALS' ? 'AUTHORIZING' : 'AUTHORIZED';
  const data: Conn = {
    AuthorizationType: input.AuthorizationType, AuthParameters: auth, ConnectionState: state, Description: input.Description,
    SecretArn: formatArn({ service: 'secretsmanager', region: ctx.region, account: ctx.account, resource: `secret:events!connection/${input.Name}/${id}` }), LastAuthorizedTime: now,
  };
  await ctx.state.store.put({ kind: 'connection', account: ctx.account, region: ctx.region, name: input.Name, arn, data, tags: {}, created: now, modified: now });
  return { ConnectionArn: arn, ConnectionState: state, CreationTime: new Date(now), LastModifiedTime: new Date(now) };
}

export async function describeConnection(input: DescribeConnectionRequest, ctx: Ctx): Promise<DescribeConnectionResponse> {
  const c = await requireConnection(ctx, input.Name);
  return {
    ConnectionArn: c.arn, Name: c.name, Description: c.data.Description, ConnectionState: c.data.ConnectionState, AuthorizationType: c.data.AuthorizationType,
    SecretArn: c.data.SecretArn, AuthParameters: publicAuth(c.data.AuthParameters) as never, CreationTime: new Date(c.created), LastModifiedTime: new Date(c.modified),
    LastAuthorizedTime: c.data.LastAuthorizedTime === undefined ? undefined : new Date(c.data.LastAuthorizedTime),
  };
}

export async function updateConnection(input: UpdateConnectionRequest, ctx: Ctx): Promise<UpdateConnectionResponse> {
  return ctx.state.store.atomically(() => updateConnectionNow(input, ctx));
}

/** Auth parameters are merged into the stored ones: read and written in one unit. */
async function updateConnectionNow(input: UpdateConnectionRequest, ctx: Ctx): Promise<UpdateConnectionResponse> {
  const c = await requireConnection(ctx, input.Name);
  const data = { ...c.data };
  if (input.Description !== undefined) data.Description = input.Description;
  if (input.AuthorizationType !== undefined) data.AuthorizationType = input.AuthorizationType;
  if (input.AuthParameters) {
    const next = input.AuthParameters as unknown as ConnectionData['AuthParameters'];
    data.AuthParameters = { ...data.AuthParameters, ...next };
  }
  checkAuth(data.AuthorizationType, data.AuthParameters);
  const now = ctx.clock.now();
  data.ConnectionState = 'AUTHORIZED';
  data.LastAuthorizedTime = now;
  await ctx.state.store.put({ ...c, data, modified: now });
  return { ConnectionArn: c.arn, ConnectionState: data.ConnectionState, CreationTime: new Date(c.created), LastModifiedTime: new Date(now), LastAuthorizedTime: new Date(now) };
}

export async function deauthorizeConnection(input: DeauthorizeConnectionRequest, ctx: Ctx): Promise<DeauthorizeConnectionResponse> {
  return ctx.state.store.atomically(async () => {
    const c = await requireConnection(ctx, input.Name);
    const now = ctx.clock.now();
    await ctx.state.store.put({ ...c, data: { ...c.data, ConnectionState: 'DEAUTHORIZED' }, modified: now });
    return { ConnectionArn: c.arn, ConnectionState: 'DEAUTHORIZING', CreationTime: new Date(c.created), LastModifiedTime: new Date(now) };
  });
}

export async function deleteConnection(input: DeleteConnectionRequest, ctx: Ctx): Promise<DeleteConnectionResponse> {
  const c = await ctx.state.store.atomically(async () => {
    const c = await requireConnection(ctx, input.Name);
    await ctx.state.store.delete('connection', ctx.account, ctx.region, input.Name);
    return c;
  });
  return { ConnectionArn: c.arn, ConnectionState: 'DELETING', CreationTime: new Date(c.created), LastModifiedTime: new Date(ctx.clock.now()) };
}

export async function listConnections(input: ListConnectionsRequest, ctx: Ctx): Promise<ListConnectionsResponse> {
  let items = await ctx.state.store.list<Conn>('connection', ctx.account, ctx.region, input.NamePrefix ?? '', await decodeToken(ctx, input.NextToken));
  if (input.ConnectionState) items = items.filter((c) => c.data.ConnectionState === input.ConnectionState);
  const p = await page(ctx, items, input.Limit, (c) => c.name);
  return {
    Connections: p.items.map((c) => ({ ConnectionArn: c.arn, Name: c.name, ConnectionState: c.data.ConnectionState, AuthorizationType: c.data.AuthorizationType, CreationTime: new Date(c.created), LastModifiedTime: new Date(c.modified) })),
    NextToken: p.next,
  };
}

const METHODS = new Set(['POST', 'GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'DELETE']);

function checkDestination(endpoint: string | undefined, method: string | undefined): void {
  if (endpoint !== undefined) {
    let url: URL;
    try {
      url = new URL(endpoint);
    } catch {
      throw validation(`Parameter InvocationEndpoint is not valid.`);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw validation('Parameter InvocationEndpoint is not valid.');
  }
  if (method !== undefined && !METHODS.has(method)) throw validation(`1 validation error detected: Value '${method}' at 'httpMethod' failed to satisfy constraint: Member must satisfy enum value set: [POST, GET, HEAD, OPTIONS, PUT, PATCH, DELETE]`);
}

export async function createApiDestination(input: CreateApiDestinationRequest, ctx: Ctx): Promise<CreateApiDestinationResponse> {
  if (!NAME_RE.test(input.Name)) throw validation(`API destination name ${input.Name} is not valid.`);
  return ctx.state.store.atomically(() => createApiDestinationNow(input, ctx));
}

/** The checks (name free, connection there) and the write, in one unit: of concurrent creates, one wins. */
async function createApiDestinationNow(input: CreateApiDestinationRequest, ctx: Ctx): Promise<CreateApiDestinationResponse> {
  if (await ctx.state.store.get('api-destination', ctx.account, ctx.region, input.Name)) throw alreadyExists(`An api-destination '${input.Name}' already exists.`);
  if (!(await ctx.state.store.byArn(input.ConnectionArn))) throw notFound(`Connection '${input.ConnectionArn}' does not exist.`);
  checkDestination(input.InvocationEndpoint, input.HttpMethod);
  const now = ctx.clock.now();
  const arn = formatArn({ service: 'events', region: ctx.region, account: ctx.account, resource: `api-destination/${input.Name}/${randomUUID()}` });
  const data: Dest = { ConnectionArn: input.ConnectionArn, InvocationEndpoint: input.InvocationEndpoint, HttpMethod: input.HttpMethod, ApiDestinationState: 'ACTIVE', Description: input.Description, InvocationRateLimitPerSecond: input.InvocationRateLimitPerSecond ?? 300 };
  await ctx.state.store.put({ kind: 'api-destination', account: ctx.account, region: ctx.region, name: input.Name, arn, data, tags: {}, created: now, modified: now });
  return { ApiDestinationArn: arn, ApiDestinationState: 'ACTIVE', CreationTime: new Date(now), LastModifiedTime: new Date(now) };
}

export async function describeApiDestination(input: DescribeApiDestinationRequest, ctx: Ctx): Promise<DescribeApiDestinationResponse> {
  const d = await requireDestination(ctx, input.Name);
  return {
    ApiDestinationArn: d.arn, Name: d.name, Description: d.data.Description, ApiDestinationState: d.data.ApiDestinationState, ConnectionArn: d.data.ConnectionArn,
    InvocationEndpoint: d.data.InvocationEndpoint, HttpMethod: d.data.HttpMethod, InvocationRateLimitPerSecond: d.data.InvocationRateLimitPerSecond,
    CreationTime: new Date(d.created), LastModifiedTime: new Date(d.modified),
  };
}

export async function updateApiDestination(input: UpdateApiDestinationRequest, ctx: Ctx): Promise<UpdateApiDestinationResponse> {
  return ctx.state.store.atomically(() => updateApiDestinationNow(input, ctx));
}

/** Read, merge and write in one unit (and the connection checked in it). */
async function updateApiDestinationNow(input: UpdateApiDestinationRequest, ctx: Ctx): Promise<UpdateApiDestinationResponse> {
  const d = await requireDestination(ctx, input.Name);
  checkDestination(input.InvocationEndpoint, input.HttpMethod);
  if (input.ConnectionArn !== undefined && !(await ctx.state.store.byArn(input.ConnectionArn))) throw notFound(`Connection '${input.ConnectionArn}' does not exist.`);
  const data = { ...d.data };
  for (const k of ['Description', 'ConnectionArn', 'InvocationEndpoint', 'HttpMethod', 'InvocationRateLimitPerSecond'] as const) {
    if (input[k] !== undefined) (data as Record<string, unknown>)[k] = input[k];
  }
  const now = ctx.clock.now();
  await ctx.state.store.put({ ...d, data, modified: now });
  return { ApiDestinationArn: d.arn, ApiDestinationState: data.ApiDestinationState, CreationTime: new Date(d.created), LastModifiedTime: new Date(now) };
}

export async function deleteApiDestination(input: DeleteApiDestinationRequest, ctx: Ctx): Promise<DeleteApiDestinationResponse> {
  await ctx.state.store.atomically(async () => {
    await requireDestination(ctx, input.Name);
    await ctx.state.store.delete('api-destination', ctx.account, ctx.region, input.Name);
  });
  return {};
}

export async function listApiDestinations(input: ListApiDestinationsRequest, ctx: Ctx): Promise<ListApiDestinationsResponse> {
  let items = await ctx.state.store.list<Dest>('api-destination', ctx.account, ctx.region, input.NamePrefix ?? '', await decodeToken(ctx, input.NextToken));
  if (input.ConnectionArn) items = items.filter((d) => d.data.ConnectionArn === input.ConnectionArn);
  const p = await page(ctx, items, input.Limit, (d) => d.name);
  return {
    ApiDestinations: p.items.map((d) => ({
      ApiDestinationArn: d.arn, Name: d.name, ApiDestinationState: d.data.ApiDestinationState, ConnectionArn: d.data.ConnectionArn, InvocationEndpoint: d.data.InvocationEndpoint,
      HttpMethod: d.data.HttpMethod, InvocationRateLimitPerSecond: d.data.InvocationRateLimitPerSecond, CreationTime: new Date(d.created), LastModifiedTime: new Date(d.modified),
    })),
    NextToken: p.next,
  };
}
