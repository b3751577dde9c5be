// The browser-origin policy for the cloud APIs. Real AWS is safe from web pages because every call
// needs a signature made with a secret; a local cloud that does not verify signatures must instead
// refuse what a browser sends on behalf of another site. Browsers say where a request comes from
// (Origin on every CORS request and every non-GET form post, Sec-Fetch-Site on everything); tools,
// SDKs and scripts send neither, so they are untouched. GET is no exception: the query protocols
// accept `GET /?Action=CreateQueue…`, which an <img> tag can send.
//
// Allowed origins: the request's own origin (the admin UI and pages Fogbank serves), then either
// --cors-allowed-origins or, by default, pages on localhost, *.localhost and loopback addresses of
// any port (a developer's own front end). Where real AWS serves browsers itself, the service applies
// its own rules instead (see servesBrowsers).
import type { HttpRequest, HttpResponse } from '../core/http.ts';
import { ServiceError } from '../core/errors.ts';
import { hostnameOf } from './host-check.ts';

type Headers = Record<string, string | string[] | undefined>;

/** What the front decided about a request's browser origin. */
export interface BrowserVerdict {
  /** The Origin header, when a browser sent one that is not the request's own. */
  origin?: string;
  /** False when the request comes from a site that may not use the cloud APIs. */
  allowed: boolean;
  /** A CORS preflight (OPTIONS with Access-Control-Request-Method). */
  preflight: boolean;
}

/** One --cors-allowed-origins entry: `*`, or an origin (scheme://host[:port]) whose host may start with `*.`. */
const ORIGIN_PATTERN = /^(\*|https?:\/\/(\*\.)?[a-z0-9_.-]+(:(\d{1,5}|\*))?|https?:\/\/\[[0-9a-f:.]+\](:(\d{1,5}|\*))?)$/;

/** Parses a comma-separated --cors-allowed-origins value; returns the bad entry as an error message. */
export function parseAllowedOrigins(text: string): string[] | { error: string } {
  const out: string[] = [];
  for (const raw of text.split(',')) {
    const entry = raw.trim().toLowerCase().replace(/\/$/, '');
    if (!entry) continue;
    if (!ORIGIN_PATTERN.test(entry)) return { error: `'${raw.trim()}' is not an origin such as https://app.example.com, http://localhost:3000, https://*.example.com or *` };
    out.push(entry);
  }
  return out;
}

export class BrowserOriginPolicy {
  /** undefined: the default (localhost and loopback origins of any port). */
  readonly #allowed?: readonly string[];

  constructor(allowedOrigins?: readonly string[]) {
    this.#allowed = allowedOrigins;
  }

  /** Classifies a cloud API request; undefined when no browser sent it from another origin. */
  verdict(headers: Headers, host: string | undefined, method: string): BrowserVerdict | undefined {
    const origin = one(headers.origin);
    const preflight = method === 'OPTIONS' && origin !== undefined && one(headers['access-control-request-method']) !== undefined;
    if (origin === undefined) {
      // No Origin: same-origin GETs, tools, and cross-site <img>/<script>/navigation GETs, which
      // only Sec-Fetch-Site tells apart.
      return one(headers['sec-fetch-site']) === 'cross-site' ? { allowed: false, preflight: false } : undefined;
    }
    if (isSameOrigin(origin, host)) return undefined;
    return { origin, allowed: this.allows(origin), preflight };
  }

  /** Whether a page from `origin` may call the cloud APIs. */
  allows(origin: string): boolean {
    const o = origin.toLowerCase();
    if (this.#allowed === undefined) return isLocalOrigin(o);
    return this.#allowed.some((p) => matchOrigin(p, o));
  }
}

/** The 204 answer to an allowed preflight. */
export function preflightResponse(http: HttpRequest, origin: string): HttpResponse {
  const requested = one(http.headers['access-control-request-headers']);
  const headers: Record<string, string> = {
    'access-control-allow-origin': origin,
    'access-control-allow-methods': 'GET, HEAD, POST, PUT, PATCH, DELETE',
    'access-control-max-age': '600',
    vary: 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers',
  };
  if (requested) headers['access-control-allow-headers'] = requested;
  return { status: 204, headers };
}

/** Headers that let an allowed page read an actual response (the SDKs read these). */
export function corsResponseHeaders(origin: string): Record<string, string> {
  return { 'access-control-allow-origin': origin, 'access-control-expose-headers': EXPOSED, vary: 'Origin' };
}

const EXPOSED = [
  'x-amzn-RequestId', 'x-amzn-ErrorType', 'x-amzn-query-error', 'x-amz-request-id', 'x-amz-id-2', 'x-amz-function-error',
  'x-amz-log-result', 'x-amz-executed-version', 'x-amz-crc32', 'date', 'etag',
].join(', ');

/** The refusal, rendered in the client's protocol by the gateway's codec (AccessDenied in XML protocols). */
export function refusedOrigin(origin: string | undefined, protocol: string): ServiceError {
  const from = origin ? `from ${origin}` : 'from another site';
  const xml = protocol === 'query' || protocol === 'ec2' || protocol === 'rest-xml';
  return new ServiceError(
    xml ? 'AccessDenied' : 'AccessDeniedException',
    `Fogbank refused a browser request ${from}: web pages may call the cloud APIs only from allowed origins (start Fogbank with --cors-allowed-origins, or FOGBANK_CORS_ALLOWED_ORIGINS, to allow one)`,
    { status: 403, queryCode: 'AccessDenied' },
  );
}

/**
 * Requests a real cloud serves to browsers itself, with the service's own rules: S3 (its per-bucket
 * CORS configuration, presigned URLs, browser POST uploads and website endpoints) and Lambda function
 * URLs (their CORS configuration). Cognito's unauthenticated operations and API Gateway's public
 * endpoints join this list when those services exist.
 */
export function servesBrowsers(name: string, http: HttpRequest, preflight: boolean): boolean {
  // A preflight carries no signature or target, so identification falls back to S3 for any path;
  // one for `/` (no bucket) is for a JSON or query API, which this policy answers.
  if (name === 's3') return !(preflight && http.path === '/');
  if (name === 'lambda' && http.hostname !== undefined && /\.lambda-url\./.test(http.hostname)) return true;
  return BROWSER_SERVICES.has(name);
}

/** Services whose every endpoint is public to browsers (future: 'cognito-identity', 'apigateway' execute-api). */
const BROWSER_SERVICES = new Set<string>([]);

function one(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

function isSameOrigin(origin: string, host: string | undefined): boolean {
  if (!host || origin === 'null') return false;
  try {
    return new URL(origin).host === new URL(`http://${host}`).host;
  } catch {
    return false;
  }
}

/** The default allowed origins: localhost, *.localhost and loopback addresses, any port. */
function isLocalOrigin(origin: string): boolean {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  const name = hostnameOf(url.host);
  return name === 'localhost' || name.endsWith('.localhost') || /^127\.\d+\.\d+\.\d+$/.test(name) || name === '[::1]';
}

function matchOrigin(pattern: string, origin: string): boolean {
  if (pattern === '*') return true;
  if (origin === 'null') return false;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  const m = /^(https?):\/\/(\*\.)?([^:]+|\[[^\]]+\])(?::(\d+|\*))?$/.exec(pattern);
  if (!m) return false;
  if (url.protocol !== `${m[1]}:`) return false;
  const host = url.hostname;
  if (m[2] ? !host.endsWith(`.${m[3]}`) : host !== m[3]) return false;
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  const want = m[4] ?? (m[1] === 'https' ? '443' : '80');
  return want === '*' || want === port;
}
