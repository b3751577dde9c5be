// Matching the three things a statement names: actions, resources (ARNs) and principals.
// - Actions compare case-insensitively, with `*` and `?` wildcards (IAM User Guide, "Action").
// - ARNs match segment by segment: a wildcard stays inside its colon-delimited segment, except in the
//   resource part (after the fifth colon), which is one segment that may itself hold colons
//   ("Using wildcards in resource ARNs"; ArnLike: "each of the six colon-delimited components … is
//   checked separately"). Case-sensitive.
// - Principals are never wildcards except the lone `*` ("You cannot use a wildcard to match part of a
//   principal name or ARN"): sets of exact names, so matching one costs a few hash lookups.
// Wildcards use the linear matcher of src/core/wildcard.ts: no pattern can make a request slow.
import { compileWildcard, type Wildcard } from '../wildcard.ts';
import { LITERAL_QUESTION, LITERAL_STAR, literalInPattern } from './variables.ts';
import type { RequestPrincipal } from './types.ts';

export interface Matcher {
  test(value: string): boolean;
}

const ALWAYS: Matcher = { test: () => true };
const NEVER: Matcher = { test: () => false };

function hasWildcard(text: string): boolean {
  return text.includes('*') || text.includes('?');
}

/** A wildcard pattern (`*`, `?`); a pattern holding literal stand-ins (variables.ts) is matched against the value with its `*`/`?` made literal too. */
export function compilePattern(pattern: string): Matcher {
  if (pattern === '*') return ALWAYS;
  const literals = pattern.includes(LITERAL_STAR) || pattern.includes(LITERAL_QUESTION);
  if (!hasWildcard(pattern)) return literals ? { test: (v) => literalInPattern(v) === pattern } : { test: (v) => v === pattern };
  const w: Wildcard = compileWildcard(pattern, { anyChar: true });
  return literals ? { test: (v) => w.test(literalInPattern(v)) } : w;
}

/** Action patterns of one statement, lower-cased: exact names in a set, wildcards tried one by one. */
export function compileActions(patterns: readonly string[]): Matcher {
  const exact = new Set<string>();
  const wild: Matcher[] = [];
  for (const p of patterns) {
    const lower = p.toLowerCase();
    if (lower === '*') return ALWAYS;
    if (hasWildcard(lower)) wild.push(compileWildcard(lower, { anyChar: true }));
    else exact.add(lower);
  }
  if (wild.length === 0) return exact.size ? { test: (a) => exact.has(a) } : NEVER;
  return { test: (a) => exact.has(a) || wild.some((w) => w.test(a)) };
}

/** `arn:partition:service:region:account:resource`: the five first segments and the resource part (which may contain colons). */
export function splitArn(value: string): string[] {
  const out: string[] = [];
  let at = 0;
  for (let i = 0; i < 5; i++) {
    const colon = value.indexOf(':', at);
    if (colon < 0) break;
    out.push(value.slice(at, colon));
    at = colon + 1;
  }
  out.push(value.slice(at));
  return out;
}

/**
 * An ARN pattern (Resource/NotResource entries, Arn* condition values). A pattern with fewer than six
 * segments (`arn:aws:codebuild:*`) lets its last segment cover the rest of the value.
 */
export function compileArnPattern(pattern: string): Matcher {
  if (pattern === '*') return ALWAYS;
  if (!hasWildcard(pattern)) {
    const literals = pattern.includes(LITERAL_STAR) || pattern.includes(LITERAL_QUESTION);
    return literals ? { test: (v) => literalInPattern(v) === pattern } : { test: (v) => v === pattern };
  }
  // The usual pattern (`arn:aws:s3:::bucket/*`) has its first wildcard in the resource part: the five
  // segments before it are literal, so one wildcard over the whole text means the same thing.
  let fifthColon = -1;
  for (let i = 0; i < 5 && (fifthColon = pattern.indexOf(':', fifthColon + 1)) >= 0; i++);
  if (fifthColon >= 0 && pattern.search(/[*?\uE000\uE001]/) > fifthColon) return compilePattern(pattern);
  // Otherwise each segment is `*` (anything up to the next colon), literal text (compared in place), or
  // a wildcard pattern (the only case that cuts the value).
  const segments = splitArn(pattern).map((seg): Matcher | string | null => (seg === '*' ? null : !hasWildcard(seg) && !seg.includes(LITERAL_STAR) && !seg.includes(LITERAL_QUESTION) ? seg : compilePattern(seg)));
  const n = segments.length;
  // The literal text before the first wildcard must begin the value: most patterns are rejected here.
  const prefix = pattern.slice(0, pattern.search(/[*?\uE000\uE001]/));
  return {
    test(value) {
      if (!value.startsWith(prefix)) return false;
      let at = 0;
      for (let i = 0; i < n; i++) {
        const last = i === n - 1;
        const end = last ? value.length : value.indexOf(':', at);
        if (end < 0) return false;
        const seg = segments[i];
        if (seg === null) {
          // `*` matches any segment; the last one takes the rest of the value.
        } else if (typeof seg === 'string') {
          if (end - at !== seg.length || !value.startsWith(seg, at)) return false;
        } else if (!seg.test(value.slice(at, end))) return false;
        at = end + 1;
      }
      return true;
    },
  };
}

