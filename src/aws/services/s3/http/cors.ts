// CORS as S3 enforces it: preflight OPTIONS answered from the bucket's rules (the first rule whose
// origin, method and requested headers all match), and the matching rule's headers added to
// actual responses for requests that carry an Origin.
import type { HttpRequest, HttpResponse } from '../../../../core/http.ts';
import { ServiceError } from '../../../../core/errors.ts';
import type { Ctx } from '../common.ts';
import { S3Errors } from '../errors.ts';

interface CorsRule {
  ID?: string;
  AllowedHeaders?: string[];
  AllowedMethods?: string[];
  AllowedOrigins?: string[];
  ExposeHeaders?: string[];
  MaxAgeSeconds?: number;
}

/** S3's wildcard: one '*' matching any run of characters, case-sensitive for origins. */
function wildcard(pattern: string, value: string, ignoreCase = false): boolean {
  const p = ignoreCase ? pattern.toLowerCase() : pattern;
  const v = ignoreCase ? value.toLowerCase() : value;
  const star = p.indexOf('*');
  if (star < 0) return p === v;
  const head = p.slice(0, star);
  const tail = p.slice(star + 1);
  return v.length >= head.length + tail.length && v.startsWith(head) && v.endsWith(tail);
}

function bucketOf(http: HttpRequest): string | undefined {
  const first = http.path.split('/')[1];
  if (!first) return undefined;
  try {
    return decodeURIComponent(first);
  } catch {
    return undefined;
  }
}

function header(http: HttpRequest, name: string): string | undefined {
  const v = http.headers[name];
  return Array.isArray(v) ? v.join(',') : v;
}

function findRule(rules: CorsRule[], origin: string, method: string, requested: string[]): CorsRule | undefined {
  return rules.find(
    (r) =>
      (r.AllowedOrigins ?? []).some((o) => wildcard(o, origin)) &&
      (r.AllowedMethods ?? []).includes(method) &&
      requested.every((h) => (r.AllowedHeaders ?? []).some((a) => wildcard(a, h, true))),
  );
}

function corsHeaders(rule: CorsRule, origin: string): Record<string, string> {
  const any = (rule.AllowedOrigins ?? []).includes('*');
  const h: Record<string, string> = {
    'Access-Control-Allow-Origin': any ? '*' : origin,
    'Access-Control-Allow-Methods': (rule.AllowedMethods ?? []).join(', '),
    Vary: 'Origin, Access-Control-Request-Headers, Access-Control-Request-Method',
  };
  if (!any) h['Access-Control-Allow-Credentials'] = 'true';
  if (rule.ExposeHeaders?.length) h['Access-Control-Expose-Headers'] = rule.ExposeHeaders.join(', ');
  if (rule.MaxAgeSeconds !== undefined) h['Access-Control-Max-Age'] = String(rule.MaxAgeSeconds);
  return h;
}

const notAllowed = (method: string, resourceType: string) =>
  new ServiceError(
    'AccessForbidden',
    "CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource's CORS spec.",
    { status: 403, fields: { Method: method, ResourceType: resourceType } },
  );

/** Answers an OPTIONS preflight request. */
export async function preflight(http: HttpRequest, ctx: Ctx): Promise<HttpResponse> {
  ctx.operation = 'OptionsObject';
  const origin = header(http, 'origin');
  if (!origin) throw new ServiceError('BadRequest', 'Insufficient information. Origin request header needed.', 400);
  const method = header(http, 'access-control-request-method');
  if (!method) throw new ServiceError('BadRequest', 'Invalid Access-Control-Request-Method: null', 400);
  const name = bucketOf(http);
  if (!name) throw new ServiceError('BadRequest', 'Insufficient information. Origin request header needed.', 400);
  const bucket = await ctx.state.bucket(name);
  if (!bucket) throw S3Errors.noSuchBucket(name);
  const resourceType = http.path.split('/').filter(Boolean).length > 1 ? 'OBJECT' : 'BUCKET';
  const config = await ctx.state.cachedConfig<{ CORSRules?: CorsRule[] }>(name, 'cors');
  if (!config) throw new ServiceError('AccessForbidden', 'CORSResponse: CORS is not enabled for this bucket.', { status: 403, fields: { Method: method, ResourceType: resourceType } });
  const requested = (header(http, 'access-control-request-headers') ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const rule = findRule(config.CORSRules ?? [], origin, method, requested);
  if (!rule) throw notAllowed(method, resourceType);
  const headers = corsHeaders(rule, origin);
  if (requested.length) headers['Access-Control-Allow-Headers'] = requested.map((h) => h.toLowerCase()).join(', ');
  return { status: 200, headers };
}

/** Adds CORS headers to a response when the request has an Origin a rule of its bucket allows. */
export async function addCorsHeaders(response: HttpResponse, http: HttpRequest, ctx: Ctx): Promise<void> {
  if (http.method === 'OPTIONS') return;
  const origin = header(http, 'origin');
  if (!origin) return;
  const name = bucketOf(http);
  if (!name) return;
  const config = await ctx.state.cachedConfig<{ CORSRules?: CorsRule[] }>(name, 'cors');
  if (!config) return;
  const rule = findRule(config.CORSRules ?? [], origin, http.method, []);
  if (rule) Object.assign(response.headers, corsHeaders(rule, origin));
}
