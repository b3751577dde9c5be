// AssumeRole and its federated variants: each issues session credentials that act in the role's
// account, so later calls signed with them land there (GetCallerIdentity shows the assumed role).
import { deflateRawSync } from 'node:zlib';
import type { RequestContext } from '../../../../core/service.ts';
import type {
  AssumeRoleRequest, AssumeRoleResponse,
  AssumeRoleWithWebIdentityRequest, AssumeRoleWithWebIdentityResponse,
  AssumeRoleWithSAMLRequest, AssumeRoleWithSAMLResponse,
  AssumeRootRequest, AssumeRootResponse,
} from '../generated/types.ts';
import { ServiceError } from '../../../../core/errors.ts';
import { constraints } from '../../../protocol/constraints.ts';
import { credentialsOf, parseRoleArn, principalId, isSessionCaller, type RoleRef } from '../principals.ts';
import { formatArn, accountRootArn } from '../../../../core/resources/arn.ts';

const sessionNamePattern = /^[\w+=,.@-]*$/;

interface SessionRequest {
  RoleArn: string;
  RoleSessionName: string;
  DurationSeconds?: number;
  Policy?: string;
  PolicyArns?: unknown[];
}

function checkSessionRequest(input: SessionRequest) {
  constraints()
    .length('roleArn', input.RoleArn, 20, 2048)
    .length('roleSessionName', input.RoleSessionName, 2, 64)
    .pattern('roleSessionName', input.RoleSessionName, sessionNamePattern, '[\\w+=,.@-]*')
    .range('durationSeconds', input.DurationSeconds, 900, 43200)
    .length('policy', input.Policy, 1, 2048)
    .check('ValidationError');
  if (input.Policy !== undefined) {
    try {
      JSON.parse(input.Policy);
    } catch {
      throw new ServiceError('MalformedPolicyDocument', 'The policy is not in the valid JSON format.', 400);
    }
  }
  if (input.PolicyArns && input.PolicyArns.length > 10) {
    throw new ServiceError('ValidationError', `1 validation error detected: Value at 'policyArns' failed to satisfy constraint: Member must have length less than or equal to 10`, 400);
  }
}

/** Issues credentials for `role` under `sessionName` and returns the parts every variant answers. */
async function assume(role: RoleRef, sessionName: string, durationSeconds: number, ctx: RequestContext) {
  const roleId = principalId('AROA', role.arn);
  const assumedRoleId = `${roleId}:${sessionName}`;
  const arn = formatArn({ partition: role.partition, service: 'sts', account: role.account, resource: `assumed-role/${role.name}/${sessionName}` });
  const issued = await ctx.env.accounts.issue({ account: role.account, arn, userId: assumedRoleId }, durationSeconds);
  return {
    Credentials: credentialsOf(issued),
    AssumedRoleUser: { AssumedRoleId: assumedRoleId, Arn: arn },
  };
}

function packedPolicySize(input: SessionRequest): number | undefined {
  if (input.Policy === undefined && !input.PolicyArns?.length) return undefined;
  // AWS reports the size of the session policies after packing (compression) as a percentage of
  // the allowed maximum; deflate stands in for its unpublished packing format.
  const packed = deflateRawSync((input.Policy ?? '') + JSON.stringify(input.PolicyArns ?? [])).length;
  return Math.max(1, Math.ceil((packed / 2048) * 100));
}

export async function assumeRole(input: AssumeRoleRequest, ctx: RequestContext): Promise<AssumeRoleResponse> {
  checkSessionRequest(input);
  const role = parseRoleArn(input.RoleArn);
  const duration = input.DurationSeconds ?? 3600;
  if (isSessionCaller(ctx.caller.arn) && duration > 3600) {
    throw new ServiceError('ValidationError', 'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.', 400);
  }
  if (input.ExternalId !== undefined) {
    constraints().length('externalId', input.ExternalId, 2, 1224).pattern('externalId', input.ExternalId, /^[\w+=,.@:/-]*$/, '[\\w+=,.@:\\/-]*').check('ValidationError');
  }
  return {
    ...(await assume(role, input.RoleSessionName, duration, ctx)),
    PackedPolicySize: packedPolicySize(input),
    SourceIdentity: input.SourceIdentity,
  };
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
  const role = parseRoleArn(input.RoleArn);
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
  return {
    ...(await assume(role, input.RoleSessionName, input.DurationSeconds ?? 3600, ctx)),
    SubjectFromWebIdentityToken: typeof claims.sub === 'string' ? claims.sub : undefined,
    Audience: aud ?? input.ProviderId,
    Provider: input.ProviderId ?? (iss ? iss.replace(/^https?:\/\//, '') : undefined),
    PackedPolicySize: packedPolicySize(input),
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
    .check('ValidationError');
  const role = parseRoleArn(input.RoleArn);
  const facts = samlFacts(input.SAMLAssertion);
  // The session is named by the assertion's RoleSessionName attribute, as in AWS.
  const sessionName = facts.sessionName ?? facts.subject;
  if (!sessionName || !/^[\w+=,.@-]{2,64}$/.test(sessionName)) {
    throw new ServiceError('InvalidIdentityToken', 'The SAML assertion has no valid https://aws.amazon.com/SAML/Attributes/RoleSessionName attribute', 400);
  }
  return {
    ...(await assume(role, sessionName, input.DurationSeconds ?? 3600, ctx)),
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
