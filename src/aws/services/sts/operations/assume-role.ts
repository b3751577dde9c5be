// AssumeRole and its federated variants: each issues session credentials that act in the role's
// account, so later calls signed with them land there (GetCallerIdentity shows the assumed role).
import type { RequestContext } from '../../../../core/service.ts';
import type {
  AssumeRoleRequest, AssumeRoleResponse,
  AssumeRoleWithWebIdentityRequest, AssumeRoleWithWebIdentityResponse,
  AssumeRoleWithSAMLRequest, AssumeRoleWithSAMLResponse,
  AssumeRootRequest, AssumeRootResponse,
} from '../generated/types.ts';
import type { SessionFacts } from '../../../../core/accounts.ts';
import type { RequestPrincipal } from '../../../../core/iam/index.ts';
import { ServiceError } from '../../../../core/errors.ts';
import { constraints } from '../../../protocol/constraints.ts';
import { credentialsOf, parseRoleArn, principalId, isSessionCaller } from '../principals.ts';
import { formatArn, accountRootArn } from '../../../../core/resources/arn.ts';
import { checkSessionExtras, packedPolicySize, type SessionExtras } from '../session-policies.ts';
import { assumeRoleContext, callerPrincipal, checkTrust, federatedContext, findRole, notAuthorized, type AssumedRole } from '../trust.ts';

const sessionNamePattern = /^[\w+=,.@-]*$/;

interface SessionRequest extends SessionExtras {
  RoleArn: string;
  RoleSessionName: string;
  DurationSeconds?: number;
}

function checkSessionRequest(input: SessionRequest) {
  constraints()
    .length('roleArn', input.RoleArn, 20, 2048)
    .length('roleSessionName', input.RoleSessionName, 2, 64)
    .pattern('roleSessionName', input.RoleSessionName, sessionNamePattern, '[\\w+=,.@-]*')
    .range('durationSeconds', input.DurationSeconds, 900, 43200)
    .length('policy', input.Policy, 1, 2048)
    .check('ValidationError');
  checkSessionExtras(input);
}

