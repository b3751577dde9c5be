// Function URLs served by Fogbank: a request to <url-id>.lambda-url.<region>.localhost becomes the
// payload-format 2.0 event Lambda builds, and the function's answer becomes the HTTP response
// (a {statusCode, headers, body, cookies, isBase64Encoded} object, or any other JSON as a 200).
// AuthType AWS_IAM requires a SigV4-signed request; CORS preflights are answered from the config.
// RESPONSE_STREAM URLs stream what the function writes (with awslambda.HttpResponseStream preludes).
import { PassThrough, type Readable } from 'node:stream';
import type { HttpRequest, HttpResponse } from '../../../../core/http.ts';
import { header } from '../../../../core/http.ts';
import type { Ctx } from '../state.ts';
import type { UrlConfig } from '../operations/urls.ts';
import { resolveTarget } from './target.ts';
import { Throttled } from './executor.ts';
import type { RunResult } from './records.ts';
import { MAX_SYNC_PAYLOAD } from '../operations/invoke.ts';

const HTTP_INTEGRATION = 'application/vnd.awslambda.http-integration-response';

function plain(status: number, message: string, requestId: string): HttpResponse {
  const body = JSON.stringify({ Message: message });
  return { status, headers: { 'content-type': 'application/json', 'x-amzn-RequestId': requestId, 'x-amzn-ErrorType': message === 'Forbidden' ? 'AccessDeniedException' : 'ServiceException' }, body };
}

async function readSource(http: HttpRequest, limit: number): Promise<Buffer | undefined> {
  if (http.body.length) return http.body;
  const src = http.source ?? http.stream;
  if (!src) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of src as AsyncIterable<Buffer>) {
    size += c.length;
    if (size > limit) return undefined;
    chunks.push(c);
  }
  return Buffer.concat(chunks);
}

function isText(contentType: string | undefined, body: Buffer): boolean {
  if (!contentType) return body.length === 0 || Buffer.from(body.toString('utf8')).equals(body);
  return /^(text\/|application\/(json|xml|javascript|x-www-form-urlencoded|graphql|[\w.+-]*\+(json|xml)))/i.test(contentType);
}

function corsHeaders(cors: UrlConfig['Cors'], origin: string | undefined): Record<string, string> {
  if (!cors || !origin) return {};
  const allowed = cors.AllowOrigins ?? [];
  if (!allowed.includes('*') && !allowed.includes(origin)) return {};
  const h: Record<string, string> = { 'access-control-allow-origin': allowed.includes('*') && !cors.AllowCredentials ? '*' : origin };
  if (cors.AllowCredentials) h['access-control-allow-credentials'] = 'true';
  if (cors.ExposeHeaders?.length) h['access-control-expose-headers'] = cors.ExposeHeaders.join(',');
  if (!allowed.includes('*') || cors.AllowCredentials) h.vary = 'Origin';
  return h;
}

function isSigned(http: HttpRequest): boolean {
  const auth = header(http, 'authorization');
  return (auth !== undefined && auth.startsWith('AWS4-HMAC-SHA256')) || /(^|&)X-Amz-Signature=/.test(http.query);
}

