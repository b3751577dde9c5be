// Presigned URLs expire: SigV4 query auth (X-Amz-Date + X-Amz-Expires, at most a week) and the
// older SigV2 form (Expires, epoch seconds), checked on the clock.
import type { HttpRequest } from '../../../../core/http.ts';
import { ServiceError } from '../../../../core/errors.ts';
import { parseAmzDate } from '../../../auth/sigv4.ts';

const WEEK = 604800;

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function checkPresignedExpiry(http: HttpRequest, now: number): void {
  const q = http.query;
  if (!q || (!q.includes('X-Amz-Credential') && !q.includes('Expires='))) return;
  const params = new URLSearchParams(q);
  if (params.has('X-Amz-Credential')) {
    const rawDate = params.get('X-Amz-Date') ?? '';
    const date = parseAmzDate(rawDate);
    if (date === undefined) {
      throw new ServiceError('AuthorizationQueryParametersError', 'X-Amz-Date must be in the ISO8601 Long Format "yyyyMMdd\'T\'HHmmss\'Z\'"', 400);
    }
    const rawExpires = params.get('X-Amz-Expires');
    const expires = Number(rawExpires);
    if (rawExpires === null || !Number.isInteger(expires) || expires < 0) {
      throw new ServiceError('AuthorizationQueryParametersError', 'X-Amz-Expires should be a number', 400);
    }
    if (expires > WEEK) {
      throw new ServiceError('AuthorizationQueryParametersError', 'X-Amz-Expires must be less than a week (in seconds) that is 604800', 400);
    }
    if (now > date + expires * 1000) {
      throw new ServiceError('AccessDenied', 'Request has expired', {
        status: 403,
        fields: { 'X-Amz-Expires': expires, Expires: iso(date + expires * 1000), ServerTime: iso(now) },
      });
    }
    return;
  }
  if (params.has('AWSAccessKeyId') && params.has('Expires')) {
    const expires = Number(params.get('Expires')) * 1000;
    if (!Number.isFinite(expires) || now > expires) {
      throw new ServiceError('AccessDenied', 'Request has expired', {
        status: 403,
        fields: { Expires: Number.isFinite(expires) ? iso(expires) : params.get('Expires'), ServerTime: iso(now) },
      });
    }
  }
}
