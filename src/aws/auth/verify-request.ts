// The authenticate step's check of a signed request (`--iam soft|strict`): the key must be one
// Fogbank knows (src/core/accounts.ts), a session key must come with its own token, and the signature
// must be what the key's secret gives for this request. Returns the service's own error when it does
// not hold; the chain provider decides whether that denies (strict) or is only logged (soft).
import type { Environment } from '../../core/environment.ts';
import type { ServiceError } from '../../core/errors.ts';
import { header, type HttpRequest } from '../../core/http.ts';
import type { SignatureInfo } from './sigv4.ts';
import { readV4, verifyV4 } from './sigv4-verify.ts';
import { invalidSessionToken, signatureProblem, unknownAccessKey } from './signature-errors.ts';

export interface SignedRequest {
  http: HttpRequest;
  signature: SignatureInfo;
  /** Fogbank's name for the service (S3 signs differently) and its protocol (errors differ by it). */
  service: string;
  protocol: string;
  /** Reads the body when the payload hash needs it and the route step has not (REST services). */
  body: () => Promise<void>;
}

export async function verifyRequest(env: Environment, r: SignedRequest): Promise<ServiceError | undefined> {
  const { http, signature, service, protocol } = r;
  if (signature.kind === 'v2' || signature.kind === 'v2-query') return undefined; // see the note in chain-provider.ts
  const query = new URLSearchParams(http.query);
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
