// Parsing, validating and compiling a policy document, once: compilePolicy() caches by kind and text,
// so the authorize step pays for JSON.parse and pattern compilation only the first time a document is
// seen (DESIGN.md §8).
//
// Validation follows IAM's grammar ("IAM JSON policy element reference", "Grammar of the IAM JSON
// policy language") and gives IAM's MalformedPolicyDocument messages. AWS does not document those
// messages; the ones used here are the texts IAM returns as reported verbatim in public bug reports,
// checked in the order moto's reverse-engineered validator found IAM applies them:
//   "Syntax errors in policy."                 not JSON, wrong types, unknown elements, both X and NotX
//   "Policy document should not specify a principal."     Principal in an identity-like policy
//   "Missing required field Principal"         resource and trust policies without one (S3's wording too)
//   "Has prohibited field Resource"            a trust policy with Resource
//   "Policy document must be version 2012-10-17 or greater."   managed policies (requireCurrentVersion)
//   "The policy failed legacy parsing"         Effect not exactly Allow/Deny, bad dates, ARN shapes
//   "Statement IDs (SID) in a single policy must be unique."
//   "Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*"
//   "Policy statement must contain actions." / "Policy statement must contain resources."
//   'Resource X must be in ARN format or "*".', 'Partition "p" is not valid for resource "…".',
//   "IAM resource X cannot contain region information.", "Resource X can not contain region information." (S3)
//   "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.",
//   "Actions/Condition can contain only one colon.", "Vendor X is not valid"
//   'Invalid principal in policy: "AWS":"X"'
// Not known, so not checked: IAM's wording for an Id in an identity policy, for NotPrincipal with
// Allow, and Organizations' own messages for SCP-only rules (wildcards only at the end of actions).
import type { PolicyKind } from './types.ts';
import { compileActions, compileArnPattern, addAwsPrincipal, emptyPrincipalSpec, type Matcher, type PrincipalSpec } from './match.ts';
import { compileConditions, ConditionError, type CompiledCondition } from './conditions.ts';
import { compileTemplate, resolve, type ContextLookup } from './variables.ts';

/** A policy IAM would refuse; `message` is IAM's text. Each service wraps it in its own error code. */
export class MalformedPolicyError extends Error {
  readonly code = 'MalformedPolicyDocument';
  constructor(message: string) {
    super(message);
    this.name = 'MalformedPolicyError';
  }
}

export interface CompiledStatement {
  readonly index: number;
  readonly sid?: string;
  readonly effect: 'Allow' | 'Deny';
  readonly actions: Matcher;
  readonly notAction: boolean;
  /** Undefined when the statement has no Resource element (resource and trust policies): the attached resource. */
  readonly resources?: ResourceMatcher;
  readonly notResource: boolean;
  readonly principal?: PrincipalSpec;
  readonly notPrincipal: boolean;
  readonly conditions: readonly CompiledCondition[];
}

export interface ResourceMatcher {
  /** Whether any entry matches `resource`; entries with variables are resolved from the request. */
  test(resource: string, lookup: ContextLookup): boolean;
}

export interface CompiledPolicy {
  readonly kind: PolicyKind;
  readonly version?: '2012-10-17' | '2008-10-17';
  readonly id?: string;
  readonly statements: readonly CompiledStatement[];
}

export interface ParseOptions {
  /** CreatePolicy and CreatePolicyVersion: a managed policy must say Version 2012-10-17. */
  requireCurrentVersion?: boolean;
}

