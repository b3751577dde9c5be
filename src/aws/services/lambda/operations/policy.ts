// Resource-based policies of functions (AddPermission / RemovePermission / GetPolicy, per qualifier)
// and of layer versions. Statements are kept as AWS writes them; enforcement comes with IAM later.
import type * as T from '../generated/types.ts';
import type { Ctx } from '../state.ts';
import type { FunctionRow } from '../store.ts';
import { conflict, functionArn, invalidParameter, isVersionNumber, layerArn, newRevision, notFound, parseFunctionName, parseLayerName, validation } from '../names.ts';
import { checkRevision, findFunction, scope } from './common.ts';
import { accountRootArn } from '../../../../core/resources/arn.ts';

const ACTION_RE = /^(lambda:[*]|lambda:[a-zA-Z]+|[*])$/;
const SID_RE = /^([a-zA-Z0-9-_.]+)$/;

function principalOf(p: string): unknown {
  if (p === '*') return '*';
  if (/^\d{12}$/.test(p)) return { AWS: accountRootArn(p) };
  if (p.startsWith('arn:')) return { AWS: p };
  return { Service: p };
}

/** The version row a policy qualifier refers to (its revision id moves with the policy). */
async function qualifierVersion(ctx: Ctx, fn: FunctionRow, qualifier: string | undefined): Promise<{ q: string; version: string }> {
  if (qualifier === undefined || qualifier === '$LATEST') return { q: qualifier ?? '', version: '$LATEST' };
  const t = ctx.state.tables;
  if (isVersionNumber(qualifier)) {
    if (!(await t.version(fn.id, qualifier))) throw notFound(`Function not found: ${functionArn(fn.account, fn.region, fn.name, qualifier)}`);
    return { q: qualifier, version: qualifier };
  }
  const alias = await t.alias(fn.id, qualifier);
  if (!alias) throw notFound(`Function not found: ${functionArn(fn.account, fn.region, fn.name, qualifier)}`);
  return { q: qualifier, version: alias.version };
}

/** The revision id of a version whose policy changed moves on. */
async function bumpRevision(ctx: Ctx, fn: FunctionRow, version: string): Promise<void> {
  await ctx.state.tables.setRevision(fn.id, version, newRevision());
}

/** The current revision id of a version a qualifier resolved to (deleted since: not found). */
async function revisionOf(ctx: Ctx, fn: FunctionRow, version: string): Promise<string> {
  const v = await ctx.state.tables.version(fn.id, version);
  if (!v) throw notFound(`Function not found: ${functionArn(fn.account, fn.region, fn.name, version === '$LATEST' ? undefined : version)}`);
  return v.revision_id;
}

