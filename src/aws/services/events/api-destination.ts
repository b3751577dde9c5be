// API destinations: a real HTTP call to the destination's endpoint, authorized by its connection
// (Basic, API key, or an OAuth client-credentials token fetched from the authorization endpoint).
import type { EventsStore, TargetData } from './store.ts';

interface Outcome {
  ok: boolean;
  retryable: boolean;
  code?: string;
  message?: string;
}

export interface ConnectionData {
  AuthorizationType: string;
  AuthParameters: {
    BasicAuthParameters?: { Username: string; Password?: string };
    ApiKeyAuthParameters?: { ApiKeyName: string; ApiKeyValue?: string };
    OAuthParameters?: {
      AuthorizationEndpoint: string;
      HttpMethod: string;
      ClientParameters?: { ClientID: string; ClientSecret?: string };
      OAuthHttpParameters?: HttpParams;
    };
    InvocationHttpParameters?: HttpParams;
  };
  ConnectionState: string;
}

interface HttpParams {
  HeaderParameters?: Array<{ Key: string; Value: string }>;
  QueryStringParameters?: Array<{ Key: string; Value: string }>;
  BodyParameters?: Array<{ Key: string; Value: string }>;
}

export interface ApiDestinationData {
  ConnectionArn: string;
  InvocationEndpoint: string;
  HttpMethod: string;
  ApiDestinationState: string;
}

const TIMEOUT_MS = 5000;

export async function invokeApiDestination(store: EventsStore, target: TargetData, input: string): Promise<Outcome> {
  const dest = await store.byArn<ApiDestinationData>(target.Arn);
  if (!dest) return { ok: false, retryable: false, code: 'ResourceNotFoundException', message: `API destination ${target.Arn} does not exist.` };
  const conn = await store.byArn<ConnectionData>(dest.data.ConnectionArn);
  if (!conn) return { ok: false, retryable: false, code: 'ResourceNotFoundException', message: `Connection ${dest.data.ConnectionArn} does not exist.` };
  const http = (target.HttpParameters ?? {}) as { PathParameterValues?: string[]; HeaderParameters?: Record<string, string>; QueryStringParameters?: Record<string, string> };
  let endpoint = dest.data.InvocationEndpoint;
  for (const v of http.PathParameterValues ?? []) endpoint = endpoint.replace('*', encodeURIComponent(v));
  const url = new URL(endpoint);
  const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8', 'user-agent': 'Amazon/EventBridge/ApiDestinations' };
  const params = conn.data.AuthParameters.InvocationHttpParameters;
  for (const h of params?.HeaderParameters ?? []) headers[h.Key.toLowerCase()] = h.Value;
  for (const q of params?.QueryStringParameters ?? []) url.searchParams.set(q.Key, q.Value);
  for (const [k, v] of Object.entries(http.HeaderParameters ?? {})) headers[k.toLowerCase()] = v;
  for (const [k, v] of Object.entries(http.QueryStringParameters ?? {})) url.searchParams.set(k, v);
  try {
    const auth = await authorization(conn.data);
    if (auth) headers[auth[0]] = auth[1];
  } catch (err) {
    return { ok: false, retryable: true, code: 'ConnectionAuthorizationFailed', message: String((err as Error)?.message ?? err) };
  }
  const method = dest.data.HttpMethod.toUpperCase();
  try {
    const res = await fetch(url, { method, headers, body: method === 'GET' || method === 'HEAD' ? undefined : input, signal: AbortSignal.timeout(TIMEOUT_MS), redirect: 'manual' });
    await res.arrayBuffer().catch(() => undefined);
    if (res.status >= 200 && res.status < 300) return { ok: true, retryable: false };
    return { ok: false, retryable: res.status === 429 || res.status >= 500 || res.status === 401 || res.status === 407 || res.status === 409, code: `HTTP${res.status}`, message: `The API destination answered HTTP ${res.status}` };
  } catch (err) {
    return { ok: false, retryable: true, code: 'SdkClientException', message: String((err as Error)?.cause ?? (err as Error)?.message ?? err) };
  }
}

async function authorization(c: ConnectionData): Promise<[string, string] | undefined> {
  const p = c.AuthParameters;
  if (c.AuthorizationType === 'BASIC' && p.BasicAuthParameters) {
    return ['authorization', `Basic ${Buffer.from(`${p.BasicAuthParameters.Username}:${p.BasicAuthParameters.Password ?? ''}`).toString('base64')}`];
  }
  if (c.AuthorizationType === 'API_KEY' && p.ApiKeyAuthParameters) return [p.ApiKeyAuthParameters.ApiKeyName.toLowerCase(), p.ApiKeyAuthParameters.ApiKeyValue ?? ''];
  if (c.AuthorizationType === 'OAUTH_CLIENT_CREDENTIALS' && p.OAuthParameters) {
    const o = p.OAuthParameters;
    const url = new URL(o.AuthorizationEndpoint);
    const headers: Record<string, string> = {};
    for (const h of o.OAuthHttpParameters?.HeaderParameters ?? []) headers[h.Key.toLowerCase()] = h.Value;
    for (const q of o.OAuthHttpParameters?.QueryStringParameters ?? []) url.searchParams.set(q.Key, q.Value);
    if (o.ClientParameters) headers.authorization = `Basic ${Buffer.from(`${o.ClientParameters.ClientID}:${o.ClientParameters.ClientSecret ?? ''}`).toString('base64')}`;
    const body = new URLSearchParams({ grant_type: 'client_credentials' });
    for (const b of o.OAuthHttpParameters?.BodyParameters ?? []) body.set(b.Key, b.Value);
    const method = o.HttpMethod.toUpperCase();
    if (method === 'GET') for (const [k, v] of body) url.searchParams.set(k, v);
    else headers['content-type'] = 'application/x-www-form-urlencoded';
    const res = await fetch(url, { method, headers, body: method === 'GET' ? undefined : body.toString(), signal: AbortSignal.timeout(TIMEOUT_MS) });
    const json = (await res.json().catch(() => ({}))) as { access_token?: string };
    if (!res.ok || !json.access_token) throw new Error(`the authorization endpoint answered HTTP ${res.status} without an access_token`);
    return ['authorization', `Bearer ${json.access_token}`];
  }
  return undefined;
}