const TOP_LEVEL = new Set(['Version', 'Id', 'Statement']);
const STATEMENT_ELEMENTS = new Set(['Sid', 'Effect', 'Principal', 'NotPrincipal', 'Action', 'NotAction', 'Resource', 'NotResource', 'Condition']);
const PRINCIPAL_TYPES = new Set(['AWS', 'Service', 'Federated', 'CanonicalUser']);
/** Policies that belong to an identity (or limit one) and so name no principal. */
const PRINCIPAL_FORBIDDEN: ReadonlySet<PolicyKind> = new Set(['identity', 'boundary', 'session', 'scp']);
/** Policies IAM itself stores, whose Sids must be alphanumeric (other services allow more, e.g. spaces in S3). */
const IAM_STORED: ReadonlySet<PolicyKind> = new Set(['identity', 'boundary', 'trust']);
const IAM_RESOURCE_PREFIXES = ['user/', 'federated-user/', 'role/', 'group/', 'instance-profile/', 'mfa/', 'server-certificate/', 'policy/', 'sms-mfa/', 'saml-provider/', 'oidc-provider/', 'report/', 'access-report/'];

const SYNTAX = 'Syntax errors in policy.';
const LEGACY = 'The policy failed legacy parsing';

type Json = unknown;
type JsonObject = Record<string, Json>;

function isObject(v: Json): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isStringOrStrings(v: Json): v is string | string[] {
  return typeof v === 'string' || (Array.isArray(v) && v.every((x) => typeof x === 'string'));
}

function list(v: string | string[]): string[] {
  return typeof v === 'string' ? [v] : v;
}

