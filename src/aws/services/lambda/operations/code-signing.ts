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

export async function createCodeSigningConfig(input: T.CreateCodeSigningConfigRequest, ctx: Ctx): Promise<T.CreateCodeSigningConfigResponse> {
  checkPublishers(input.AllowedPublishers);
  const id = ec2Id('csc');
  const c: StoredCsc = { Description: input.Description, AllowedPublishers: input.AllowedPublishers, CodeSigningPolicies: checkPolicy(input.CodeSigningPolicies), Tags: input.Tags };
  const now = ctx.clock.now();
  await ctx.state.tables.putCodeSigningConfig(ctx.account, ctx.region, id, JSON.stringify(c), now);
  return { CodeSigningConfig: describe(ctx, id, c, now) };
}

async function find(ctx: Ctx, arn: string): Promise<{ id: string; c: StoredCsc; modified: number }> {
  const id = idOf(arn);
  const row = await ctx.state.tables.codeSigningConfig(ctx.account, ctx.region, id);
  if (!row) throw notFound(`The code signing configuration cannot be found. Check that the provided configuration is not deleted: ${arn}.`);
  return { id, c: JSON.parse(row.config) as StoredCsc, modified: row.modified_at };
}

export async function getCodeSigningConfig(input: T.GetCodeSigningConfigRequest, ctx: Ctx): Promise<T.GetCodeSigningConfigResponse> {
  const { id, c, modified } = await find(ctx, input.CodeSigningConfigArn);
  return { CodeSigningConfig: describe(ctx, id, c, modified) };
}

export async function updateCodeSigningConfig(input: T.UpdateCodeSigningConfigRequest, ctx: Ctx): Promise<T.UpdateCodeSigningConfigResponse> {
  // Read, merge and write in one unit: concurrent updates of different members lose neither (nor the tags).
  return await ctx.state.tables.atomically(async () => {
    const { id, c } = await find(ctx, input.CodeSigningConfigArn);
    if (input.AllowedPublishers) checkPublishers(input.AllowedPublishers);
    const updated: StoredCsc = {
      ...c,
      Description: input.Description ?? c.Description,
      AllowedPublishers: input.AllowedPublishers ?? c.AllowedPublishers,
      CodeSigningPolicies: input.CodeSigningPolicies ? checkPolicy(input.CodeSigningPolicies) : c.CodeSigningPolicies,
    };
    const now = ctx.clock.now();
    await ctx.state.tables.putCodeSigningConfig(ctx.account, ctx.region, id, JSON.stringify(updated), now);
    return { CodeSigningConfig: describe(ctx, id, updated, now) };
  });
}

export async function deleteCodeSigningConfig(input: T.DeleteCodeSigningConfigRequest, ctx: Ctx): Promise<T.DeleteCodeSigningConfigResponse> {
  const t = ctx.state.tables;
  // Its users are counted and it is deleted in one unit: no function comes to use it in between.
  return await t.atomically(async () => {
    const { id } = await find(ctx, input.CodeSigningConfigArn);
    if ((await t.functionsWithCodeSigningConfig(arnOf(ctx, id))).length) {
      throw conflict('The code signing configuration cannot be deleted because it is used by one or more functions.');
    }
    await t.deleteCodeSigningConfig(ctx.account, ctx.region, id);
    return {};
  });
}

export async function listCodeSigningConfigs(input: T.ListCodeSigningConfigsRequest, ctx: Ctx): Promise<T.ListCodeSigningConfigsResponse> {
  const max = input.MaxItems ?? 50;
  const all = await ctx.state.tables.codeSigningConfigs(ctx.account, ctx.region);
  const start = await readIndexMarker(ctx, input.Marker);
  return {
    CodeSigningConfigs: all.slice(start, start + max).map((r) => describe(ctx, r.id, JSON.parse(r.config) as StoredCsc, r.modified_at)),
    NextMarker: start + max < all.length ? await makeMarker(ctx, start + max) : undefined,
  };
}

export async function putFunctionCodeSigningConfig(input: T.PutFunctionCodeSigningConfigRequest, ctx: Ctx): Promise<T.PutFunctionCodeSigningConfigResponse> {
  // The config is found and attached in one unit: a delete between would leave the function naming none.
  return await ctx.state.tables.atomically(async () => {
    const { fn } = await unqualified(ctx, input.FunctionName);
    const { id } = await find(ctx, input.CodeSigningConfigArn);
    await ctx.state.tables.setFunction(fn.id, 'code_signing_config_arn', arnOf(ctx, id));
    return { CodeSigningConfigArn: arnOf(ctx, id), FunctionName: fn.name };
  });
}

export async function getFunctionCodeSigningConfig(input: T.GetFunctionCodeSigningConfigRequest, ctx: Ctx): Promise<T.GetFunctionCodeSigningConfigResponse> {
  const { fn } = await unqualified(ctx, input.FunctionName);
  return { CodeSigningConfigArn: fn.code_signing_config_arn ?? '', FunctionName: fn.name };
}

export async function deleteFunctionCodeSigningConfig(input: T.DeleteFunctionCodeSigningConfigRequest, ctx: Ctx): Promise<void> {
  const { fn } = await unqualified(ctx, input.FunctionName);
  if (!fn.code_signing_config_arn) throw invalidParameter('The function does not have a code signing configuration.');
  await ctx.state.tables.setFunction(fn.id, 'code_signing_config_arn', null);
}

export async function listFunctionsByCodeSigningConfig(input: T.ListFunctionsByCodeSigningConfigRequest, ctx: Ctx): Promise<T.ListFunctionsByCodeSigningConfigResponse> {
  const { id } = await find(ctx, input.CodeSigningConfigArn);
  const fns = await ctx.state.tables.functionsWithCodeSigningConfig(arnOf(ctx, id));
  const max = input.MaxItems ?? 50;
  const start = await readIndexMarker(ctx, input.Marker);
  return {
    FunctionArns: fns.slice(start, start + max).map((f) => functionArn(f.account, f.region, f.name)),
    NextMarker: start + max < fns.length ? await makeMarker(ctx, start + max) : undefined,
  };
}
