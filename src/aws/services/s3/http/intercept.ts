// Requests S3 answers below the operation level: website endpoints, CORS preflights, browser POST
// uploads; and, before any operation runs, a path that does not decode and the expiry of presigned URLs.
import type { HttpRequest, HttpResponse } from '../../../../core/http.ts';
import type { Ctx } from '../common.ts';
import { isWebsiteHost, website } from './website.ts';
import { preflight } from './cors.ts';
import { isPostObject, postObject } from './post-object.ts';
import { checkPresignedExpiry } from './presigned.ts';
import { checkUri } from './uri.ts';
import type { ServiceModel } from '../../../protocol/model.ts';
import { queryOf, routeOperation } from '../../../protocol/rest.ts';
import { header } from '../../../../core/http.ts';
import { S3Errors } from '../errors.ts';

export async function intercept(http: HttpRequest, ctx: Ctx, model: ServiceModel): Promise<HttpResponse | undefined> {
  checkUri(http);
  if (isWebsiteHost(http.hostname)) return website(http, ctx);
  if (http.method === 'OPTIONS') return preflight(http, ctx);
  checkPresignedExpiry(http, ctx.clock.now());
  if (isPostObject(http)) return postObject(http, ctx);
  const operation = routeOperation(model, http);
  // No operation for this method on this resource (DELETE /bucket?versioning, POST /bucket/key
  // without uploadId): S3's 405, which names both.
  if (!operation || namesNothing(model, operation, http)) throw S3Errors.methodNotAllowed(http.method, resourceType(http.path));
  if (operation === 'GetObjectAttributes') checkObjectAttributesHeader(http);
  return undefined;
}

/**
 * An operation told apart only by required query members (CompleteMultipartUpload is POST on an
 * object with uploadId) that the request carries none of was chosen for want of anything else.
 */
function namesNothing(model: ServiceModel, operation: string, http: HttpRequest): boolean {
  const op = model.operations[operation];
  if (op.http?.requestUri?.includes('?')) return false;
  const input = op.input ? model.shapes[op.input.shape] : undefined;
  const keys = (input?.required ?? []).map((name) => input!.members![name]).filter((m) => m.location === 'querystring').map((m) => m.locationName!);
  if (!keys.length) return false;
  const query = queryOf(http);
  return !keys.some((k) => query.has(k));
}

function resourceType(path: string): string {
  const slash = path.indexOf('/', 1);
  if (path === '/' || path === '') return 'SERVICE';
  return slash < 0 || slash === path.length - 1 ? 'BUCKET' : 'OBJECT';
}

/** S3 answers a missing header in its own words, before the generic required-member validation would. */
function checkObjectAttributesHeader(http: HttpRequest): void {
  if (header(http, 'x-amz-object-attributes')?.split(',').some((a) => a.trim() !== '')) return;
  throw S3Errors.invalidRequest('The x-amz-object-attributes header specifying the attributes to be retrieved is either missing or empty');
}