/** Parses and validates `text` as a policy of `kind`; throws MalformedPolicyError with IAM's message. */
export function parsePolicy(text: string, kind: PolicyKind, options: ParseOptions = {}): CompiledPolicy {
  let doc: Json;
  if (nestedTooDeep(text)) throw new MalformedPolicyError(SYNTAX);
  try {
    doc = JSON.parse(text);
  } catch {
    throw new MalformedPolicyError(SYNTAX);
  }
  // 1. Shape: every element where it belongs and of the type the grammar gives it.
  if (!isObject(doc) || Object.keys(doc).some((k) => !TOP_LEVEL.has(k))) throw new MalformedPolicyError(SYNTAX);
  const version = doc.Version;
  if (version !== undefined && version !== '2012-10-17' && version !== '2008-10-17') throw new MalformedPolicyError(SYNTAX);
  if (doc.Id !== undefined && typeof doc.Id !== 'string') throw new MalformedPolicyError(SYNTAX);
  const raw = doc.Statement;
  const statements: Json[] = Array.isArray(raw) ? raw : isObject(raw) ? [raw] : [];
  if (statements.length === 0) throw new MalformedPolicyError(SYNTAX);
  const variables = version === '2012-10-17';
  let legacy = false;
  const conditions: CompiledCondition[][] = [];
  for (const s of statements) {
    if (!isObject(s) || Object.keys(s).some((k) => !STATEMENT_ELEMENTS.has(k))) throw new MalformedPolicyError(SYNTAX);
    if ((s.Action !== undefined && s.NotAction !== undefined) || (s.Resource !== undefined && s.NotResource !== undefined)) throw new MalformedPolicyError(SYNTAX);
    if (s.Principal !== undefined && s.NotPrincipal !== undefined) throw new MalformedPolicyError(SYNTAX);
    if (typeof s.Effect !== 'string' || !/^(allow|deny)$/i.test(s.Effect)) throw new MalformedPolicyError(SYNTAX);
    for (const k of ['Action', 'NotAction', 'Resource', 'NotResource'] as const) if (s[k] !== undefined && !isStringOrStrings(s[k])) throw new MalformedPolicyError(SYNTAX);
    for (const k of ['Principal', 'NotPrincipal'] as const) if (s[k] !== undefined && !validPrincipalShape(s[k])) throw new MalformedPolicyError(SYNTAX);
    if (s.Sid !== undefined && typeof s.Sid !== 'string') throw new MalformedPolicyError(SYNTAX);
    if (s.Condition !== undefined && !isObject(s.Condition)) throw new MalformedPolicyError(SYNTAX);
    try {
      conditions.push(s.Condition === undefined ? [] : compileConditions(s.Condition, variables));
    } catch (e) {
      if (!(e instanceof ConditionError)) throw e;
      if (e.kind === 'syntax') throw new MalformedPolicyError(SYNTAX);
      legacy = true;
      conditions.push([]);
    }
  }
  const stmts = statements as JsonObject[];
  // 2. What this kind of policy may and must say about principals.
  for (const s of stmts) {
    const named = s.Principal !== undefined || s.NotPrincipal !== undefined;
    if (PRINCIPAL_FORBIDDEN.has(kind) && named) throw new MalformedPolicyError('Policy document should not specify a principal.');
    if ((kind === 'resource' || kind === 'trust') && !named) throw new MalformedPolicyError('Missing required field Principal');
    if (kind === 'trust' && (s.Resource !== undefined || s.NotResource !== undefined)) throw new MalformedPolicyError('Has prohibited field Resource');
  }
  if (options.requireCurrentVersion && version !== '2012-10-17') throw new MalformedPolicyError('Policy document must be version 2012-10-17 or greater.');
  // 3. IAM's legacy parser: case-sensitive Effect, dates it can read, ARN shapes it can split.
  for (const s of stmts) {
    if (s.Effect !== 'Allow' && s.Effect !== 'Deny') legacy = true;
    for (const k of ['Resource', 'NotResource'] as const) if (s[k] !== undefined && list(s[k] as string | string[]).some(failsLegacyArn)) legacy = true;
  }
  if (legacy) throw new MalformedPolicyError(LEGACY);
  // 4. Statement ids.
  const sids = new Set<string>();
  for (const s of stmts) {
    const sid = s.Sid as string | undefined;
    if (!sid) continue;
    if (sids.has(sid)) throw new MalformedPolicyError('Statement IDs (SID) in a single policy must be unique.');
    sids.add(sid);
  }
  if (IAM_STORED.has(kind) && stmts.some((s) => typeof s.Sid === 'string' && !/^[0-9A-Za-z]*$/.test(s.Sid))) {
    throw new MalformedPolicyError('Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*');
  }
  // 5. Required elements.
  for (const s of stmts) {
    const actions = (s.Action ?? s.NotAction) as string | string[] | undefined;
    if (actions === undefined || list(actions).length === 0) throw new MalformedPolicyError('Policy statement must contain actions.');
  }
  for (const s of stmts) {
    const resources = (s.Resource ?? s.NotResource) as string | string[] | undefined;
    // Resource and trust policies name their resource by being attached to it; an SCP without one is
    // taken as "*" (lenient: Organizations' rule and wording are not known here).
    if (kind === 'resource' || kind === 'trust' || kind === 'scp' || kind === 'rcp') continue;
    if (resources === undefined || list(resources).length === 0) throw new MalformedPolicyError('Policy statement must contain resources.');
  }
  // 6. The format of each resource, action and principal.
  for (const s of stmts) {
    for (const k of ['Resource', 'NotResource'] as const) {
      if (s[k] === undefined) continue;
      for (const r of list(s[k] as string | string[])) {
        const problem = resourceProblem(r);
        if (problem) throw new MalformedPolicyError(problem);
      }
    }
  }
  for (const s of stmts) {
    for (const a of list((s.Action ?? s.NotAction) as string | string[])) {
      const problem = actionProblem(a);
      if (problem) throw new MalformedPolicyError(problem);
    }
  }
  const compiled = stmts.map((s, index) => compileStatement(s, index, conditions[index], variables));
  return { kind, version: version as CompiledPolicy['version'], id: doc.Id as string | undefined, statements: compiled };
}

/**
 * No valid policy nests deeper than document > Statement > statement > Condition > operator > key >
 * values (7). Anything deeper is a syntax error anyway; finding it with one pass over the text spares
 * JSON.parse building a 100,000-level array (200 ms) from a hostile document.
 */
const MAX_DEPTH = 8;
function nestedTooDeep(text: string): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 || c === 123) {
      if (++depth > MAX_DEPTH) return true;
    } else if (c === 93 || c === 125) depth--;
  }
  return false;
}

function validPrincipalShape(p: Json): boolean {
  if (p === '*') return true;
  if (!isObject(p)) return false;
  return Object.entries(p).every(([k, v]) => PRINCIPAL_TYPES.has(k) && isStringOrStrings(v));
}

