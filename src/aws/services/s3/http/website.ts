// Static website hosting: requests to a website endpoint (<bucket>.s3-website-<region>.amazonaws.com,
// <bucket>.s3-website.localhost[.localstack.cloud]) are answered as S3 websites answer them: index
// documents, a redirect to add the trailing slash, routing rules, whole-bucket redirects, per-object
// redirects (x-amz-website-redirect-location), error documents and S3's HTML error pages.
import type { HttpRequest, HttpResponse } from '../../../../core/http.ts';
import type { Ctx } from '../common.ts';
import type { ObjectVersion } from '../store.ts';
import { readObject } from '../bodies.ts';
import { objectHeaders } from '../object-meta.ts';
import { isArchived } from '../common.ts';

interface Redirect {
  HostName?: string;
  Protocol?: string;
  ReplaceKeyPrefixWith?: string;
  ReplaceKeyWith?: string;
  HttpRedirectCode?: string;
}

interface RoutingRule {
  Condition?: { KeyPrefixEquals?: string; HttpErrorCodeReturnedEquals?: string };
  Redirect: Redirect;
}

interface WebsiteConfiguration {
  IndexDocument?: { Suffix?: string };
  ErrorDocument?: { Key?: string };
  RedirectAllRequestsTo?: { HostName?: string; Protocol?: string };
  RoutingRules?: RoutingRule[];
}

export function isWebsiteHost(hostname: string | undefined): boolean {
  return !!hostname && /\.s3-website[.-]/.test(hostname);
}

function html(status: number, title: string, items: Array<[string, string]>, requestId: string): HttpResponse {
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const lis = [...items, ['RequestId', requestId], ['HostId', 'fogbank']].map(([k, v]) => `<li>${k}: ${esc(v)}</li>`).join('\n');
  return {
    status,
    headers: { 'content-type': 'text/html; charset=utf-8' },
    body: `<html>\n<head><title>${status} ${title}</title></head>\n<body>\n<h1>${status} ${title}</h1>\n<ul>\n${lis}\n</ul>\n<hr/>\n</body>\n</html>\n`,
  };
}

function redirectTo(http: HttpRequest, r: Redirect, key: string, matchedPrefix: string | undefined): HttpResponse {
  let target = key;
  if (r.ReplaceKeyWith !== undefined) target = r.ReplaceKeyWith;
  else if (r.ReplaceKeyPrefixWith !== undefined) target = r.ReplaceKeyPrefixWith + key.slice((matchedPrefix ?? '').length);
  const host = r.HostName ?? (http.headers.host as string | undefined) ?? 'localhost';
  const protocol = r.Protocol ?? 'http';
  const path = target.split('/').map(encodeURIComponent).join('/');
  return { status: Number(r.HttpRedirectCode ?? 301), headers: { Location: `${protocol}://${host}/${path}`, 'content-length': '0' } };
}

function serve(ctx: Ctx, http: HttpRequest, v: ObjectVersion, status: number, bucket: Parameters<typeof objectHeaders>[1]): HttpResponse {
  const out = objectHeaders(v, bucket, ctx.clock.now());
  const headers: Record<string, string> = {
    'content-type': String(out.ContentType ?? 'binary/octet-stream'),
    'content-length': String(v.size),
    ETag: v.etag,
    'Last-Modified': new Date(v.lastModified).toUTCString(),
  };
  if (out.CacheControl) headers['Cache-Control'] = String(out.CacheControl);
  if (out.ContentEncoding) headers['Content-Encoding'] = String(out.ContentEncoding);
  if (out.ContentDisposition) headers['Content-Disposition'] = String(out.ContentDisposition);
  if (out.ContentLanguage) headers['Content-Language'] = String(out.ContentLanguage);
  for (const [k, val] of Object.entries((out.Metadata as Record<string, string>) ?? {})) headers[`x-amz-meta-${k}`] = val;
  const body = http.method === 'HEAD' || v.size === 0 ? undefined : readObject(ctx.env, v, 0, v.size - 1);
  return { status, headers, body };
}

