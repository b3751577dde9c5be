// Code signing configs: stored and attached to functions (Fogbank does not verify signatures).
import { ec2Id } from '../../../../core/resources/ids.ts';
import type * as T from '../generated/types.ts';
import type { Ctx } from '../state.ts';
import { conflict, functionArn, invalidParameter, lambdaTime, notFound, validation } from '../names.ts';
import { makeMarker, readIndexMarker, unqualified } from './common.ts';
import { formatArn } from '../../../../core/resources/arn.ts';

interface StoredCsc {
  Description?: string;
  AllowedPublishers: T.AllowedPublishers;
  CodeSigningPolicies: T.CodeSigningPolicies;
  Tags?: Record<string, string>;
}

function arnOf(ctx: Ctx, id: string): string {
  return formatArn({ service: 'lambda', region: ctx.region, account: ctx.account, resource: `code-signing-config:${id}` });
}

function describe(ctx: Ctx, id: string, c: StoredCsc, modified: number): T.CodeSigningConfig {
  return {
    CodeSigningConfigId: id,
    CodeSigningConfigArn: arnOf(ctx, id),
    Description: c.Description ?? '',
    AllowedPublishers: c.AllowedPublishers,
    CodeSigningPolicies: c.CodeSigningPolicies,
    LastModified: lambdaTime(modified),
  };
}

function idOf(arn: string): string {
  const m = /^arn:(aws[a-zA-Z-]*)?:lambda:[a-z]{2}((-gov)|(-iso(b?)))?-[a-z]+-\d{1}:\d{12}:code-signing-config:(csc-[a-z0-9]{17})$/.exec(arn);
  if (!m) throw validation('codeSigningConfigArn', arn, 'Member must satisfy regular expression pattern: arn:(aws[a-zA-Z-]*)?:lambda:[a-z]{2}((-gov)|(-iso(b?)))?-[a-z]+-\\d{1}:\\d{12}:code-signing-config:csc-[a-z0-9]{17}');
  return m[6];
}

function checkPublishers(p: T.AllowedPublishers): void {
  if (!p.SigningProfileVersionArns?.length || p.SigningProfileVersionArns.length > 20) {
    throw validation('allowedPublishers.signingProfileVersionArns', String(p.SigningProfileVersionArns?.length ?? 0), 'Member must have length between 1 and 20');
  }
}

function checkPolicy(p: T.CodeSigningPolicies | undefined): T.CodeSigningPolicies {
  const v = p?.UntrustedArtifactOnDeployment ?? 'Warn';
  if (v !== 'Warn' && v !== 'Enforce') throw validation('codeSigningPolicies.untrustedArtifactOnDeployment', v, 'Member must satisfy enum value set: [Warn, Enforce]');
  return { UntrustedArtifactOnDeployment: v };
}

export function createCodeSigningConfig(input: T.CreateCodeSigningConfigRequest, ctx: Ctx): T.CreateCodeSigningConfigResponse {
  checkPublishers(input.AllowedPublishers);
  const id = ec2Id('csc');
  const c: StoredCsc = { Description: input.Description, AllowedPublishers: input.AllowedPublishers, CodeSigningPolicies: checkPolicy(input.CodeSigningPolicies), Tags: input.Tags };
  const now = ctx.clock.now();
  ctx.state.tables.putCodeSigningConfig(ctx.account, ctx.region, id, JSON.stringify(c), now);
  return { CodeSigningConfig: describe(ctx, id, c, now) };
}

function find(ctx: Ctx, arn: string): { id: string; c: StoredCsc; modified: number } {
  const id = idOf(arn);
  const row = ctx.state.tables.codeSigningConfig(ctx.account, ctx.region, id);
  if (!row) throw notFound(`The code signing configuration cannot be found. Check that the provided configuration is not deleted: ${arn}.`);
  return { id, c: JSON.parse(row.config) as StoredCsc, modified: row.modified_at };
}

export function getCodeSigningConfig(input: T.GetCodeSigningConfigRequest, ctx: Ctx): T.GetCodeSigningConfigResponse {
  const { id, c, modified } = find(ctx, input.CodeSigningConfigArn);
  return { CodeSigningConfig: describe(ctx, id, c, modified) };
}

