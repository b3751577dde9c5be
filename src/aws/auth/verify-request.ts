// The authenticate step's check of a signed request (`--iam soft|strict`): the key must be one
// Fogbank knows (src/core/accounts.ts), a session key must come with its own token, and the signature
// must be what the key's secret gives for this request. Returns the service's own error when it does
// not hold; the chain provider decides whether that denies (strict) or is only logged (soft).
import type { Environment } from '../../core/environment.ts';
import type { ServiceError } from '../../core/errors.ts';
import { header, type HttpRequest } from '../../core/http.ts';
import type { SignatureInfo } from './sigv4.ts';
import { readV4, verifyV4 } from './sigv4-verify.ts';
import { readV2, verifyV2 } from './sigv2-verify.ts';
import { invalidSessionToken, signatureProblem, unknownAccessKey } from './signature-errors.ts';

export interface SignedRequest {
  http: HttpRequest;
  signature: SignatureInfo;
  /** Fogbank's name for the service (S3 signs differently) and its protocol (errors differ by it). */
  service: string;
  protocol: string;
  /** S3 virtual-hosted style: the bucket the Host named, which the gateway moved into the path. */
  virtualBucket?: string;
  /** Reads the body when the payload hash needs it and the route step has not (REST services). */
  body: () => Promise<void>;
}

export async function verifyRequest(env: Environment, r: SignedRequest): Promise<ServiceError | undefined> {
  const { signature, service, protocol } = r;
  const query = new URLSearchParams(r.http.query);
  if (signature.kind === 'v2' || signature.kind === 'v2-query') return verifyV2Request(env, r, query);
  // V4 signs the path as the client sent it: without the bucket a virtual-hosted request named in its Host.
  const http = r.virtualBucket ? { ...r.http, path: r.http.path.slice(r.virtualBucket.length + 1) || '/' } : r.http;
  const v4 = readV4(http, query);
  // A form-body signature (query clients may sign inside the body) carries no header or query parts.
  if (v4 === undefined) return undefined;
  if ('kind' in v4) return signatureProblem(service, protocol, v4, signature.accessKeyId, '');
  const credential = await env.accounts.credentialOf(v4.accessKeyId);
  if (!credential) return unknownAccessKey(service, protocol, v4.accessKeyId);
  const token = header(http, 'x-amz-security-token') ?? query.get('X-Amz-Security-Token') ?? undefined;
  if (credential.sessionToken !== undefined && token !== credential.sessionToken) return invalidSessionToken(service, protocol);
  const s3 = service === 's3';
  if (!s3 && header(http, 'x-amz-content-sha256') === undefined) await r.body();
  const problem = verifyV4(http, v4, { secret: credential.secret, now: Date.now(), expiryNow: env.clock.now(), s3 });
  return problem && signatureProblem(service, protocol, problem, v4.accessKeyId, v4.signature);
}

/** S3's Signature Version 2 (header or presigned query); the query services' V2 form is not checked. */
async function verifyV2Request(env: Environment, r: SignedRequest, query: URLSearchParams): Promise<ServiceError | undefined> {
  if (r.service !== 's3') return undefined;
  const v2 = readV2(r.http, query);
  if (!v2) return undefined;
  const credential = await env.accounts.credentialOf(v2.accessKeyId);
  if (!credential) return unknownAccessKey(r.service, r.protocol, v2.accessKeyId);
  const token = header(r.http, 'x-amz-security-token') ?? query.get('x-amz-security-token') ?? undefined;
  if (credential.sessionToken !== undefined && token !== credential.sessionToken) return invalidSessionToken(r.service, r.protocol);
  // The path is path-style here (the gateway moved a Host-named bucket into it), as V2 signs it.
  const problem = verifyV2(r.http, v2, { secret: credential.secret, now: Date.now(), expiryNow: env.clock.now() });
  return problem && signatureProblem(r.service, r.protocol, problem, v2.accessKeyId, v2.signature);
}