/** The role's MaxSessionDuration bounds the session, as in AWS (its default is one hour). */
function sessionDuration(role: AssumedRole, requested: number | undefined): number {
  const duration = requested ?? 3600;
  if (duration > role.maxSessionDuration) {
    throw new ServiceError('ValidationError', 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.', 400);
  }
  return duration;
}

/** Issues credentials for `role` under `sessionName` and returns the parts every variant answers. */
async function assume(role: AssumedRole, sessionName: string, durationSeconds: number, facts: Omit<SessionFacts, 'roleArn'>, ctx: RequestContext) {
  const assumedRoleId = `${role.roleId}:${sessionName}`;
  const arn = formatArn({ partition: role.partition, service: 'sts', account: role.account, resource: `assumed-role/${role.name}/${sessionName}` });
  const issued = await ctx.env.accounts.issue({ account: role.account, arn, userId: assumedRoleId }, durationSeconds, { roleArn: role.arn, ...facts });
  return {
    Credentials: credentialsOf(issued),
    AssumedRoleUser: { AssumedRoleId: assumedRoleId, Arn: arn },
  };
}

/** What the session keeps of the session policies passed. */
function policyFacts(input: SessionExtras) {
  return { policy: input.Policy, policyArns: input.PolicyArns?.length ? input.PolicyArns.map((p) => p.arn!) : undefined };
}

export async function assumeRole(input: AssumeRoleRequest, ctx: RequestContext): Promise<AssumeRoleResponse> {
  checkSessionRequest(input);
  const ref = parseRoleArn(input.RoleArn);
  const chained = isSessionCaller(ctx.caller.arn);
  if (chained && (input.DurationSeconds ?? 3600) > 3600) {
    throw new ServiceError('ValidationError', 'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.', 400);
  }
  if (input.ExternalId !== undefined) {
    constraints().length('externalId', input.ExternalId, 2, 1224).pattern('externalId', input.ExternalId, /^[\w+=,.@:/-]*$/, '[\\w+=,.@:\\/-]*').check('ValidationError');
  }
  if (input.SourceIdentity !== undefined) {
    constraints().length('sourceIdentity', input.SourceIdentity, 2, 64).pattern('sourceIdentity', input.SourceIdentity, sessionNamePattern, '[\\w+=,.@-]*').check('ValidationError');
  }
  const refusal = (action: string) => notAuthorized(ctx.caller.arn, action, input.RoleArn);
  const role = await findRole(ref, ctx, () => refusal('sts:AssumeRole'));
  const duration = sessionDuration(role, input.DurationSeconds);

  // A chained session carries the calling session's transitive tags and source identity (AWS rule).
  const calling = chained ? await ctx.env.accounts.sessionOf(ctx.caller.accessKeyId) : undefined;
  const inherited: Record<string, string> = {};
  for (const k of calling?.transitiveTagKeys ?? []) if (calling?.tags?.[k] !== undefined) inherited[k] = calling.tags[k];
  const requested = Object.fromEntries((input.Tags ?? []).map((t) => [t.Key, t.Value]));
  for (const k of Object.keys(requested)) {
    if (Object.keys(inherited).some((i) => i.toLowerCase() === k.toLowerCase())) {
      throw new ServiceError('InvalidParameterValue', 'One of the specified transitive tag keys can\'t be set because it conflicts with a transitive tag key from the calling session.', 400);
    }
  }
  const tags = { ...inherited, ...requested };
  const transitive = [...new Set([...(calling?.transitiveTagKeys ?? []), ...(input.TransitiveTagKeys ?? [])])];
  const size = packedPolicySize(input, inherited);

  const principal = callerPrincipal(ctx.caller, calling);
  checkTrust({
    role,
    principal,
    actions: input.Tags?.length || input.TransitiveTagKeys?.length ? ['sts:AssumeRole', 'sts:TagSession'] : ['sts:AssumeRole'],
    context: assumeRoleContext(principal, ctx.caller, calling, ctx.clock.now(), { ...input, tags, transitiveTagKeys: input.TransitiveTagKeys }),
    modeAccount: ctx.caller.account,
    refusal,
  }, ctx);

  const sourceIdentity = calling?.sourceIdentity ?? input.SourceIdentity;
  return {
    ...(await assume(role, input.RoleSessionName, duration, {
      ...policyFacts(input),
      tags: Object.keys(tags).length ? tags : undefined,
      transitiveTagKeys: transitive.length ? transitive : undefined,
      sourceIdentity,
    }, ctx)),
    PackedPolicySize: size,
    SourceIdentity: sourceIdentity,
  };
}

/** Identity providers AWS names by host rather than by an IAM OIDC provider ARN. */
const WELL_KNOWN_PROVIDERS = new Set(['accounts.google.com', 'graph.facebook.com', 'www.amazon.com', 'cognito-identity.amazonaws.com']);

/** A caller from outside AWS, named in trust policies by its identity provider (`"Federated"`). */
function federatedPrincipal(provider: string, account: string): RequestPrincipal {
  return { type: 'federated-user', arn: provider, account, federatedProvider: provider };
}

/** Decodes a JWT's claims without verifying it: Fogbank trusts every identity provider. */
function jwtClaims(token: string): Record<string, unknown> {
  const parts = token.split('.');
  if (parts.length === 3) {
    try {
      const claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
      if (claims && typeof claims === 'object' && !Array.isArray(claims)) return claims;
    } catch {
      // not a JWT
    }
  }
  throw new ServiceError('InvalidIdentityToken', 'The ID Token provided is not a valid JWT. (You may see this error if you sent an Access Token)', 400);
}

export async function assumeRoleWithWebIdentity(input: AssumeRoleWithWebIdentityRequest, ctx: RequestContext): Promise<AssumeRoleWithWebIdentityResponse> {
  checkSessionRequest(input);
  constraints().length('webIdentityToken', input.WebIdentityToken, 4, 20000).check('ValidationError');
  const ref = parseRoleArn(input.RoleArn);
  const claims = jwtClaims(input.WebIdentityToken);
  const now = ctx.clock.now();
  if (typeof claims.exp === 'number' && claims.exp * 1000 <= now) {
    throw new ServiceError(
      'ExpiredTokenException',
      `Token expired: current date/time ${Math.floor(now / 1000)} must be before the expiration date/time${claims.exp}`,
      400,
    );
  }
  const aud = Array.isArray(claims.aud) ? String(claims.aud[0]) : claims.aud === undefined ? undefined : String(claims.aud);
  const iss = typeof claims.iss === 'string' ? claims.iss : undefined;
  const issuer = iss?.replace(/^https?:\/\//, '');
  // AWS's answer for any refusal of a web identity, which has no AWS identity to name.
  const refusal = () => new ServiceError('AccessDenied', 'Not authorized to perform sts:AssumeRoleWithWebIdentity', 403);
  const role = await findRole(ref, ctx, refusal);
  const duration = sessionDuration(role, input.DurationSeconds);
  const size = packedPolicySize(input);
  const provider = input.ProviderId ?? issuer;
  if (provider !== undefined) {
    // Trust policies name an OIDC issuer by its IAM OIDC provider ARN, the well-known ones by host.
    const named = WELL_KNOWN_PROVIDERS.has(provider) ? provider : `arn:${role.partition}:iam::${role.account}:oidc-provider/${provider}`;
    checkTrust({
      role,
      principal: federatedPrincipal(named, role.account),
      actions: ['sts:AssumeRoleWithWebIdentity'],
      context: federatedContext(now, {
        [`${provider}:sub`]: typeof claims.sub === 'string' ? claims.sub : undefined,
        [`${provider}:aud`]: typeof claims.azp === 'string' ? claims.azp : aud,
        [`${provider}:oaud`]: aud,
        ...(Array.isArray(claims.amr) ? { [`${provider}:amr`]: claims.amr.map(String) } : {}),
        'sts:RoleSessionName': input.RoleSessionName,
      }),
      modeAccount: role.account,
      refusal,
    }, ctx);
  } else {
    checkTrust({ role, principal: federatedPrincipal('unknown-issuer', role.account), actions: ['sts:AssumeRoleWithWebIdentity'], context: federatedContext(now, {}), modeAccount: role.account, refusal }, ctx);
  }
  return {
    ...(await assume(role, input.RoleSessionName, duration, policyFacts(input), ctx)),
    SubjectFromWebIdentityToken: typeof claims.sub === 'string' ? claims.sub : undefined,
    Audience: aud ?? input.ProviderId,
    Provider: input.ProviderId ?? issuer,
    PackedPolicySize: size,
  };
}

/** Reads the few facts AssumeRoleWithSAML reports from a base64 SAML response (not verified). */
function samlFacts(assertion: string) {
  const xml = Buffer.from(assertion, 'base64').toString('utf8');
  if (!/<(\w+:)?(Response|Assertion)\b/.test(xml)) {
    throw new ServiceError('InvalidIdentityToken', 'Invalid base64 SAMLResponse (or the SAMLResponse is not valid XML)', 400);
  }
  const attribute = (name: string) =>
    new RegExp(`Name="${name}"[^>]*>\\s*<(?:\\w+:)?AttributeValue\\b[^>]*>([^<]*)<`).exec(xml)?.[1]?.trim();
  const text = (tag: string) => new RegExp(`<(?:\\w+:)?${tag}\\b[^>]*>([^<]*)<`).exec(xml)?.[1]?.trim();
  const nameIdFormat = /<(?:\w+:)?NameID\b[^>]*Format="([^"]*)"/.exec(xml)?.[1];
  return {
    sessionName: attribute('https://aws.amazon.com/SAML/Attributes/RoleSessionName'),
    subject: text('NameID'),
    issuer: text('Issuer'),
    audience: text('Audience'),
    subjectType: nameIdFormat?.replace('urn:oasis:names:tc:SAML:2.0:nameid-format:', ''),
  };
}