export async function website(http: HttpRequest, ctx: Ctx): Promise<HttpResponse> {
  ctx.operation = 'WebsiteGetObject';
  const segments = http.path.split('/');
  let name: string;
  let key: string;
  try {
    name = decodeURIComponent(segments[1] ?? '');
    key = decodeURIComponent(segments.slice(2).join('/'));
  } catch {
    return html(400, 'Bad Request', [['Code', 'InvalidURI'], ['Message', "Couldn't parse the specified URI."]], ctx.requestId);
  }
  if (http.method !== 'GET' && http.method !== 'HEAD') {
    return html(405, 'Method Not Allowed', [['Code', 'MethodNotAllowed'], ['Message', 'The specified method is not allowed against this resource.']], ctx.requestId);
  }
  const bucket = await ctx.state.bucket(name);
  if (!bucket) return html(404, 'Not Found', [['Code', 'NoSuchBucket'], ['Message', 'The specified bucket does not exist'], ['BucketName', name]], ctx.requestId);
  const config = await ctx.state.config<WebsiteConfiguration>(name, 'website');
  if (!config) {
    return html(404, 'Not Found', [['Code', 'NoSuchWebsiteConfiguration'], ['Message', 'The specified bucket does not have a website configuration'], ['BucketName', name]], ctx.requestId);
  }
  if (config.RedirectAllRequestsTo?.HostName) {
    const r = config.RedirectAllRequestsTo;
    const path = http.path.split('/').slice(2).join('/');
    return { status: 301, headers: { Location: `${r.Protocol ?? 'http'}://${r.HostName}/${path}`, 'content-length': '0' } };
  }
  for (const rule of config.RoutingRules ?? []) {
    const c = rule.Condition;
    if (c?.HttpErrorCodeReturnedEquals !== undefined) continue;
    if (c?.KeyPrefixEquals === undefined || key.startsWith(c.KeyPrefixEquals)) return redirectTo(http, rule.Redirect, key, c?.KeyPrefixEquals);
  }
  const suffix = config.IndexDocument?.Suffix ?? 'index.html';
  const lookupKey = key === '' || key.endsWith('/') ? key + suffix : key;
  const live = async (k: string) => {
    const v = await ctx.state.latest(name, k);
    return v && !v.deleteMarker && !(isArchived(v.storageClass) && !(v.restore && v.restore.expiry > ctx.clock.now())) ? v : undefined;
  };
  const found = await live(lookupKey);
  if (found) {
    if (found.meta.WebsiteRedirectLocation) {
      const loc = found.meta.WebsiteRedirectLocation;
      return { status: 301, headers: { Location: loc, 'content-length': '0' } };
    }
    return serve(ctx, http, found, 200, bucket);
  }
  // "docs" with "docs/index.html" present: redirect to add the slash, as S3 does.
  if (key !== '' && !key.endsWith('/') && (await live(`${key}/${suffix}`))) {
    return { status: 302, headers: { Location: `/${key.split('/').map(encodeURIComponent).join('/')}/`, 'content-length': '0' } };
  }
  for (const rule of config.RoutingRules ?? []) {
    const c = rule.Condition;
    if (c?.HttpErrorCodeReturnedEquals !== '404') continue;
    if (c.KeyPrefixEquals === undefined || key.startsWith(c.KeyPrefixEquals)) return redirectTo(http, rule.Redirect, key, c.KeyPrefixEquals);
  }
  const errorKey = config.ErrorDocument?.Key;
  if (errorKey) {
    const doc = await live(errorKey);
    if (doc) return serve(ctx, http, doc, 404, bucket);
  }
  return html(404, 'Not Found', [['Code', 'NoSuchKey'], ['Message', 'The specified key does not exist.'], ['Key', lookupKey]], ctx.requestId);
}