export async function serveFunctionUrl(http: HttpRequest, ctx: Ctx, urlId: string): Promise<HttpResponse> {
  ctx.operation = 'InvokeFunctionUrl';
  const state = ctx.state;
  const row = await state.tables.urlById(urlId);
  const fn = row && (await state.tables.fnById(row.function_id));
  if (!row || !fn) return plain(403, 'Forbidden', ctx.requestId);
  const config = JSON.parse(row.config) as UrlConfig;
  const origin = header(http, 'origin');
  // CORS preflight: answered by Lambda itself from the URL's configuration.
  if (http.method === 'OPTIONS' && origin && header(http, 'access-control-request-method') && config.Cors) {
    const c = config.Cors;
    const h: Record<string, string> = { ...corsHeaders(c, origin), 'x-amzn-RequestId': ctx.requestId };
    if (h['access-control-allow-origin']) {
      if (c.AllowMethods?.length) h['access-control-allow-methods'] = c.AllowMethods.join(',');
      if (c.AllowHeaders?.length) h['access-control-allow-headers'] = c.AllowHeaders.join(',');
      if (c.MaxAge !== undefined) h['access-control-max-age'] = String(c.MaxAge);
    }
    return { status: 200, headers: h, body: '' };
  }
  if (config.AuthType === 'AWS_IAM' && !isSigned(http)) return plain(403, 'Forbidden', ctx.requestId);
  const body = await readSource(http, MAX_SYNC_PAYLOAD);
  if (body === undefined) return plain(413, 'Request must be smaller than 6291456 bytes for the InvokeFunction operation', ctx.requestId);

  const target = await resolveTarget(state.tables, { account: fn.account, region: fn.region, name: fn.name, qualifier: row.qualifier || undefined });
  const event = buildEvent(http, ctx, urlId, body, config.AuthType === 'AWS_IAM');
  const payload = Buffer.from(JSON.stringify(event));
  const cors = corsHeaders(config.Cors, origin);

  if (config.InvokeMode === 'RESPONSE_STREAM') return stream(state, target, ctx, payload, cors);
  let result: RunResult;
  try {
    result = await state.executor.run(target, { requestId: ctx.requestId, payload, kind: 'FunctionUrl' });
  } catch (err) {
    if (err instanceof Throttled) return plain(429, 'Rate Exceeded.', ctx.requestId);
    throw err;
  }
  if (result.functionError) return { status: 502, headers: { 'content-type': 'application/json', 'x-amzn-RequestId': ctx.requestId, 'x-amzn-ErrorType': 'FunctionError' }, body: 'Internal Server Error' };
  const response = toHttp(result.payload);
  Object.assign(response.headers, cors, { 'x-amzn-RequestId': ctx.requestId });
  return response;
}

function buildEvent(http: HttpRequest, ctx: Ctx, urlId: string, body: Buffer, iam: boolean): Record<string, unknown> {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(http.headers)) {
    if (v === undefined || k.startsWith(':')) continue;
    headers[k.toLowerCase()] = Array.isArray(v) ? v.join(',') : v;
  }
  const cookies = headers.cookie ? headers.cookie.split(/;\s*/).filter(Boolean) : undefined;
  delete headers.cookie;
  const query: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(http.query)) query[k] = query[k] === undefined ? v : `${query[k]},${v}`;
  const now = ctx.clock.now();
  const text = isText(headers['content-type'], body);
  const path = safeDecode(http.path);
  const event: Record<string, unknown> = {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: http.query,
    ...(cookies ? { cookies } : {}),
    headers,
    ...(http.query ? { queryStringParameters: query } : {}),
    requestContext: {
      accountId: iam ? ctx.caller.account : 'anonymous',
      apiId: urlId,
      ...(iam
        ? { authorizer: { iam: { accessKey: ctx.caller.accessKeyId, accountId: ctx.caller.account, callerId: ctx.caller.userId, cognitoIdentity: null, principalOrgId: null, userArn: ctx.caller.arn, userId: ctx.caller.userId } } }
        : {}),
      domainName: http.hostname ?? `${urlId}.lambda-url.${ctx.region}.localhost`,
      domainPrefix: urlId,
      http: {
        method: http.method,
        path,
        protocol: 'HTTP/1.1',
        sourceIp: '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: ctx.requestId,
      routeKey: '$default',
      stage: '$default',
      time: clfTime(now),
      timeEpoch: now,
    },
    isBase64Encoded: !text,
  };
  if (body.length) event.body = text ? body.toString('utf8') : body.toString('base64');
  return event;
}