/** How directly a statement's principal names the caller; the evaluation rules differ by level (evaluate.ts). Constants, not an enum (erasable syntax only). */
export const NO_MATCH = 0;
/** The statement names the caller's account (root ARN or account id): authority is delegated to it. */
export const ACCOUNT = 1;
/** The statement names the role a session comes from, or the IAM user a federated user comes from. */
export const ENTITY = 2;
/** The statement names the caller itself (user, session, service, provider) or everyone (`*`). */
export const DIRECT = 3;
export type MatchLevel = typeof NO_MATCH | typeof ACCOUNT | typeof ENTITY | typeof DIRECT;

export interface PrincipalSpec {
  everyone: boolean;
  accounts: Set<string>;
  /** IAM users, assumed-role sessions, federated users and unique ids, named exactly. */
  arns: Set<string>;
  roles: Set<string>;
  services: Set<string>;
  federated: Set<string>;
  canonical: Set<string>;
}

export function emptyPrincipalSpec(): PrincipalSpec {
  return { everyone: false, accounts: new Set(), arns: new Set(), roles: new Set(), services: new Set(), federated: new Set(), canonical: new Set() };
}

const ROOT_ARN = /^arn:aws:iam::(\d{12}):root$/;

/** Files one `"AWS"` value of a principal element into `spec`; false when it is not a principal AWS knows how to name. */
export function addAwsPrincipal(spec: PrincipalSpec, value: string): boolean {
  if (value === '*') return (spec.everyone = true);
  if (value.includes('*') || value.includes('?')) return false; // no partial wildcards in principals
  if (/^\d{12}$/.test(value)) return spec.accounts.add(value), true;
  const root = ROOT_ARN.exec(value);
  if (root) return spec.accounts.add(root[1]), true;
  if (/^arn:aws:iam::\d{12}:role\/./.test(value)) return spec.roles.add(value), true;
  if (/^arn:aws:iam::\d{12}:user\/./.test(value)) return spec.arns.add(value), true;
  if (/^arn:aws:sts::\d{12}:(assumed-role\/[^/]+\/.|federated-user\/.)/.test(value)) return spec.arns.add(value), true;
  // Unique ids: IAM keeps trust-policy principals as AIDA…/AROA… ids (IAM User Guide, "IAM role principals").
  if (/^A(IDA|ROA)[A-Z0-9]{8,}$/.test(value)) return spec.arns.add(value), true;
  return false;
}

/** The level at which `spec` names `p`. */
export function principalLevel(spec: PrincipalSpec, p: RequestPrincipal): MatchLevel {
  if (spec.everyone) return DIRECT;
  switch (p.type) {
    case 'anonymous':
      return NO_MATCH;
    case 'service':
      return spec.services.has(p.arn) ? DIRECT : NO_MATCH;
    case 'root':
      return p.account !== undefined && spec.accounts.has(p.account) ? DIRECT : NO_MATCH;
    default:
  }
  if (spec.arns.has(p.arn)) return DIRECT;
  if (p.federatedProvider !== undefined && spec.federated.has(p.federatedProvider)) return DIRECT;
  if (p.uniqueIds) for (const id of p.uniqueIds) if (spec.arns.has(id)) return p.type === 'role-session' ? ENTITY : DIRECT;
  if (p.roleArn !== undefined && spec.roles.has(p.roleArn)) return ENTITY;
  if (p.userArn !== undefined && spec.arns.has(p.userArn)) return ENTITY;
  if (p.account !== undefined && spec.accounts.has(p.account)) return ACCOUNT;
  if (p.canonicalUser !== undefined && spec.canonical.has(p.canonicalUser)) return ACCOUNT;
  return NO_MATCH;
}

/**
 * Whether a `NotPrincipal` statement applies to `p`. AWS checks each identity in the caller's chain —
 * account, then role or IAM user, then session — and the statement applies when any of them is not
 * named (IAM User Guide, "NotPrincipal": name the account and the role as well as the session, or the
 * whole account is denied). A user or role with a permissions boundary is always covered by a
 * NotPrincipal Deny, whatever it names ("Permissions boundaries for IAM entities", Important).
 */
export function notPrincipalApplies(spec: PrincipalSpec, p: RequestPrincipal): boolean {
  if (spec.everyone) return false;
  if (p.hasBoundary && (p.type === 'user' || p.type === 'role-session')) return true;
  switch (p.type) {
    case 'anonymous':
      return true;
    case 'service':
      return !spec.services.has(p.arn);
    case 'root':
      return p.account === undefined || !spec.accounts.has(p.account);
    default:
  }
  if (p.account !== undefined && !spec.accounts.has(p.account) && !(p.canonicalUser !== undefined && spec.canonical.has(p.canonicalUser))) return true;
  if (p.type === 'role-session' && p.roleArn !== undefined && !spec.roles.has(p.roleArn) && !p.uniqueIds?.some((id) => spec.arns.has(id))) return true;
  if (p.type === 'federated-user' && p.userArn !== undefined && !spec.arns.has(p.userArn)) return true;
  return !spec.arns.has(p.arn) && !(p.type === 'user' && p.uniqueIds?.some((id) => spec.arns.has(id)));
}