export async function addPermission(input: T.AddPermissionRequest, ctx: Ctx): Promise<T.AddPermissionResponse> {
  const ref = parseFunctionName(input.FunctionName, scope(ctx), input.Qualifier);
  await findFunction(ctx, ref);
  if (!SID_RE.test(input.StatementId) || input.StatementId.length > 100) {
    throw validation('statementId', input.StatementId, 'Member must satisfy regular expression pattern: ([a-zA-Z0-9-_.]+)');
  }
  if (!ACTION_RE.test(input.Action)) throw validation('action', input.Action, 'Member must satisfy regular expression pattern: (lambda:[*]|lambda:[a-zA-Z]+|[*])');
  if (!/^[^\s]+$/.test(input.Principal)) throw validation('principal', input.Principal, 'Member must satisfy regular expression pattern: [^\\s]+');
  const t = ctx.state.tables;
  // From the revision check to the new revision, one unit: of two statements with one sid (or one
  // RevisionId), one is added.
  return await t.atomically(async () => {
    const fn = await findFunction(ctx, ref);
    const { q, version } = await qualifierVersion(ctx, fn, ref.qualifier);
    checkRevision(input.RevisionId, await revisionOf(ctx, fn, version));
    if ((await t.statements(fn.id, q)).some((s) => s.sid === input.StatementId)) {
      throw conflict('The statement id (sid) provided already exists. Please provide a new statement id, or remove the existing statement.');
    }
    const condition: Record<string, Record<string, unknown>> = {};
    const add = (op: string, key: string, value: unknown) => ((condition[op] ??= {})[key] = value);
    if (input.SourceAccount) add('StringEquals', 'AWS:SourceAccount', input.SourceAccount);
    if (input.PrincipalOrgID) add('StringEquals', 'aws:PrincipalOrgID', input.PrincipalOrgID);
    if (input.EventSourceToken) add('StringEquals', 'lambda:EventSourceToken', input.EventSourceToken);
    if (input.FunctionUrlAuthType) {
      if (input.FunctionUrlAuthType !== 'NONE' && input.FunctionUrlAuthType !== 'AWS_IAM') {
        throw validation('functionUrlAuthType', input.FunctionUrlAuthType, 'Member must satisfy enum value set: [NONE, AWS_IAM]');
      }
      add('StringEquals', 'lambda:FunctionUrlAuthType', input.FunctionUrlAuthType);
    }
    if (input.InvokedViaFunctionUrl) add('Bool', 'lambda:InvokedViaFunctionUrl', 'true');
    if (input.SourceArn) add('ArnLike', 'AWS:SourceArn', input.SourceArn);
    const statement: Record<string, unknown> = {
      Sid: input.StatementId,
      Effect: 'Allow',
      Principal: principalOf(input.Principal),
      Action: input.Action,
      Resource: functionArn(fn.account, fn.region, fn.name, q || undefined),
    };
    if (Object.keys(condition).length) statement.Condition = condition;
    const text = JSON.stringify(statement);
    await t.putStatement(fn.id, q, input.StatementId, text);
    await bumpRevision(ctx, fn, version);
    return { Statement: text };
  });
}

export async function removePermission(input: T.RemovePermissionRequest, ctx: Ctx): Promise<void> {
  const ref = parseFunctionName(input.FunctionName, scope(ctx), input.Qualifier);
  const t = ctx.state.tables;
  await t.atomically(async () => {
    const fn = await findFunction(ctx, ref);
    const { q, version } = await qualifierVersion(ctx, fn, ref.qualifier);
    checkRevision(input.RevisionId, await revisionOf(ctx, fn, version));
    if (!(await t.deleteStatement(fn.id, q, input.StatementId))) throw notFound('Statement sid is not found in resource policy.');
    await bumpRevision(ctx, fn, version);
  });
}

export async function getPolicy(input: T.GetPolicyRequest, ctx: Ctx): Promise<T.GetPolicyResponse> {
  const ref = parseFunctionName(input.FunctionName, scope(ctx), input.Qualifier);
  const fn = await findFunction(ctx, ref);
  const { q, version } = await qualifierVersion(ctx, fn, ref.qualifier);
  const t = ctx.state.tables;
  const statements = await t.statements(fn.id, q);
  if (statements.length === 0) throw notFound('The resource you requested does not exist.');
  return {
    Policy: JSON.stringify({ Version: '2012-10-17', Id: 'default', Statement: statements.map((s) => JSON.parse(s.statement)) }),
    RevisionId: await revisionOf(ctx, fn, version),
  };
}

/** The statements of a function's policy (for the qualifier invoked, else unqualified), for callers that check them. */
export async function policyStatements(ctx: Ctx, fn: FunctionRow, qualifier: string | undefined): Promise<Array<Record<string, unknown>>> {
  return (await ctx.state.tables.statementsFor(fn.id, qualifier)).map((s) => JSON.parse(s.statement) as Record<string, unknown>);
}

// ---- layer version policies

async function findLayer(ctx: Ctx, name: string, version: number) {
  const { account, region, name: layer } = parseLayerName(name, scope(ctx));
  const row = await ctx.state.tables.layer(account, region, layer, version);
  if (!row) throw notFound('The resource you requested does not exist.');
  return row;
}