/** The shapes IAM's legacy parser cannot split: `::` without the five colons of an ARN, or no service. */
function failsLegacyArn(r: string): boolean {
  if (r === '*') return false;
  const colons = r.split(':').length - 1;
  if (colons < 5 && r.includes('::')) return true;
  return r.split(':')[2] === '';
}

function resourceProblem(r: string): string | undefined {
  if (r === '*') return undefined;
  const first = r.indexOf(':');
  if (first < 0) return `Resource ${r} must be in ARN format or "*".`;
  const afterScheme = r.slice(first + 1);
  const second = afterScheme.indexOf(':');
  const partition = second < 0 ? afterScheme : afterScheme.slice(0, second);
  if (partition !== 'aws' && partition !== '*') {
    const rest = second < 0 ? [''] : afterScheme.slice(second + 1).split(':');
    const a1 = rest[0] !== '' || rest.length > 1 ? rest[0] : '*';
    const [a2 = '*', a3 = '*'] = [rest[1], rest[2]];
    const a4 = rest.length > 3 ? rest.slice(3).join(':') : '*';
    return `Partition "${partition}" is not valid for resource "arn:${partition}:${a1}:${a2}:${a3}:${a4}".`;
  }
  if (second < 0) return 'Resource vendor must be fully qualified and cannot contain regexes.';
  const segments = r.split(':');
  const [, , service, region = ''] = segments;
  if (service === 'iam' && region !== '') return `IAM resource ${r} cannot contain region information.`;
  if (service === 's3' && region !== '') return `Resource ${r} can not contain region information.`;
  if (service === 'iam' && segments.length >= 6) {
    const path = segments.slice(5).join(':');
    if (path !== '*' && !IAM_RESOURCE_PREFIXES.some((p) => path.startsWith(p))) return `IAM resource path must either be "*" or start with ${IAM_RESOURCE_PREFIXES.join(', ')}.`;
  }
  return undefined;
}

function actionProblem(a: string): string | undefined {
  if (a === '*') return undefined;
  const parts = a.split(':');
  if (parts.length === 1) return 'Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.';
  if (parts.length > 2) return 'Actions/Condition can contain only one colon.';
  if (/[*?]/.test(parts[0])) return 'Action vendors (e.g., aws, ec2, etc.) must not contain wildcards';
  if (/[^a-zA-Z0-9\-.]/.test(parts[0])) return `Vendor ${parts[0]} is not valid`;
  return undefined;
}

function compilePrincipal(p: Json): PrincipalSpec {
  const spec = emptyPrincipalSpec();
  if (p === '*') return (spec.everyone = true), spec;
  for (const [type, values] of Object.entries(p as JsonObject)) {
    for (const v of list(values as string | string[])) {
      if (type === 'AWS') {
        if (!addAwsPrincipal(spec, v)) throw new MalformedPolicyError(`Invalid principal in policy: "AWS":"${v}"`);
      } else if (type === 'Service') spec.services.add(v);
      else if (type === 'Federated') spec.federated.add(v);
      else spec.canonical.add(v);
    }
  }
  return spec;
}

function compileStatement(s: JsonObject, index: number, conditions: CompiledCondition[], variables: boolean): CompiledStatement {
  const notAction = s.Action === undefined;
  const notResource = s.Resource === undefined && s.NotResource !== undefined;
  const resourceList = (s.Resource ?? s.NotResource) as string | string[] | undefined;
  const notPrincipal = s.NotPrincipal !== undefined;
  const principalElement = s.Principal ?? s.NotPrincipal;
  return {
    index,
    sid: s.Sid as string | undefined,
    effect: s.Effect as 'Allow' | 'Deny',
    actions: compileActions(list((s.Action ?? s.NotAction) as string | string[])),
    notAction,
    resources: resourceList === undefined ? undefined : compileResources(list(resourceList), variables),
    notResource,
    principal: principalElement === undefined ? undefined : compilePrincipal(principalElement),
    notPrincipal,
    conditions,
  };
}