function safeDecode(p: string): string {
  try {
    return decodeURIComponent(p);
  } catch {
    return p;
  }
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function clfTime(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}

interface ResponseShape {
  statusCode?: number;
  headers?: Record<string, string>;
  multiValueHeaders?: Record<string, string[]>;
  cookies?: string[];
  body?: string;
  isBase64Encoded?: boolean;
}

/** The function's answer as HTTP (payload format 2.0). */
export function toHttp(payload: Buffer): HttpResponse {
  let value: unknown;
  try {
    value = JSON.parse(payload.toString('utf8'));
  } catch {
    value = undefined;
  }
  if (value && typeof value === 'object' && !Array.isArray(value) && 'statusCode' in value) {
    const r = value as ResponseShape;
    const headers: Record<string, string | string[]> = {};
    for (const [k, v] of Object.entries(r.headers ?? {})) headers[k.toLowerCase()] = String(v);
    for (const [k, v] of Object.entries(r.multiValueHeaders ?? {})) headers[k.toLowerCase()] = v.map(String).join(',');
    if (r.cookies?.length) headers['set-cookie'] = r.cookies;
    if (!headers['content-type']) headers['content-type'] = 'application/json';
    const body = r.body === undefined || r.body === null ? '' : r.isBase64Encoded ? Buffer.from(String(r.body), 'base64') : String(r.body);
    return { status: Number(r.statusCode) || 200, headers, body };
  }
  return { status: 200, headers: { 'content-type': 'application/json' }, body: payload };
}

/** RESPONSE_STREAM: the status and headers come from the stream's prelude, the body as it is written. */
function stream(state: Ctx['state'], target: Awaited<ReturnType<typeof resolveTarget>>, ctx: Ctx, payload: Buffer, cors: Record<string, string>): Promise<HttpResponse> {
  return new Promise<HttpResponse>((resolve) => {
    let answered = false;
    const answer = (r: HttpResponse) => {
      if (answered) return;
      answered = true;
      Object.assign(r.headers, cors, { 'x-amzn-RequestId': ctx.requestId });
      resolve(r);
    };
    state.executor
      .run(target, {
        requestId: ctx.requestId,
        payload,
        kind: 'FunctionUrl',
        onStream: (contentType, body) => {
          if (contentType !== HTTP_INTEGRATION) {
            const out = new PassThrough();
            body.pipe(out);
            answer({ status: 200, headers: { 'content-type': contentType, 'transfer-encoding': 'chunked' }, body: out });
            return;
          }
          readPrelude(body).then(({ prelude, rest }) => {
            const headers: Record<string, string | string[]> = {};
            for (const [k, v] of Object.entries(prelude.headers ?? {})) headers[k.toLowerCase()] = String(v);
            if (prelude.cookies?.length) headers['set-cookie'] = prelude.cookies;
            if (!headers['content-type']) headers['content-type'] = 'application/octet-stream';
            answer({ status: prelude.statusCode ?? 200, headers, body: rest });
          });
        },
      })
      .then(
        (result) => {
          if (answered) return;
          if (result.functionError) answer({ status: 502, headers: { 'content-type': 'application/json' }, body: 'Internal Server Error' });
          else answer(toHttp(result.payload));
        },
        (err) => answer(err instanceof Throttled ? plain(429, 'Rate Exceeded.', ctx.requestId) : plain(500, 'Internal Server Error', ctx.requestId)),
      );
  });
}

/** Splits an http-integration stream into its JSON prelude (ended by 8 NUL bytes) and the body. */
function readPrelude(body: Readable): Promise<{ prelude: ResponseShape; rest: Readable }> {
  return new Promise((resolve) => {
    let buffered = Buffer.alloc(0);
    const rest = new PassThrough();
    let done = false;
    const finish = (prelude: ResponseShape, remainder: Buffer) => {
      done = true;
      body.removeListener('data', onData);
      body.removeListener('end', onEnd);
      if (remainder.length) rest.write(remainder);
      body.pipe(rest);
      resolve({ prelude, rest });
    };
    const onData = (c: Buffer) => {
      buffered = Buffer.concat([buffered, c]);
      const at = buffered.indexOf(Buffer.alloc(8));
      if (at >= 0) {
        let prelude: ResponseShape = {};
        try {
          prelude = JSON.parse(buffered.subarray(0, at).toString('utf8')) as ResponseShape;
        } catch {}
        finish(prelude, buffered.subarray(at + 8));
      }
    };
    const onEnd = () => {
      if (!done) {
        done = true;
        rest.end(buffered);
        resolve({ prelude: {}, rest });
      }
    };
    body.on('data', onData);
    body.on('end', onEnd);
  });
}