export async function addLayerVersionPermission(input: T.AddLayerVersionPermissionRequest, ctx: Ctx): Promise<T.AddLayerVersionPermissionResponse> {
  const l = await findLayer(ctx, input.LayerName, input.VersionNumber);
  if (!SID_RE.test(input.StatementId)) throw validation('statementId', input.StatementId, 'Member must satisfy regular expression pattern: ([a-zA-Z0-9-_]+)');
  if (input.Action !== 'lambda:GetLayerVersion') throw validation('action', input.Action, 'Member must satisfy regular expression pattern: lambda:GetLayerVersion');
  if (!/^(\d{12}|\*|arn:(aws[a-zA-Z-]*):iam::\d{12}:root)$/.test(input.Principal)) {
    throw validation('principal', input.Principal, 'Member must satisfy regular expression pattern: \\d{12}|\\*|arn:(aws[a-zA-Z-]*):iam::\\d{12}:root');
  }
  if (input.OrganizationId && input.Principal !== '*') throw invalidParameter('OrganizationId can only be specified with Principal *.');
  const t = ctx.state.tables;
  const statement: Record<string, unknown> = {
    Sid: input.StatementId,
    Effect: 'Allow',
    Principal: input.Principal === '*' ? '*' : { AWS: input.Principal.startsWith('arn:') ? input.Principal : accountRootArn(input.Principal) },
    Action: input.Action,
    Resource: layerArn(l.account, l.region, l.name, l.version),
  };
  if (input.OrganizationId) statement.Condition = { StringEquals: { 'aws:PrincipalOrgID': input.OrganizationId } };
  const text = JSON.stringify(statement);
  // The sid check, the insert and the policy's new revision in one unit: of two statements with one sid, one is added.
  const statements = await t.atomically(async () => {
    if (!(await t.layer(l.account, l.region, l.name, l.version))) throw notFound('The resource you requested does not exist.');
    if ((await t.layerStatements(l.account, l.region, l.name, l.version)).some((s) => s.sid === input.StatementId)) {
      throw conflict('The statement id (sid) provided already exists. Please provide a new statement id, or remove the existing statement.');
    }
    await t.putLayerStatement(l.account, l.region, l.name, l.version, input.StatementId, text);
    return await t.layerStatements(l.account, l.region, l.name, l.version);
  });
  return { Statement: text, RevisionId: layerRevision(statements) };
}

export async function removeLayerVersionPermission(input: T.RemoveLayerVersionPermissionRequest, ctx: Ctx): Promise<void> {
  const l = await findLayer(ctx, input.LayerName, input.VersionNumber);
  if (!await ctx.state.tables.deleteLayerStatement(l.account, l.region, l.name, l.version, input.StatementId)) {
    throw notFound('Statement sid is not found in resource policy.');
  }
}

export async function getLayerVersionPolicy(input: T.GetLayerVersionPolicyRequest, ctx: Ctx): Promise<T.GetLayerVersionPolicyResponse> {
  const l = await findLayer(ctx, input.LayerName, input.VersionNumber);
  const statements = await ctx.state.tables.layerStatements(l.account, l.region, l.name, l.version);
  if (statements.length === 0) throw notFound('No policy is associated with the given resource.');
  return {
    Policy: JSON.stringify({ Version: '2012-10-17', Id: 'default', Statement: statements.map((s) => JSON.parse(s.statement)) }),
    RevisionId: layerRevision(statements),
  };
}

function layerRevision(statements: Array<{ statement: string }>): string {
  let h = 0;
  for (const s of statements) for (let i = 0; i < s.statement.length; i++) h = (Math.imul(h, 31) + s.statement.charCodeAt(i)) | 0;
  const hex = (h >>> 0).toString(16).padStart(8, '0');
  return `${hex}-${hex.slice(0, 4)}-4${hex.slice(1, 4)}-8${hex.slice(0, 3)}-${hex}${hex.slice(0, 4)}`;
}