export function updateCodeSigningConfig(input: T.UpdateCodeSigningConfigRequest, ctx: Ctx): T.UpdateCodeSigningConfigResponse {
  const { id, c } = find(ctx, input.CodeSigningConfigArn);
  if (input.AllowedPublishers) checkPublishers(input.AllowedPublishers);
  const updated: StoredCsc = {
    ...c,
    Description: input.Description ?? c.Description,
    AllowedPublishers: input.AllowedPublishers ?? c.AllowedPublishers,
    CodeSigningPolicies: input.CodeSigningPolicies ? checkPolicy(input.CodeSigningPolicies) : c.CodeSigningPolicies,
  };
  const now = ctx.clock.now();
  ctx.state.tables.putCodeSigningConfig(ctx.account, ctx.region, id, JSON.stringify(updated), now);
  return { CodeSigningConfig: describe(ctx, id, updated, now) };
}

export function deleteCodeSigningConfig(input: T.DeleteCodeSigningConfigRequest, ctx: Ctx): T.DeleteCodeSigningConfigResponse {
  const { id } = find(ctx, input.CodeSigningConfigArn);
  const t = ctx.state.tables;
  if (t.functionsWithCodeSigningConfig(arnOf(ctx, id)).length) {
    throw conflict('The code signing configuration cannot be deleted because it is used by one or more functions.');
  }
  t.deleteCodeSigningConfig(ctx.account, ctx.region, id);
  return {};
}

export function listCodeSigningConfigs(input: T.ListCodeSigningConfigsRequest, ctx: Ctx): T.ListCodeSigningConfigsResponse {
  const max = input.MaxItems ?? 50;
  const all = ctx.state.tables.codeSigningConfigs(ctx.account, ctx.region);
  const start = readIndexMarker(ctx, input.Marker);
  return {
    CodeSigningConfigs: all.slice(start, start + max).map((r) => describe(ctx, r.id, JSON.parse(r.config) as StoredCsc, r.modified_at)),
    NextMarker: start + max < all.length ? makeMarker(ctx, start + max) : undefined,
  };
}

export function putFunctionCodeSigningConfig(input: T.PutFunctionCodeSigningConfigRequest, ctx: Ctx): T.PutFunctionCodeSigningConfigResponse {
  const { fn } = unqualified(ctx, input.FunctionName);
  const { id } = find(ctx, input.CodeSigningConfigArn);
  ctx.state.tables.setFunction(fn.id, 'code_signing_config_arn', arnOf(ctx, id));
  return { CodeSigningConfigArn: arnOf(ctx, id), FunctionName: fn.name };
}

export function getFunctionCodeSigningConfig(input: T.GetFunctionCodeSigningConfigRequest, ctx: Ctx): T.GetFunctionCodeSigningConfigResponse {
  const { fn } = unqualified(ctx, input.FunctionName);
  return { CodeSigningConfigArn: fn.code_signing_config_arn ?? '', FunctionName: fn.name };
}

export function deleteFunctionCodeSigningConfig(input: T.DeleteFunctionCodeSigningConfigRequest, ctx: Ctx): void {
  const { fn } = unqualified(ctx, input.FunctionName);
  if (!fn.code_signing_config_arn) throw invalidParameter('The function does not have a code signing configuration.');
  ctx.state.tables.setFunction(fn.id, 'code_signing_config_arn', null);
}

export function listFunctionsByCodeSigningConfig(input: T.ListFunctionsByCodeSigningConfigRequest, ctx: Ctx): T.ListFunctionsByCodeSigningConfigResponse {
  const { id } = find(ctx, input.CodeSigningConfigArn);
  const fns = ctx.state.tables.functionsWithCodeSigningConfig(arnOf(ctx, id));
  const max = input.MaxItems ?? 50;
  const start = readIndexMarker(ctx, input.Marker);
  return {
    FunctionArns: fns.slice(start, start + max).map((f) => functionArn(f.account, f.region, f.name)),
    NextMarker: start + max < fns.length ? makeMarker(ctx, start + max) : undefined,
  };
}
