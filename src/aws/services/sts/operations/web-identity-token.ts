// GetWebIdentityToken (outbound identity federation): a JWT, signed by STS, that says who the caller
// is, for services outside AWS that trust the account's issuer. The signing keys are made on first use
// and live as long as the process (tokens from before a restart no longer verify); their public halves
// are served as a JWKS at /_fogbank/sts/jwks, as AWS publishes them at the issuer's JWKS endpoint.
import { createHash, generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto';
import type { RequestContext, AdminRoute } from '../../../../core/service.ts';
import type { Environment } from '../../../../core/environment.ts';
import type { GetWebIdentityTokenRequest, GetWebIdentityTokenResponse } from '../generated/types.ts';
import { ServiceError } from '../../../../core/errors.ts';
import { constraints } from '../../../protocol/constraints.ts';
import { checkSessionExtras } from '../session-policies.ts';

type Algorithm = 'RS256' | 'ES384';

interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  jwk: Record<string, unknown>;
}

const keys = new WeakMap<Environment, Map<Algorithm, SigningKey>>();

function signingKey(env: Environment, alg: Algorithm): SigningKey {
  let byAlg = keys.get(env);
  if (!byAlg) keys.set(env, (byAlg = new Map()));
  let key = byAlg.get(alg);
  if (!key) {
    const pair = alg === 'RS256' ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : generateKeyPairSync('ec', { namedCurve: 'P-384' });
    const kid = randomUUID();
    key = { kid, privateKey: pair.privateKey, jwk: { ...pair.publicKey.export({ format: 'jwk' }), kid, alg, use: 'sig' } };
    byAlg.set(alg, key);
  }
  return key;
}

/** The account's issuer: AWS gives each account its own, `https://<id>.tokens.sts.global.api.aws`. */
export function issuerOf(account: string): string {
  const h = createHash('sha256').update(`fogbank-sts-issuer:${account}`).digest('hex');
  return `https://${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}.tokens.sts.global.api.aws`;
}

export function getWebIdentityToken(input: GetWebIdentityTokenRequest, ctx: RequestContext): GetWebIdentityTokenResponse {
  const check = constraints().length('audience', input.Audience, 1, 10).range('durationSeconds', input.DurationSeconds, 60, 3600);
  (input.Audience ?? []).forEach((a, i) => check.length(`audience.${i + 1}.member`, a, 1, 1000));
  check.check('ValidationError');
  if (input.SigningAlgorithm !== 'RS256' && input.SigningAlgorithm !== 'ES384') {
    throw new ServiceError('ValidationError', `Invalid SigningAlgorithm: ${input.SigningAlgorithm}. Valid values are RS256 and ES384.`, 400);
  }
  checkSessionExtras({ Tags: input.Tags });
  const alg: Algorithm = input.SigningAlgorithm;
  const key = signingKey(ctx.env, alg);
  const now = Math.floor(ctx.clock.now() / 1000);
  const exp = now + (input.DurationSeconds ?? 300);
  // A role session is named by its role: the subject stays the same across sessions.
  const assumed = /^arn:(aws[a-zA-Z-]*):sts::(\d{12}):assumed-role\/([^/]+)\//.exec(ctx.caller.arn);
  const sub = assumed ? `arn:${assumed[1]}:iam::${assumed[2]}:role/${assumed[3]}` : ctx.caller.arn;
  const claims = {
    iss: issuerOf(ctx.account),
    sub,
    aud: input.Audience.length === 1 ? input.Audience[0] : input.Audience,
    iat: now,
    nbf: now,
    exp,
    jti: randomUUID(),
    'https://sts.amazonaws.com/': {
      aws_account: ctx.account,
      source_region: ctx.region,
      principal_id: ctx.caller.arn,
      ...(input.Tags?.length ? { request_tags: Object.fromEntries(input.Tags.map((t) => [t.Key, t.Value])) } : {}),
    },
  };
  const part = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const signingInput = `${part({ alg, typ: 'JWT', kid: key.kid })}.${part(claims)}`;
  const signature = alg === 'RS256'
    ? sign('sha256', Buffer.from(signingInput), key.privateKey)
    : sign('sha384', Buffer.from(signingInput), { key: key.privateKey, dsaEncoding: 'ieee-p1363' });
  return { WebIdentityToken: `${signingInput}.${signature.toString('base64url')}`, Expiration: new Date(exp * 1000) };
}

/** The public keys that verify GetWebIdentityToken's tokens (public, as AWS's JWKS endpoint is). */
export const jwksRoute: AdminRoute = {
  method: 'GET',
  public: true,
  path: /^\/_fogbank\/sts\/jwks$/,
  handle: (_req, _state, env) => ({ keys: [...(keys.get(env)?.values() ?? [])].map((k) => k.jwk) }),
};
