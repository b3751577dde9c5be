// The error a service answers a request with no signature at all, by protocol, as AWS's front ends
// answer it: the JSON services (Coral) 400 MissingAuthenticationTokenException; the REST-JSON ones
// (Lambda, Scheduler, behind the API Gateway-style front end) 403 "Missing Authentication Token";
// the query services 403 MissingAuthenticationToken; S3 403 AccessDenied.
import { ServiceError } from '../../core/errors.ts';
import type { SignatureInfo } from './sigv4.ts';

export function missingSignature(protocol: string): ServiceError {
  switch (protocol) {
    case 'rest-xml':
      return new ServiceError('AccessDenied', 'Access Denied', 403);
    case 'rest-json':
      return new ServiceError('MissingAuthenticationTokenException', 'Missing Authentication Token', { status: 403, queryCode: 'MissingAuthenticationToken' });
    case 'query':
    case 'ec2':
      return new ServiceError('MissingAuthenticationToken', 'Request is missing Authentication Token', 403);
    default:
      return new ServiceError('MissingAuthenticationTokenException', 'Request is missing Authentication Token', { status: 400, queryCode: 'MissingAuthenticationToken' });
  }
}

/** A query-protocol form body may carry its own signature (SigV2 and presigned-style parameters). */
export function formSignature(body: Buffer): SignatureInfo | undefined {
  const params = new URLSearchParams(body.toString('latin1'));
  const v4 = params.get('X-Amz-Credential');
  if (v4) return { accessKeyId: v4.split('/')[0], region: v4.split('/')[2], service: v4.split('/')[3], kind: 'query' };
  const v2 = params.get('AWSAccessKeyId');
  return v2 && params.has('Signature') ? { accessKeyId: v2, kind: 'v2-query' } : undefined;
}