export async function assumeRoleWithSAML(input: AssumeRoleWithSAMLRequest, ctx: RequestContext): Promise<AssumeRoleWithSAMLResponse> {
  constraints()
    .length('roleArn', input.RoleArn, 20, 2048)
    .length('principalArn', input.PrincipalArn, 20, 2048)
    .length('sAMLAssertion', input.SAMLAssertion, 4, 100000)
    .range('durationSeconds', input.DurationSeconds, 900, 43200)
    .length('policy', input.Policy, 1, 2048)
    .check('ValidationError');
  checkSessionExtras(input);
  const ref = parseRoleArn(input.RoleArn);
  const facts = samlFacts(input.SAMLAssertion);
  // The session is named by the assertion's RoleSessionName attribute, as in AWS.
  const sessionName = facts.sessionName ?? facts.subject;
  if (!sessionName || !/^[\w+=,.@-]{2,64}$/.test(sessionName)) {
    throw new ServiceError('InvalidIdentityToken', 'The SAML assertion has no valid https://aws.amazon.com/SAML/Attributes/RoleSessionName attribute', 400);
  }
  const refusal = () => new ServiceError('AccessDenied', 'Not authorized to perform sts:AssumeRoleWithSAML', 403);
  const role = await findRole(ref, ctx, refusal);
  const duration = sessionDuration(role, input.DurationSeconds);
  const size = packedPolicySize(input);
  checkTrust({
    role,
    // Trust policies name the SAML provider by its ARN, the one the request passes.
    principal: federatedPrincipal(input.PrincipalArn, role.account),
    actions: ['sts:AssumeRoleWithSAML'],
    context: federatedContext(ctx.clock.now(), {
      'saml:sub': facts.subject,
      'saml:sub_type': facts.subjectType,
      'saml:iss': facts.issuer,
      'saml:aud': facts.audience,
    }),
    modeAccount: role.account,
    refusal,
  }, ctx);
  return {
    ...(await assume(role, sessionName, duration, policyFacts(input), ctx)),
    PackedPolicySize: size,
    Subject: facts.subject,
    SubjectType: facts.subjectType,
    Issuer: facts.issuer,
    Audience: facts.audience,
    NameQualifier: principalId('AIDA', `${facts.issuer}|${ctx.account}|${input.PrincipalArn}`).slice(4),
  };
}

export async function assumeRoot(input: AssumeRootRequest, ctx: RequestContext): Promise<AssumeRootResponse> {
  constraints()
    .length('targetPrincipal', input.TargetPrincipal, 12, 2048)
    .length('taskPolicyArn.arn', input.TaskPolicyArn?.arn, 20, 2048)
    .range('durationSeconds', input.DurationSeconds, 0, 900)
    .check('ValidationError');
  const account = /^\d{12}$/.test(input.TargetPrincipal) ? input.TargetPrincipal : /:(\d{12}):/.exec(input.TargetPrincipal)?.[1];
  if (!account) throw new ServiceError('ValidationError', 'TargetPrincipal must be an account id or an account ARN', 400);
  const issued = await ctx.env.accounts.issue({ account, arn: accountRootArn(account), userId: account }, input.DurationSeconds ?? 900);
  return { Credentials: credentialsOf(issued) };
}