/**
 * Resource entries. Variables are substituted only in the resource part, after the fifth colon
 * ("You can't use a variable to replace parts of the ARN before the fifth colon"); elsewhere the text is
 * literal. An entry whose variable has no value matches nothing.
 */
function compileResources(entries: string[], variables: boolean): ResourceMatcher {
  const fixed: Matcher[] = [];
  const templated: Array<(resource: string, lookup: ContextLookup) => boolean> = [];
  for (const entry of entries) {
    let at = -1;
    for (let i = 0; i < 5 && (at = entry.indexOf(':', at + 1)) >= 0; i++);
    const head = at < 0 ? entry : entry.slice(0, at + 1);
    const template = at < 0 ? undefined : compileTemplate(entry.slice(at + 1), variables);
    if (!template?.parts) {
      fixed.push(compileArnPattern(entry));
      continue;
    }
    let lastText: string | undefined;
    let last: Matcher | undefined;
    templated.push((resource, lookup) => {
      const tail = resolve(template, lookup, true);
      if (tail === undefined) return false;
      const text = head + tail;
      if (text !== lastText) (last = compileArnPattern(text)), (lastText = text);
      return last!.test(resource);
    });
  }
  return {
    test(resource, lookup) {
      for (const m of fixed) if (m.test(resource)) return true;
      for (const t of templated) if (t(resource, lookup)) return true;
      return false;
    },
  };
}

/** Compiled policies by kind and text; failures are remembered too, so a bad stored policy is not re-parsed per request. */
// One map per kind, keyed by the text itself: no key is built per call, and V8 keeps a string's hash
// on the string, so a document held by its owner hashes once.
// Bounded by entries and by characters per kind, oldest out first, so a client sending ever new
// documents cannot grow it without limit.
const caches = new Map<string, { entries: Map<string, CompiledPolicy | MalformedPolicyError>; chars: number }>();
const CACHE_ENTRIES = 4096;
const CACHE_CHARS = 8_000_000;

/** parsePolicy with a cache: the way the authorize step and the services should compile documents. */
export function compilePolicy(text: string, kind: PolicyKind, options: ParseOptions = {}): CompiledPolicy {
  const cacheKey = options.requireCurrentVersion ? `${kind}!` : kind;
  let cache = caches.get(cacheKey);
  if (!cache) caches.set(cacheKey, (cache = { entries: new Map(), chars: 0 }));
  let hit = cache.entries.get(text);
  if (hit === undefined) {
    try {
      hit = parsePolicy(text, kind, options);
    } catch (e) {
      if (!(e instanceof MalformedPolicyError)) throw e;
      hit = e;
    }
    while (cache.entries.size > 0 && (cache.entries.size >= CACHE_ENTRIES || cache.chars + text.length > CACHE_CHARS)) {
      const oldest = cache.entries.keys().next().value!;
      cache.entries.delete(oldest);
      cache.chars -= oldest.length;
    }
    cache.entries.set(text, hit);
    cache.chars += text.length;
  }
  if (hit instanceof MalformedPolicyError) throw hit;
  return hit;
}

/**
 * The condition keys a policy's Condition elements name, once each, as written (case-insensitively
 * unique): what IAM's GetContextKeysForCustomPolicy answers, and the keys SimulatePrincipalPolicy
 * reports as missing when the request context lacks them.
 */
export function contextKeys(policies: readonly CompiledPolicy[]): string[] {
  const seen = new Map<string, string>();
  for (const p of policies) for (const s of p.statements) for (const c of s.conditions) if (!seen.has(c.key)) seen.set(c.key, c.keyName);
  return [...seen.values()];
}

/** IAM's message for why `text` is not a valid policy of `kind`, or undefined when it is. */
export function validatePolicy(text: string, kind: PolicyKind, options: ParseOptions = {}): string | undefined {
  try {
    compilePolicy(text, kind, options);
    return undefined;
  } catch (e) {
    if (e instanceof MalformedPolicyError) return e.message;
    throw e;
  }
}
