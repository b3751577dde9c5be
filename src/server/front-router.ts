// The front router (DESIGN.md §1): which provider answers a request, decided in one fixed order.
//   1. Admin and compatibility routes: /_fogbank/, /_localstack/, /_aws/ (and the admin UI).
//   2. Google Cloud by host: *.googleapis.com, *.googleapis.localhost.
//   3. AWS by what only AWS clients send: a SigV4/SigV2 signature (header or presigned query), an
//      X-Amz-Target header, or an AWS host name (*.amazonaws.com, function URLs, …). An S3 object
//      key may look like a Google path (/bucket/v1/projects/…), so this comes before the paths.
//   4. Google Cloud by
//      - path: /storage/v1/, /upload/storage/v1/, /download/storage/v1/, /batch/storage/v1, /v1/projects/;
//      - content-type: application/grpc* (gRPC, gRPC-Web: no AWS API speaks it);
//      - Authorization: Bearer … on a path no AWS service claims (Google's OAuth tokens).
//   5. AWS: everything else. The AWS provider identifies the service (X-Amz-Target, signature
//      scope, host, Action/Version, REST path) and answers a service it does not register with that
//      service's NotImplemented; S3 is its explicit last resort, for what looks like S3.
// The Host check and browser-origin verdict are computed before this and apply to every provider.

export type ProviderName = 'admin' | 'gcp' | 'aws';

export interface FrontRequest {
  /** Path as received, without the query string. */
  path: string;
  /** Raw query string without '?'. */
  query: string;
  /** Host without port, lower-case. */
  hostname?: string;
  headers: Record<string, string | string[] | undefined>;
}

const ADMIN_PREFIXES = ['/_fogbank/', '/_localstack/', '/_aws/'];

const GCP_HOST = /(?:^|\.)googleapis\.(?:com|localhost)$/;
const GCP_PATH = /^\/(?:(?:upload\/|download\/)?storage\/v1\/|batch\/storage\/v1(?:\/|$)|v1\/projects\/)/;

/** Query parameters of presigned AWS requests (SigV4, SigV2). */
const AWS_PRESIGNED = /(?:^|&)(?:X-Amz-Credential|AWSAccessKeyId)=/;

/**
 * `awsClaims`: whether an AWS service claims the request by its path or host (a REST path prefix,
 * an AWS host name, a function URL).
 */
export function chooseProvider(req: FrontRequest, awsClaims: (path: string, hostname: string | undefined) => boolean): ProviderName {
  const { path, query, hostname, headers } = req;
  if (ADMIN_PREFIXES.some((p) => path.startsWith(p))) return 'admin';
  if (hostname !== undefined && GCP_HOST.test(hostname)) return 'gcp';
  const authorization = one(headers.authorization);
  if (authorization !== undefined && /^(?:AWS4-|AWS )/.test(authorization)) return 'aws';
  if (headers['x-amz-target'] !== undefined || AWS_PRESIGNED.test(query)) return 'aws';
  if (hostname !== undefined && awsClaims('', hostname)) return 'aws';
  if (GCP_PATH.test(path)) return 'gcp';
  const contentType = one(headers['content-type']);
  if (contentType !== undefined && contentType.toLowerCase().startsWith('application/grpc')) return 'gcp';
  if (authorization !== undefined && /^bearer\s/i.test(authorization) && !awsClaims(path, hostname)) return 'gcp';
  return 'aws';
}

function one(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}
