// SimulateCustomPolicy and SimulatePrincipalPolicy: the policy engine (src/core/iam) answers, for
// every action and resource asked about, what the chain's authorize step would decide: the policies
// given (and, for a principal, its inline and customer managed policies, its groups' for a user, and
// its permissions boundary), an optional resource policy, and the context entries supplied.
// AWS managed policies take part with their real documents (aws-managed.ts). Not modelled: statement
// positions (StartPosition/EndPosition) and SCPs (Organizations is not in Fogbank).
import type {
  SimulateCustomPolicyRequest, SimulateCustomPolicyResponse, SimulatePrincipalPolicyRequest,
} from '../generated/types.ts';
import {
  compilePolicy, contextKeys, evaluate, MalformedPolicyError, simulationDecision, type CompiledPolicy, type ContextValue, type PolicyKind,
  type PolicyRef, type RequestPrincipal,
} from '../../../../core/iam/index.ts';
import { invalidInput } from '../errors.ts';
import { page } from '../paging.ts';
import { entityArn } from '../shapes.ts';
import type { Ctx, EntityRow } from '../store.ts';
import { defaultVersionOf } from '../aws-managed.ts';
import { identityPolicies, principalNamed } from '../principal-policies.ts';

type Input = SimulateCustomPolicyRequest | SimulatePrincipalPolicyRequest;

/** A policy taking part, with the id and type IAM reports in MatchedStatements. */
interface Source {
  ref: PolicyRef;
  sourceId: string;
  sourceType: string;
}

function compile(text: string, kind: PolicyKind): CompiledPolicy {
  try {
    return compilePolicy(text, kind);
  } catch (e) {
    if (e instanceof MalformedPolicyError) throw invalidInput(e.message);
    throw e;
  }
}

function given(list: readonly string[] | undefined, name: string, kind: PolicyKind): Source[] {
  return (list ?? []).map((text, i) => {
    const id = `${name}.${i + 1}`;
    return { ref: { id, policy: compile(text, kind) }, sourceId: id, sourceType: 'IAM Policy' };
  });
}

/** ContextEntries typed as IAM's ContextKeyType says: lists stay lists, numbers and booleans convert. */
function contextOf(input: Input): Record<string, ContextValue> {
  const out: Record<string, ContextValue> = {};
  for (const e of input.ContextEntries ?? []) {
    if (!e.ContextKeyName) continue;
    const type = (e.ContextKeyType ?? 'string').toLowerCase();
    const values = e.ContextKeyValues ?? [];
    const convert = (v: string): string | number | boolean =>
      type.startsWith('numeric') ? Number(v) : type.startsWith('boolean') ? v.toLowerCase() === 'true' : v;
    out[e.ContextKeyName] = type.endsWith('list') ? values.map(convert) : values.length ? convert(values[0]) : '';
  }
  return out;
}

/** A principal's identity policies (its groups' too), as Sources. */
async function policiesOf(ctx: Ctx, entity: EntityRow): Promise<Source[]> {
  return (await identityPolicies(ctx, entity)).map((p) => ({
    ref: { id: p.arn ?? `inline:${p.owner.name}/${p.name}`, policy: compile(p.document, 'identity') },
    sourceId: p.name,
    sourceType: p.arn === undefined ? p.owner.kind : p.aws ? 'aws-managed' : 'user-managed',
  }));
}

async function boundaryOf(ctx: Ctx, entity: EntityRow): Promise<Source | undefined> {
  if (!entity.boundary) return undefined;
  const v = await defaultVersionOf(ctx, entity.boundary);
  if (!v) return undefined;
  return { ref: { id: entity.boundary, policy: compile(v.document, 'boundary') }, sourceId: v.name, sourceType: 'permissions-boundary' };
}

interface Subject {
  principal: RequestPrincipal;
  identity: Source[];
  boundary?: Source;
}

