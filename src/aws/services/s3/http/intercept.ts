// Requests S3 answers below the operation level: website endpoints, CORS preflights, browser POST
// uploads; and, before any operation runs, a path that does not decode and the expiry of presigned URLs.
import type { HttpRequest, HttpResponse } from '../../../protocol/http.ts';
import type { Ctx } from '../common.ts';
import { isWebsiteHost, website } from './website.ts';
import { preflight } from './cors.ts';
import { isPostObject, postObject } from './post-object.ts';
import { checkPresignedExpiry } from './presigned.ts';
import { checkUri } from './uri.ts';
import type { ServiceModel } from '../../../protocol/model.ts';
import { routeOperation } from '../../../protocol/rest.ts';
import { header } from '../../../protocol/http.ts';
import { S3Errors } from '../errors.ts';

export async function intercept(http: HttpRequest, ctx: Ctx, model: ServiceModel): Promise<HttpResponse | undefined> {
  checkUri(http);
  if (routeOperation(model, http) === 'GetObjectAttributes') checkObjectAttributesHeader(http);
  if (isWebsiteHost(http.hostname)) return website(http, ctx);
  if (http.method === 'OPTIONS') return preflight(http, ctx);
  checkPresignedExpiry(http, ctx.clock.now());
  if (isPostObject(http)) return postObject(http, ctx);
  return undefined;
}

/** S3 answers a missing header in its own words, before the generic required-member validation would. */
function checkObjectAttributesHeader(http: HttpRequest): void {
  if (header(http, 'x-amz-object-attributes')?.split(',').some((a) => a.trim() !== '')) return;
  throw S3Errors.invalidRequest('The x-amz-object-attributes header specifying the attributes to be retrieved is either missing or empty');
}
