// Requests S3 answers below the operation level: website endpoints, CORS preflights, browser POST
// uploads; and the expiry of presigned URLs, checked before any operation runs.
import type { HttpRequest, HttpResponse } from '../../../protocol/http.ts';
import type { Ctx } from '../common.ts';
import { isWebsiteHost, website } from './website.ts';
import { preflight } from './cors.ts';
import { isPostObject, postObject } from './post-object.ts';
import { checkPresignedExpiry } from './presigned.ts';

export async function intercept(http: HttpRequest, ctx: Ctx): Promise<HttpResponse | undefined> {
  if (isWebsiteHost(http.hostname)) return website(http, ctx);
  if (http.method === 'OPTIONS') return preflight(http, ctx);
  checkPresignedExpiry(http, ctx.clock.now());
  if (isPostObject(http)) return postObject(http, ctx);
  return undefined;
}