async function simulate(ctx: Ctx, input: Input, subject: Subject) {
  const resourcePolicy = input.ResourcePolicy === undefined
    ? undefined
    : { ref: { id: 'ResourcePolicy', policy: compile(input.ResourcePolicy, 'resource') }, sourceId: 'ResourcePolicy', sourceType: 'resource' };
  const sources = [...subject.identity, ...(subject.boundary ? [subject.boundary] : []), ...(resourcePolicy ? [resourcePolicy] : [])];
  const byId = new Map(sources.map((s) => [s.ref.id, s]));
  const context = contextOf(input);
  const supplied = new Set(Object.keys(context).map((k) => k.toLowerCase()));
  const missing = contextKeys(sources.map((s) => s.ref.policy)).filter((k) => !supplied.has(k.toLowerCase()));
  const resourceOwner = input.ResourceOwner?.match(/^arn:aws[a-z-]*:iam::(\d{12}):root$/)?.[1] ?? input.ResourceOwner;

  const results = [];
  for (const action of input.ActionNames) {
    for (const resource of input.ResourceArns?.length ? input.ResourceArns : ['*']) {
      const decision = evaluate({
        principal: subject.principal,
        action,
        resource,
        resourceAccount: resourceOwner,
        context,
        identityPolicies: subject.identity.map((s) => s.ref),
        boundary: subject.boundary?.ref,
        resourcePolicies: resourcePolicy ? [resourcePolicy.ref] : undefined,
      });
      results.push({
        EvalActionName: action,
        EvalResourceName: resource,
        EvalDecision: simulationDecision(decision),
        MatchedStatements: decision.matched.map((m) => ({ SourcePolicyId: byId.get(m.policyId)?.sourceId ?? m.policyId, SourcePolicyType: byId.get(m.policyId)?.sourceType ?? 'none' })),
        MissingContextValues: missing,
        PermissionsBoundaryDecisionDetail: subject.boundary ? { AllowedByPermissionsBoundary: decision.deniedBy !== 'boundary' } : undefined,
        EvalDecisionDetails: resourcePolicy ? { [resourcePolicy.sourceId]: simulationDecision(decision) } : undefined,
      });
    }
  }
  const p = await page(ctx, results.map((r, i) => ({ r, i })), (e) => String(e.i).padStart(8, '0'), input);
  return { EvaluationResults: p.items.map((e) => e.r), IsTruncated: p.IsTruncated, Marker: p.Marker };
}

export async function simulateCustomPolicy(input: SimulateCustomPolicyRequest, ctx: Ctx): Promise<SimulateCustomPolicyResponse> {
  const boundary = given(input.PermissionsBoundaryPolicyInputList, 'PermissionsBoundaryPolicyInputList', 'boundary')[0];
  // Without CallerArn, IAM simulates an IAM user of the caller's account.
  const arn = input.CallerArn ?? `arn:aws:iam::${ctx.account}:user/SimulatedUser`;
  return await simulate(ctx, input, {
    principal: { type: 'user', arn, account: ctx.account, hasBoundary: boundary !== undefined },
    identity: given(input.PolicyInputList, 'PolicyInputList', 'identity'),
    boundary,
  });
}

export async function simulatePrincipalPolicy(input: SimulatePrincipalPolicyRequest, ctx: Ctx): Promise<SimulateCustomPolicyResponse> {
  const entity = await principalNamed(ctx, input.PolicySourceArn, (arn) => invalidInput(`Invalid ARN ${arn}.`));
  const identity = await policiesOf(ctx, entity);
  identity.push(...given(input.PolicyInputList, 'PolicyInputList', 'identity'));
  const boundary = given(input.PermissionsBoundaryPolicyInputList, 'PermissionsBoundaryPolicyInputList', 'boundary')[0] ?? (await boundaryOf(ctx, entity));
  const arn = entityArn(entity);
  const principal: RequestPrincipal = entity.kind === 'role'
    ? { type: 'role-session', arn: `arn:aws:sts::${ctx.account}:assumed-role/${entity.name}/SimulatedSession`, roleArn: arn, account: ctx.account, uniqueIds: [entity.id], hasBoundary: boundary !== undefined }
    : { type: 'user', arn: entity.kind === 'user' ? (input.CallerArn ?? arn) : (input.CallerArn ?? `arn:aws:iam::${ctx.account}:user/SimulatedUser`), account: ctx.account, uniqueIds: [entity.id], hasBoundary: boundary !== undefined };
  return await simulate(ctx, input, { principal, identity, boundary });
}
